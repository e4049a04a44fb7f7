/* Pictures and machine-readable output of the tapi tool's timelines.
 *
 * A timeline is a list of events between parties (applications, the embedded
 * switch, a SIP line, its far end): each event is an arrow from one party to
 * another with a label.  The tool records the events of a scenario or a run,
 * then draws them as a ladder diagram: one column (lifeline) per party, one
 * arrow per event, top to bottom in order.  Two renderings: text for the
 * terminal, SVG for a browser.  Labels are the tool's own text (names, states,
 * hex), and the SVG escapes them anyway. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapi_tool.h"

#define MAX_PARTIES 12
#define MAX_EVENTS 4096 /* a longer run keeps its first events and says so */
#define LABEL_MAX 200 /* a longer label is cut */

struct lev {
    int from, to; /* party indexes; from == to: a note on that lifeline */
    char label[LABEL_MAX];
};

struct ladder {
    char title[160];
    char parties[MAX_PARTIES][32];
    int nparties;
    struct lev *ev;
    int nev;
    bool truncated;
};

static struct ladder *diagrams;
static int ndiagrams;

void ladder_begin(const char *title)
{
    struct ladder *d = realloc(diagrams, (size_t)(ndiagrams + 1) * sizeof(*d));
    if (!d)
        return; /* out of memory: nothing is recorded */
    diagrams = d;
    d = &diagrams[ndiagrams++];
    memset(d, 0, sizeof(*d));
    snprintf(d->title, sizeof(d->title), "%s", title);
}

static struct ladder *cur(void) { return ndiagrams ? &diagrams[ndiagrams - 1] : NULL; }

int ladder_party(const char *name)
{
    struct ladder *d = cur();
    if (!d)
        return -1;
    for (int i = 0; i < d->nparties; i++)
        if (!strcmp(d->parties[i], name))
            return i;
    if (d->nparties == MAX_PARTIES)
        return -1;
    snprintf(d->parties[d->nparties], sizeof(d->parties[0]), "%s", name);
    return d->nparties++;
}

void ladder_event(const char *from, const char *to, const char *fmt, ...)
{
    struct ladder *d = cur();
    if (!d)
        return;
    int f = ladder_party(from), t = ladder_party(to);
    if (f < 0 || t < 0)
        return;
    if (d->nev == MAX_EVENTS) {
        d->truncated = true;
        return;
    }
    if (!d->ev && !(d->ev = calloc(MAX_EVENTS, sizeof(*d->ev))))
        return;
    struct lev *e = &d->ev[d->nev++];
    e->from = f;
    e->to = t;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->label, sizeof(e->label), fmt, ap);
    va_end(ap);
    /* the timelines pad their columns; one space is enough in a picture */
    char *w = e->label;
    for (const char *r = e->label; *r; r++)
        if (!(*r == ' ' && (w == e->label || w[-1] == ' ')))
            *w++ = *r;
    *w = '\0';
}

/* ---- text --------------------------------------------------------------------- */
#define COLW 26 /* characters between two lifelines */

static void put_lifelines(char *row, int width, const struct ladder *d)
{
    memset(row, ' ', (size_t)width);
    row[width] = '\0';
    for (int i = 0; i < d->nparties; i++)
        row[i * COLW + COLW / 2] = '|';
}

static void print_row(FILE *f, char *row)
{
    size_t n = strlen(row);
    while (n && row[n - 1] == ' ')
        n--; /* no trailing spaces */
    fprintf(f, "%.*s\n", (int)n, row);
}

static void ladder_text_one(FILE *f, const struct ladder *d)
{
    int width = d->nparties * COLW + LABEL_MAX + 4;
    char *row = malloc((size_t)width + 1);
    if (!row)
        return;
    fprintf(f, "%s\n", d->title);
    memset(row, ' ', (size_t)width);
    row[width] = '\0';
    for (int i = 0; i < d->nparties; i++) {
        size_t n = strlen(d->parties[i]);
        int at = i * COLW + COLW / 2 - (int)n / 2;
        if (at < 0)
            at = 0;
        memcpy(row + at, d->parties[i], n);
    }
    print_row(f, row);
    for (int k = 0; k < d->nev; k++) {
        const struct lev *e = &d->ev[k];
        int x1 = e->from * COLW + COLW / 2, x2 = e->to * COLW + COLW / 2;
        int lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
        /* the label, above its arrow, starting right of the leftmost end */
        put_lifelines(row, width, d);
        size_t n = strlen(e->label);
        memcpy(row + lo + 2, e->label, n);
        print_row(f, row);
        put_lifelines(row, width, d);
        if (x1 == x2) {
            row[x1 + 1] = '*'; /* a note on one lifeline */
        } else {
            for (int x = lo + 1; x < hi; x++)
                row[x] = '-';
            if (x2 > x1)
                row[hi - 1] = '>';
            else
                row[lo + 1] = '<';
        }
        print_row(f, row);
    }
    if (d->truncated)
        fprintf(f, "(only the first %d events are drawn)\n", MAX_EVENTS);
    fputc('\n', f);
    free(row);
}

void ladder_print_last(FILE *f)
{
    if (ndiagrams)
        ladder_text_one(f, &diagrams[ndiagrams - 1]);
}

/* ---- SVG ---------------------------------------------------------------------- */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(c >= 0x20 && c < 0x7f ? c : '?', f);
        }
    }
}

#define SVG_COLW 230
#define SVG_ROWH 34
#define SVG_HEAD 60
#define SVG_MARGIN 20

int ladder_write_svg(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int width = 2 * SVG_MARGIN, height = SVG_MARGIN;
    for (int i = 0; i < ndiagrams; i++) {
        const struct ladder *d = &diagrams[i];
        int w = 2 * SVG_MARGIN + d->nparties * SVG_COLW;
        /* room for the longest label right of its arrow's left end (7.3 px a character) */
        for (int k = 0; k < d->nev; k++) {
            int lo = d->ev[k].from < d->ev[k].to ? d->ev[k].from : d->ev[k].to;
            int end = SVG_MARGIN + lo * SVG_COLW + SVG_COLW / 2 + 8 +
                      (int)(strlen(d->ev[k].label) * 73 / 10) + SVG_MARGIN;
            if (end > w)
                w = end;
        }
        if (w > width)
            width = w;
        height += SVG_HEAD + (d->nev + 1) * SVG_ROWH + SVG_MARGIN;
    }
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">\n"
            "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
            "<defs><marker id=\"arrow\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" "
            "markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#1f4e9c\"/>"
            "</marker></defs>\n",
            width, height, width, height, width, height);
    int y0 = SVG_MARGIN;
    for (int i = 0; i < ndiagrams; i++) {
        const struct ladder *d = &diagrams[i];
        int bottom = y0 + SVG_HEAD + (d->nev + 1) * SVG_ROWH;
        fprintf(f, "<g class=\"ladder\">\n<text class=\"title\" x=\"%d\" y=\"%d\" "
                   "font-size=\"14\" font-weight=\"bold\">", SVG_MARGIN, y0 + 14);
        xml_text(f, d->title);
        fputs("</text>\n", f);
        for (int p = 0; p < d->nparties; p++) {
            int x = SVG_MARGIN + p * SVG_COLW + SVG_COLW / 2;
            fprintf(f, "<text class=\"party\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                       "font-weight=\"bold\">", x, y0 + 44);
            xml_text(f, d->parties[p]);
            fprintf(f, "</text>\n<line class=\"lifeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                       "y2=\"%d\" stroke=\"#444444\" stroke-width=\"2\"/>\n",
                    x, y0 + 50, x, bottom);
        }
        for (int k = 0; k < d->nev; k++) {
            const struct lev *e = &d->ev[k];
            int y = y0 + SVG_HEAD + (k + 1) * SVG_ROWH;
            int x1 = SVG_MARGIN + e->from * SVG_COLW + SVG_COLW / 2;
            int x2 = SVG_MARGIN + e->to * SVG_COLW + SVG_COLW / 2;
            int lo = x1 < x2 ? x1 : x2;
            if (x1 == x2)
                fprintf(f, "<circle class=\"note\" cx=\"%d\" cy=\"%d\" r=\"4\" "
                           "fill=\"#c0392b\"/>\n", x1, y);
            else
                fprintf(f, "<line class=\"arrow\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                           "stroke=\"#1f4e9c\" stroke-width=\"2\" "
                           "marker-end=\"url(#arrow)\"/>\n", x1, y, x2, y);
            fprintf(f, "<text class=\"label\" x=\"%d\" y=\"%d\" stroke=\"#ffffff\" "
                       "stroke-width=\"3\" paint-order=\"stroke\">", lo + 8, y - 6);
            xml_text(f, e->label);
            fputs("</text>\n", f);
        }
        fputs("</g>\n", f);
        y0 = bottom + SVG_MARGIN;
    }
    fputs("</svg>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

void ladder_free(void)
{
    for (int i = 0; i < ndiagrams; i++)
        free(diagrams[i].ev);
    free(diagrams);
    diagrams = NULL;
    ndiagrams = 0;
}

/* ---- JSON --------------------------------------------------------------------- */
void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}
