/*
 * keys.h - the contractor's root CA, technicians' keys and certificates
 * (DESIGN §7), for `wipecert key` and the signer.
 *
 * Private keys are PKCS#8, encrypted with AES-256-CBC under a PBKDF2-
 * HMAC-SHA256 key (CERT_KDF_ITER_DEFAULT iterations unless a test asks
 * for fewer), PEM, mode 0600.  Every file is created with O_EXCL and
 * O_NOFOLLOW: nothing is ever replaced.  Functions return 0 or a
 * negative errno and never print; passphrases given to them are not
 * kept, and the caller wipes its copy with explicit_bzero().
 */
#ifndef WIPECERT_KEYS_H
#define WIPECERT_KEYS_H

#include <stddef.h>
#include <time.h>

#define CERT_KDF_ITER_DEFAULT 600000u
#define CERT_PASS_MAX 1024		/* bytes of a passphrase */
#define CERT_CA_DAYS 7305u		/* 20 years */
#define CERT_LEAF_DAYS 730u		/* 2 years, also the maximum */

/*
 * Read a passphrase: the first line of file, or, when file is NULL, from
 * the terminal without echo (asked twice when confirm is set; the two
 * must match).  prompt is written to the terminal only.  Returns 0,
 * -EINVAL (empty), -ENOTTY (no terminal), -EKEYREJECTED (the two
 * entries differ), -EINTR, -ENAMETOOLONG (longer than CERT_PASS_MAX - 1),
 * or -errno reading file.
 */
int cert_passphrase_get(const char *file, const char *prompt, int confirm,
			char buf[CERT_PASS_MAX]);

/* What a new key and certificate are made of. */
struct cert_key_req {
	const char *org;		/* O= (UTF-8) */
	const char *name;		/* CN= (UTF-8) */
	const char *country;		/* C=, two letters, or NULL */
	time_t not_before;		/* 0: now */
	unsigned days;			/* 0: the default for the kind */
	unsigned kdf_iter;		/* 0: CERT_KDF_ITER_DEFAULT */
};

/*
 * A new self-signed root CA (ECDSA P-256, CA:TRUE, keyCertSign+cRLSign):
 * encrypted key to key_path (0600), certificate to cert_path (0644).
 * Neither file may exist.  Returns 0, -EEXIST, -EINVAL, -EIO, -errno.
 */
int cert_key_ca_init(const struct cert_key_req *req, const char *pass,
		     const char *key_path, const char *cert_path);

/*
 * A new technician key and leaf certificate issued by the CA (CA:FALSE,
 * digitalSignature+nonRepudiation, no extended key usage, at most
 * CERT_LEAF_DAYS and never past the CA's own end).  Returns 0, -EEXIST,
 * -EACCES (wrong CA passphrase), -EKEYREJECTED (CA key and certificate
 * differ, or the certificate is no CA), -ERANGE (days too many),
 * -EPERM (CA key readable by others), -ENOENT, -EINVAL, -errno.
 */
int cert_key_leaf_init(const struct cert_key_req *req, const char *pass,
		       const char *ca_key, const char *ca_cert,
		       const char *ca_pass, const char *key_path,
		       const char *cert_path);

/*
 * A certificate signing request for a CA kept elsewhere: a new key
 * (pass is the new key's) unless reuse is set (then key_path must exist
 * and pass unlocks it).  Returns 0, -EEXIST, -EACCES, -errno.
 */
int cert_key_csr(const struct cert_key_req *req, const char *pass,
		 int reuse, const char *key_path, const char *csr_path);

/*
 * Install the certificate a CA issued for key_path: it must match the
 * key (-EKEYREJECTED), be a usable signing leaf (-EINVAL: CA:TRUE, no
 * digitalSignature, documentSigning EKU), be valid at now
 * (-EKEYEXPIRED) and, when ca_cert is given, verify against it
 * (-EBADMSG).  Copied to cert_path, which must not exist.
 */
int cert_key_import(const char *key_path, const char *pass,
		    const char *issued, const char *ca_cert, time_t now,
		    const char *cert_path);

/* One certificate, described for `key show` and error messages. */
struct cert_key_info {
	char subject[512];		/* RFC 2253, UTF-8 */
	char issuer[512];
	char cn[256];
	char serial[80];		/* hex */
	time_t not_before;
	time_t not_after;
	char fingerprint[65];		/* SHA-256 of the DER, hex */
	char spki_sha256[65];		/* SHA-256 of the public key DER */
	char key_type[32];		/* "EC P-256", "RSA 3072" */
	int is_ca;
	char key_usage[128];		/* "digitalSignature nonRepudiation" */
	char ext_key_usage[128];	/* "" when none */
};

/* Describe an X509 *.  Returns 0 or -EINVAL. */
int cert_x509_describe(const void *x509, struct cert_key_info *info);

/*
 * Describe every certificate in a PEM file (or one CSR, is_ca -1 and no
 * validity): *out is a malloc'd array of *n.  Returns 0, -ENOENT,
 * -EINVAL, -ENOMEM.
 */
int cert_key_describe_file(const char *path, struct cert_key_info **out,
			   size_t *n);

/*
 * Read and decrypt an encrypted PKCS#8 key file (must be a regular file
 * without group or other permissions: -EPERM).  Returns 0 and an
 * EVP_PKEY * in *pkey, -EACCES (wrong passphrase), -ENOENT, -EINVAL.
 */
int cert_key_load(const char *path, const char *pass, void **pkey);

/* Check a key file's type and mode without decrypting.  0 or -errno. */
int cert_key_check_file(const char *path);

/*
 * Load the certificates of a PEM (or DER) file as STACK_OF(X509) *.
 * Returns 0, -ENOENT, -EINVAL (none, or malformed), -ENOMEM.
 */
int cert_load_certs(const char *path, void **stack);

#endif
