/* Certificates for the TLS tests (test_sip_tls.c, test_sip_tool.c), made
 * with OpenSSL's library at test time: EC P-256 keys, a test CA and a
 * "rogue" CA of the same name but another key, party certificates signed by
 * either.  Every failure FAILs the test. */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "test.h"
#include "sip_tls_helpers.h"

static void add_ext(X509 *x, X509V3_CTX *v, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, v, nid, value);
    CHECK(e != NULL);
    CHECK(X509_add_ext(x, e, -1) == 1);
    X509_EXTENSION_free(e);
}

/* A certificate for key: self-signed CA when ca is NULL, else signed by ca. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *san, X509 *ca, EVP_PKEY *cakey)
{
    static long serial = 1;
    X509 *x = X509_new();
    CHECK(x != NULL);
    CHECK(X509_set_version(x, 2) == 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    CHECK(X509_set_pubkey(x, key) == 1);
    X509_NAME *n = X509_get_subject_name(x);
    CHECK(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                     0) == 1);
    CHECK(X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : n) == 1);
    X509V3_CTX v;
    X509V3_set_ctx_nodb(&v);
    X509V3_set_ctx(&v, ca ? ca : x, x, NULL, NULL, 0);
    add_ext(x, &v, NID_basic_constraints, ca ? "critical,CA:FALSE" : "critical,CA:TRUE");
    add_ext(x, &v, NID_key_usage,
            ca ? "critical,digitalSignature,keyEncipherment" : "critical,keyCertSign,cRLSign");
    if (san)
        add_ext(x, &v, NID_subject_alt_name, san);
    CHECK(X509_sign(x, ca ? cakey : key, EVP_sha256()) > 0);
    return x;
}

void th_write_pem(const char *dir, const char *name, EVP_PKEY *key, X509 *cert)
{
    char path[700];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (key)
        CHECK(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1);
    if (cert)
        CHECK(PEM_write_X509(f, cert) == 1);
    CHECK(fclose(f) == 0);
}

/* dir/NAME.pem (certificate) and dir/NAME.key for a new key, signed by the
 * CA "ca" (ca.pem) or by "rogue" (another CA nobody configured). */
static EVP_PKEY *ca_key, *rogue_key;
static X509 *ca_cert, *rogue_cert;

void th_make_cas(const char *dir)
{
    ca_key = EVP_EC_gen("P-256");
    rogue_key = EVP_EC_gen("P-256");
    CHECK(ca_key && rogue_key);
    ca_cert = make_cert(ca_key, "opentapi test CA", NULL, NULL, NULL);
    rogue_cert = make_cert(rogue_key, "opentapi test CA", NULL, NULL, NULL); /* same name */
    th_write_pem(dir, "ca.pem", NULL, ca_cert);
    th_write_pem(dir, "rogue-ca.pem", NULL, rogue_cert);
}

void th_make_party(const char *dir, const char *name, const char *cn, const char *san,
                   bool rogue)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    CHECK(k != NULL);
    X509 *x = make_cert(k, cn, san, rogue ? rogue_cert : ca_cert, rogue ? rogue_key : ca_key);
    char f[64];
    snprintf(f, sizeof(f), "%s.pem", name);
    th_write_pem(dir, f, NULL, x);
    snprintf(f, sizeof(f), "%s.key", name);
    th_write_pem(dir, f, k, NULL);
    X509_free(x);
    EVP_PKEY_free(k);
}

void th_free_cas(void)
{
    X509_free(ca_cert);
    X509_free(rogue_cert);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(rogue_key);
    ca_cert = rogue_cert = NULL;
    ca_key = rogue_key = NULL;
}

