/* Subcommands of the tapi tool. */
#ifndef TAPI_TOOL_H
#define TAPI_TOOL_H
#include <stdio.h>

int tapi_cmd_demo(int argc, char **argv);
int tapi_cmd_lines(int argc, char **argv);
/* tools/tapi_sip.c, in builds with the SIP provider (weak in tapi.c) */
int tapi_cmd_answer(int argc, char **argv);
int tapi_cmd_call(int argc, char **argv);
/* tools/demo.c: LINECALLINFOSTATE_ bits as names joined with '|'. */
#include "tapi.h"
void tapi_info_names(DWORD states, char *out, size_t n);
/* tools/tapi_server.c: the telephony service (tapisrv) in the foreground */
int tapi_cmd_server(int argc, char **argv);
/* tools/tapi_monitor.c: every message of lines opened as monitor */
int tapi_cmd_monitor(int argc, char **argv);

/* Help texts (tools/tapi.c), printed by `tapi COMMAND --help`. */
extern const char tapi_help_answer_call[];
/* True when argv[1..] asks for help (-h or --help). */
int tapi_wants_help(int argc, char **argv);

/* tools/ladder.c: ladder diagrams of timelines, JSON strings. */
void ladder_begin(const char *title);
int ladder_party(const char *name);
void ladder_event(const char *from, const char *to, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ladder_print_last(FILE *f);
int ladder_write_svg(const char *path);
void ladder_free(void);
void json_str(FILE *f, const char *s);

/* tools/tracefile.c: the SIP message trace (OPENTAPI_SIP_TRACE) and pcap. */
#include <stdbool.h>
#include <stddef.h>
struct trace_rec {
    bool sent;
    char proto[8], local[64], remote[64];
    double time; /* seconds since 1970, UTC */
    const char *msg;
    size_t len;
};
struct trace {
    char *text;
    struct trace_rec *rec;
    unsigned n;
};
int trace_read(const char *path, struct trace *t, char *err, size_t errlen);
void trace_free(struct trace *t);
void trace_first_line(const struct trace_rec *r, char *out, size_t n);
int trace_write_pcap(const struct trace *t, const char *path, char *err, size_t errlen);
int tapi_cmd_trace(int argc, char **argv);
#endif
