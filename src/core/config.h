/* Parsed configuration (config.c). */
#ifndef OT_CORE_CONFIG_H
#define OT_CORE_CONFIG_H
#include <stddef.h>
#include "provider.h"

struct ot_conf_kv {
    char section[16];
    char key[32];
    char value[256];
};
struct ot_conf {
    struct ot_line_conf *lines;
    unsigned nlines;
    struct ot_conf_kv *kv; /* keys of provider sections such as [sim] */
    unsigned nkv;
};
/* 0; -1 for a bad text (err says why); -2 out of memory. */
int ot_conf_parse(const char *text, struct ot_conf *cf, char *err, size_t errlen);
void ot_conf_free(struct ot_conf *cf);
const char *ot_conf_default_text(void);
const char *ot_conf_get(const struct ot_conf *cf, const char *section, const char *key);
#endif
