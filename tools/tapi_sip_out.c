/* `tapi answer` and `tapi call`: the output: the timeline on stdout (one
 * line or, with --json, one JSON object per action and message), kept for
 * the pictures drawn after the run: the SIP trace as pcap and the ladder
 * diagram of the timeline and the SIP messages (--ladder, --svg).  Split
 * from tapi_sip.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opentapi.h"
#include "tapi.h"
#include "tapi_tool.h"
#include "tapi_sip.h"

/* ---- output -------------------------------------------------------------------- */
bool out_json;

/* The timeline, kept for the ladder diagram (--ladder, --svg). */
struct tl_event {
    double when; /* CLOCK_REALTIME seconds, to merge with the SIP trace */
    unsigned long call;
    char text[160];
};
struct tl_event *timeline;
static size_t ntimeline, cap_timeline;
bool keep_timeline;
#define MAX_TIMELINE 200000

static void keep(const struct tcall *c, const char *text)
{
    if (!keep_timeline || ntimeline == MAX_TIMELINE)
        return;
    if (ntimeline == cap_timeline) {
        size_t cap = cap_timeline ? cap_timeline * 2 : 256;
        struct tl_event *b = realloc(timeline, cap * sizeof(*b));
        if (!b)
            return;
        timeline = b;
        cap_timeline = cap;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tl_event *e = &timeline[ntimeline++];
    e->when = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    e->call = c ? c->no : 0;
    size_t n = strlen(text);
    if (n >= sizeof(e->text))
        n = sizeof(e->text) - 1; /* a picture's label: the start is enough */
    memcpy(e->text, text, n);
    e->text[n] = '\0';
}

void say(const struct tcall *c, const char *fmt, ...)
{
    long long t = now_ms() - t0;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    keep(c, text);
    if (out_json) {
        printf("{\"time\":%lld.%03lld,\"call\":", t / 1000, t % 1000);
        if (c)
            printf("%lu", c->no);
        else
            printf("null");
        printf(",\"text\":");
        json_str(stdout, text);
        printf("}\n");
    } else if (c)
        printf("%4lld.%03lld call %-4lu %s\n", t / 1000, t % 1000, c->no, text);
    else
        printf("%4lld.%03lld           %s\n", t / 1000, t % 1000, text);
    fflush(stdout);
}

void hex(char *out, size_t outlen, const unsigned char *p, DWORD len)
{
    static const char digits[] = "0123456789abcdef";
    size_t k = 0;
    for (DWORD i = 0; i < len && k + 2 < outlen; i++) {
        out[k++] = digits[p[i] >> 4];
        out[k++] = digits[p[i] & 15];
    }
    out[k] = '\0';
}

/* ---- pictures: the TAPI timeline and the SIP trace in one ladder diagram ---- */
static void draw_ladder(const struct opts *o, const struct trace *t)
{
    const char *me = o->answer ? "tapi answer" : "tapi call";
    const char *line = o->line ? o->line : "SIP line";
    char title[300];
    snprintf(title, sizeof(title), "%s on %s", me, line);
    ladder_begin(title);
    ladder_party(me);
    ladder_party(line);
    size_t i = 0;
    unsigned k = 0;
    while (i < ntimeline || (t && k < t->n)) {
        bool sip = t && k < t->n && (i == ntimeline || t->rec[k].time < timeline[i].when);
        if (sip) {
            const struct trace_rec *r = &t->rec[k++];
            char first[120];
            trace_first_line(r, first, sizeof(first));
            if (r->sent)
                ladder_event(line, r->remote, "%s", first);
            else
                ladder_event(r->remote, line, "%s", first);
            continue;
        }
        const struct tl_event *e = &timeline[i++];
        char call[32] = "";
        if (e->call)
            snprintf(call, sizeof(call), "call %lu: ", e->call);
        if (!strncmp(e->text, "LINE_", 5))
            ladder_event(line, me, "%s%s", call, e->text);
        else if (!strncmp(e->text, "line", 4) && strstr(e->text, "-> request"))
            ladder_event(me, line, "%s%s", call, e->text);
        else if (strstr(e->text, ": lineDrop"))
            ladder_event(me, line, "%s%s", call, e->text);
        else if (e->call && (!strcmp(e->text, "ok") || !strncmp(e->text, "FAILED", 6)))
            ladder_event(me, me, "%s%s", call, e->text);
    }
}

/* After the run: the trace as pcap, the ladder diagram.  0 or 1. */
int pictures(const struct opts *o, const char *trace_path)
{
    int rc = 0;
    struct trace t;
    bool have = false;
    char err[200];
    if (trace_path) {
        if (trace_read(trace_path, &t, err, sizeof(err)) == 0)
            have = true;
        else if (strcmp(err, "record 1: no header line")) { /* an empty trace is no error */
            fprintf(stderr, "tapi: SIP trace %.200s: %s\n", trace_path, err);
            rc = 1;
        }
    }
    if (o->pcap) {
        struct trace none = {NULL, NULL, 0};
        if (trace_write_pcap(have ? &t : &none, o->pcap, err, sizeof(err)) != 0) {
            fprintf(stderr, "tapi: %.200s: %s\n", o->pcap, err);
            rc = 1;
        }
    }
    if (o->ladder || o->svg) {
        draw_ladder(o, have ? &t : NULL);
        if (o->ladder && !o->json)
            ladder_print_last(stdout);
        if (o->svg && ladder_write_svg(o->svg) != 0) {
            fprintf(stderr, "tapi: cannot write %.200s\n", o->svg);
            rc = 1;
        }
        ladder_free();
    }
    if (have)
        trace_free(&t);
    return rc;
}
