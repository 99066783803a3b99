/*
 * ranges.c - sorted disjoint sector ranges, and rate/ETA arithmetic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

void
wc_ranges_init(struct wc_ranges *r)
{
	memset(r, 0, sizeof(*r));
}

void
wc_ranges_release(struct wc_ranges *r)
{
	if (r == NULL)
		return;
	free(r->v);
	wc_ranges_init(r);
}

/* Sectors of [start, end) already covered by r, for exact counting. */
static uint64_t
covered(const struct wc_ranges *r, uint64_t start, uint64_t end)
{
	uint64_t sum = 0, a, b;
	size_t i;

	for (i = 0; i < r->n; i++) {
		a = WC_MAX(start, r->v[i].start);
		b = WC_MIN(end, r->v[i].start + r->v[i].count);
		if (a < b)
			sum += b - a;
	}
	return sum;
}

static int
grow(struct wc_ranges *r)
{
	size_t cap = r->cap ? r->cap * 2 : 16;
	struct wc_range *v;

	if (cap > WC_RANGES_MAX)
		cap = WC_RANGES_MAX;
	v = realloc(r->v, cap * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	r->v = v;
	r->cap = cap;
	return 0;
}

int
wc_ranges_add(struct wc_ranges *r, uint64_t start, uint64_t count)
{
	uint64_t end, new_sectors;
	size_t i, j;

	if (count == 0)
		return 0;
	end = start + count;
	if (end < start)
		return -EINVAL;
	new_sectors = count - covered(r, start, end);
	/* First range that ends at or after start (touching merges). */
	for (i = 0; i < r->n && r->v[i].start + r->v[i].count < start; i++)
		;
	/* Ranges i..j-1 touch or overlap [start, end). */
	for (j = i; j < r->n && r->v[j].start <= end; j++) {
		start = WC_MIN(start, r->v[j].start);
		end = WC_MAX(end, r->v[j].start + r->v[j].count);
	}
	if (j > i) {
		r->v[i].start = start;
		r->v[i].count = end - start;
		memmove(&r->v[i + 1], &r->v[j], (r->n - j) * sizeof(*r->v));
		r->n -= j - i - 1;
	} else {
		if (r->n == r->cap && grow(r) != 0)
			return -ENOMEM;
		if (r->n == r->cap) {
			/* Full: keep counting, drop the detail. */
			r->truncated = 1;
			r->sectors += new_sectors;
			return 0;
		}
		memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof(*r->v));
		r->v[i].start = start;
		r->v[i].count = end - start;
		r->n++;
	}
	r->sectors += new_sectors;
	return 0;
}

int
wc_ranges_merge(struct wc_ranges *dst, const struct wc_ranges *src)
{
	size_t i;
	int ret;

	for (i = 0; i < src->n; i++) {
		ret = wc_ranges_add(dst, src->v[i].start, src->v[i].count);
		if (ret != 0)
			return ret;
	}
	if (src->truncated) {
		uint64_t kept = 0;

		/* The dropped sectors cannot be placed: count them all, so
		 * that a record overstates rather than understates damage. */
		for (i = 0; i < src->n; i++)
			kept += src->v[i].count;
		dst->truncated = 1;
		dst->sectors += src->sectors - kept;
	}
	return 0;
}

int
wc_ranges_contains(const struct wc_ranges *r, uint64_t lba)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (lba < r->v[mid].start)
			hi = mid;
		else if (lba >= r->v[mid].start + r->v[mid].count)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

void
wc_rate_init(struct wc_rate *r, uint64_t now_ns, uint64_t bytes)
{
	r->t0_ns = now_ns;
	r->last_ns = now_ns;
	r->last_bytes = bytes;
	r->bps = 0;
}

void
wc_rate_update(struct wc_rate *r, uint64_t now_ns, uint64_t bytes)
{
	uint64_t dt = now_ns - r->last_ns, inst;

	if (now_ns < r->last_ns || dt < 250000000ULL)
		return;
	if (bytes < r->last_bytes) {
		/* A new pass started: restart the average, keep the rate. */
		r->last_ns = now_ns;
		r->last_bytes = bytes;
		return;
	}
	inst = (uint64_t)((unsigned __int128)(bytes - r->last_bytes) *
			  1000000000ULL / dt);
	/* EWMA with weight 1/4 on the new sample; the first sample is taken
	 * as is. */
	if (r->bps == 0)
		r->bps = inst;
	else
		r->bps = (r->bps * 3 + inst) / 4;
	r->last_ns = now_ns;
	r->last_bytes = bytes;
}

uint64_t
wc_eta_sec(uint64_t remaining, uint64_t bps)
{
	if (bps == 0)
		return remaining == 0 ? 0 : UINT64_MAX;
	return remaining / bps + (remaining % bps != 0);
}

uint32_t
wc_ppm(uint64_t done, uint64_t total)
{
	if (total == 0)
		return 0;
	if (done >= total)
		return 1000000;
	return (uint32_t)((unsigned __int128)done * 1000000 / total);
}

uint64_t
wc_avg_bps(uint64_t bytes, uint64_t elapsed_ns)
{
	if (elapsed_ns == 0)
		return 0;
	return (uint64_t)((unsigned __int128)bytes * 1000000000ULL /
			  elapsed_ns);
}
