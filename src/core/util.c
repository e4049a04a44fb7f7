/* Small building blocks of the core: handle tables, message queues, variable
 * size structure filling, the clock and its timer heap.  All of them expect the
 * core lock held, except ot_clock_now() in real mode. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ot.h"

/* ---- handle tables ---- */
#define OT_IDX_BITS 20u
#define OT_IDX_MASK ((1u << OT_IDX_BITS) - 1u)
#define OT_GEN_BITS 10u
#define OT_GEN_MASK ((1u << OT_GEN_BITS) - 1u)
#define OT_NO_SLOT UINT32_MAX

_Static_assert(OT_HANDLE_MAX_SLOTS == OT_IDX_MASK + 1u, "slot bits");
_Static_assert(2u + OT_GEN_BITS + OT_IDX_BITS == 32u, "handle bits");

void ot_htable_init(struct ot_htable *t, enum ot_htype type)
{
    memset(t, 0, sizeof(*t));
    t->type = type;
    t->free_head = t->free_tail = OT_NO_SLOT;
}

/* Generations outlive the tables: the core stops with its last application and
 * starts again with the next, and a handle kept from the earlier run must not
 * name an object of the new one.  New slots start above every generation used
 * before (per handle type; equal again only after 1,024 runs of the core). */
static uint32_t first_gen[4];

void ot_htable_free(struct ot_htable *t)
{
    uint32_t next = first_gen[t->type];
    for (uint32_t i = 0; i < t->used; i++)
        if (t->slots[i].gen + 1u > next)
            next = t->slots[i].gen + 1u;
    first_gen[t->type] = next & OT_GEN_MASK;
    free(t->slots);
    ot_htable_init(t, t->type);
}

/* A slot never handed out, growing the array (doubling) when all are used. */
static uint32_t fresh_slot(struct ot_htable *t)
{
    if (t->used == t->cap) {
        uint32_t ncap = t->cap ? t->cap * 2 : 64;
        if (ncap > OT_HANDLE_MAX_SLOTS)
            ncap = OT_HANDLE_MAX_SLOTS;
        if (ncap <= t->cap)
            return OT_NO_SLOT;
        struct ot_slot *s = realloc(t->slots, (size_t)ncap * sizeof(*s));
        if (!s)
            return OT_NO_SLOT;
        t->slots = s;
        t->cap = ncap;
    }
    struct ot_slot *s = &t->slots[t->used];
    s->obj = NULL;
    s->gen = first_gen[t->type];
    s->next_free = OT_NO_SLOT;
    s->freed_at = 0;
    return t->used++;
}

uint32_t ot_handle_alloc(struct ot_htable *t, void *obj)
{
    /* The oldest freed slot, once it has waited OT_HANDLE_QUARANTINE
     * allocations; else a fresh one; a young freed slot never. */
    uint32_t i = OT_NO_SLOT;
    if (t->free_head != OT_NO_SLOT &&
        t->allocs - t->slots[t->free_head].freed_at >= OT_HANDLE_QUARANTINE) {
        i = t->free_head;
        t->free_head = t->slots[i].next_free;
        if (t->free_head == OT_NO_SLOT)
            t->free_tail = OT_NO_SLOT;
    } else {
        i = fresh_slot(t);
        if (i == OT_NO_SLOT)
            return 0;
    }
    struct ot_slot *s = &t->slots[i];
    s->obj = obj;
    s->next_free = OT_NO_SLOT;
    t->nlive++;
    t->allocs++;
    return ((uint32_t)t->type << 30) | ((s->gen & OT_GEN_MASK) << OT_IDX_BITS) | i;
}

void *ot_handle_get(const struct ot_htable *t, uint32_t h)
{
    if ((h >> 30) != (uint32_t)t->type)
        return NULL;
    uint32_t i = h & OT_IDX_MASK;
    if (i >= t->used)
        return NULL;
    const struct ot_slot *s = &t->slots[i];
    if (!s->obj || (s->gen & OT_GEN_MASK) != ((h >> OT_IDX_BITS) & OT_GEN_MASK))
        return NULL;
    return s->obj;
}

void ot_handle_release(struct ot_htable *t, uint32_t h)
{
    uint32_t i = h & OT_IDX_MASK;
    if (!ot_handle_get(t, h))
        return;
    struct ot_slot *s = &t->slots[i];
    s->obj = NULL;
    s->gen = (s->gen + 1u) & OT_GEN_MASK;
    s->next_free = OT_NO_SLOT;
    s->freed_at = t->allocs;
    if (t->free_tail == OT_NO_SLOT)
        t->free_head = i;
    else
        t->slots[t->free_tail].next_free = i;
    t->free_tail = i;
    t->nlive--;
}

/* ---- message queues: a growable ring of LINEMESSAGE ---- */
static int msgq_grow(struct ot_msgq *q)
{
    uint32_t ncap = q->cap ? q->cap * 2 : 32;
    LINEMESSAGE *nb = malloc((size_t)ncap * sizeof(*nb));
    if (!nb)
        return -1;
    for (uint32_t i = 0; i < q->count; i++)
        nb[i] = q->buf[(q->head + i) % q->cap];
    free(q->buf);
    q->buf = nb;
    q->cap = ncap;
    q->head = 0;
    return 0;
}

/* A reply uses the room its request reserved (released just before); any
 * other message must leave the reserved room free. */
static int msgq_push(struct ot_msgq *q, const LINEMESSAGE *m)
{
    if (q->count + q->reserved >= q->cap && msgq_grow(q) != 0)
        return -1;
    q->buf[(q->head + q->count) % q->cap] = *m;
    q->count++;
    return 0;
}

int ot_msgq_reserve(struct ot_msgq *q)
{
    if (q->count + q->reserved >= q->cap && msgq_grow(q) != 0)
        return -1;
    q->reserved++;
    return 0;
}

void ot_msgq_unreserve(struct ot_msgq *q)
{
    if (q->reserved)
        q->reserved--;
}

bool ot_msgq_pop(struct ot_msgq *q, LINEMESSAGE *out)
{
    if (!q->count)
        return false;
    *out = q->buf[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    if (!q->count) {
        q->overflowed = false; /* the REINIT, last in the queue, has been read */
        if (q->cap > 1024u && !q->reserved) { /* a burst is over: give its memory back */
            free(q->buf);
            q->buf = NULL;
            q->cap = q->head = 0;
        }
    }
    return true;
}

void ot_msgq_free(struct ot_msgq *q)
{
    free(q->buf);
    memset(q, 0, sizeof(*q));
}

int ot_app_post(struct ot_app *app, DWORD hdevice, DWORD msg, DWORD_PTR inst, DWORD_PTR p1,
                DWORD_PTR p2, DWORD_PTR p3)
{
    if (app->shutting_down)
        return 0;
    struct ot_msgq *q = &app->queue;
    if (q->overflowed) {
        q->lost++;
        return -1;
    }
    LINEMESSAGE m = {hdevice, msg, inst, p1, p2, p3};
    if (q->count >= OT_MSGQ_LIMIT - 1u) {
        /* The application does not read: tell it, in the last slot, that its
         * view is stale (as TAPI does with LINEDEVSTATE_REINIT). */
        ot_logc(OT_CAT_CORE, OTLOG_WARN,
                "application %08x does not read its messages: %u queued, %s lost, REINIT",
               (unsigned)app->handle, (unsigned)q->count, otMessageName(msg));
        LINEMESSAGE r = {0, LINE_LINEDEVSTATE, 0, LINEDEVSTATE_REINIT, msg, p1};
        m = r;
        q->overflowed = true;
        q->lost++;
    }
    bool was_empty = q->count == 0;
    if (msgq_push(q, &m) != 0) {
        ot_logc(OT_CAT_CORE, OTLOG_ERROR, "out of memory: message %u for application %08x lost",
                (unsigned)msg, (unsigned)app->handle);
        return -1;
    }
    /* Wake only on the empty -> non-empty edge: one write per burst. */
    if (was_empty) {
        if (app->efd >= 0 && !app->efd_signalled) {
            uint64_t one = 1;
            ssize_t n = write(app->efd, &one, sizeof(one));
            (void)n;
            app->efd_signalled = true;
        }
        if (app->waiters || app->has_thread)
            pthread_cond_broadcast(&app->cond);
    }
    return 0;
}

/* ---- variable-size structures ---- */
void ot_varbuf_put(struct ot_varbuf *vb, const void *data, DWORD len, DWORD *size, DWORD *offset)
{
    if (!len || !data) {
        *size = 0;
        *offset = 0;
        return;
    }
    vb->needed += len;
    if ((uint64_t)vb->used + len <= vb->total) {
        memcpy(vb->base + vb->used, data, len);
        *size = len;
        *offset = vb->used;
        vb->used += len;
    } else {
        *size = 0;
        *offset = 0;
    }
}

void ot_varbuf_put_str(struct ot_varbuf *vb, const char *s, DWORD *size, DWORD *offset)
{
    /* TAPI strings in variable parts count their terminating NUL. */
    if (!s || !*s) {
        *size = 0;
        *offset = 0;
        return;
    }
    ot_varbuf_put(vb, s, (DWORD)strlen(s) + 1, size, offset);
}

/* ---- strings and logging ---- */
char *ot_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int ot_set_str(char **dst, const char *s)
{
    char *n = NULL;
    if (s && *s) {
        n = ot_strdup(s);
        if (!n)
            return -1;
    }
    free(*dst);
    *dst = n;
    return 0;
}

LONG ot_check_uui(const void *p, DWORD size, DWORD limit)
{
    if (!p)
        return 0; /* a NULL pointer means no UUI, whatever dwSize says */
    if (size > limit)
        return LINEERR_USERUSERINFOTOOBIG;
    return 0;
}

/* ---- clock and timers: a binary min-heap of armed timers ---- */
static uint64_t real_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct timespec ot_deadline_ms(uint64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000u);
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

uint64_t ot_clock_now(void)
{
    return ot_g.manual_clock ? ot_g.manual_now : real_now_ms();
}

static void heap_swap(uint32_t a, uint32_t b)
{
    struct ot_timer *t = ot_g.heap[a];
    ot_g.heap[a] = ot_g.heap[b];
    ot_g.heap[b] = t;
    ot_g.heap[a]->heap_index = a;
    ot_g.heap[b]->heap_index = b;
}

static void heap_up(uint32_t i)
{
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (ot_g.heap[p]->due <= ot_g.heap[i]->due)
            break;
        heap_swap(i, p);
        i = p;
    }
}

static void heap_down(uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < ot_g.heap_len && ot_g.heap[l]->due < ot_g.heap[m]->due)
            m = l;
        if (r < ot_g.heap_len && ot_g.heap[r]->due < ot_g.heap[m]->due)
            m = r;
        if (m == i)
            break;
        heap_swap(i, m);
        i = m;
    }
}

void ot_timer_init(struct ot_timer *t, void (*fn)(void *), void *arg)
{
    t->due = 0;
    t->heap_index = UINT32_MAX;
    t->fn = fn;
    t->arg = arg;
}

int ot_timer_start(struct ot_timer *t, uint64_t delay_ms)
{
    ot_timer_stop(t);
    if (ot_g.heap_len == ot_g.heap_cap) {
        uint32_t ncap = ot_g.heap_cap ? ot_g.heap_cap * 2 : 64;
        struct ot_timer **nh = realloc(ot_g.heap, ncap * sizeof(*nh));
        if (!nh)
            return -1;
        ot_g.heap = nh;
        ot_g.heap_cap = ncap;
    }
    t->due = ot_clock_now() + delay_ms;
    t->heap_index = ot_g.heap_len;
    ot_g.heap[ot_g.heap_len++] = t;
    heap_up(t->heap_index);
    /* Wake the timer thread only when the earliest deadline moved earlier. */
    if (t->heap_index == 0 && ot_g.timer_thread_running)
        pthread_cond_signal(&ot_g.timer_cond);
    return 0;
}

void ot_timer_stop(struct ot_timer *t)
{
    uint32_t i = t->heap_index;
    if (i == UINT32_MAX)
        return;
    uint32_t last = --ot_g.heap_len;
    if (i != last) {
        ot_g.heap[i] = ot_g.heap[last];
        ot_g.heap[i]->heap_index = i;
        heap_down(i);
        heap_up(i);
    }
    t->heap_index = UINT32_MAX;
}

void ot_timers_run_due(void)
{
    uint64_t now = ot_clock_now();
    while (ot_g.heap_len && ot_g.heap[0]->due <= now) {
        struct ot_timer *t = ot_g.heap[0];
        ot_timer_stop(t);
        t->fn(t->arg);
    }
}

static void *timer_thread_main(void *arg)
{
    (void)arg;
    ot_lock();
    while (!ot_g.timer_thread_stop) {
        if (!ot_g.manual_clock)
            ot_timers_run_due();
        if (ot_g.manual_clock || !ot_g.heap_len) {
            pthread_cond_wait(&ot_g.timer_cond, &ot_g.lock);
            continue;
        }
        uint64_t due = ot_g.heap[0]->due, now = real_now_ms();
        if (due <= now)
            continue;
        struct timespec ts = ot_deadline_ms(due - now);
        pthread_cond_timedwait(&ot_g.timer_cond, &ot_g.lock, &ts);
    }
    ot_unlock();
    return NULL;
}

int ot_timers_start_thread(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&ot_g.timer_cond, &a);
    pthread_condattr_destroy(&a);
    ot_g.timer_thread_stop = false;
    if (pthread_create(&ot_g.timer_thread, NULL, timer_thread_main, NULL) != 0) {
        pthread_cond_destroy(&ot_g.timer_cond);
        return -1;
    }
    ot_g.timer_thread_running = true;
    return 0;
}

/* Called with the core lock held; releases it while joining. */
void ot_timers_stop_thread(void)
{
    if (!ot_g.timer_thread_running)
        return;
    ot_g.timer_thread_stop = true;
    pthread_cond_signal(&ot_g.timer_cond);
    ot_unlock();
    pthread_join(ot_g.timer_thread, NULL);
    ot_lock();
    ot_g.timer_thread_running = false;
    pthread_cond_destroy(&ot_g.timer_cond);
}
