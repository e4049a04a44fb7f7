/* The SIP message trace (siptrace.c): OPENTAPI_SIP_TRACE and OPENTAPI_LOG=sip=trace. */
#ifndef OT_SIPTRACE_H
#define OT_SIPTRACE_H
#include <stdarg.h>
#include <stdbool.h>

#include "sipint.h"

/* At provider start, before the user agents exist: true when a trace is
 * wanted (then every nua_create gets TPTAG_LOG(1)). */
bool sip_trace_start(const struct sip_line *lines, unsigned n);
/* At provider stop, once no user agent is left. */
void sip_trace_stop(void);
/* Sofia's log output (one su_log piece): true when it was part of a message
 * dump and was taken for the trace (not to be printed as a log line). */
bool sip_trace_feed(const char *fmt, va_list ap);
#endif
