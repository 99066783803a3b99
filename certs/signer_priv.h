/*
 * signer_priv.h - struct cert_signer, shared by signer.c and sign.c.
 */
#ifndef WIPECERT_SIGNER_PRIV_H
#define WIPECERT_SIGNER_PRIV_H

#include <openssl/evp.h>
#include <openssl/x509.h>

struct cert_signer {
	EVP_PKEY *pkey;
	X509 *cert;
	STACK_OF(X509) *chain;	/* issuing CA certificates, maybe empty */
	char name[256];		/* subject CN, UTF-8 */
	char fingerprint[65];	/* SHA-256 of the certificate DER, hex */
};

#endif
