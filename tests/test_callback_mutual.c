/* Two callback applications that shut each other down from inside their
 * callbacks at the same moment: neither lineShutdown may wait for the other's
 * dispatcher thread (which is busy in the other call), or both would hang. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <semaphore.h>

#include "test.h"

static HLINEAPP mutual_app[2];
static pthread_barrier_t mutual_barrier;
static sem_t mutual_done;
static LONG mutual_rc[2];
static int mutual_fired[2];

static void mutual_shutdown_other(int me)
{
    if (mutual_fired[me])
        return;
    mutual_fired[me] = 1;
    pthread_barrier_wait(&mutual_barrier); /* both callbacks are running now */
    mutual_rc[me] = lineShutdown(mutual_app[1 - me]);
    sem_post(&mutual_done);
}

static void mutual_cb_a(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1, DWORD_PTR p2,
                        DWORD_PTR p3)
{
    (void)dev, (void)inst, (void)p1, (void)p2, (void)p3;
    if (msg == LINE_REPLY)
        mutual_shutdown_other(0);
}

static void mutual_cb_b(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1, DWORD_PTR p2,
                        DWORD_PTR p3)
{
    (void)dev, (void)inst, (void)p2, (void)p3;
    if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_OFFERING)
        mutual_shutdown_other(1);
}

TEST_THREADED(callback_apps_shut_each_other_down)
{
    LINECALLBACK cbs[2] = {mutual_cb_a, mutual_cb_b};
    HLINE lines[2];
    pthread_barrier_init(&mutual_barrier, NULL, 2);
    sem_init(&mutual_done, 0, 0);
    mutual_fired[0] = mutual_fired[1] = 0;
    for (int i = 0; i < 2; i++) {
        DWORD n, api = T_API;
        LINEINITIALIZEEXPARAMS p;
        memset(&p, 0, sizeof(p));
        p.dwTotalSize = sizeof(p);
        p.dwOptions = LINEINITIALIZEEXOPTION_USEHIDDENWINDOW;
        CHECK_RC(lineInitializeEx(&mutual_app[i], NULL, cbs[i], "mutual", &n, &api, &p), 0);
        CHECK_RC(lineOpen(mutual_app[i], (DWORD)i, &lines[i], T_API, 0, 0,
                          LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, NULL),
                 0);
    }
    HCALL h = 0;
    CHECK_REQ(lineMakeCall(lines[0], &h, "101", 0, NULL));
    CHECK(t_sem_wait(&mutual_done, T_TIMEOUT_MS));
    CHECK(t_sem_wait(&mutual_done, T_TIMEOUT_MS));
    CHECK_RC(mutual_rc[0], 0);
    CHECK_RC(mutual_rc[1], 0);
    CHECK(lineShutdown(mutual_app[0]) != 0);
    CHECK(lineShutdown(mutual_app[1]) != 0);
    sem_destroy(&mutual_done);
}
