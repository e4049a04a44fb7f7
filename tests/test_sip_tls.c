/* SIP over TLS (transport = tls, docs/sip.md "TLS"): two opentapi SIP lines
 * of one process calling each other over TLS, with certificates the test
 * makes itself (OpenSSL's library, EC P-256 keys, into a private temporary
 * directory removed at the end): a call with UUI and a drop; a peer whose
 * certificate is not signed by the configured CA, or is for another name,
 * refused (DISCONNECTED UNREACHABLE, "SIP 503 Service Unavailable (local)");
 * tls_verify = none accepting the same peer; tls_verify = all refusing a
 * caller without a trusted certificate; the configuration checks of the
 * TLS keys.  SIPp (Debian's is built without TLS) is not used. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "../src/providers/sip/sip.h"
#include "sip_helpers.h"
#include "sip_tls_helpers.h"

/* ---- certificates ----------------------------------------------------------------- */
static char dir[200];     /* the test's certificate directory */
static char stage[200];   /* TMPDIR of the library during the test */
static char saved_tmpdir[512];
static bool had_tmpdir;

static void rm_dir(const char *d)
{
    DIR *dd = opendir(d);
    if (!dd)
        return;
    struct dirent *de;
    char f[1024];
    while ((de = readdir(dd)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(f, sizeof(f), "%s/%s", d, de->d_name);
        struct stat st;
        if (lstat(f, &st) == 0 && S_ISDIR(st.st_mode))
            rm_dir(f);
        else
            unlink(f);
    }
    closedir(dd);
    rmdir(d);
}

/* Entries of a directory (not . and ..). */
static int count_entries(const char *d)
{
    DIR *dd = opendir(d);
    if (!dd)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dd)) != NULL)
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(dd);
    return n;
}

static void tls_cleanup(void)
{
    if (stage[0]) {
        if (had_tmpdir)
            setenv("TMPDIR", saved_tmpdir, 1);
        else
            unsetenv("TMPDIR");
        rm_dir(stage);
        stage[0] = '\0';
    }
    if (dir[0]) {
        rm_dir(dir);
        dir[0] = '\0';
    }
}

/* The test's directories: dir for certificates, stage as the library's
 * TMPDIR (where it writes the files Sofia-SIP reads while a line starts). */
static void tls_setup(void)
{
    t_at_cleanup(tls_cleanup);
    snprintf(dir, sizeof(dir), "%s/tls-XXXXXX", sh_tmpdir());
    CHECK(mkdtemp(dir) != NULL);
    snprintf(stage, sizeof(stage), "%s/stage-XXXXXX", sh_tmpdir());
    CHECK(mkdtemp(stage) != NULL);
    const char *t = getenv("TMPDIR");
    had_tmpdir = t != NULL;
    snprintf(saved_tmpdir, sizeof(saved_tmpdir), "%s", t ? t : "");
    setenv("TMPDIR", stage, 1);
}

/* The certificates (tests/sip_tls_helpers.c) in this test's directory. */
#define make_cas() th_make_cas(dir)
#define make_party(name, cn, san, rogue) th_make_party(dir, name, cn, san, rogue)
#define free_cas() th_free_cas()
#define write_pem(name, key, cert) th_write_pem(dir, name, key, cert)

/* ---- lines ---------------------------------------------------------------------- */
/* Line 0 alice and line 1 bob, TLS, certificates NAME.pem/.key of dir, each
 * verifying with its CA file and tls_verify. */
static void config_pair(int pa, const char *a_cert, const char *a_ca, const char *a_verify,
                        int pb, const char *b_cert, const char *b_ca, const char *b_verify)
{
    char text[8192];
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nnumber = alice\nuri = sips:alice@127.0.0.1:%d\n"
             "transport = tls\ntls_certificate = %s/%s.pem\ntls_key = %s/%s.key\n"
             "tls_ca = %s/%s\ntls_verify = %s\n"
             "[line]\nprovider = sip\nnumber = bob\nuri = sips:bob@127.0.0.1:%d\n"
             "transport = tls\ntls_certificate = %s/%s.pem\ntls_key = %s/%s.key\n"
             "tls_ca = %s/%s\ntls_verify = %s\n",
             pa, dir, a_cert, dir, a_cert, dir, a_ca, a_verify, pb, dir, b_cert, dir, b_cert, dir,
             b_ca, b_verify);
    char err[256] = "?";
    LONG rc = otCheckConfig(text, err, sizeof(err));
    if (rc != 0)
        FAIL("otCheckConfig: %s %s", otErrorName(rc), err);
    t_config(text);
}

/* A TLS client of our own to 127.0.0.1:port: the handshake succeeds, the
 * certificate chains to dir/ca.pem and its CN is cn.  Proves the line
 * listens with TLS and the configured certificate (and nothing else). */
static void tls_probe(int port, const char *cn)
{
    char ca[700];
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    CHECK(ctx != NULL);
    CHECK(SSL_CTX_load_verify_locations(ctx, ca, NULL) == 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    struct timeval tv = {5, 0}; /* only a hang takes this long */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        FAIL("connect 127.0.0.1:%d: %s", port, strerror(errno));
    SSL *s = SSL_new(ctx);
    CHECK(s != NULL);
    SSL_set_fd(s, fd);
    int r = SSL_connect(s);
    if (r != 1) {
        unsigned long e = ERR_get_error();
        FAIL("TLS handshake with 127.0.0.1:%d: %s", port,
             e ? ERR_reason_error_string(e) : "failed");
    }
    CHECK_EQ(SSL_get_verify_result(s), X509_V_OK);
    X509 *peer = SSL_get1_peer_certificate(s);
    CHECK(peer != NULL);
    char got[128] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, got, sizeof(got));
    if (strcmp(got, cn))
        FAIL("the certificate of 127.0.0.1:%d is for \"%s\", expected \"%s\"", port, got, cn);
    X509_free(peer);
    SSL_shutdown(s);
    SSL_free(s);
    close(fd);
    SSL_CTX_free(ctx);
    ERR_clear_error();
}

static const unsigned char make_uui[] = {0x04, 't', 'l', 's'};
static const unsigned char answer_uui[] = {0x04, 'o', 'k'};
static const unsigned char drop_uui[] = {0x04, 'b', 'y', 'e', 0x00, 0xff};

/* Alice calls dest; the call fails before bob hears of it: UNREACHABLE, the
 * status behind it our stack's own 503. */
static void expect_refused(tpair *p, const char *dest)
{
    HCALL h = t_make_call(&p->a, p->la, dest, make_uui, sizeof(make_uui));
    sh_wait_state(&p->a, h, LINECALLSTATE_DISCONNECTED);
    DWORD mode = 0;
    CHECK_EQ(t_state(h, &mode), LINECALLSTATE_DISCONNECTED);
    CHECK_EQ(mode, LINEDISCONNECTMODE_UNREACHABLE);
    tcallinfo u;
    t_callinfo(h, &u);
    const char *got = t_ci_str(&u, u.ci.dwDevSpecificSize, u.ci.dwDevSpecificOffset);
    if (strcmp(got, "SIP 503 Service Unavailable (local)"))
        FAIL("DevSpecific \"%s\"", got);
    t_drop_idle(&p->a, h);
    sh_wait_dialogs(0);
    t_expect_none(&p->b); /* no INVITE reached bob */
}

/* Alice calls dest with UUI, bob answers with UUI, alice drops with UUI:
 * each side reads the other's UUI exactly. */
static void call_connect_drop(tpair *pp, const char *dest)
{
    tpair p = *pp;
    HCALL ha = t_make_call(&p.a, p.la, dest, make_uui, sizeof(make_uui));
    t_expect_state(&p.a, ha, LINECALLSTATE_DIALING, 0);
    HCALL hb = t_expect_offer(&p.b, p.lb);
    sh_check_uui(hb, make_uui, sizeof(make_uui));
    LONG rel = lineReleaseUserUserInfo(hb); /* newer UUI waits behind it */
    CHECK_REQ(rel);
    t_expect_reply(&p.b, rel, 0);
    char s[128];
    t_callinfo_str(hb, offsetof(LINECALLINFO, dwCallerIDSize), s, sizeof(s));
    CHECK(!strcmp(s, "alice"));
    LONG req = lineAnswer(hb, (LPCSTR)answer_uui, sizeof(answer_uui));
    CHECK_REQ(req);
    t_expect_state(&p.b, hb, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    t_expect_reply(&p.b, req, 0);
    LINEMESSAGE m = t_next(&p.a);
    if (m.dwMessageID == LINE_CALLSTATE && m.dwParam1 == LINECALLSTATE_PROCEEDING)
        m = t_next(&p.a);
    CHECK_EQ(m.dwMessageID, LINE_CALLINFO);
    CHECK_EQ(m.dwParam1, LINECALLINFOSTATE_USERUSERINFO);
    sh_check_uui(ha, answer_uui, sizeof(answer_uui));
    t_expect_callinfo(&p.a, ha, LINECALLINFOSTATE_CONNECTEDID);
    t_expect_state(&p.a, ha, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    req = lineDrop(ha, (LPCSTR)drop_uui, sizeof(drop_uui));
    CHECK_REQ(req);
    t_expect_state(&p.a, ha, LINECALLSTATE_IDLE, 0);
    t_expect_reply(&p.a, req, 0);
    t_expect_callinfo(&p.b, hb, LINECALLINFOSTATE_USERUSERINFO);
    t_expect_state(&p.b, hb, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    sh_check_uui(hb, drop_uui, sizeof(drop_uui));
    t_drop_idle(&p.b, hb);
    CHECK_RC(lineDeallocateCall(ha), 0);
    sh_wait_dialogs(0);
}

static void on_sigpipe(int sig) { (void)sig; }

/* A TLS call between two lines with UUI on INVITE, 200 and BYE; both
 * listeners speak TLS with their own certificate; the key's copy the
 * library staged for Sofia-SIP is gone once the lines run. */
TEST(sip_tls_call_with_uui_and_drop)
{
    tls_setup();
    make_cas();
    make_party("alice", "127.0.0.1", "IP:127.0.0.1,DNS:127.0.0.1", false);
    make_party("bob", "127.0.0.1", "IP:127.0.0.1,DNS:127.0.0.1", false);
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, "alice", "ca.pem", "out", pb, "bob", "ca.pem", "all");
    /* Sofia-SIP's TLS set-up ignores SIGPIPE process-wide; the library puts
     * the application's disposition back. */
    struct sigaction mine, old, now;
    memset(&mine, 0, sizeof(mine));
    mine.sa_handler = on_sigpipe;
    sigemptyset(&mine.sa_mask);
    CHECK(sigaction(SIGPIPE, &mine, &old) == 0);
    tpair p;
    t_pair_init(&p, 0, 1);
    CHECK(sigaction(SIGPIPE, &old, &now) == 0);
    CHECK(now.sa_handler == on_sigpipe);
    CHECK_EQ(count_entries(stage), 0); /* agent.pem and cafile.pem removed */
    tls_probe(pa, "127.0.0.1");
    /* dialled without a scheme: a TLS line's target is sips: */
    char dest[64];
    snprintf(dest, sizeof(dest), "bob@127.0.0.1:%d", pb);
    call_connect_drop(&p, dest);
    t_pair_done(&p);
    free_cas();
    tls_cleanup();
}

/* Bob's certificate is signed by a CA alice does not trust (same CA name,
 * another key): the call fails UNREACHABLE and bob never sees it; with
 * tls_verify = none the same peer is accepted. */
TEST(sip_tls_untrusted_certificate_refused)
{
    tls_setup();
    make_cas();
    make_party("alice", "127.0.0.1", "IP:127.0.0.1,DNS:127.0.0.1", false);
    make_party("bob", "127.0.0.1", "IP:127.0.0.1,DNS:127.0.0.1", true);
    int pa = sh_free_port(), pb = sh_free_port();
    char dest[64];
    snprintf(dest, sizeof(dest), "sips:bob@127.0.0.1:%d", pb);
    config_pair(pa, "alice", "ca.pem", "out", pb, "bob", "ca.pem", "out");
    tpair p;
    t_pair_init(&p, 0, 1);
    expect_refused(&p, dest);
    t_pair_done(&p);
    /* not verified: the call goes through (it is the check that refused) */
    config_pair(pa, "alice", "ca.pem", "none", pb, "bob", "ca.pem", "out");
    t_pair_init(&p, 0, 1);
    call_connect_drop(&p, dest);
    t_pair_done(&p);
    free_cas();
    tls_cleanup();
}

/* Bob's certificate is from the right CA but for another host: refused
 * (the dialled host must be a DNS subjectAltName or the CN). */
TEST(sip_tls_wrong_name_refused)
{
    tls_setup();
    make_cas();
    make_party("alice", "127.0.0.1", "IP:127.0.0.1,DNS:127.0.0.1", false);
    make_party("bob", "sip.example.org", "DNS:sip.example.org", false);
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, "alice", "ca.pem", "out", pb, "bob", "ca.pem", "out");
    tpair p;
    t_pair_init(&p, 0, 1);
    tls_probe(pb, "sip.example.org"); /* a good certificate, for that name */
    char dest[64];
    snprintf(dest, sizeof(dest), "sips:bob@127.0.0.1:%d", pb);
    expect_refused(&p, dest);
    t_pair_done(&p);
    free_cas();
    tls_cleanup();
}

/* tls_verify = all on bob: a caller must present a certificate of bob's CA;
 * alice's is from another CA, so bob refuses the connection. */
TEST(sip_tls_verify_all_refuses_untrusted_caller)
{
    tls_setup();
    make_cas();
    make_party("alice", "127.0.0.1", "IP:127.0.0.1,DNS:127.0.0.1", true);
    make_party("bob", "127.0.0.1", "IP:127.0.0.1,DNS:127.0.0.1", false);
    int pa = sh_free_port(), pb = sh_free_port();
    config_pair(pa, "alice", "ca.pem", "out", pb, "bob", "ca.pem", "all");
    tpair p;
    t_pair_init(&p, 0, 1);
    char dest[64];
    snprintf(dest, sizeof(dest), "sips:bob@127.0.0.1:%d", pb);
    expect_refused(&p, dest);
    t_pair_done(&p);
    free_cas();
    tls_cleanup();
}

/* The TLS keys as the checker and start-up see them: the same refusal,
 * with the line of the key. */
TEST(sip_tls_config_checked)
{
    tls_setup();
    make_cas();
    make_party("alice", "127.0.0.1", NULL, false);
    make_party("other", "127.0.0.1", NULL, false);
    write_pem("empty.pem", NULL, NULL);
    int port = sh_free_port();
    char a_pem[700], a_key[700], o_key[700], ca[700], empty[700], nofile[700];
    snprintf(a_pem, sizeof(a_pem), "%s/alice.pem", dir);
    snprintf(a_key, sizeof(a_key), "%s/alice.key", dir);
    snprintf(o_key, sizeof(o_key), "%s/other.key", dir);
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    snprintf(empty, sizeof(empty), "%s/empty.pem", dir);
    snprintf(nofile, sizeof(nofile), "%s/missing.pem", dir);
    struct {
        const char *transport;
        const char *key, *value;
        const char *msg;
    } cases[] = {
        {"udp", "tls_certificate", a_pem, 
         "line 6: [line] (device 0, sip): tls_certificate needs transport = tls"},
        {"tls", "tls_verify", "sometimes", "line 9: [line] (device 0, sip): tls_verify must be out, all or none"},
        {"tls", "tls_certificate", nofile, "line 6: [line] (device 0, sip): tls_certificate "},
        {"tls", "tls_certificate", empty, "no PEM certificate in it"},
        {"tls", "tls_key", o_key, "line 7: [line] (device 0, sip): tls_key "},
        {"tls", "tls_key", a_pem, "no unencrypted PEM private key"},
        {"tls", "tls_ca", empty, "line 8: [line] (device 0, sip): tls_ca "},
        {"tls", "tls_ca", nofile, "line 8: [line] (device 0, sip): tls_ca "},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[8192], err[512] = "", msg[2048];
        const char *k = cases[i].key;
        snprintf(text, sizeof(text),
                 "[line]\nprovider = sip\nnumber = a\nuri = sips:a@127.0.0.1:%d\n"
                 "transport = %s\ntls_certificate = %s\ntls_key = %s\ntls_ca = %s\n",
                 port, cases[i].transport, !strcmp(k, "tls_certificate") ? cases[i].value : a_pem,
                 !strcmp(k, "tls_key") ? cases[i].value : a_key,
                 !strcmp(k, "tls_ca") ? cases[i].value : ca);
        if (!strcmp(k, "tls_verify"))
            snprintf(text + strlen(text), sizeof(text) - strlen(text), "tls_verify = %s\n",
                     cases[i].value);
        LONG crc = otCheckConfig(text, err, sizeof(err));
        if (crc != (LONG)LINEERR_INIFILECORRUPT || !strstr(err, cases[i].msg))
            FAIL("case %zu: otCheckConfig %s \"%s\", expected \"%s\"", i, otErrorName(crc), err,
                 cases[i].msg);
        t_config(text);
        HLINEAPP h = 0;
        DWORD n = 0, api = T_API;
        LINEINITIALIZEEXPARAMS ip;
        memset(&ip, 0, sizeof(ip));
        ip.dwTotalSize = sizeof(ip);
        ip.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
        t_log_clear();
        LONG rc = lineInitializeEx(&h, NULL, NULL, "tls config", &n, &api, &ip);
        t_log_take(msg, sizeof(msg));
        if (rc != (LONG)LINEERR_INIFILECORRUPT || !strstr(msg, cases[i].msg))
            FAIL("case %zu: lineInitializeEx %s \"%s\", expected \"%s\"", i, otErrorName(rc),
                 msg, cases[i].msg);
    }
    /* the key in the certificate's file, no tls_key: accepted */
    char both[700], text[2000], err[512] = "?";
    snprintf(both, sizeof(both), "%s/both.pem", dir);
    {
        FILE *o = fopen(both, "w");
        CHECK(o != NULL);
        const char *parts[] = {a_key, a_pem};
        for (int i = 0; i < 2; i++) {
            FILE *in = fopen(parts[i], "r");
            CHECK(in != NULL);
            char buf[4096];
            size_t r;
            while ((r = fread(buf, 1, sizeof(buf), in)) > 0)
                CHECK(fwrite(buf, 1, r, o) == r);
            fclose(in);
        }
        CHECK(fclose(o) == 0);
    }
    snprintf(text, sizeof(text),
             "[line]\nprovider = sip\nnumber = a\nuri = sips:a@127.0.0.1:%d\n"
             "transport = tls\ntls_certificate = %s\ntls_ca = %s\n",
             port, both, ca);
    CHECK_RC(otCheckConfig(text, err, sizeof(err)), 0);
    t_config(text);
    tapp a;
    t_init(&a, "tls ok");
    CHECK_EQ(a.ndevs, 1);
    t_shutdown(&a);
    CHECK_EQ(count_entries(stage), 0);
    free_cas();
    tls_cleanup();
}
