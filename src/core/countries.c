/* The country table behind lineGetCountry and the dialing rules.
 *
 * Source: the ITU-T's list of E.164 country calling codes (Recommendation
 * E.164 and its list of assigned country codes) and the ITU-T's national
 * "dialling procedures" (international prefix, national trunk prefix)
 * published with the ITU Operational Bulletin.  Debian has no package that
 * carries calling codes and trunk/international prefixes as data (iso-codes
 * has country names and ISO 3166 codes only), so the table is ours; add a
 * country by adding a row, in ascending ID order.
 *
 * The country ID is the calling code, except for countries that share a
 * code with one listed before them (Canada shares +1 with the United States). */
#include <stdio.h>
#include <string.h>

#include "dialing.h"

static const struct ot_country countries[] = {
    {1, 1, "United States of America", "1", "011"},
    {7, 7, "Russia", "8", "810"},
    {20, 20, "Egypt", "0", "00"},
    {27, 27, "South Africa", "0", "00"},
    {30, 30, "Greece", "", "00"},
    {31, 31, "Netherlands", "0", "00"},
    {32, 32, "Belgium", "0", "00"},
    {33, 33, "France", "0", "00"},
    {34, 34, "Spain", "", "00"},
    {36, 36, "Hungary", "06", "00"},
    {39, 39, "Italy", "", "00"},
    {40, 40, "Romania", "0", "00"},
    {41, 41, "Switzerland", "0", "00"},
    {43, 43, "Austria", "0", "00"},
    {44, 44, "United Kingdom", "0", "00"},
    {45, 45, "Denmark", "", "00"},
    {46, 46, "Sweden", "0", "00"},
    {47, 47, "Norway", "", "00"},
    {48, 48, "Poland", "", "00"},
    {49, 49, "Germany", "0", "00"},
    {51, 51, "Peru", "0", "00"},
    {54, 54, "Argentina", "0", "00"},
    {60, 60, "Malaysia", "0", "00"},
    {61, 61, "Australia", "0", "0011"},
    {63, 63, "Philippines", "0", "00"},
    {64, 64, "New Zealand", "0", "00"},
    {65, 65, "Singapore", "", "000"},
    {66, 66, "Thailand", "0", "001"},
    {81, 81, "Japan", "0", "010"},
    {86, 86, "China", "0", "00"},
    {90, 90, "Turkey", "0", "00"},
    {91, 91, "India", "0", "00"},
    {92, 92, "Pakistan", "0", "00"},
    {107, 1, "Canada", "1", "011"},
    {351, 351, "Portugal", "", "00"},
    {352, 352, "Luxembourg", "", "00"},
    {353, 353, "Ireland", "0", "00"},
    {354, 354, "Iceland", "", "00"},
    {356, 356, "Malta", "", "00"},
    {357, 357, "Cyprus", "", "00"},
    {358, 358, "Finland", "0", "00"},
    {359, 359, "Bulgaria", "0", "00"},
    {372, 372, "Estonia", "", "00"},
    {380, 380, "Ukraine", "0", "00"},
    {381, 381, "Serbia", "0", "00"},
    {385, 385, "Croatia", "0", "00"},
    {386, 386, "Slovenia", "0", "00"},
    {420, 420, "Czech Republic", "", "00"},
    {421, 421, "Slovakia", "0", "00"},
    {852, 852, "Hong Kong", "", "001"},
    {886, 886, "Taiwan", "0", "002"},
    {966, 966, "Saudi Arabia", "0", "00"},
    {971, 971, "United Arab Emirates", "0", "00"},
    {972, 972, "Israel", "0", "00"},
};
#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))

const struct ot_country *ot_country_at(size_t i) { return i < NCOUNTRIES ? &countries[i] : NULL; }

const struct ot_country *ot_country_by_id(DWORD id)
{
    for (size_t i = 0; i < NCOUNTRIES; i++)
        if (countries[i].id == id)
            return &countries[i];
    return NULL;
}

const struct ot_country *ot_country_by_code(DWORD code)
{
    for (size_t i = 0; i < NCOUNTRIES; i++)
        if (countries[i].code == code)
            return &countries[i];
    return NULL;
}

void ot_country_rules(const struct ot_country *c, char same[8], char ld[16], char intl[24])
{
    snprintf(same, 8, "G");
    snprintf(ld, 16, "%sFG", c->trunk);
    snprintf(intl, 24, "%sEFG", c->intl);
}
