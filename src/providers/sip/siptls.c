/* TLS on SIP lines (transport = tls, docs/sip.md "TLS"): the line's keys
 * tls_certificate, tls_key, tls_ca and tls_verify, checked with OpenSSL by the
 * configuration check and at start-up alike, and the files Sofia-SIP wants.
 *
 * Sofia-SIP 1.12.11 takes one directory (TPTAG_CERTIFICATE) holding
 * agent.pem (private key and certificate in one file) and cafile.pem (the
 * certificates that verify peers), and reads them while nua_create binds the
 * line.  sip_tls_stage() writes the two files, from what the configuration
 * names, into a private directory (mkdtemp, mode 0700, files 0600) and
 * sip_tls_unstage() removes it right after nua_create: the key's copy exists
 * only during the line's start.  Outgoing connections use the same OpenSSL
 * context, so nothing is read again later. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "sipint.h"

const char *const sip_tls_keys[] = {"tls_certificate", "tls_key", "tls_ca", "tls_verify", NULL};

/* No passphrase prompt on the terminal: an encrypted key is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

/* OpenSSL's reason for the last failure, or errno's. */
static const char *ssl_reason(int e)
{
    unsigned long x = ERR_peek_last_error();
    const char *r = x ? ERR_reason_error_string(x) : NULL;
    ERR_clear_error();
    return r ? r : e ? strerror(e) : "not PEM";
}

/* Appends every PEM certificate of file to sk; the count, or -1 (errno or
 * OpenSSL's reason in *why). */
static int read_certs(const char *file, STACK_OF(X509) * sk, const char **why)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        *why = strerror(errno);
        return -1;
    }
    int n = 0;
    X509 *x;
    while ((x = PEM_read_X509(f, NULL, no_passphrase, NULL)) != NULL) {
        if (!sk_X509_push(sk, x)) {
            X509_free(x);
            fclose(f);
            *why = "out of memory";
            return -1;
        }
        n++;
    }
    ERR_clear_error(); /* the end of the file */
    fclose(f);
    return n;
}

static EVP_PKEY *read_key(const char *file, const char **why)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
    fclose(f);
    if (!k)
        *why = "no unencrypted PEM private key in it";
    ERR_clear_error();
    return k;
}

/* The CA certificates of tls_ca: a file, or every file of a directory
 * (certificates of other files are skipped, files without any ignored). */
static int read_ca(const char *path, STACK_OF(X509) * sk, const char **why)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *why = strerror(errno);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return read_certs(path, sk, why);
    DIR *d = opendir(path);
    if (!d) {
        *why = strerror(errno);
        return -1;
    }
    int n = 0;
    struct dirent *de;
    char file[1024];
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        int w = snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
        if (w < 0 || (size_t)w >= sizeof(file) || stat(file, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        const char *ignored;
        int k = read_certs(file, sk, &ignored);
        if (k > 0)
            n += k;
    }
    closedir(d);
    return n;
}

void sip_tls_unconfigure(struct sip_line *l)
{
    free(l->tls_cert);
    free(l->tls_key);
    free(l->tls_ca);
    l->tls_cert = l->tls_key = l->tls_ca = NULL;
}

/* The keys of a TLS line; every file is read and checked now (the check and
 * start-up run this same code): readable PEM, an unencrypted key that belongs
 * to the certificate, at least one CA certificate to verify peers with. */
int sip_tls_configure(struct sip_line *l, const struct ot_line_conf *cf, char *err,
                      size_t errlen)
{
    const char *bad = NULL, *why = "";
    unsigned ln = cf->lineno;
    const char *cert = ot_line_conf_get(cf, "tls_certificate");
    const char *key = ot_line_conf_get(cf, "tls_key");
    const char *ca = ot_line_conf_get(cf, "tls_ca");
    const char *verify = ot_line_conf_get(cf, "tls_verify");
    STACK_OF(X509) *certs = NULL, *cas = NULL;
    EVP_PKEY *pk = NULL;
    char what[160] = "";
    if (!l->tls) {
        for (const char *const *k = sip_tls_keys; *k; k++)
            if (ot_line_conf_get_at(cf, *k, &ln)) {
                snprintf(err, errlen,
                         "line %u: [line] (device %u, sip): %s needs transport = tls", ln,
                         (unsigned)l->id, *k);
                return -1;
            }
        return 0;
    }
    l->tls_verify = TPTLS_VERIFY_SUBJECTS_OUT;
    if (verify) {
        if (!strcasecmp(verify, "none"))
            l->tls_verify = TPTLS_VERIFY_NONE;
        else if (!strcasecmp(verify, "all"))
            l->tls_verify = TPTLS_VERIFY_SUBJECTS_OUT | TPTLS_VERIFY_IN;
        else if (strcasecmp(verify, "out")) {
            bad = "tls_verify", why = "must be out, all or none";
            goto out;
        }
    }
    if (!cert) {
        bad = "tls_certificate", why = "is required with transport = tls (a PEM file)";
        goto out;
    }
    certs = sk_X509_new_null();
    cas = sk_X509_new_null();
    if (!certs || !cas) {
        bad = "tls_certificate", why = "out of memory";
        goto out;
    }
    int n = read_certs(cert, certs, &why);
    if (n <= 0) {
        bad = "tls_certificate";
        snprintf(what, sizeof(what), "%s: %s", cert, n < 0 ? why : "no PEM certificate in it");
        goto out;
    }
    pk = read_key(key ? key : cert, &why);
    if (!pk) {
        bad = key ? "tls_key" : "tls_certificate";
        snprintf(what, sizeof(what), "%s: %s%s", key ? key : cert, why,
                 key ? "" : " (or set tls_key)");
        goto out;
    }
    if (X509_check_private_key(sk_X509_value(certs, 0), pk) != 1) {
        ERR_clear_error();
        bad = key ? "tls_key" : "tls_certificate";
        snprintf(what, sizeof(what), "%s: the key does not match the certificate of %s",
                 key ? key : cert, cert);
        goto out;
    }
    const char *capath = ca ? ca : X509_get_default_cert_file();
    n = read_ca(capath, cas, &why);
    if (n <= 0 && l->tls_verify != TPTLS_VERIFY_NONE) {
        bad = "tls_ca";
        snprintf(what, sizeof(what), "%s: %s%s", capath,
                 n < 0 ? why : "no PEM certificate in it",
                 ca ? "" : " (the system's CA certificates; set tls_ca, or tls_verify = none)");
        goto out;
    }
    l->tls_cert = ot_strdup(cert);
    l->tls_key = ot_strdup(key ? key : cert);
    l->tls_ca = n > 0 ? ot_strdup(capath) : NULL;
    if (!l->tls_cert || !l->tls_key || (n > 0 && !l->tls_ca)) {
        bad = "tls_certificate", why = "out of memory";
        goto out;
    }
out:
    if (certs)
        sk_X509_pop_free(certs, X509_free);
    if (cas)
        sk_X509_pop_free(cas, X509_free);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    if (!bad)
        return 0;
    if (!ot_line_conf_get_at(cf, bad, &ln))
        ln = cf->lineno;
    snprintf(err, errlen, "line %u: [line] (device %u, sip): %s %s", ln, (unsigned)l->id, bad,
             what[0] ? what : why);
    return -1;
}

/* Writes the key and the certificates of the configured files into path
 * (0600); 0, or -1 with the reason in why. */
static int write_pem(const char *path, EVP_PKEY *pk, STACK_OF(X509) * sk, const char **why)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        *why = strerror(errno);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int ok = !pk || PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL);
    for (int i = 0; ok && i < sk_X509_num(sk); i++)
        ok = PEM_write_X509(f, sk_X509_value(sk, i));
    if (fclose(f) != 0 || !ok) {
        *why = ssl_reason(errno);
        return -1;
    }
    return 0;
}

int sip_tls_stage(struct sip_line *l, char *why, size_t whylen)
{
    const char *tmp = getenv("TMPDIR"), *w = "";
    char dir[512];
    int rc = -1;
    STACK_OF(X509) *certs = sk_X509_new_null(), *cas = sk_X509_new_null();
    EVP_PKEY *pk = NULL;
    snprintf(dir, sizeof(dir), "%s/opentapi-tls-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    l->tls_dir = NULL;
    if (!certs || !cas) {
        w = "out of memory";
        goto out;
    }
    /* Read again (the files were checked by sip_tls_configure). */
    if (read_certs(l->tls_cert, certs, &w) <= 0 || !(pk = read_key(l->tls_key, &w)) ||
        (l->tls_ca && read_ca(l->tls_ca, cas, &w) < 0)) {
        if (!*w)
            w = "the certificate file changed";
        goto out;
    }
    if (!mkdtemp(dir)) {
        w = strerror(errno);
        goto out;
    }
    l->tls_dir = ot_strdup(dir);
    if (!l->tls_dir) {
        rmdir(dir);
        w = "out of memory";
        goto out;
    }
    char file[600];
    snprintf(file, sizeof(file), "%s/agent.pem", dir);
    if (write_pem(file, pk, certs, &w) != 0)
        goto out;
    if (sk_X509_num(cas) > 0) {
        snprintf(file, sizeof(file), "%s/cafile.pem", dir);
        if (write_pem(file, NULL, cas, &w) != 0)
            goto out;
    }
    rc = 0;
out:
    if (certs)
        sk_X509_pop_free(certs, X509_free);
    if (cas)
        sk_X509_pop_free(cas, X509_free);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    if (rc != 0) {
        snprintf(why, whylen, "TLS files: %s", w);
        sip_tls_unstage(l);
    }
    return rc;
}

void sip_tls_unstage(struct sip_line *l)
{
    if (!l->tls_dir)
        return;
    char file[600];
    static const char *const names[] = {"agent.pem", "cafile.pem"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(file, sizeof(file), "%s/%s", l->tls_dir, names[i]);
        unlink(file);
    }
    rmdir(l->tls_dir);
    free(l->tls_dir);
    l->tls_dir = NULL;
}

#if defined(__SANITIZE_ADDRESS__)
/* Sanitizer builds only (make check-asan): Debian's Sofia-SIP 1.12.11 leaks
 * every TLS connection's SSL (its tls_free calls SSL_shutdown, never
 * SSL_free; fixed upstream in 2013, FreeSWITCH FS-4452) and the lists of a
 * peer certificate's names.  Their stacks end in OpenSSL (no frame pointers
 * there), so LeakSanitizer is told to ignore memory OpenSSL allocated; our
 * own use of OpenSSL (this file, the tests' certificates) was checked with
 * ASAN_OPTIONS=fast_unwind_on_malloc=0, which shows whole stacks: every
 * direct leak was Sofia-SIP's (docs/testing.md). */
/* Weak: a program with suppressions of its own (fuzz/fuzz_sip.c) replaces
 * these and names OpenSSL too. */
__attribute__((visibility("default"), used, weak)) const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libcrypto.so\nleak:libssl.so\n"; }
/* ...without a "Suppressions used" table on stderr at every exit. */
__attribute__((visibility("default"), used, weak)) const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "print_suppressions=0"; }
#endif
