/*
 * keys.c - passphrases, key files and certificate files.
 *
 * As signify does it: files are created with O_EXCL|O_NOFOLLOW and mode
 * 0600 (keys), read with O_NOFOLLOW, and refused when group or others
 * may read them; secrets are wiped with explicit_bzero/OPENSSL_cleanse
 * as soon as they are no longer needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "certs/keys.h"
#include "certs/keys_priv.h"

#define KEYFILE_MAX (64 * 1024)

/* One line from the terminal, without echo.  buf is NUL-terminated. */
static int
tty_line(int fd, const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	size_t k = 0;
	int restore, ret = 0;
	ssize_t r;
	char c;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return -errno;
	restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0) {
			ret = errno == EINTR ? -EINTR : -errno;
			break;
		}
		if (r == 0 || c == '\n' || c == '\r')
			break;
		if (k + 1 >= cap)
			ret = -ENAMETOOLONG;	/* keep reading the line */
		else
			buf[k++] = c;
	}
	buf[k] = '\0';
	c = 0;
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

static int
pass_from_tty(const char *prompt, int confirm, char *buf, size_t cap)
{
	char again[CERT_PASS_MAX];
	int fd, ret;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENOTTY;
	ret = tty_line(fd, prompt, buf, cap);
	if (ret == 0 && confirm) {
		ret = tty_line(fd, "again: ", again, sizeof(again));
		if (ret == 0 && strcmp(buf, again) != 0)
			ret = -EKEYREJECTED;
		explicit_bzero(again, sizeof(again));
	}
	close(fd);
	return ret;
}

static int key_open(const char *path, int *fdp);

static int
pass_from_file(const char *file, char *buf, size_t cap)
{
	char raw[CERT_PASS_MAX + 2];
	size_t len = 0, k;
	ssize_t r;
	int fd, ret = 0;

	/* A secret like the key itself: no link, no group/other access. */
	ret = key_open(file, &fd);
	if (ret != 0)
		return ret;
	while (len < sizeof(raw)) {
		r = read(fd, raw + len, sizeof(raw) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			ret = -errno;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	for (k = 0; k < len && raw[k] != '\n'; k++)
		;
	if (k > 0 && raw[k - 1] == '\r')
		k--;
	if (ret == 0 && k >= cap)
		ret = -ENAMETOOLONG;
	if (ret == 0) {
		memcpy(buf, raw, k);
		buf[k] = '\0';
	}
	explicit_bzero(raw, sizeof(raw));
	return ret;
}

int
cert_passphrase_get(const char *file, const char *prompt, int confirm,
		    char buf[CERT_PASS_MAX])
{
	int ret;

	buf[0] = '\0';
	if (file != NULL)
		ret = pass_from_file(file, buf, CERT_PASS_MAX);
	else
		ret = pass_from_tty(prompt, confirm, buf, CERT_PASS_MAX);
	if (ret == 0 && buf[0] == '\0')
		ret = -EINVAL;
	if (ret != 0)
		explicit_bzero(buf, CERT_PASS_MAX);
	return ret;
}

int
keys_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd < 0)
		return -errno;
	ret = wc_write_all(fd, data, len);
	if (ret == 0 && fchmod(fd, mode) != 0)
		ret = -errno;
	if (ret == 0 && fsync(fd) != 0)
		ret = -errno;
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	if (ret != 0)
		unlink(path);	/* ours: O_EXCL made it */
	return ret;
}

/* Open a key file: a regular file, not a link, no group/other access. */
static int
key_open(const char *path, int *fdp)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		return -EPERM;
	}
	*fdp = fd;
	return 0;
}

int
cert_key_check_file(const char *path)
{
	int fd = -1, ret;

	ret = key_open(path, &fd);
	if (ret == 0)
		close(fd);
	return ret;
}

static int
read_fd(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t r;

	*len = 0;
	while (*len < cap) {
		r = read(fd, buf + *len, cap - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		*len += (size_t)r;
	}
	return -EFBIG;
}

/* Decrypt PEM "ENCRYPTED PRIVATE KEY" text. */
static int
key_decrypt(const char *pem, size_t len, const char *pass, EVP_PKEY **out)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_SIG *p8e = NULL;
	BIO *b;
	int ret = -EINVAL;

	b = BIO_new_mem_buf(pem, (int)len);
	if (b == NULL)
		return -ENOMEM;
	p8e = PEM_read_bio_PKCS8(b, NULL, NULL, NULL);
	if (p8e == NULL)
		goto out;
	ret = -EACCES;
	p8 = PKCS8_decrypt(p8e, pass, (int)strlen(pass));
	if (p8 == NULL)
		goto out;
	*out = EVP_PKCS82PKEY(p8);
	if (*out != NULL)
		ret = 0;
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	X509_SIG_free(p8e);
	BIO_free(b);
	ERR_clear_error();
	return ret;
}

int
cert_key_load(const char *path, const char *pass, void **pkey)
{
	char *buf;
	size_t len = 0;
	int fd = -1, ret;

	ret = key_open(path, &fd);
	if (ret != 0)
		return ret;
	buf = malloc(KEYFILE_MAX);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	ret = read_fd(fd, buf, KEYFILE_MAX, &len);
	close(fd);
	if (ret == 0)
		ret = key_decrypt(buf, len, pass, (EVP_PKEY **)pkey);
	OPENSSL_cleanse(buf, KEYFILE_MAX);
	free(buf);
	return ret;
}

int
keys_encrypt_pem(EVP_PKEY *pkey, const char *pass, unsigned iter,
		 char **pem, size_t *len)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *p8e = NULL;
	BIO *b = NULL;
	char *data;
	long n;
	int ret = -EIO;

	if (iter == 0)
		iter = CERT_KDF_ITER_DEFAULT;
	if (iter > INT32_MAX)
		return -EINVAL;
	p8 = EVP_PKEY2PKCS8(pkey);
	pbe = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), (int)iter, NULL, 0, NULL,
				NID_hmacWithSHA256);
	if (p8 == NULL || pbe == NULL)
		goto out;
	p8e = PKCS8_set0_pbe(pass, (int)strlen(pass), p8, pbe);
	if (p8e == NULL)
		goto out;
	pbe = NULL;		/* owned by p8e now */
	b = BIO_new(BIO_s_mem());
	if (b == NULL || !PEM_write_bio_PKCS8(b, p8e))
		goto out;
	n = BIO_get_mem_data(b, &data);
	*pem = malloc((size_t)n);
	if (*pem == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*pem, data, (size_t)n);
	*len = (size_t)n;
	ret = 0;
out:
	X509_ALGOR_free(pbe);
	X509_SIG_free(p8e);
	PKCS8_PRIV_KEY_INFO_free(p8);
	BIO_free(b);
	ERR_clear_error();
	return ret;
}

/* Write a new key file (0600). */
int
keys_write_key(EVP_PKEY *pkey, const char *pass, unsigned iter,
	       const char *path)
{
	char *pem = NULL;
	size_t len = 0;
	int ret;

	ret = keys_encrypt_pem(pkey, pass, iter, &pem, &len);
	if (ret == 0)
		ret = keys_write_new(path, pem, len, 0600);
	free(pem);
	return ret;
}

int
cert_load_certs(const char *path, void **stack)
{
	STACK_OF(X509) *sk;
	X509 *x;
	char *buf = NULL;
	size_t len;
	BIO *b;
	int ret;

	ret = wc_read_file(path, KEYFILE_MAX * 4, &buf, &len);
	if (ret != 0)
		return ret;
	sk = sk_X509_new_null();
	b = BIO_new_mem_buf(buf, (int)len);
	ret = sk && b ? 0 : -ENOMEM;
	while (ret == 0 && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			ret = -ENOMEM;
		}
	}
	if (ret == 0 && sk_X509_num(sk) == 0) {
		const unsigned char *q = (const unsigned char *)buf;

		x = d2i_X509(NULL, &q, (long)len);
		if (x == NULL || !sk_X509_push(sk, x)) {
			X509_free(x);
			ret = -EINVAL;
		}
	}
	BIO_free(b);
	free(buf);
	ERR_clear_error();
	if (ret != 0) {
		sk_X509_pop_free(sk, X509_free);
		return ret;
	}
	*stack = sk;
	return 0;
}
