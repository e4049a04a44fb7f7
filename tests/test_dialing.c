/* Dialing rules through the public API: lineTranslateAddress,
 * lineGetTranslateCaps, lineSetCurrentLocation, lineSetTollList,
 * lineGetCountry, tapiGetLocationInfo, lineTranslateDialog, and the
 * [location] sections of the configuration. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"

/* Two locations: Redmond (current: country 1, area 425, 9 for an outside
 * line, 555 in the toll list is not set) and Berlin (49, area 30). Each
 * test gets its own text (the tag), so that the dialing state -- current
 * location, toll lists -- starts from the configuration. */
static void dial_config(const char *tag)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "# %s\n%s\n"
             "[location]\nname = Redmond\ncountry = 1\narea = 425\nlocal_prefix = 9\n"
             "long_distance_prefix = 9\ncancel_call_waiting = *70,\n"
             "[location]\nid = 7\nname = Berlin\ncountry = 49\narea = 30\npulse = yes\n",
             tag, otDefaultConfig());
    t_config(text);
}

typedef union {
    LINETRANSLATEOUTPUT to;
    unsigned char raw[sizeof(LINETRANSLATEOUTPUT) + 1024];
} tout;

static const char *str_at(const void *base, DWORD size, DWORD off)
{
    if (!size)
        return "";
    const char *s = (const char *)base + off;
    CHECK_EQ(s[size - 1], 0);
    CHECK_EQ(strlen(s) + 1, size);
    return s;
}

/* Translates with hLineApp h; checks the dialable string, the results and
 * the countries; the displayable string equals the dialable one. */
static void expect_tr_(HLINEAPP h, const char *in, DWORD opts, const char *dial, DWORD results,
                       DWORD cur, DWORD dest, const char *f, int l)
{
    tout u;
    memset(&u, 0, sizeof(u));
    u.to.dwTotalSize = sizeof(u);
    LONG rc = lineTranslateAddress(h, 0, T_API, in, 0, opts, &u.to);
    if (rc)
        ot_test_fail(f, l, "lineTranslateAddress(%s): %s", in, otErrorName(rc));
    const char *d = str_at(&u, u.to.dwDialableStringSize, u.to.dwDialableStringOffset);
    const char *s = str_at(&u, u.to.dwDisplayableStringSize, u.to.dwDisplayableStringOffset);
    if (strcmp(d, dial) || strcmp(s, dial))
        ot_test_fail(f, l, "%s: dialable \"%s\", displayable \"%s\", expected \"%s\"", in, d, s,
                     dial);
    if (u.to.dwTranslateResults != results || u.to.dwCurrentCountry != cur ||
        u.to.dwDestCountry != dest)
        ot_test_fail(f, l, "%s: results 0x%x current %u dest %u, expected 0x%x %u %u", in,
                     (unsigned)u.to.dwTranslateResults, (unsigned)u.to.dwCurrentCountry,
                     (unsigned)u.to.dwDestCountry, (unsigned)results, (unsigned)cur,
                     (unsigned)dest);
    if (u.to.dwUsedSize != u.to.dwNeededSize || u.to.dwNeededSize != sizeof(LINETRANSLATEOUTPUT) + 2 * (strlen(dial) + 1))
        ot_test_fail(f, l, "%s: used %u needed %u", in, (unsigned)u.to.dwUsedSize,
                     (unsigned)u.to.dwNeededSize);
}
#define expect_tr(h, in, o, d, r, c, de) expect_tr_(h, in, o, d, r, c, de, __FILE__, __LINE__)

#define R_CAN LINETRANSLATERESULT_CANONICAL
#define R_LOCAL (R_CAN | LINETRANSLATERESULT_LOCAL | LINETRANSLATERESULT_NOTINTOLLLIST)
#define R_LD (R_CAN | LINETRANSLATERESULT_LONGDISTANCE)
#define R_INTL (R_CAN | LINETRANSLATERESULT_INTERNATIONAL)
#define R_TOLL (R_CAN | LINETRANSLATERESULT_LOCAL | LINETRANSLATERESULT_INTOLLLIST)

TEST(dialing_translate_local_long_distance_international)
{
    dial_config("translate");
    tapp a;
    t_init(&a, "dial");
    expect_tr(a.h, "+1 (425) 555-0100", 0, "95550100", R_LOCAL, 1, 1);
    expect_tr(a.h, "+1 (206) 555-0100", 0, "912065550100", R_LD, 1, 1);
    expect_tr(a.h, "+49 (30) 1234567", 0, "901149301234567", R_INTL, 1, 49);
    expect_tr(a.h, "+44 20 7946 0000", 0, "901144207946" "0000", R_INTL, 1, 44);
    /* subaddress and name go along unchanged */
    expect_tr(a.h, "+1 (425) 555-0100|12^Bob", 0, "95550100|12^Bob", R_LOCAL, 1, 1);
    /* not canonical: dialed as given */
    expect_tr(a.h, "5550100", 0, "5550100", 0, 1, 0);
    /* forced either way, and call waiting cancelled first */
    expect_tr(a.h, "+1 (425) 555-0100", LINETRANSLATEOPTION_FORCELD, "914255550100", R_LD, 1, 1);
    expect_tr(a.h, "+1 (206) 555-0100", LINETRANSLATEOPTION_FORCELOCAL, "95550100", R_LOCAL, 1,
              1);
    expect_tr(a.h, "+1 (425) 555-0100", LINETRANSLATEOPTION_CANCELCALLWAITING, "*70,95550100",
              R_LOCAL, 1, 1);
    t_shutdown(&a);
    /* before lineInitialize too (hLineApp 0), as Windows allows */
    expect_tr(0, "+1 (206) 555-0100", 0, "912065550100", R_LD, 1, 1);
}

TEST(dialing_locations_caps_and_current)
{
    dial_config("locations");
    union {
        LINETRANSLATECAPS tc;
        unsigned char raw[4096];
    } u;
    memset(&u, 0, sizeof(u));
    u.tc.dwTotalSize = sizeof(LINETRANSLATECAPS);
    CHECK_RC(lineGetTranslateCaps(0, T_API, &u.tc), 0);
    CHECK_EQ(u.tc.dwNumLocations, 2);
    CHECK_EQ(u.tc.dwCurrentLocationID, 1);
    CHECK_EQ(u.tc.dwUsedSize, sizeof(LINETRANSLATECAPS));
    CHECK(u.tc.dwNeededSize > sizeof(LINETRANSLATECAPS) + 2 * sizeof(LINELOCATIONENTRY));
    CHECK_EQ(u.tc.dwLocationListSize, 0);
    u.tc.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetTranslateCaps(0, T_API, &u.tc), 0);
    CHECK_EQ(u.tc.dwUsedSize, u.tc.dwNeededSize);
    CHECK_EQ(u.tc.dwNumCards, 0);
    CHECK_EQ(u.tc.dwLocationListSize, 2 * sizeof(LINELOCATIONENTRY));
    LINELOCATIONENTRY e[2];
    memcpy(e, u.raw + u.tc.dwLocationListOffset, sizeof(e));
    CHECK_EQ(e[0].dwPermanentLocationID, 1);
    CHECK(!strcmp(str_at(&u, e[0].dwLocationNameSize, e[0].dwLocationNameOffset), "Redmond"));
    CHECK_EQ(e[0].dwCountryCode, 1);
    CHECK_EQ(e[0].dwCountryID, 1);
    CHECK(!strcmp(str_at(&u, e[0].dwCityCodeSize, e[0].dwCityCodeOffset), "425"));
    CHECK(!strcmp(str_at(&u, e[0].dwLocalAccessCodeSize, e[0].dwLocalAccessCodeOffset), "9"));
    CHECK(!strcmp(str_at(&u, e[0].dwCancelCallWaitingSize, e[0].dwCancelCallWaitingOffset),
                  "*70,"));
    CHECK_EQ(e[0].dwOptions, 0);
    CHECK_EQ(e[1].dwPermanentLocationID, 7);
    CHECK(!strcmp(str_at(&u, e[1].dwLocationNameSize, e[1].dwLocationNameOffset), "Berlin"));
    CHECK_EQ(e[1].dwCountryCode, 49);
    CHECK_EQ(e[1].dwOptions, LINELOCATIONOPTION_PULSEDIAL);

    char cc[8], city[8];
    CHECK_RC(tapiGetLocationInfo(cc, city), 0);
    CHECK(!strcmp(cc, "1") && !strcmp(city, "425"));

    tapp a;
    t_init(&a, "dial");
    CHECK_RC(lineSetCurrentLocation(a.h, 2), LINEERR_INVALLOCATION);
    CHECK_RC(lineSetCurrentLocation(a.h + 1, 7), LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineSetCurrentLocation(a.h, 7), 0);
    /* from Berlin: international with Germany's 00, local without prefix */
    expect_tr(a.h, "+1 (425) 555-0100", 0, "0014255550100", R_INTL, 49, 1);
    expect_tr(a.h, "+49 (30) 1234567", 0, "1234567", R_LOCAL, 49, 49);
    expect_tr(a.h, "+49 (89) 1234567", 0, "0891234567", R_LD, 49, 49);
    CHECK_RC(tapiGetLocationInfo(cc, city), 0);
    CHECK(!strcmp(cc, "49") && !strcmp(city, "30"));
    CHECK_RC(lineGetTranslateCaps(a.h, T_API, &u.tc), 0);
    CHECK_EQ(u.tc.dwCurrentLocationID, 7);
    CHECK_RC(lineSetCurrentLocation(0, 1), 0);
    expect_tr(a.h, "+49 (89) 1234567", 0, "901149891234567", R_INTL, 1, 49);
    t_shutdown(&a);
}

TEST(dialing_toll_list)
{
    dial_config("toll");
    tapp a;
    t_init(&a, "dial");
    CHECK_RC(lineSetTollList(a.h, 0, "+1 (425) 555-0100", LINETOLLLISTOPTION_ADD), 0);
    CHECK_RC(lineSetTollList(a.h, 0, "+1 (425) 555-0199", LINETOLLLISTOPTION_ADD), 0);
    /* in the toll list: dialed as long distance */
    expect_tr(a.h, "+1 (425) 555-0100", 0, "914255550100", R_TOLL, 1, 1);
    expect_tr(a.h, "+1 (425) 556-0100", 0, "95560100", R_LOCAL, 1, 1);
    union {
        LINETRANSLATECAPS tc;
        unsigned char raw[4096];
    } u;
    memset(&u, 0, sizeof(u));
    u.tc.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetTranslateCaps(a.h, T_API, &u.tc), 0);
    LINELOCATIONENTRY e;
    memcpy(&e, u.raw + u.tc.dwLocationListOffset, sizeof(e));
    CHECK(!strcmp(str_at(&u, e.dwTollPrefixListSize, e.dwTollPrefixListOffset), "555"));
    CHECK_RC(lineSetTollList(a.h, 0, "+1 (425) 556-0100", LINETOLLLISTOPTION_ADD), 0);
    CHECK_RC(lineGetTranslateCaps(a.h, T_API, &u.tc), 0);
    memcpy(&e, u.raw + u.tc.dwLocationListOffset, sizeof(e));
    CHECK(!strcmp(str_at(&u, e.dwTollPrefixListSize, e.dwTollPrefixListOffset), "555,556"));
    CHECK_RC(lineSetTollList(a.h, 0, "+1 (425) 555-0100", LINETOLLLISTOPTION_REMOVE), 0);
    expect_tr(a.h, "+1 (425) 555-0100", 0, "95550100", R_LOCAL, 1, 1);
    /* errors */
    CHECK_RC(lineSetTollList(a.h, 0, "5550100", LINETOLLLISTOPTION_ADD), LINEERR_INVALADDRESS);
    CHECK_RC(lineSetTollList(a.h, 0, "+1 (206) 555-0100", LINETOLLLISTOPTION_ADD),
             LINEERR_INVALADDRESS);
    CHECK_RC(lineSetTollList(a.h, 0, "+1 (425) 55", LINETOLLLISTOPTION_ADD),
             LINEERR_INVALADDRESS);
    CHECK_RC(lineSetTollList(a.h, 0, "+1 (425) 555-0100", 3), LINEERR_INVALPARAM);
    CHECK_RC(lineSetTollList(a.h, 0, NULL, LINETOLLLISTOPTION_ADD), LINEERR_INVALPOINTER);
    CHECK_RC(lineSetTollList(a.h, a.ndevs, "+1 (425) 555-0100", LINETOLLLISTOPTION_ADD),
             LINEERR_BADDEVICEID);
    t_shutdown(&a);
}

TEST(dialing_translate_errors)
{
    dial_config("errors");
    tapp a;
    t_init(&a, "dial");
    tout u;
    memset(&u, 0, sizeof(u));
    u.to.dwTotalSize = sizeof(u);
    static const char *const bad[] = {"+", "+1", "+1 ", "+1 (425 5550100", "+1 (425)",
                                      "+1234 5550100", "+1 (425) 555\001", "+0 5550100",
                                      "+1 (425) 555-01x0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        LONG rc = lineTranslateAddress(a.h, 0, T_API, bad[i], 0, 0, &u.to);
        if (rc != (LONG)LINEERR_INVALADDRESS)
            FAIL("\"%s\": %s, expected LINEERR_INVALADDRESS", bad[i], otErrorName(rc));
    }
    char longaddr[300];
    memset(longaddr, '5', sizeof(longaddr) - 1);
    longaddr[sizeof(longaddr) - 1] = '\0';
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, longaddr, 0, 0, &u.to), LINEERR_INVALADDRESS);
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, NULL, 0, 0, &u.to), LINEERR_INVALPOINTER);
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, "+1 (425) 555-0100", 0, 0, NULL),
             LINEERR_INVALPOINTER);
    CHECK_RC(lineTranslateAddress(a.h, 0, 0x00010003, "+1 (425) 555-0100", 0, 0, &u.to),
             LINEERR_INCOMPATIBLEAPIVERSION);
    CHECK_RC(lineTranslateAddress(a.h, a.ndevs, T_API, "+1 (425) 555-0100", 0, 0, &u.to),
             LINEERR_BADDEVICEID);
    CHECK_RC(lineTranslateAddress(a.h + 1, 0, T_API, "+1 (425) 555-0100", 0, 0, &u.to),
             LINEERR_INVALAPPHANDLE);
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, "+1 (425) 555-0100", 0,
                                  LINETRANSLATEOPTION_FORCELOCAL | LINETRANSLATEOPTION_FORCELD,
                                  &u.to),
             LINEERR_INVALPARAM);
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, "+1 (425) 555-0100", 0, 0x100, &u.to),
             LINEERR_INVALPARAM);
    /* no calling cards exist */
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, "+1 (425) 555-0100", 1,
                                  LINETRANSLATEOPTION_CARDOVERRIDE, &u.to),
             LINEERR_INVALCARD);
    u.to.dwTotalSize = sizeof(LINETRANSLATEOUTPUT) - 1;
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, "+1 (425) 555-0100", 0, 0, &u.to),
             LINEERR_STRUCTURETOOSMALL);
    /* the fixed part only: dwNeededSize says how much the strings need */
    u.to.dwTotalSize = sizeof(LINETRANSLATEOUTPUT);
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, "+1 (425) 555-0100", 0, 0, &u.to), 0);
    CHECK_EQ(u.to.dwNeededSize, sizeof(LINETRANSLATEOUTPUT) + 2 * 9);
    CHECK_EQ(u.to.dwUsedSize, sizeof(LINETRANSLATEOUTPUT));
    CHECK_EQ(u.to.dwDialableStringSize, 0);
    CHECK_EQ(u.to.dwTranslateResults, R_LOCAL);
    /* the dialog is Windows GUI */
    CHECK_RC(lineTranslateDialog(a.h, 0, T_API, NULL, "+1 (425) 555-0100"),
             LINEERR_OPERATIONUNAVAIL);
    CHECK_RC(lineTranslateDialog(a.h, a.ndevs, T_API, NULL, NULL), LINEERR_BADDEVICEID);
    t_shutdown(&a);
}

TEST(dialing_without_locations)
{
    /* the default topology has no [location] */
    tapp a;
    t_init(&a, "dial");
    tout u;
    memset(&u, 0, sizeof(u));
    u.to.dwTotalSize = sizeof(u);
    CHECK_RC(lineTranslateAddress(a.h, 0, T_API, "+1 (425) 555-0100", 0, 0, &u.to),
             LINEERR_INIFILECORRUPT);
    LINETRANSLATECAPS tc;
    memset(&tc, 0, sizeof(tc));
    tc.dwTotalSize = sizeof(tc);
    CHECK_RC(lineGetTranslateCaps(a.h, T_API, &tc), LINEERR_INIFILECORRUPT);
    CHECK_RC(lineSetCurrentLocation(a.h, 1), LINEERR_INIFILECORRUPT);
    char cc[8], city[8];
    CHECK_RC(tapiGetLocationInfo(cc, city), TAPIERR_REQUESTFAILED);
    CHECK_RC(tapiGetLocationInfo(NULL, city), TAPIERR_INVALPOINTER);
    t_shutdown(&a);
}

TEST(dialing_location_config_checked)
{
    static const char *const bad[] = {
        "[location]\nname = X\n",                         /* country missing */
        "[location]\ncountry = 2\n",                      /* not in the country table */
        "[location]\ncountry = 1\narea = 42a\n",
        "[location]\ncountry = 1\narea = 12345678\n",
        "[location]\ncountry = 1\nlocal_prefix = 9x\n",
        "[location]\ncountry = 1\ntoll_prefixes = 555,\n",
        "[location]\ncountry = 1\ntoll_prefixes = 5a5\n",
        "[location]\ncountry = 1\ncolour = red\n",
        "[location]\ncountry = 1\ncurrent = maybe\n",
        "[location]\ncountry = 1\nid = 0\n",
        "[location]\ncountry = 1\ncurrent = yes\n[location]\ncountry = 1\ncurrent = yes\n",
        "[location]\ncountry = 1\n[location]\nid = 1\ncountry = 49\n",
    };
    char err[256];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text), "[line]\nnumber = 100\n%s", bad[i]);
        err[0] = '\0';
        LONG rc = otCheckConfig(text, err, sizeof(err));
        if (rc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, "location"))
            FAIL("case %zu: %s \"%s\"", i, otErrorName(rc), err);
    }
    CHECK_RC(otCheckConfig("[line]\nnumber = 100\n[location]\ncountry = 107\narea = 416\n"
                           "toll_prefixes = 555,556\ncurrent = yes\nid = 3\n",
                           err, sizeof(err)),
             0);
    /* a bad [location] stops lineInitializeEx like any bad configuration */
    t_config("[line]\nnumber = 100\n[location]\ncountry = 2\n");
    HLINEAPP h = 0;
    DWORD n = 0, api = T_API;
    LINEINITIALIZEEXPARAMS p;
    memset(&p, 0, sizeof(p));
    p.dwTotalSize = sizeof(p);
    p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    fflush(stderr);
    int saved = dup(2), fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    close(fd);
    LONG rc = lineInitializeEx(&h, NULL, NULL, "dial", &n, &api, &p);
    dup2(saved, 2);
    close(saved);
    CHECK_RC(rc, LINEERR_INIFILECORRUPT);
    /* "current = yes" before "id =" names that location */
    t_config("[line]\nnumber = 100\n[location]\ncountry = 1\n[location]\ncurrent = yes\n"
             "country = 49\nid = 9\n");
    LINETRANSLATECAPS tc;
    memset(&tc, 0, sizeof(tc));
    tc.dwTotalSize = sizeof(tc);
    CHECK_RC(lineGetTranslateCaps(0, T_API, &tc), 0);
    CHECK_EQ(tc.dwCurrentLocationID, 9);
    T_LOG_EXPECT("bad value for country in [location]");
}

TEST(dialing_get_country)
{
    union {
        LINECOUNTRYLIST cl;
        unsigned char raw[16384];
    } u;
    memset(&u, 0, sizeof(u));
    u.cl.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetCountry(0, T_API, &u.cl), 0);
    CHECK(u.cl.dwNumCountries >= 50);
    CHECK_EQ(u.cl.dwUsedSize, u.cl.dwNeededSize);
    CHECK_EQ(u.cl.dwCountryListSize, u.cl.dwNumCountries * sizeof(LINECOUNTRYENTRY));
    DWORD prev = 0;
    bool de = false, ca = false;
    for (DWORD i = 0; i < u.cl.dwNumCountries; i++) {
        LINECOUNTRYENTRY e;
        memcpy(&e, u.raw + u.cl.dwCountryListOffset + i * sizeof(e), sizeof(e));
        CHECK(e.dwCountryID > prev); /* ascending, chained by dwNextCountryID */
        prev = e.dwCountryID;
        const char *name = str_at(&u, e.dwCountryNameSize, e.dwCountryNameOffset);
        CHECK(*name);
        if (e.dwCountryID == 49) {
            de = true;
            CHECK(!strcmp(name, "Germany"));
            CHECK_EQ(e.dwCountryCode, 49);
            CHECK(!strcmp(str_at(&u, e.dwSameAreaRuleSize, e.dwSameAreaRuleOffset), "G"));
            CHECK(!strcmp(str_at(&u, e.dwLongDistanceRuleSize, e.dwLongDistanceRuleOffset),
                          "0FG"));
            CHECK(!strcmp(str_at(&u, e.dwInternationalRuleSize, e.dwInternationalRuleOffset),
                          "00EFG"));
        }
        if (e.dwCountryID == 107) {
            ca = true;
            CHECK_EQ(e.dwCountryCode, 1);
        }
        if (i + 1 == u.cl.dwNumCountries)
            CHECK_EQ(e.dwNextCountryID, 0);
        else {
            LINECOUNTRYENTRY n;
            memcpy(&n, u.raw + u.cl.dwCountryListOffset + (i + 1) * sizeof(n), sizeof(n));
            CHECK_EQ(e.dwNextCountryID, n.dwCountryID);
        }
    }
    CHECK(de && ca);
    /* one country */
    memset(&u, 0, sizeof(u));
    u.cl.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetCountry(1, T_API, &u.cl), 0);
    CHECK_EQ(u.cl.dwNumCountries, 1);
    LINECOUNTRYENTRY us;
    memcpy(&us, u.raw + u.cl.dwCountryListOffset, sizeof(us));
    CHECK(!strcmp(str_at(&u, us.dwLongDistanceRuleSize, us.dwLongDistanceRuleOffset), "1FG"));
    CHECK(!strcmp(str_at(&u, us.dwInternationalRuleSize, us.dwInternationalRuleOffset),
                  "011EFG"));
    CHECK_EQ(us.dwNextCountryID, 7);
    /* too small for the list: the fixed part with the size needed */
    u.cl.dwTotalSize = sizeof(LINECOUNTRYLIST) + 10;
    CHECK_RC(lineGetCountry(0, T_API, &u.cl), 0);
    CHECK(u.cl.dwNeededSize > sizeof(LINECOUNTRYLIST) + 50 * sizeof(LINECOUNTRYENTRY));
    CHECK_EQ(u.cl.dwUsedSize, sizeof(LINECOUNTRYLIST));
    CHECK_EQ(u.cl.dwCountryListSize, 0);
    u.cl.dwTotalSize = sizeof(LINECOUNTRYLIST) - 1;
    CHECK_RC(lineGetCountry(0, T_API, &u.cl), LINEERR_STRUCTURETOOSMALL);
    u.cl.dwTotalSize = sizeof(u);
    CHECK_RC(lineGetCountry(2, T_API, &u.cl), LINEERR_INVALCOUNTRYCODE);
    CHECK_RC(lineGetCountry(0, 0x00010003, &u.cl), LINEERR_INCOMPATIBLEAPIVERSION);
    CHECK_RC(lineGetCountry(0, T_API, NULL), LINEERR_INVALPOINTER);
}

/* Any text as an address: a result or LINEERR_INVALADDRESS, never more
 * than the buffer, strings always terminated (deterministic generator). */
TEST(dialing_translate_random_addresses)
{
    dial_config("random");
    static const char alphabet[] = "+0123456789 ()-.|^\r\nABCD*#!WPT@$?,x\x01\x7f\xff";
    uint32_t seed = 12345;
    tout u;
    for (int i = 0; i < 20000; i++) {
        char in[40];
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % (sizeof(in) - 1);
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            in[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        in[n - 1] = '\0';
        if (i % 3 == 0) /* mostly canonical-looking */
            in[0] = '+';
        memset(&u, 0xAA, sizeof(u));
        u.to.dwTotalSize = (DWORD)(sizeof(LINETRANSLATEOUTPUT) + (seed >> 8) % 64);
        LONG rc = lineTranslateAddress(0, 0, T_API, in, 0, 0, &u.to);
        if (rc == (LONG)LINEERR_INVALADDRESS)
            continue;
        if (rc != 0)
            FAIL("\"%s\": %s", in, otErrorName(rc));
        if (u.to.dwUsedSize > u.to.dwTotalSize || u.to.dwNeededSize < u.to.dwUsedSize)
            FAIL("\"%s\": total %u used %u needed %u", in, (unsigned)u.to.dwTotalSize,
                 (unsigned)u.to.dwUsedSize, (unsigned)u.to.dwNeededSize);
        if (u.to.dwDialableStringSize) {
            if (u.to.dwDialableStringOffset + u.to.dwDialableStringSize > u.to.dwUsedSize)
                FAIL("\"%s\": dialable string outside the used part", in);
            str_at(&u, u.to.dwDialableStringSize, u.to.dwDialableStringOffset);
        }
    }
}

/* Translations on several threads while another changes the current
 * location and the toll list: each result is one of the two locations'. */
struct dial_th {
    struct th t;
    int n;
};

static void *translator(void *arg)
{
    struct dial_th *d = arg;
    for (int i = 0; i < d->n; i++) {
        tout u;
        memset(&u, 0, sizeof(u));
        u.to.dwTotalSize = sizeof(u);
        LONG rc = lineTranslateAddress(0, 0, T_API, "+1 (425) 555-0100", 0, 0, &u.to);
        if (rc) {
            th_fail(&d->t, "lineTranslateAddress: %s", otErrorName(rc));
            break;
        }
        const char *s = (const char *)u.raw + u.to.dwDialableStringOffset;
        if (strcmp(s, "95550100") && strcmp(s, "914255550100") && strcmp(s, "0014255550100")) {
            th_fail(&d->t, "dialable \"%s\"", s);
            break;
        }
    }
    return NULL;
}

TEST_THREADED(dialing_threads_translate_while_location_changes)
{
    dial_config("threads");
    pthread_t th[3];
    struct dial_th d[3];
    for (int i = 0; i < 3; i++) {
        memset(&d[i], 0, sizeof(d[i]));
        d[i].t.who = "translator";
        d[i].n = 500;
        CHECK_EQ(pthread_create(&th[i], NULL, translator, &d[i]), 0);
    }
    for (int i = 0; i < 200; i++) {
        CHECK_RC(lineSetCurrentLocation(0, i % 2 ? 1 : 7), 0);
        /* in Redmond: 555 in and out of the toll list; Berlin has other areas */
        CHECK_RC(lineSetTollList(0, 0, "+1 (425) 555-0100",
                                 i % 4 == 1 ? LINETOLLLISTOPTION_ADD : LINETOLLLISTOPTION_REMOVE),
                 i % 2 ? 0 : (LONG)LINEERR_INVALADDRESS);
    }
    for (int i = 0; i < 3; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 3; i++)
        th_report(&d[i].t);
    CHECK_RC(lineSetCurrentLocation(0, 1), 0);
    expect_tr(0, "+1 (425) 555-0100", 0, "95550100", R_LOCAL, 1, 1); /* toll entry removed */
}
