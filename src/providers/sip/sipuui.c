/* UUI the network sent that the line cannot take (docs/sip.md "User-to-User"):
 * dropped whole, but not silently.  The call's LINECALLINFO DevSpecific text
 * says what was dropped, announced by LINE_CALLINFO(DEVSPECIFIC). */
#include <stdio.h>

#include "sipint.h"

void sip_uui_dropped(struct ot_call *c, size_t bytes, DWORD limit)
{
    char text[96];
    snprintf(text, sizeof(text), OT_SIP_UUI_DROPPED_FMT, bytes, (unsigned)limit);
    ot_ev_call_cause(c, text);
    ot_ev_call_info(c, LINECALLINFOSTATE_DEVSPECIFIC);
}
