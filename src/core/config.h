/* Parsed configuration (config.c). */
#ifndef OT_CORE_CONFIG_H
#define OT_CORE_CONFIG_H
#include <stddef.h>
#include "provider.h"

struct ot_conf_kv {
    char section[16];
    char key[32];
    char value[256];
    unsigned lineno;
};
struct ot_conf {
    struct ot_line_conf *lines;
    unsigned nlines;
    struct ot_conf_kv *kv; /* keys of provider sections such as [sim] */
    unsigned nkv;
};
/* Parses len bytes of text (which may hold NUL bytes: they are refused, like
 * every byte that is not UTF-8 text, with the line number).  0, or -1 and the
 * reason in err. */
int ot_conf_parse(const char *text, size_t len, struct ot_conf *cf, char *err, size_t errlen);
void ot_conf_free(struct ot_conf *cf);
const char *ot_conf_default_text(void);
const char *ot_conf_get(const struct ot_conf *cf, const char *section, const char *key);
/* Reads a configuration file whole: 0, LINEERR_OPERATIONFAILED when it cannot
 * be read (missing, a directory, no permission: the reason is strerror's) or
 * LINEERR_INIFILECORRUPT (empty, larger than 16 MiB); *text is malloc'd and
 * NUL-terminated after its *len bytes. */
LONG ot_conf_read_file(const char *path, char **text, size_t *len, char *err, size_t errlen);
/* Writes s (n bytes) to out as printable text: bytes that are not printable
 * ASCII become \xNN (and \ becomes \\); truncated to fit, always terminated. */
void ot_escape(char *out, size_t outlen, const char *s, size_t n);
#endif
