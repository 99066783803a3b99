/*
 * sigcheck.c - checking many entries' signatures on several threads.
 * ECDSA verification is most of the time `register verify` takes, and
 * the signatures are independent of each other once the walk has found
 * each line's signer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "register/internal.h"

#define MAX_THREADS 8
#define MIN_PER_THREAD 256	/* below this, threads cost more than they save */

/* What checking signatures needs, kept across the checks of a thread. */
struct sigctx {
	EVP_MD *md;
	EVP_MD_CTX *mdctx;
	EVP_PKEY *pkey;		/* the key pctx was made for */
	EVP_PKEY_CTX *pctx;
};

static void
sigctx_release(struct sigctx *c)
{
	EVP_PKEY_CTX_free(c->pctx);
	EVP_MD_CTX_free(c->mdctx);
	EVP_MD_free(c->md);
	memset(c, 0, sizeof(*c));
}

/* Fetch the digest and make a verify context for pkey, once each. */
static int
sigctx_prepare(struct sigctx *c, EVP_PKEY *pkey)
{
	if (c->md == NULL) {
		c->md = EVP_MD_fetch(NULL, "SHA256", NULL);
		c->mdctx = EVP_MD_CTX_new();
		if (c->md == NULL || c->mdctx == NULL)
			return -ENOMEM;
	}
	if (c->pkey == pkey && c->pctx != NULL)
		return 0;
	EVP_PKEY_CTX_free(c->pctx);
	c->pkey = pkey;
	c->pctx = EVP_PKEY_CTX_new(pkey, NULL);
	if (c->pctx == NULL)
		return -ENOMEM;
	if (EVP_PKEY_verify_init(c->pctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(c->pctx, c->md) != 1) {
		EVP_PKEY_CTX_free(c->pctx);
		c->pctx = NULL;
		return -EINVAL;
	}
	return 0;
}

static int
sigctx_check(struct sigctx *c, EVP_PKEY *pkey, const char *line, size_t len,
	     size_t signed_len)
{
	size_t plen = strlen(REG_SIG_PREFIX), siglen;
	unsigned char dgst[EVP_MAX_MD_SIZE];
	unsigned int dlen;
	uint8_t *sig = NULL;
	int ret;

	if (signed_len + plen + 2 > len)
		return -EINVAL;
	ret = reg_b64_decode(line + signed_len + plen,
			     len - signed_len - plen - 2, &sig, &siglen);
	if (ret != 0)
		return ret == -ENOMEM ? ret : -EINVAL;
	/* Strict DER and low S: one signature encoding per line. */
	if (EVP_PKEY_base_id(pkey) == EVP_PKEY_EC &&
	    !wc_ecdsa_is_low_s(sig, siglen, pkey)) {
		ret = -EINVAL;
		goto out;
	}
	ret = sigctx_prepare(c, pkey);
	if (ret != 0)
		goto out;
	/* The signed bytes: the line up to ,"sig": and then the "}". */
	ret = -EBADMSG;
	if (EVP_DigestInit_ex(c->mdctx, c->md, NULL) != 1 ||
	    EVP_DigestUpdate(c->mdctx, line, signed_len) != 1 ||
	    EVP_DigestUpdate(c->mdctx, "}", 1) != 1 ||
	    EVP_DigestFinal_ex(c->mdctx, dgst, &dlen) != 1)
		goto out;
	if (EVP_PKEY_verify(c->pctx, sig, siglen, dgst, dlen) == 1)
		ret = 0;
out:
	free(sig);
	return ret;
}

int
reg_sig_check(EVP_PKEY *pkey, const char *line, size_t len,
	      size_t signed_len)
{
	struct sigctx c;
	int ret;

	memset(&c, 0, sizeof(c));
	ret = sigctx_check(&c, pkey, line, len, signed_len);
	sigctx_release(&c);
	return ret;
}

struct chunk {
	const struct reg_sigjob *jobs;
	size_t from, to;
	size_t first_bad;	/* index of the first failure, or `to` */
	int err;		/* -ENOMEM */
};

static void *
check_chunk(void *arg)
{
	struct chunk *c = arg;
	const struct reg_sigjob *j;
	struct sigctx ctx;
	size_t i;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	c->first_bad = c->to;
	for (i = c->from; i < c->to; i++) {
		j = &c->jobs[i];
		ret = sigctx_check(&ctx, j->pkey, j->line, j->len, j->signed_len);
		if (ret == -ENOMEM)
			c->err = ret;
		if (ret != 0) {
			c->first_bad = i;
			break;
		}
	}
	sigctx_release(&ctx);
	return NULL;
}

static size_t
thread_count(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t = cpus > 0 ? (size_t)cpus : 1;

	t = WC_MIN(t, (size_t)MAX_THREADS);
	t = WC_MIN(t, n / MIN_PER_THREAD);
	return t > 0 ? t : 1;
}

int
reg_sigjobs_check(const struct reg_sigjob *jobs, size_t n, size_t *first_bad)
{
	struct chunk c[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	size_t t = thread_count(n), i;
	int err = 0;

	*first_bad = n;
	for (i = 0; i < t; i++) {
		c[i] = (struct chunk){ jobs, n * i / t, n * (i + 1) / t, 0, 0 };
		/* The first chunk runs here; others on threads when possible. */
		if (i > 0 && pthread_create(&th[i], NULL, check_chunk, &c[i]) == 0)
			started[i] = 1;
	}
	for (i = 0; i < t; i++) {
		if (i == 0 || !started[i])
			check_chunk(&c[i]);
		else
			pthread_join(th[i], NULL);
	}
	for (i = 0; i < t; i++) {
		if (c[i].err != 0)
			err = c[i].err;
		if (c[i].first_bad < c[i].to && c[i].first_bad < *first_bad)
			*first_bad = c[i].first_bad;
	}
	return err;
}
