/* Certificates for the TLS tests, made at test time (tests/sip_tls_helpers.c). */
#ifndef OT_SIP_TLS_HELPERS_H
#define OT_SIP_TLS_HELPERS_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* dir/name: the key (if any) then the certificate (if any), PEM. */
void th_write_pem(const char *dir, const char *name, EVP_PKEY *key, X509 *cert);
/* dir/ca.pem and dir/rogue-ca.pem: two self-signed CAs named alike. */
void th_make_cas(const char *dir);
/* dir/NAME.pem and dir/NAME.key: a certificate for cn (and the
 * subjectAltNames san, e.g. "IP:127.0.0.1,DNS:127.0.0.1", or NULL), signed
 * by the CA of ca.pem, or by the rogue CA. */
void th_make_party(const char *dir, const char *name, const char *cn, const char *san,
                   bool rogue);
/* Frees the CAs' keys and certificates (the files stay). */
void th_free_cas(void);

#endif
