/*
 * test_lib_ranges.c - sorted disjoint sector ranges (lib/ranges.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/lib.h"

/* The list is exactly the given (start, count) pairs. */
static void
expect_ranges(const struct wc_ranges *r, const uint64_t *pairs, size_t n)
{
	size_t i;

	assert_int_equal(r->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(r->v[i].start, pairs[2 * i]);
		assert_int_equal(r->v[i].count, pairs[2 * i + 1]);
	}
}

/* Sorted, disjoint, not touching; sectors >= what the list holds. */
static void
check_invariants(const struct wc_ranges *r)
{
	uint64_t sum = 0;
	size_t i;

	assert_true(r->n <= r->cap);
	assert_true(r->n <= WC_RANGES_MAX);
	for (i = 0; i < r->n; i++) {
		assert_true(r->v[i].count > 0);
		if (i > 0)
			assert_true(r->v[i - 1].start + r->v[i - 1].count <
				    r->v[i].start);
		sum += r->v[i].count;
	}
	if (r->truncated)
		assert_true(r->sectors >= sum);
	else
		assert_int_equal(r->sectors, sum);
}

static void
test_empty(void **state)
{
	struct wc_ranges r;

	(void)state;
	wc_ranges_init(&r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.sectors, 0);
	assert_int_equal(r.truncated, 0);
	assert_int_equal(wc_ranges_contains(&r, 0), 0);
	assert_int_equal(wc_ranges_add(&r, 5, 0), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.sectors, 0);
	/* Wrapping past the last LBA is refused. */
	assert_int_equal(wc_ranges_add(&r, UINT64_MAX, 2), -EINVAL);
	assert_int_equal(r.n, 0);
	wc_ranges_release(&r);
	wc_ranges_release(&r);
	wc_ranges_release(NULL);
}

static void
test_adjacent(void **state)
{
	static const uint64_t one[] = { 10, 15 };
	struct wc_ranges r;

	(void)state;
	wc_ranges_init(&r);
	assert_int_equal(wc_ranges_add(&r, 10, 5), 0);
	assert_int_equal(wc_ranges_add(&r, 15, 5), 0);	/* after */
	assert_int_equal(wc_ranges_add(&r, 20, 1), 0);
	assert_int_equal(wc_ranges_add(&r, 22, 3), 0);	/* a gap of one */
	assert_int_equal(wc_ranges_add(&r, 21, 1), 0);	/* fills it */
	expect_ranges(&r, one, 1);
	assert_int_equal(r.sectors, 15);
	check_invariants(&r);
	wc_ranges_release(&r);

	/* Touching from before. */
	wc_ranges_init(&r);
	assert_int_equal(wc_ranges_add(&r, 20, 5), 0);
	assert_int_equal(wc_ranges_add(&r, 10, 10), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].start, 10);
	assert_int_equal(r.v[0].count, 15);
	assert_int_equal(r.sectors, 15);
	wc_ranges_release(&r);
}

static void
test_overlap_contained(void **state)
{
	static const uint64_t two[] = { 0, 3, 10, 30 };
	struct wc_ranges r;

	(void)state;
	wc_ranges_init(&r);
	assert_int_equal(wc_ranges_add(&r, 10, 10), 0);
	assert_int_equal(wc_ranges_add(&r, 15, 10), 0);	/* overlaps end */
	assert_int_equal(r.sectors, 15);
	assert_int_equal(wc_ranges_add(&r, 12, 3), 0);	/* contained */
	assert_int_equal(r.sectors, 15);
	assert_int_equal(wc_ranges_add(&r, 10, 15), 0);	/* equal */
	assert_int_equal(r.sectors, 15);
	assert_int_equal(wc_ranges_add(&r, 30, 10), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.sectors, 25);
	/* One range swallowing two and the gap between them. */
	assert_int_equal(wc_ranges_add(&r, 11, 28), 0);
	assert_int_equal(r.sectors, 30);
	assert_int_equal(wc_ranges_add(&r, 0, 3), 0);
	expect_ranges(&r, two, 2);
	assert_int_equal(r.sectors, 33);
	check_invariants(&r);
	wc_ranges_release(&r);
}

static void
test_out_of_order_duplicates(void **state)
{
	static const uint64_t want[] = { 1, 1, 3, 1, 5, 1, 100, 2, 1000, 1 };
	static const uint64_t adds[] = { 1000, 5, 3, 100, 1, 101, 3, 5,
					 1000, 1, 100, 101 };
	struct wc_ranges r;
	size_t i;

	(void)state;
	wc_ranges_init(&r);
	for (i = 0; i < WC_ARRAY_SIZE(adds); i++) {
		assert_int_equal(wc_ranges_add(&r, adds[i], 1), 0);
		check_invariants(&r);
	}
	expect_ranges(&r, want, 5);
	assert_int_equal(r.sectors, 6);
	/* Bridging 1..5 by filling 2 and 4. */
	assert_int_equal(wc_ranges_add(&r, 4, 1), 0);
	assert_int_equal(wc_ranges_add(&r, 2, 1), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].start, 1);
	assert_int_equal(r.v[0].count, 5);
	assert_int_equal(r.sectors, 8);
	wc_ranges_release(&r);
}

static void
test_exact_count(void **state)
{
	struct wc_ranges r;
	uint8_t seen[4096];
	uint64_t start, count, distinct = 0, k;
	unsigned i, x = 12345;

	(void)state;
	/* Random ranges against a bitmap of every sector. */
	memset(seen, 0, sizeof(seen));
	wc_ranges_init(&r);
	for (i = 0; i < 2000; i++) {
		x = x * 1103515245u + 12345u;
		start = (x >> 8) % 4000;
		x = x * 1103515245u + 12345u;
		count = 1 + (x >> 8) % 17;
		assert_int_equal(wc_ranges_add(&r, start, count), 0);
		for (k = start; k < start + count; k++) {
			distinct += !seen[k];
			seen[k] = 1;
		}
		assert_int_equal(r.sectors, distinct);
		check_invariants(&r);
	}
	for (k = 0; k < sizeof(seen); k++)
		assert_int_equal(wc_ranges_contains(&r, k), seen[k]);
	wc_ranges_release(&r);
}

static void
test_contains(void **state)
{
	struct wc_ranges r;

	(void)state;
	wc_ranges_init(&r);
	assert_int_equal(wc_ranges_add(&r, 10, 5), 0);
	assert_int_equal(wc_ranges_add(&r, 100, 1), 0);
	assert_int_equal(wc_ranges_add(&r, UINT64_MAX - 4, 4), 0);
	assert_int_equal(wc_ranges_contains(&r, 9), 0);
	assert_int_equal(wc_ranges_contains(&r, 10), 1);
	assert_int_equal(wc_ranges_contains(&r, 14), 1);
	assert_int_equal(wc_ranges_contains(&r, 15), 0);
	assert_int_equal(wc_ranges_contains(&r, 99), 0);
	assert_int_equal(wc_ranges_contains(&r, 100), 1);
	assert_int_equal(wc_ranges_contains(&r, 101), 0);
	assert_int_equal(wc_ranges_contains(&r, UINT64_MAX - 5), 0);
	assert_int_equal(wc_ranges_contains(&r, UINT64_MAX - 4), 1);
	assert_int_equal(wc_ranges_contains(&r, UINT64_MAX - 1), 1);
	assert_int_equal(wc_ranges_contains(&r, UINT64_MAX), 0);
	assert_int_equal(r.sectors, 10);
	wc_ranges_release(&r);
}

static void
test_truncation(void **state)
{
	struct wc_ranges r;
	uint64_t i;

	(void)state;
	wc_ranges_init(&r);
	/* Every other sector: WC_RANGES_MAX disjoint ranges fit. */
	for (i = 0; i < WC_RANGES_MAX; i++)
		assert_int_equal(wc_ranges_add(&r, 2 * i, 1), 0);
	assert_int_equal(r.n, WC_RANGES_MAX);
	assert_int_equal(r.truncated, 0);
	assert_int_equal(r.sectors, WC_RANGES_MAX);

	/* One more disjoint range is counted but not kept. */
	assert_int_equal(wc_ranges_add(&r, 2 * WC_RANGES_MAX + 10, 3), 0);
	assert_int_equal(r.truncated, 1);
	assert_int_equal(r.n, WC_RANGES_MAX);
	assert_int_equal(r.sectors, WC_RANGES_MAX + 3);
	assert_int_equal(wc_ranges_contains(&r, 2 * WC_RANGES_MAX + 10), 0);
	/* And another far beyond. */
	assert_int_equal(wc_ranges_add(&r, 1000000, 5), 0);
	assert_int_equal(r.sectors, WC_RANGES_MAX + 8);

	/* Sectors already kept are not counted twice... */
	assert_int_equal(wc_ranges_add(&r, 0, 1), 0);
	assert_int_equal(r.sectors, WC_RANGES_MAX + 8);
	/* ...and a range that merges with kept ones is still kept. */
	assert_int_equal(wc_ranges_add(&r, 1, 1), 0);	/* joins 0 and 2 */
	assert_int_equal(r.n, WC_RANGES_MAX - 1);
	assert_int_equal(r.v[0].start, 0);
	assert_int_equal(r.v[0].count, 3);
	assert_int_equal(r.sectors, WC_RANGES_MAX + 9);
	assert_int_equal(r.truncated, 1);
	check_invariants(&r);
	/* Room again: a new disjoint range is kept. */
	assert_int_equal(wc_ranges_add(&r, 5000000, 1), 0);
	assert_int_equal(r.n, WC_RANGES_MAX);
	assert_int_equal(wc_ranges_contains(&r, 5000000), 1);
	assert_int_equal(r.sectors, WC_RANGES_MAX + 10);
	wc_ranges_release(&r);
}

static void
test_merge(void **state)
{
	static const uint64_t want[] = { 0, 10, 20, 15, 50, 1 };
	struct wc_ranges a, b, empty;

	(void)state;
	wc_ranges_init(&a);
	wc_ranges_init(&b);
	wc_ranges_init(&empty);
	assert_int_equal(wc_ranges_add(&a, 0, 5), 0);
	assert_int_equal(wc_ranges_add(&a, 20, 10), 0);
	assert_int_equal(wc_ranges_add(&b, 5, 5), 0);	/* adjacent */
	assert_int_equal(wc_ranges_add(&b, 25, 10), 0);	/* overlapping */
	assert_int_equal(wc_ranges_add(&b, 50, 1), 0);	/* new */
	assert_int_equal(wc_ranges_merge(&a, &b), 0);
	expect_ranges(&a, want, 3);
	assert_int_equal(a.sectors, 26);
	assert_int_equal(a.truncated, 0);
	/* b is unchanged; merging again or merging nothing adds nothing. */
	assert_int_equal(b.n, 3);
	assert_int_equal(b.sectors, 16);
	assert_int_equal(wc_ranges_merge(&a, &b), 0);
	assert_int_equal(wc_ranges_merge(&a, &empty), 0);
	expect_ranges(&a, want, 3);
	assert_int_equal(a.sectors, 26);
	/* Into an empty list: a copy. */
	assert_int_equal(wc_ranges_merge(&empty, &a), 0);
	expect_ranges(&empty, want, 3);
	assert_int_equal(empty.sectors, 26);
	wc_ranges_release(&a);
	wc_ranges_release(&b);
	wc_ranges_release(&empty);
}

static void
test_merge_truncated(void **state)
{
	struct wc_ranges src, dst;
	uint64_t i;

	(void)state;
	wc_ranges_init(&src);
	wc_ranges_init(&dst);
	for (i = 0; i <= WC_RANGES_MAX; i++)
		assert_int_equal(wc_ranges_add(&src, 2 * i, 1), 0);
	assert_int_equal(src.truncated, 1);
	assert_int_equal(src.sectors, WC_RANGES_MAX + 1);
	/* The truncation and the full count carry over. */
	assert_int_equal(wc_ranges_merge(&dst, &src), 0);
	assert_int_equal(dst.truncated, 1);
	assert_int_equal(dst.sectors, WC_RANGES_MAX + 1);
	assert_int_equal(dst.n, WC_RANGES_MAX);
	assert_int_equal(wc_ranges_contains(&dst, 2), 1);
	assert_int_equal(wc_ranges_contains(&dst, 3), 0);
	wc_ranges_release(&dst);

	/*
	 * A destination that already holds the first kept sector of src:
	 * nothing new is counted twice.
	 */
	wc_ranges_init(&dst);
	assert_int_equal(wc_ranges_add(&dst, 0, 1), 0);
	assert_int_equal(wc_ranges_merge(&dst, &src), 0);
	assert_int_equal(dst.sectors, WC_RANGES_MAX + 1);
	assert_int_equal(dst.truncated, 1);
	wc_ranges_release(&dst);
	wc_ranges_release(&src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_adjacent),
		cmocka_unit_test(test_overlap_contained),
		cmocka_unit_test(test_out_of_order_duplicates),
		cmocka_unit_test(test_exact_count),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
