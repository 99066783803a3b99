/*
 * pattern.c - seekable pattern generation.
 *
 * The random pattern is the AES-128-CTR keystream under the pattern seed
 * with a 128-bit big-endian counter that is 0 at device offset 0, so the
 * byte at offset X is keystream byte X: it can be recomputed from X alone
 * (DESIGN §5).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "wipe/wipe.h"

#define SRC_BLOCK 65536

struct wipe_patgen {
	struct wipe_pattern p;
	EVP_CIPHER_CTX *ctx;
	uint8_t *src;		/* 64 KiB of 0x00 (or 0xff): CTR plaintext */
};

void
wipe_pattern_describe(const struct wipe_pattern *p, char *buf, size_t len)
{
	switch (p->kind) {
	case WIPE_PAT_RANDOM:
		snprintf(buf, len, "random");
		return;
	case WIPE_PAT_RANDOM_INV:
		snprintf(buf, len, "random-complement");
		return;
	case WIPE_PAT_BYTES:
		break;
	}
	if (p->nbytes == 1 && p->bytes[0] == 0x00)
		snprintf(buf, len, "zero");
	else if (p->nbytes == 1 && p->bytes[0] == 0xff)
		snprintf(buf, len, "one");
	else if (p->nbytes == 1)
		snprintf(buf, len, "bytes:%02x", p->bytes[0]);
	else if (p->nbytes == 2)
		snprintf(buf, len, "bytes:%02x%02x", p->bytes[0], p->bytes[1]);
	else
		snprintf(buf, len, "bytes:%02x%02x%02x", p->bytes[0],
			 p->bytes[1], p->bytes[2]);
}

int
wipe_pattern_parse(const char *desc, const char *seed_hex,
		   struct wipe_pattern *p)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	if (strcmp(desc, "random") == 0 ||
	    strcmp(desc, "random-complement") == 0) {
		p->kind = desc[6] == '\0' ? WIPE_PAT_RANDOM
					  : WIPE_PAT_RANDOM_INV;
		if (seed_hex == NULL)
			return -EINVAL;
		return wc_unhex(p->key, sizeof(p->key), seed_hex);
	}
	p->kind = WIPE_PAT_BYTES;
	p->nbytes = 1;
	if (strcmp(desc, "zero") == 0) {
		p->bytes[0] = 0x00;
		return 0;
	}
	if (strcmp(desc, "one") == 0) {
		p->bytes[0] = 0xff;
		return 0;
	}
	if (strncmp(desc, "bytes:", 6) != 0)
		return -EINVAL;
	n = strlen(desc + 6);
	if (n != 2 && n != 4 && n != 6)
		return -EINVAL;
	p->nbytes = (uint8_t)(n / 2);
	return wc_unhex(p->bytes, p->nbytes, desc + 6);
}

int
wipe_patgen_new(const struct wipe_pattern *p, struct wipe_patgen **out)
{
	struct wipe_patgen *g;

	*out = NULL;
	if (p->kind == WIPE_PAT_BYTES && (p->nbytes < 1 || p->nbytes > 3))
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	g->p = *p;
	if (p->kind != WIPE_PAT_BYTES) {
		g->ctx = EVP_CIPHER_CTX_new();
		g->src = malloc(SRC_BLOCK);
		if (g->src != NULL)
			memset(g->src, p->kind == WIPE_PAT_RANDOM_INV ? 0xff : 0,
			       SRC_BLOCK);
		if (g->ctx == NULL || g->src == NULL ||
		    EVP_EncryptInit_ex(g->ctx, EVP_aes_128_ctr(), NULL, p->key,
				       NULL) != 1) {
			wipe_patgen_free(g);
			return -EIO;
		}
	}
	*out = g;
	return 0;
}

void
wipe_patgen_free(struct wipe_patgen *g)
{
	if (g == NULL)
		return;
	EVP_CIPHER_CTX_free(g->ctx);
	free(g->src);
	/* The seed is recorded, but do not leave key schedules around. */
	OPENSSL_cleanse(g, sizeof(*g));
	free(g);
}

static void
fill_bytes(const struct wipe_pattern *p, uint64_t off, uint8_t *buf,
	   size_t len)
{
	size_t have, n;
	unsigned phase = (unsigned)(off % p->nbytes);

	if (p->nbytes == 1) {
		memset(buf, p->bytes[0], len);
		return;
	}
	for (have = 0; have < len && have < p->nbytes; have++)
		buf[have] = p->bytes[(phase + have) % p->nbytes];
	/* Double the periodic prefix; any multiple of the period works. */
	while (have < len) {
		n = WC_MIN(have - have % p->nbytes, len - have);
		memcpy(buf + have, buf, n);
		have += n;
	}
}

/* Position the CTR state at device offset off. */
static int
seek_stream(struct wipe_patgen *g, uint64_t off)
{
	uint8_t iv[16] = { 0 }, skip[16] = { 0 };
	uint64_t block = off / 16;
	int outl, i, head = (int)(off % 16);

	for (i = 0; i < 8; i++)
		iv[15 - i] = (uint8_t)(block >> (8 * i));
	if (EVP_EncryptInit_ex(g->ctx, NULL, NULL, NULL, iv) != 1)
		return -EIO;
	if (head != 0 &&
	    EVP_EncryptUpdate(g->ctx, skip, &outl, skip, head) != 1)
		return -EIO;
	return 0;
}

/* out = in XOR keystream, in slices of at most SRC_BLOCK bytes when in
 * is the (cache-resident) constant source block. */
static int
xor_stream(struct wipe_patgen *g, const uint8_t *in, size_t in_step,
	   uint8_t *out, size_t len)
{
	size_t done = 0, n;
	int outl;

	while (done < len) {
		n = WC_MIN(len - done, in_step);
		if (EVP_EncryptUpdate(g->ctx, out + done, &outl,
				      in_step == SRC_BLOCK ? in : in + done,
				      (int)n) != 1 || (size_t)outl != n)
			return -EIO;
		done += n;
	}
	return 0;
}

static int
fill_stream(struct wipe_patgen *g, uint64_t off, uint8_t *buf, size_t len)
{
	int ret = seek_stream(g, off);

	/* CTR: plaintext 0x00 gives the keystream, 0xff its complement. */
	if (ret == 0)
		ret = xor_stream(g, g->src, SRC_BLOCK, buf, len);
	return ret;
}

int
wipe_patgen_xor(struct wipe_patgen *g, uint64_t off, void *buf, size_t len)
{
	int ret;

	if (g->p.kind == WIPE_PAT_BYTES)
		return -EINVAL;
	ret = seek_stream(g, off);
	if (ret == 0)
		ret = xor_stream(g, buf, 1U << 30, buf, len);
	return ret;
}

int
wipe_patgen_fill(struct wipe_patgen *g, uint64_t off, void *buf, size_t len)
{
	if (g->p.kind == WIPE_PAT_BYTES) {
		fill_bytes(&g->p, off, buf, len);
		return 0;
	}
	return fill_stream(g, off, buf, len);
}
