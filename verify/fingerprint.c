/*
 * fingerprint.c - markers for firmware erase verification (DESIGN §5).
 * Before the command, random markers (the AES-128-CTR keystream under a
 * key drawn here and forgotten at once) go into the sampled extents and
 * only their SHA-256 digests are kept; after it, every piece must differ
 * from its marker, and hold the promised pattern where there is one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verify/verify.h"

struct pieces {
	const struct vfy_plan *plan;
	size_t ext;
	uint64_t in;
};

/* The next piece of the plan: at most VFY_MARKER_PIECE bytes. */
static int
next_piece(struct pieces *it, uint64_t *off, size_t *len)
{
	const struct vfy_plan *pl = it->plan;
	uint64_t eo, el;

	if (pl->ext == NULL) {
		eo = 0;
		el = it->ext == 0 ? pl->size : 0;
	} else {
		if (it->ext >= pl->n)
			return 0;
		eo = pl->ext[it->ext].off;
		el = pl->ext[it->ext].len;
	}
	if (it->in >= el)
		return 0;
	*off = eo + it->in;
	*len = (size_t)WC_MIN((uint64_t)VFY_MARKER_PIECE, el - it->in);
	it->in += *len;
	if (it->in >= el) {
		it->ext++;
		it->in = 0;
	}
	return 1;
}

static size_t
count_pieces(const struct vfy_plan *plan)
{
	struct pieces it = { plan, 0, 0 };
	uint64_t off;
	size_t len, n = 0;

	while (next_piece(&it, &off, &len))
		n++;
	return n;
}

void
vfy_markers_init(struct vfy_markers *m)
{
	memset(m, 0, sizeof(*m));
	wc_ranges_init(&m->unwritable);
}

void
vfy_markers_release(struct vfy_markers *m)
{
	if (m == NULL)
		return;
	free(m->digest);
	m->digest = NULL;
	m->n = 0;
	wc_ranges_release(&m->unwritable);
}

static int
stopped(const struct wipe_engine_opts *o)
{
	return o->stop != NULL && *o->stop;
}

/* Write one piece; sectors that refuse go to bad.  0 or -ENOMEM. */
static int
write_piece(struct wipe_dev *d, const uint8_t *buf, uint64_t off,
	    size_t len, uint32_t sector, struct wc_ranges *bad)
{
	size_t at;

	if (wipe_dev_pwrite(d, buf, len, off) == (ssize_t)len)
		return 0;
	for (at = 0; at < len; at += sector)
		if (wipe_dev_pwrite(d, buf + at, sector, off + at) !=
			    (ssize_t)sector &&
		    wc_ranges_add(bad, (off + at) / sector, 1) != 0)
			return -ENOMEM;
	return 0;
}

static int
markers_loop(struct wipe_dev *d, const struct vfy_plan *plan,
	     const struct wipe_engine_opts *o, struct wipe_progress *prog,
	     struct wipe_patgen *g, uint8_t *buf, struct vfy_markers *m)
{
	struct pieces it = { plan, 0, 0 };
	uint64_t off;
	size_t len, i = 0;
	int ret;

	while (next_piece(&it, &off, &len)) {
		if (stopped(o))
			return -EINTR;
		ret = wipe_patgen_fill(g, off, buf, len);
		if (ret != 0)
			return ret;
		wc_sha256(buf, len, m->digest[i++]);
		ret = write_piece(d, buf, off, len, plan->sector,
				  &m->unwritable);
		if (ret != 0)
			return ret;
		m->bytes += len;
		if (prog != NULL)
			__atomic_fetch_add(&prog->done, len, __ATOMIC_RELAXED);
	}
	return 0;
}

int
vfy_markers_write(struct wipe_dev *d, const struct vfy_plan *plan,
		  const struct wipe_engine_opts *o, struct wipe_progress *prog,
		  struct vfy_markers *m)
{
	struct wipe_pattern p;
	struct wipe_patgen *g = NULL;
	uint8_t *buf = NULL;
	int ret;

	memset(&p, 0, sizeof(p));
	p.kind = WIPE_PAT_RANDOM;
	m->n = count_pieces(plan);
	m->digest = calloc(m->n ? m->n : 1, sizeof(*m->digest));
	buf = wipe_alloc_aligned(d->align ? d->align : 4096, VFY_MARKER_PIECE);
	if (m->digest == NULL || buf == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	if (prog != NULL) {
		__atomic_store_n(&prog->done, 0, __ATOMIC_RELAXED);
		prog->total = plan->bytes;
	}
	ret = wc_random(p.key, sizeof(p.key)) != 0 ? -EIO
						   : wipe_patgen_new(&p, &g);
	if (ret == 0)
		ret = markers_loop(d, plan, o, prog, g, buf, m);
	if (ret == 0) {
		ret = wipe_dev_flush(d);
		if (ret == -EOPNOTSUPP)
			ret = 0;
	}
out:
	explicit_bzero(p.key, sizeof(p.key));
	wipe_patgen_free(g);
	free(buf);
	return ret;
}

/* Read a piece; unreadable sectors are zero-filled and recorded. */
static int
read_piece(struct wipe_dev *d, uint8_t *buf, uint64_t off, size_t len,
	   uint32_t sector, struct wc_ranges *bad)
{
	size_t at;

	if (wipe_dev_pread(d, buf, len, off) == (ssize_t)len)
		return 0;
	for (at = 0; at < len; at += sector)
		if (wipe_dev_pread(d, buf + at, sector, off + at) !=
		    (ssize_t)sector) {
			memset(buf + at, 0, sector);
			if (wc_ranges_add(bad, (off + at) / sector, 1) != 0)
				return -ENOMEM;
		}
	return 0;
}

/* Sectors of [off, off + len) that do not hold the expected pattern. */
static int
check_pattern(struct wipe_patgen *g, const uint8_t *buf, uint8_t *want,
	      uint64_t off, size_t len, uint32_t sector,
	      struct vfy_result *res)
{
	size_t at;
	int ret;

	ret = wipe_patgen_fill(g, off, want, len);
	if (ret != 0 || memcmp(buf, want, len) == 0)
		return ret;
	for (at = 0; at < len; at += sector) {
		uint64_t lba = (off + at) / sector;

		if (memcmp(buf + at, want + at, sector) != 0 &&
		    !wc_ranges_contains(&res->unreadable, lba) &&
		    wc_ranges_add(&res->mismatch, lba, 1) != 0)
			return -ENOMEM;
	}
	return 0;
}

static int
check_loop(struct wipe_dev *d, const struct vfy_plan *plan,
	   const struct vfy_markers *m, struct wipe_patgen *g,
	   const struct wipe_engine_opts *o, struct wipe_progress *prog,
	   uint8_t *buf, uint8_t *want, struct vfy_result *res)
{
	struct pieces it = { plan, 0, 0 };
	uint8_t sum[32];
	uint64_t off;
	size_t len, i = 0;
	int ret;

	while (next_piece(&it, &off, &len) && i < m->n) {
		if (stopped(o))
			return -EINTR;
		ret = read_piece(d, buf, off, len, plan->sector,
				 &res->unreadable);
		if (ret != 0)
			return ret;
		wc_sha256(buf, len, sum);
		/* Still the marker: the erase did not reach this piece. */
		if (memcmp(sum, m->digest[i++], sizeof(sum)) == 0 &&
		    wc_ranges_add(&res->mismatch, off / plan->sector,
				  len / plan->sector) != 0)
			return -ENOMEM;
		if (g != NULL && (ret = check_pattern(g, buf, want, off, len,
						      plan->sector, res)) != 0)
			return ret;
		res->bytes_read += len;
		if (prog != NULL)
			__atomic_fetch_add(&prog->done, len, __ATOMIC_RELAXED);
	}
	return 0;
}

int
vfy_markers_check(struct wipe_dev *d, const struct vfy_plan *plan,
		  const struct vfy_markers *m,
		  const struct wipe_pattern *expect,
		  const struct wipe_engine_opts *o, struct wipe_progress *prog,
		  struct vfy_result *res)
{
	struct wipe_patgen *g = NULL;
	uint8_t *buf, *want = NULL;
	uint64_t t0 = wc_mono_ns();
	int ret;

	buf = wipe_alloc_aligned(d->align ? d->align : 4096, VFY_MARKER_PIECE);
	if (expect != NULL)
		want = malloc(VFY_MARKER_PIECE);
	ret = buf == NULL || (expect != NULL && want == NULL) ? -ENOMEM : 0;
	if (ret == 0 && expect != NULL)
		ret = wipe_patgen_new(expect, &g);
	if (ret == 0) {
		/* Pass-through commands do not invalidate the page cache. */
		ret = wipe_dev_drop_cache(d);
		ret = ret == -EOPNOTSUPP ? 0 : ret;
	}
	if (ret == 0 && prog != NULL) {
		__atomic_store_n(&prog->done, 0, __ATOMIC_RELAXED);
		prog->total = plan->bytes;
	}
	if (ret == 0)
		ret = check_loop(d, plan, m, g, o, prog, buf, want, res);
	if (ret == 0)
		ret = wc_ranges_merge(&res->unreadable, &m->unwritable);
	res->aborted = ret == -EINTR;
	res->elapsed_ns = wc_mono_ns() - t0;
	wipe_patgen_free(g);
	free(want);
	free(buf);
	return ret;
}
