/* Dialing rules (dialing.c): the country table (countries.c), the [location]
 * sections of the configuration (location.c) and the translation state
 * shared by lineTranslateAddress & co. */
#ifndef OT_CORE_DIALING_H
#define OT_CORE_DIALING_H
#include <stdbool.h>
#include <stddef.h>
#include "tapi.h"

/* One country: its calling code and how numbers are dialed from it. */
struct ot_country {
    DWORD id;            /* LINECOUNTRYENTRY.dwCountryID */
    DWORD code;          /* E.164 calling code */
    const char *name;
    const char *trunk;   /* national (trunk) prefix, "" if none */
    const char *intl;    /* international prefix */
};
const struct ot_country *ot_country_by_id(DWORD id);
const struct ot_country *ot_country_by_code(DWORD code); /* the lowest ID with that code */
const struct ot_country *ot_country_at(size_t i);        /* in ID order; NULL past the end */
/* The three dialing rules of a country in Windows' notation (E country
 * code, F area code, G subscriber number), written to buf. */
void ot_country_rules(const struct ot_country *c, char same[8], char ld[16], char intl[24]);

#define OT_LOC_MAX 64
#define OT_TOLL_MAX 64
struct ot_location {
    DWORD id;
    char name[64];
    DWORD country_id;
    char area[16];
    char local_prefix[16];  /* outside line for local calls */
    char ld_prefix[16];     /* outside line for long-distance and international calls */
    char cancel_cw[16];     /* cancel call waiting */
    bool pulse;
    unsigned ntoll;
    char toll[OT_TOLL_MAX][8]; /* toll prefixes of the local area */
};
struct ot_locations {
    unsigned n;
    DWORD current;  /* id of the current location */
    struct ot_location loc[OT_LOC_MAX];
};
/* Parses the [location] sections of a configuration text.  Returns 0 and
 * *out (NULL when the text has none), or -1 with a message in err. */
int ot_loc_parse(const char *text, struct ot_locations **out, char *err, size_t errlen);
/* The same, keeping nothing: config.c's check of a configuration. */
int ot_loc_check(const char *text, char *err, size_t errlen);
#endif
