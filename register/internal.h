/*
 * internal.h - helpers shared by the register's files; not part of the
 * module's interface (register/register.h is).
 */
#ifndef WIPECERT_REGISTER_INTERNAL_H
#define WIPECERT_REGISTER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "register/register.h"

#define REG_ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* The bytes between the signed part and the signature (see (5)). */
#define REG_SIG_PREFIX ",\"sig\":\""

/* A growing NUL-terminated buffer; errors are sticky (err = -ENOMEM). */
struct reg_buf {
	char *p;
	size_t len;
	size_t cap;
	int err;
};

void reg_buf_init(struct reg_buf *b);
void reg_buf_release(struct reg_buf *b);
void reg_buf_add(struct reg_buf *b, const void *data, size_t n);
void reg_buf_str(struct reg_buf *b, const char *s);
void reg_buf_fmt(struct reg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Base64 (RFC 4648, padded, no line breaks).  Caller frees *out. */
int reg_b64_encode(const uint8_t *in, size_t n, char **out);
/* Strict: only the alphabet, padding only at the end.  -EINVAL. */
int reg_b64_decode(const char *in, size_t n, uint8_t **out, size_t *outlen);

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int reg_utf8_valid(const char *s, size_t n);

/* 1 when s is exactly 64 lowercase hex digits. */
int reg_is_hex64(const char *s);

/*
 * Sign data with the signer's key (SHA-256).  *sig is malloc'd DER.
 * Returns 0, -ENOMEM or -EIO.
 */
int reg_sign(const struct reg_signer *s, const void *data, size_t len,
	     uint8_t **sig, size_t *siglen);

/*
 * Check the signature of a whole line (without its newline) whose
 * signed part is line[0..signed_len) plus "}".  Returns 0, -EBADMSG
 * (does not verify), -EINVAL (not base64 strict-DER), -ENOMEM.
 */
int reg_sig_check(EVP_PKEY *pkey, const char *line, size_t len,
		  size_t signed_len);

/* One signature to check (register verify defers them). */
struct reg_sigjob {
	const char *line;
	size_t len;
	size_t signed_len;
	EVP_PKEY *pkey;
};

/*
 * Check n signatures on up to 8 threads; *first_bad is the index of the
 * first one that fails, or n.  Returns 0 or -ENOMEM.
 */
int reg_sigjobs_check(const struct reg_sigjob *jobs, size_t n,
		      size_t *first_bad);

/* A text field for a body: NULL or "" becomes null.  -EINVAL when bad. */
int reg_put_text(struct json_object *o, const char *key, const char *v,
		 int required);

/* Read a whole file under a shared lock.  Caller frees *text. */
int reg_read_locked(const char *path, char **text, size_t *len);

#endif
