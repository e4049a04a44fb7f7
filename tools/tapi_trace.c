/* `tapi trace FILE`: reads a SIP message trace (OPENTAPI_SIP_TRACE) and shows
 * it as a summary (one line per message), a ladder diagram of the addresses
 * and messages (--ladder, --svg FILE), JSON (one object per message), or
 * writes it as a pcap file for Wireshark, tshark and sngrep (--pcap FILE). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tapi_tool.h"

extern const char tapi_help_trace[];

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "tapi trace: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", tapi_help_trace);
    return 2;
}

int tapi_cmd_trace(int argc, char **argv)
{
    const char *in = NULL, *pcap = NULL, *svg = NULL;
    bool ladder = false, json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pcap") || !strcmp(argv[i], "--svg")) {
            if (i + 1 == argc)
                return usage("%s needs a file name", argv[i]);
            *(argv[i][2] == 'p' ? &pcap : &svg) = argv[i + 1];
            i++;
        } else if (!strcmp(argv[i], "--ladder"))
            ladder = true;
        else if (!strcmp(argv[i], "--json"))
            json = true;
        else if (argv[i][0] == '-')
            return usage("unknown option %.40s", argv[i]);
        else if (in)
            return usage("one trace file only: %.100s", argv[i]);
        else
            in = argv[i];
    }
    if (!in)
        return usage("which trace file?%s", "");
    struct trace t;
    char err[200];
    if (trace_read(in, &t, err, sizeof(err)) != 0) {
        fprintf(stderr, "tapi trace: %.200s: %s\n", in, err);
        return 1;
    }
    int rc = 0;
    if (ladder || svg) {
        ladder_begin(in);
        for (unsigned i = 0; i < t.n; i++) {
            const struct trace_rec *r = &t.rec[i];
            char first[120];
            trace_first_line(r, first, sizeof(first));
            ladder_party(r->local); /* this side first */
            if (r->sent)
                ladder_event(r->local, r->remote, "%s", first);
            else
                ladder_event(r->remote, r->local, "%s", first);
        }
        if (ladder)
            ladder_print_last(stdout);
        if (svg && ladder_write_svg(svg) != 0) {
            fprintf(stderr, "tapi trace: cannot write %.200s\n", svg);
            rc = 1;
        }
        ladder_free();
    }
    if (!ladder && !pcap && !svg) {
        double t0 = t.n ? t.rec[0].time : 0;
        for (unsigned i = 0; i < t.n; i++) {
            const struct trace_rec *r = &t.rec[i];
            char first[120];
            trace_first_line(r, first, sizeof(first));
            if (json) {
                printf("{\"time\":%.6f,\"direction\":\"%s\",\"transport\":", r->time,
                       r->sent ? "sent" : "recv");
                json_str(stdout, r->proto);
                printf(",\"local\":");
                json_str(stdout, r->local);
                printf(",\"remote\":");
                json_str(stdout, r->remote);
                printf(",\"bytes\":%zu,\"first_line\":", r->len);
                json_str(stdout, first);
                printf("}\n");
            } else
                printf("%9.6f %s %s %s %s %s  %s\n", r->time - t0, r->sent ? "sent" : "recv",
                       r->proto, r->local, r->sent ? "->" : "<-", r->remote, first);
        }
    }
    if (pcap) {
        if (trace_write_pcap(&t, pcap, err, sizeof(err)) != 0) {
            fprintf(stderr, "tapi trace: %.200s: %s\n", pcap, err);
            rc = 1;
        } else if (!json && !ladder)
            printf("%s: %u SIP message%s\n", pcap, t.n, t.n == 1 ? "" : "s");
    }
    trace_free(&t);
    return rc;
}
