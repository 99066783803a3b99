/*
 * sign_priv.h - the steps of cert_pdf_sign(), apart for the tests.
 */
#ifndef WIPECERT_SIGN_PRIV_H
#define WIPECERT_SIGN_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "certs/certs.h"
#include "certs/pdfobj.h"

#define CERT_SIG_RESERVE 8192	/* DER bytes reserved in /Contents */

/* Where the incremental update put things. */
struct sign_layout {
	size_t range[4];	/* /ByteRange [0 a b c] */
	size_t contents_off;	/* offset of the '<' of /Contents */
	size_t contents_len;	/* hex digits between '<' and '>' */
	size_t xref_off;	/* the new xref section */
	uint32_t catalog;	/* object numbers */
	uint32_t page;
	uint32_t field;
	uint32_t sig;
};

/*
 * The original PDF followed by the incremental update, with /ByteRange
 * filled and /Contents all zeros (reserve DER bytes, so 2 * reserve hex
 * digits).  when is the /M signing time.  Returns 0, -EINVAL (not a PDF
 * this code can update), -ENOMEM.  Release o with pdf_out_release().
 */
int sign_update(const uint8_t *pdf, size_t len, size_t reserve, time_t when,
		struct pdf_out *o, struct sign_layout *lay);

/*
 * A detached CMS SignedData (DER) over data: ECDSA/RSA with SHA-256,
 * signed attributes contentType, messageDigest and signing-certificate-
 * v2, no signingTime; certificates: signer and chain.  Caller frees
 * *der with OPENSSL_free.  Returns 0 or -EIO.
 */
int sign_cms(const struct cert_signer *s, const uint8_t *data, size_t len,
	     uint8_t **der, size_t *derlen);

/*
 * Hash the ranges of buf, sign, and write the hex into /Contents.
 * Returns 0, -ENOSPC (the signature does not fit; buf unchanged), -EIO.
 */
int sign_fill(const struct cert_signer *s, uint8_t *buf, size_t n,
	      const struct sign_layout *lay);

/* cert_pdf_sign() with a chosen reservation and time. */
int sign_pdf(const uint8_t *pdf, size_t len, const struct cert_signer *s,
	     size_t reserve, time_t when, uint8_t **out, size_t *outlen);

#endif
