/*
 * test_verify_plan.c - the sampling plan of DESIGN §5 (verify/plan.c).
 *
 * The plan is checked two ways: against its properties (alignment,
 * order, coverage of every subsection, edges) and against an independent
 * re-implementation of the rule documented in verify.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "verify/verify.h"

#define SEED 0x1234567890abcdefULL

/* ---- the documented rule, written again from verify.h ---------------- */

static uint64_t
ref_next(uint64_t *state)
{
	uint64_t z;

	*state += 0x9E3779B97F4A7C15ULL;
	z = *state;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Subsection i of s sectors: [*a, *a + *len). */
static void
subsection(uint64_t s, uint64_t i, uint64_t *a, uint64_t *len)
{
	*a = (uint64_t)((unsigned __int128)i * s / VFY_SUBSECTIONS);
	*len = (uint64_t)((unsigned __int128)(i + 1) * s / VFY_SUBSECTIONS) -
	       *a;
}

/* The 2000 raw extents, in sectors: ext[2i], ext[2i+1] for subsection i. */
static struct wc_range *
ref_raw(uint64_t s, uint64_t seed)
{
	struct wc_range *r = calloc(2 * VFY_SUBSECTIONS, sizeof(*r));
	uint64_t state = seed, i, a, len, l, len0;

	assert_non_null(r);
	for (i = 0; i < VFY_SUBSECTIONS; i++) {
		subsection(s, i, &a, &len);
		l = (len + 19) / 20;
		len0 = len / 2;
		r[2 * i].start = a + ref_next(&state) % (len0 - l + 1);
		r[2 * i].count = l;
		r[2 * i + 1].start = a + len0 +
				     ref_next(&state) % (len - len0 - l + 1);
		r[2 * i + 1].count = l;
	}
	return r;
}

static int
cmp_range(const void *x, const void *y)
{
	const struct wc_range *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* Raw extents plus both edges, sorted and merged; returns the count. */
static size_t
ref_merged(uint64_t s, uint32_t sector, uint64_t seed, struct wc_range *out)
{
	struct wc_range *raw = ref_raw(s, seed);
	uint64_t edge = WC_MIN((uint64_t)VFY_EDGE_BYTES / sector, s), end;
	size_t i, n = 0, total = 2 * VFY_SUBSECTIONS + 2;

	memcpy(out, raw, 2 * VFY_SUBSECTIONS * sizeof(*raw));
	free(raw);
	out[total - 2].start = 0;
	out[total - 2].count = edge;
	out[total - 1].start = s - edge;
	out[total - 1].count = edge;
	qsort(out, total, sizeof(*out), cmp_range);
	for (i = 0; i < total; i++) {
		if (n > 0 && out[i].start <= out[n - 1].start +
						     out[n - 1].count) {
			end = WC_MAX(out[n - 1].start + out[n - 1].count,
				     out[i].start + out[i].count);
			out[n - 1].count = end - out[n - 1].start;
			continue;
		}
		out[n++] = out[i];
	}
	return n;
}

/* ---- property checks ------------------------------------------------ */

/* Bytes of the plan inside [lo, hi). */
static uint64_t
covered(const struct vfy_plan *p, uint64_t lo, uint64_t hi)
{
	uint64_t sum = 0, a, b;
	size_t i;

	for (i = 0; i < p->n; i++) {
		a = WC_MAX(lo, p->ext[i].off);
		b = WC_MIN(hi, p->ext[i].off + p->ext[i].len);
		if (a < b)
			sum += b - a;
	}
	return sum;
}

static void
check_sampled(uint64_t size, uint32_t sector, uint64_t seed)
{
	struct vfy_plan p;
	struct wc_range *raw, *ref;
	uint64_t s = size / sector, i, a, len, l, sum = 0, edge;
	size_t k, nref;

	assert_int_equal(vfy_plan_sample(size, sector, seed, &p), 0);
	assert_int_equal(p.mode, VFY_SAMPLE);
	assert_true(p.subsections >= 1000);
	assert_int_equal(p.seed, seed);
	assert_int_equal(p.sector, sector);
	assert_int_equal(p.size, s * sector);
	assert_non_null(p.ext);
	assert_true(p.n > 0);

	/* Aligned, inside, sorted, disjoint and not even touching. */
	for (k = 0; k < p.n; k++) {
		assert_int_equal(p.ext[k].off % sector, 0);
		assert_int_equal(p.ext[k].len % sector, 0);
		assert_true(p.ext[k].len > 0);
		assert_true(p.ext[k].off + p.ext[k].len <= p.size);
		if (k > 0)
			assert_true(p.ext[k - 1].off + p.ext[k - 1].len <
				    p.ext[k].off);
		sum += p.ext[k].len;
	}
	/* The partial sector at the end is always read besides. */
	assert_int_equal(p.tail, size % sector);
	assert_int_equal(sum + p.tail, p.bytes);

	/* Every subsection holds two 5% extents' worth of sectors. */
	for (i = 0; i < VFY_SUBSECTIONS; i++) {
		subsection(s, i, &a, &len);
		l = (len + 19) / 20;
		assert_true(20 * l >= len);
		assert_true(covered(&p, a * sector, (a + len) * sector) >=
			    2 * l * sector);
	}

	/* The raw extents: two per subsection, inside it, apart, >= 5%. */
	raw = ref_raw(s, seed);
	for (i = 0; i < VFY_SUBSECTIONS; i++) {
		subsection(s, i, &a, &len);
		assert_true(raw[2 * i].start >= a);
		assert_true(raw[2 * i].start + raw[2 * i].count <=
			    raw[2 * i + 1].start);
		assert_true(raw[2 * i + 1].start + raw[2 * i + 1].count <=
			    a + len);
		assert_true(20 * raw[2 * i].count >= len);
		assert_true(20 * raw[2 * i + 1].count >= len);
	}
	free(raw);

	/* The edges. */
	edge = VFY_EDGE_BYTES;
	assert_int_equal(covered(&p, 0, edge), edge);
	assert_int_equal(covered(&p, p.size - edge, p.size), edge);

	assert_true(vfy_plan_coverage_ppm(&p) >= 100000);
	assert_true((uint64_t)p.bytes * 10 >= p.size);

	/* The library agrees with the rule as documented, extent for extent. */
	ref = calloc(2 * VFY_SUBSECTIONS + 2, sizeof(*ref));
	assert_non_null(ref);
	nref = ref_merged(s, sector, seed, ref);
	assert_int_equal(p.n, nref);
	for (k = 0; k < p.n; k++) {
		assert_int_equal(p.ext[k].off, ref[k].start * sector);
		assert_int_equal(p.ext[k].len, ref[k].count * sector);
	}
	free(ref);
	vfy_plan_release(&p);
	assert_null(p.ext);
}

/* ---- tests ---------------------------------------------------------- */

static void
test_small_device_full(void **state)
{
	struct vfy_plan p;
	/* One sector short of 20 sectors per subsection. */
	uint64_t size = (uint64_t)VFY_SUBSECTIONS * 20 * 512 - 512;

	(void)state;
	assert_int_equal(vfy_plan_sample(size, 512, SEED, &p), 0);
	assert_int_equal(p.mode, VFY_FULL);
	assert_null(p.ext);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.subsections, 0);
	assert_int_equal(p.bytes, size);
	assert_int_equal(p.size, size);
	assert_int_equal(p.seed, SEED);
	assert_int_equal(vfy_plan_coverage_ppm(&p), 1000000);
	vfy_plan_release(&p);

	/* A one-sector device, and 4096-byte sectors too small to sample. */
	assert_int_equal(vfy_plan_sample(512, 512, SEED, &p), 0);
	assert_int_equal(p.mode, VFY_FULL);
	assert_int_equal(p.bytes, 512);
	vfy_plan_release(&p);
	assert_int_equal(vfy_plan_sample(64 * WC_MIB, 4096, SEED, &p), 0);
	assert_int_equal(p.mode, VFY_FULL);
	assert_int_equal(p.bytes, 64 * WC_MIB);
	vfy_plan_release(&p);
}

static void
test_threshold_sampled(void **state)
{
	struct vfy_plan p;

	(void)state;
	/* Exactly 20 sectors per subsection: sampled. */
	check_sampled((uint64_t)VFY_SUBSECTIONS * 20 * 512, 512, SEED);
	assert_int_equal(vfy_plan_sample((uint64_t)VFY_SUBSECTIONS * 20 * 512,
					 512, SEED, &p), 0);
	assert_int_equal(p.mode, VFY_SAMPLE);
	vfy_plan_release(&p);
}

static void
test_256mib(void **state)
{
	(void)state;
	check_sampled(256 * WC_MIB, 512, SEED);
	check_sampled(256 * WC_MIB, 512, 0);
}

static void
test_8gb(void **state)
{
	(void)state;
	check_sampled(8004304896ULL, 512, SEED);
}

static void
test_odd_size(void **state)
{
	(void)state;
	/* Not a multiple of 1000 sectors, nor of the sector size. */
	check_sampled(1234567ULL * 512 + 77, 512, SEED);
	check_sampled(20999ULL * 512, 512, 42);
	check_sampled(7ULL * 1000 * 1000 * 1000 * 1000 + 12345, 512, SEED);
}

static void
test_4k_sectors(void **state)
{
	struct vfy_plan p;

	(void)state;
	check_sampled(8004304896ULL, 4096, SEED);
	check_sampled(1000003ULL * 4096 + 4095, 4096, 7);
	assert_int_equal(vfy_plan_sample(8004304896ULL, 4096, SEED, &p), 0);
	assert_int_equal(p.ext[0].off, 0);
	assert_true(p.ext[0].len >= VFY_EDGE_BYTES);
	vfy_plan_release(&p);
}

/* Vectors from an independent (Python) implementation of the rule. */
static void
test_known_vectors(void **state)
{
	struct vfy_plan p;

	(void)state;
	assert_int_equal(vfy_plan_sample(8004304896ULL, 512, SEED, &p), 0);
	assert_int_equal(p.n, 2002);
	assert_int_equal(p.bytes, 802865152ULL);
	vfy_plan_release(&p);

	assert_int_equal(vfy_plan_sample(268435456ULL, 512, SEED, &p), 0);
	assert_int_equal(p.n, 1986);
	assert_int_equal(p.bytes / 512, 57664);
	assert_int_equal(p.bytes, 29523968ULL);
	/* 29523968 / 268435456 = 0.10998535... */
	assert_int_equal(vfy_plan_coverage_ppm(&p), 109985);
	vfy_plan_release(&p);
}

static void
test_deterministic(void **state)
{
	struct vfy_plan a, b, c;

	(void)state;
	assert_int_equal(vfy_plan_sample(8004304896ULL, 512, SEED, &a), 0);
	assert_int_equal(vfy_plan_sample(8004304896ULL, 512, SEED, &b), 0);
	assert_int_equal(vfy_plan_sample(8004304896ULL, 512, SEED + 1, &c), 0);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.bytes, b.bytes);
	assert_memory_equal(a.ext, b.ext, a.n * sizeof(*a.ext));
	assert_true(a.n != c.n ||
		    memcmp(a.ext, c.ext, a.n * sizeof(*a.ext)) != 0);
	vfy_plan_release(&a);
	vfy_plan_release(&b);
	vfy_plan_release(&c);
}

static void
test_invalid(void **state)
{
	struct vfy_plan p;

	(void)state;
	assert_int_equal(vfy_plan_sample(256 * WC_MIB, 0, SEED, &p), -EINVAL);
	assert_null(p.ext);
	assert_int_equal(vfy_plan_sample(256 * WC_MIB, 1000, SEED, &p),
			 -EINVAL);
	assert_int_equal(vfy_plan_sample(256 * WC_MIB, 256, SEED, &p),
			 -EINVAL);
	assert_int_equal(vfy_plan_sample(0, 512, SEED, &p), -EINVAL);
	assert_int_equal(vfy_plan_sample(511, 512, SEED, &p), -EINVAL);
	assert_int_equal(vfy_plan_full(256 * WC_MIB, 0, &p), -EINVAL);
	assert_int_equal(vfy_plan_full(256 * WC_MIB, 1000, &p), -EINVAL);
	assert_int_equal(vfy_plan_full(0, 512, &p), -EINVAL);
	assert_int_equal(vfy_plan_full(4095, 4096, &p), -EINVAL);
	vfy_plan_release(NULL);
}

static void
test_full(void **state)
{
	struct vfy_plan p;

	(void)state;
	assert_int_equal(vfy_plan_full(8004304896ULL + 100, 512, &p), 0);
	assert_int_equal(p.mode, VFY_FULL);
	assert_null(p.ext);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.subsections, 0);
	assert_int_equal(p.sector, 512);
	assert_int_equal(p.size, 8004304896ULL);
	assert_int_equal(p.tail, 100);
	assert_int_equal(p.bytes, 8004304896ULL + 100);
	assert_int_equal(vfy_plan_coverage_ppm(&p), 1000000);
	vfy_plan_release(&p);

	assert_int_equal(vfy_plan_full(3 * 4096 + 4095, 4096, &p), 0);
	assert_int_equal(p.size, 3 * 4096);
	assert_int_equal(p.bytes, 3 * 4096 + 4095);
	vfy_plan_release(&p);
}

static void
test_coverage_ppm(void **state)
{
	struct vfy_plan p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.size = 1000;
	p.bytes = 1;
	assert_int_equal(vfy_plan_coverage_ppm(&p), 1000);
	p.bytes = 999;
	assert_int_equal(vfy_plan_coverage_ppm(&p), 999000);
	p.size = 3;
	p.bytes = 1;
	assert_int_equal(vfy_plan_coverage_ppm(&p), 333333);
	p.size = 0;
	assert_int_equal(vfy_plan_coverage_ppm(&p), 0);

	assert_int_equal(vfy_plan_sample(8004304896ULL, 512, SEED, &p), 0);
	/* 802865152 / 8004304896 = 0.100304169... */
	assert_int_equal(vfy_plan_coverage_ppm(&p), 100304);
	vfy_plan_release(&p);
}

static void
test_mode_names(void **state)
{
	enum vfy_mode m = VFY_NONE;

	(void)state;
	assert_string_equal(vfy_mode_name(VFY_SAMPLE), "sample");
	assert_string_equal(vfy_mode_name(VFY_FULL), "full");
	assert_string_equal(vfy_mode_name(VFY_NONE), "none");
	assert_int_equal(vfy_mode_parse("full", &m), 0);
	assert_int_equal(m, VFY_FULL);
	assert_int_equal(vfy_mode_parse("sample", &m), 0);
	assert_int_equal(m, VFY_SAMPLE);
	assert_int_equal(vfy_mode_parse("Full", &m), -EINVAL);
	assert_int_equal(vfy_mode_parse("", &m), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_device_full),
		cmocka_unit_test(test_threshold_sampled),
		cmocka_unit_test(test_256mib),
		cmocka_unit_test(test_8gb),
		cmocka_unit_test(test_odd_size),
		cmocka_unit_test(test_4k_sectors),
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_coverage_ppm),
		cmocka_unit_test(test_mode_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
