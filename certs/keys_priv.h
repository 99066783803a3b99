/*
 * keys_priv.h - helpers shared by keys.c, certgen.c, signer.c, sign.c
 * and pdfverify.c; not for use outside certs/.
 */
#ifndef WIPECERT_KEYS_PRIV_H
#define WIPECERT_KEYS_PRIV_H

#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/lib.h"

/*
 * Create path with O_EXCL|O_NOFOLLOW, write, fchmod to mode, fsync.  On
 * failure the file is removed.  Returns 0 or -errno (-EEXIST).
 */
int keys_write_new(const char *path, const void *data, size_t len,
		   mode_t mode);

/* Encrypted PKCS#8 PEM of pkey; caller frees *pem.  0 or -errno. */
int keys_encrypt_pem(EVP_PKEY *pkey, const char *pass, unsigned iter,
		     char **pem, size_t *len);

/* keys_encrypt_pem() into a new file of mode 0600. */
int keys_write_key(EVP_PKEY *pkey, const char *pass, unsigned iter,
		   const char *path);

/*
 * Is x valid at now?  Returns 0, -EKEYEXPIRED (expired or not yet
 * valid), -EINVAL (unreadable times).
 */
int keys_check_time(X509 *x, time_t now);

#endif
