/*
 * readback.c - read the plan's extents back and compare them with the
 * expected pattern, several reads in flight; and the post-erase probe.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "verify/verify.h"

struct reader_ctx {
	struct wipe_dev *d;
	const struct vfy_plan *plan;
	const struct wipe_pattern *p;
	const struct wipe_engine_opts *o;
	struct wipe_progress *prog;
	struct vfy_result *res;
	pthread_mutex_t mu;
	size_t next_ext;	/* cursor: extent index ... */
	uint64_t next_in;	/* ... and offset within it */
	int fatal;
};

void
vfy_result_init(struct vfy_result *r)
{
	memset(r, 0, sizeof(*r));
	wc_ranges_init(&r->mismatch);
	wc_ranges_init(&r->unreadable);
}

void
vfy_result_release(struct vfy_result *r)
{
	if (r == NULL)
		return;
	wc_ranges_release(&r->mismatch);
	wc_ranges_release(&r->unreadable);
}

int
vfy_result_ok(const struct vfy_result *r)
{
	return !r->aborted && r->mismatch.sectors == 0 &&
	       r->unreadable.sectors == 0 && !r->mismatch.truncated &&
	       !r->unreadable.truncated;
}

/* Take the next piece of work (at most one chunk).  Under the lock. */
static int
next_item(struct reader_ctx *c, uint64_t *off, size_t *len)
{
	const struct vfy_plan *pl = c->plan;
	uint64_t ext_off, ext_len;

	if (c->fatal != 0 || (c->o->stop != NULL && *c->o->stop))
		return 0;
	if (pl->ext == NULL) {
		ext_off = 0;
		ext_len = c->next_ext == 0 ? pl->size : 0;
	} else {
		if (c->next_ext >= pl->n)
			return 0;
		ext_off = pl->ext[c->next_ext].off;
		ext_len = pl->ext[c->next_ext].len;
	}
	if (c->next_in >= ext_len)
		return 0;
	*off = ext_off + c->next_in;
	*len = (size_t)WC_MIN((uint64_t)c->o->chunk, ext_len - c->next_in);
	c->next_in += *len;
	if (c->next_in >= ext_len) {
		c->next_ext++;
		c->next_in = 0;
	}
	return 1;
}

/* Read [off, off+len); unreadable sectors are zero-filled and recorded. */
static void
read_item(struct reader_ctx *c, uint8_t *buf, uint64_t off, size_t len,
	  struct wc_ranges *unreadable)
{
	uint32_t sec = c->plan->sector;
	size_t at;
	ssize_t n;

	n = wipe_dev_pread(c->d, buf, len, off);
	if (n == (ssize_t)len)
		return;
	for (at = 0; at < len; at += sec) {
		n = wipe_dev_pread(c->d, buf + at, sec, off + at);
		if (n != (ssize_t)sec) {
			memset(buf + at, 0, sec);
			wc_ranges_add(unreadable, (off + at) / sec, 1);
		}
	}
}

/*
 * 1 when buf, read from device offset off, holds the n-byte pattern pat
 * (pat[0] at offset 0).  Checks the first 48 bytes (a multiple of every
 * period) one by one, then that the buffer repeats itself with period
 * 48: one pass over memory, no expected-data buffer.
 */
static int
holds(const uint8_t *buf, size_t len, const uint8_t *pat, unsigned n,
      uint64_t off)
{
	enum { PERIOD = 48 };
	size_t k;

	for (k = 0; k < len && k < PERIOD; k++)
		if (buf[k] != pat[(off + k) % n])
			return 0;
	return len <= PERIOD || memcmp(buf, buf + PERIOD, len - PERIOD) == 0;
}

static void
compare_item(const struct reader_ctx *c, const uint8_t *got,
	     const uint8_t *pat, unsigned n, uint64_t off, size_t len,
	     const struct wc_ranges *unreadable, struct wc_ranges *mismatch)
{
	uint32_t sec = c->plan->sector;
	size_t at;
	uint64_t lba;

	if (holds(got, len, pat, n, off))
		return;
	for (at = 0; at < len; at += sec) {
		if (holds(got + at, sec, pat, n, off + at))
			continue;
		lba = (off + at) / sec;
		/* An unreadable sector is not also a mismatch. */
		if (!wc_ranges_contains(unreadable, lba))
			wc_ranges_add(mismatch, lba, 1);
	}
}

/*
 * Bring buf to a constant-period form: random data is XORed with the
 * keystream (a match becomes all 0x00, or all 0xff for the complement).
 * Sets the pattern to compare against.  Returns 0 or -EIO.
 */
static int
normalise_item(const struct reader_ctx *c, struct wipe_patgen *g,
	       uint8_t *buf, uint64_t off, size_t len, const uint8_t **pat,
	       unsigned *n)
{
	static const uint8_t zero = 0x00, ones = 0xff;

	switch (c->p->kind) {
	case WIPE_PAT_BYTES:
		*pat = c->p->bytes;
		*n = c->p->nbytes;
		return 0;
	case WIPE_PAT_RANDOM:
		*pat = &zero;
		break;
	case WIPE_PAT_RANDOM_INV:
		*pat = &ones;
		break;
	}
	*n = 1;
	return wipe_patgen_xor(g, off, buf, len);
}

static void *
reader(void *arg)
{
	struct reader_ctx *c = arg;
	struct wc_ranges bad, diff;
	struct wipe_patgen *g = NULL;
	const uint8_t *pat = NULL;
	unsigned n = 1;
	uint8_t *buf;
	uint64_t off;
	size_t len;
	int ret;

	wc_ranges_init(&bad);
	wc_ranges_init(&diff);
	buf = wipe_alloc_aligned(c->d->align, c->o->chunk);
	ret = buf ? wipe_patgen_new(c->p, &g) : -ENOMEM;
	pthread_mutex_lock(&c->mu);
	if (ret != 0)
		c->fatal = ret;
	while (next_item(c, &off, &len)) {
		pthread_mutex_unlock(&c->mu);
		read_item(c, buf, off, len, &bad);
		ret = normalise_item(c, g, buf, off, len, &pat, &n);
		if (ret == 0)
			compare_item(c, buf, pat, n, off, len, &bad, &diff);
		if (c->prog != NULL)
			__atomic_fetch_add(&c->prog->done, len,
					   __ATOMIC_RELAXED);
		pthread_mutex_lock(&c->mu);
		if (ret != 0)
			c->fatal = ret;
		c->res->bytes_read += len;
		if (wc_ranges_merge(&c->res->unreadable, &bad) != 0 ||
		    wc_ranges_merge(&c->res->mismatch, &diff) != 0)
			c->fatal = -ENOMEM;
		wc_ranges_release(&bad);
		wc_ranges_release(&diff);
	}
	pthread_mutex_unlock(&c->mu);
	wipe_patgen_free(g);
	free(buf);
	return NULL;
}

/* The partial sector at the end of an image file (buffered read). */
static int
check_tail(struct reader_ctx *c)
{
	const struct vfy_plan *pl = c->plan;
	struct wipe_patgen *g = NULL;
	const uint8_t *pat = NULL;
	uint8_t *buf;
	unsigned n = 1;
	size_t k;
	int ret;

	if (pl->tail == 0)
		return 0;
	buf = malloc(pl->tail);
	if (buf == NULL)
		return -ENOMEM;
	ret = wipe_patgen_new(c->p, &g);
	if (ret == 0 && wipe_dev_pread(c->d, buf, pl->tail, pl->size) !=
				(ssize_t)pl->tail)
		ret = wc_ranges_add(&c->res->unreadable, pl->size / pl->sector,
				    1) == 0 ? 1 : -ENOMEM;
	if (ret == 0)
		ret = normalise_item(c, g, buf, pl->size, pl->tail, &pat, &n);
	for (k = 0; ret == 0 && k < pl->tail; k++)
		if (buf[k] != pat[(pl->size + k) % n]) {
			ret = wc_ranges_add(&c->res->mismatch,
					    pl->size / pl->sector, 1);
			break;
		}
	c->res->bytes_read += pl->tail;
	if (c->prog != NULL)
		__atomic_fetch_add(&c->prog->done, pl->tail, __ATOMIC_RELAXED);
	wipe_patgen_free(g);
	free(buf);
	return ret < 0 ? ret : 0;
}

int
vfy_readback(struct wipe_dev *d, const struct vfy_plan *plan,
	     const struct wipe_pattern *p, const struct wipe_engine_opts *o,
	     struct wipe_progress *prog, struct vfy_result *res)
{
	struct reader_ctx c;
	pthread_t tids[16];
	unsigned n = 0, i, want = WC_MIN(o->writers, 16u);
	uint64_t t0 = wc_mono_ns();
	int ret;

	if (o->chunk == 0 || o->chunk % plan->sector != 0 || want == 0)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.d = d;
	c.plan = plan;
	c.p = p;
	c.o = o;
	c.prog = prog;
	c.res = res;
	pthread_mutex_init(&c.mu, NULL);
	if (prog != NULL) {
		__atomic_store_n(&prog->done, 0, __ATOMIC_RELAXED);
		prog->total = plan->bytes;
	}
	ret = wipe_dev_drop_cache(d);
	if (ret == -EOPNOTSUPP)
		ret = 0;
	for (i = 0; ret == 0 && i < want; i++) {
		ret = -pthread_create(&tids[n], NULL, reader, &c);
		if (ret == 0)
			n++;
	}
	if (ret != 0) {
		pthread_mutex_lock(&c.mu);
		c.fatal = ret;
		pthread_mutex_unlock(&c.mu);
	}
	for (i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	if (ret == 0 && c.fatal == 0)
		c.fatal = check_tail(&c);
	pthread_mutex_destroy(&c.mu);
	res->elapsed_ns = wc_mono_ns() - t0;
	if (ret == 0)
		ret = c.fatal;
	if (ret == 0 && o->stop != NULL && *o->stop) {
		res->aborted = 1;
		ret = -EINTR;
	}
	return ret;
}

int
vfy_probe_after(struct wipe_dev *d, struct wipe_contents *found)
{
	int ret, fd;

	memset(found, 0, sizeof(*found));
	ret = wipe_dev_drop_cache(d);
	if (ret != 0 && ret != -EOPNOTSUPP)
		return ret;
	fd = wipe_dev_fd(d);
	if (fd < 0)
		return -EBADF;
	return wipe_probe_contents(fd, d->id.size_bytes, found);
}
