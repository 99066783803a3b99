/*
 * test_wipe_engine.c - the overwrite engine and the read-back
 * (wipe/engine.c, verify/readback.c) against an in-memory device behind
 * the device interface, with sectors that fail to write or to read.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "verify/verify.h"
#include "wipe/wipe.h"

#define SECTOR 512
#define WSIZE (8 * WC_MIB + 3 * SECTOR)	/* chunks do not divide it */
#define RSIZE (16 * WC_MIB)		/* large enough to be sampled */
#define CHUNK (64 * 1024)
#define PREFILL 0xa5
#define MAX_BAD 8

/* The fake device; dev comes first so that a wipe_dev * is a fake *. */
struct fake {
	struct wipe_dev dev;
	uint8_t *mem;
	uint64_t size;
	struct wc_range bad_w[MAX_BAD];	/* pwrite touching them fails */
	size_t nbad_w;
	struct wc_range bad_r[MAX_BAD];	/* pread touching them fails */
	size_t nbad_r;
	int flush_ret;
	unsigned stop_after;		/* set *stop at this write, 0 never */
	volatile sig_atomic_t *stop;
	/* counters, updated atomically from the engine's threads */
	unsigned writes, writes_after_stop, flushes, misuse;
	uint64_t bytes_read;
};

static int
touches(const struct wc_range *r, size_t n, uint64_t off, size_t len)
{
	uint64_t first = off / SECTOR, end = (off + len + SECTOR - 1) / SECTOR;
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].start < end && first < r[i].start + r[i].count)
			return 1;
	return 0;
}

/* I/O must be sector-aligned and inside the device; only the partial
 * sector at the very end of an image file may be shorter. */
static int
misused(struct fake *f, uint64_t off, size_t len)
{
	if (off % SECTOR != 0 || len == 0 || off + len > f->size ||
	    (len % SECTOR != 0 && off + len != f->size)) {
		__atomic_fetch_add(&f->misuse, 1, __ATOMIC_RELAXED);
		return 1;
	}
	return 0;
}

static ssize_t
fake_pwrite(struct wipe_dev *d, const void *buf, size_t len, uint64_t off)
{
	struct fake *f = (struct fake *)d;
	unsigned n;

	if (f->stop != NULL && *f->stop)
		__atomic_fetch_add(&f->writes_after_stop, 1, __ATOMIC_RELAXED);
	n = __atomic_add_fetch(&f->writes, 1, __ATOMIC_RELAXED);
	if (f->stop_after != 0 && n >= f->stop_after)
		*f->stop = 1;
	if (misused(f, off, len))
		return -EINVAL;
	if (touches(f->bad_w, f->nbad_w, off, len))
		return -EIO;
	memcpy(f->mem + off, buf, len);
	return (ssize_t)len;
}

static ssize_t
fake_pread(struct wipe_dev *d, void *buf, size_t len, uint64_t off)
{
	struct fake *f = (struct fake *)d;

	if (misused(f, off, len))
		return -EINVAL;
	if (touches(f->bad_r, f->nbad_r, off, len))
		return -EIO;
	memcpy(buf, f->mem + off, len);
	__atomic_fetch_add(&f->bytes_read, len, __ATOMIC_RELAXED);
	return (ssize_t)len;
}

static int
fake_flush(struct wipe_dev *d)
{
	struct fake *f = (struct fake *)d;

	__atomic_fetch_add(&f->flushes, 1, __ATOMIC_RELAXED);
	return f->flush_ret;
}

static const struct wipe_dev_ops fake_ops = {
	.pread = fake_pread,
	.pwrite = fake_pwrite,
	.flush = fake_flush,
};

static struct fake *
fake_new(uint64_t size)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = malloc(size);
	assert_non_null(f->mem);
	memset(f->mem, PREFILL, size);
	f->size = size;
	f->dev.ops = &fake_ops;
	f->dev.priv = f;
	wipe_ident_init(&f->dev.id);
	f->dev.id.size_bytes = size;
	f->dev.id.logical_sector = SECTOR;
	f->dev.id.physical_sector = 4096;
	f->dev.align = 4096;
	return f;
}

static void
fake_free(struct fake *f)
{
	free(f->mem);
	free(f);
}

static void
add_bad(struct wc_range *v, size_t *n, uint64_t start, uint64_t count)
{
	assert_true(*n < MAX_BAD);
	v[*n].start = start;
	v[*n].count = count;
	(*n)++;
}

static struct wipe_pattern
pattern(const char *desc)
{
	struct wipe_pattern p;

	assert_int_equal(wipe_pattern_parse(desc,
		"0f0e0d0c0b0a09080706050403020100", &p), 0);
	return p;
}

static uint8_t *
expected(const struct wipe_pattern *p, uint64_t size)
{
	struct wipe_patgen *g;
	uint8_t *buf = malloc(size);

	assert_non_null(buf);
	assert_int_equal(wipe_patgen_new(p, &g), 0);
	assert_int_equal(wipe_patgen_fill(g, 0, buf, size), 0);
	wipe_patgen_free(g);
	return buf;
}

static void
opts(struct wipe_engine_opts *o, unsigned writers, unsigned gens)
{
	wipe_engine_opts_default(o);
	o->chunk = CHUNK;
	o->writers = writers;
	o->generators = gens;
}

/* ---- the engine ----------------------------------------------------- */

static void
test_fill(void **state)
{
	static const char *const pats[] = { "zero", "random", "bytes:924924",
					    "random-complement" };
	struct wipe_engine_opts o;
	struct wipe_pass_result res;
	struct wipe_progress prog;
	struct wipe_pattern p;
	unsigned i, w, g;
	uint8_t *want;
	struct fake *f;

	(void)state;
	for (i = 0; i < WC_ARRAY_SIZE(pats); i++) {
		p = pattern(pats[i]);
		want = expected(&p, WSIZE);
		for (w = 1; w <= 4; w++) {
			for (g = 1; g <= 2; g++) {
				f = fake_new(WSIZE);
				opts(&o, w, g);
				memset(&prog, 0, sizeof(prog));
				wipe_pass_result_init(&res);
				assert_int_equal(wipe_overwrite(&f->dev, &p, &o,
						 &prog, &res), 0);
				assert_memory_equal(f->mem, want, WSIZE);
				assert_int_equal(res.bytes_written, WSIZE);
				assert_int_equal(res.bad.sectors, 0);
				assert_int_equal(res.bad.n, 0);
				assert_int_equal(res.aborted, 0);
				assert_int_equal(res.sync_errno, 0);
				assert_true(res.end_unix >= res.start_unix);
				assert_int_equal(prog.total, WSIZE);
				assert_int_equal(prog.done, WSIZE);
				assert_int_equal(f->misuse, 0);
				/* One write per chunk, and the last flush. */
				assert_int_equal(f->writes,
						 (WSIZE + CHUNK - 1) / CHUNK);
				assert_true(f->flushes >= 1);
				wipe_pass_result_release(&res);
				fake_free(f);
			}
		}
		free(want);
	}
}

static void
test_bad_sectors(void **state)
{
	static const uint64_t bad[][2] = {
		{ 0, 1 },			/* the first sector */
		{ 127, 2 },			/* across a chunk boundary */
		{ 5000, 3 },
		{ WSIZE / SECTOR - 1, 1 },	/* the last sector */
	};
	struct wipe_pattern p = pattern("bytes:924924");
	struct wipe_engine_opts o;
	struct wipe_pass_result res;
	uint8_t *want = expected(&p, WSIZE);
	uint64_t lba, nbad = 0;
	struct fake *f;
	unsigned w;
	size_t i;

	(void)state;
	for (w = 1; w <= 4; w += 3) {
		f = fake_new(WSIZE);
		for (i = 0; i < WC_ARRAY_SIZE(bad); i++)
			add_bad(f->bad_w, &f->nbad_w, bad[i][0], bad[i][1]);
		opts(&o, w, 2);
		wipe_pass_result_init(&res);
		assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res),
				 0);
		assert_int_equal(res.bad.n, WC_ARRAY_SIZE(bad));
		for (i = 0, nbad = 0; i < WC_ARRAY_SIZE(bad); i++) {
			assert_int_equal(res.bad.v[i].start, bad[i][0]);
			assert_int_equal(res.bad.v[i].count, bad[i][1]);
			nbad += bad[i][1];
		}
		assert_int_equal(res.bad.sectors, nbad);
		assert_int_equal(res.bad.truncated, 0);
		assert_int_equal(res.bytes_written, WSIZE - nbad * SECTOR);
		assert_int_equal(res.aborted, 0);
		assert_int_equal(f->misuse, 0);
		/* Good sectors hold the pattern, bad ones what they held. */
		for (lba = 0; lba < WSIZE / SECTOR; lba++) {
			if (wc_ranges_contains(&res.bad, lba))
				assert_int_equal(f->mem[lba * SECTOR], PREFILL);
			else
				assert_memory_equal(f->mem + lba * SECTOR,
						    want + lba * SECTOR,
						    SECTOR);
		}
		wipe_pass_result_release(&res);
		fake_free(f);
	}
	free(want);
}

static void
test_flush(void **state)
{
	struct wipe_pattern p = pattern("zero");
	struct wipe_engine_opts o;
	struct wipe_pass_result res;
	struct fake *f;

	(void)state;
	/* Default: no flush during 8 MiB, one at the end. */
	f = fake_new(WSIZE);
	opts(&o, 2, 1);
	wipe_pass_result_init(&res);
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), 0);
	assert_int_equal(f->flushes, 1);
	wipe_pass_result_release(&res);
	fake_free(f);

	/* Every 256 KiB: 32 times in the pass, and once at the end. */
	f = fake_new(WSIZE);
	o.sync_every = 256 * 1024;
	wipe_pass_result_init(&res);
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), 0);
	assert_true(f->flushes >= WSIZE / o.sync_every);
	assert_true(f->flushes <= WSIZE / CHUNK + 2);
	assert_int_equal(res.sync_errno, 0);
	wipe_pass_result_release(&res);

	/* A failing flush is reported; the pass still completes. */
	f->flush_ret = -EIO;
	wipe_pass_result_init(&res);
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), 0);
	assert_int_equal(res.sync_errno, EIO);
	assert_int_equal(res.bytes_written, WSIZE);
	wipe_pass_result_release(&res);
	fake_free(f);
}

static void
test_stop_preset(void **state)
{
	struct wipe_pattern p = pattern("random");
	volatile sig_atomic_t stop = 1;
	struct wipe_engine_opts o;
	struct wipe_pass_result res;
	struct fake *f = fake_new(WSIZE);

	(void)state;
	opts(&o, 4, 2);
	o.stop = &stop;
	wipe_pass_result_init(&res);
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), -EINTR);
	assert_int_equal(res.aborted, 1);
	assert_int_equal(res.bytes_written, 0);
	assert_int_equal(f->writes, 0);
	wipe_pass_result_release(&res);
	fake_free(f);
}

static void
test_stop_during(void **state)
{
	struct wipe_pattern p = pattern("random");
	volatile sig_atomic_t stop = 0;
	struct wipe_engine_opts o;
	struct wipe_pass_result res;
	struct fake *f;
	uint64_t t0;
	unsigned w;

	(void)state;
	for (w = 1; w <= 4; w++) {
		f = fake_new(WSIZE);
		stop = 0;
		f->stop = &stop;
		f->stop_after = 5;
		opts(&o, w, 2);
		o.stop = &stop;
		wipe_pass_result_init(&res);
		t0 = wc_mono_ns();
		assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res),
				 -EINTR);
		/* Promptly: well under a second, no new chunks started. */
		assert_true(wc_mono_ns() - t0 < 2000000000ULL);
		assert_int_equal(res.aborted, 1);
		assert_true(f->writes_after_stop < w);
		assert_true(f->writes < 5 + w);
		assert_true(res.bytes_written < WSIZE);
		assert_true(res.bytes_written <= (uint64_t)f->writes * CHUNK);
		/* No final flush after a stop: the pass is void anyway and
		 * the run must end within a second. */
		wipe_pass_result_release(&res);
		fake_free(f);
	}
}

static void
test_bad_opts(void **state)
{
	struct wipe_pattern p = pattern("zero");
	struct wipe_engine_opts o;
	struct wipe_pass_result res;
	struct fake *f = fake_new(WSIZE);

	(void)state;
	wipe_pass_result_init(&res);
	opts(&o, 1, 1);
	o.chunk = 0;
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), -EINVAL);
	o.chunk = 4096 + 512;
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), -EINVAL);
	opts(&o, 0, 1);
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), -EINVAL);
	opts(&o, 1, 0);
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), -EINVAL);
	opts(&o, 60, 5);
	assert_int_equal(wipe_overwrite(&f->dev, &p, &o, NULL, &res), -EINVAL);
	assert_int_equal(f->writes, 0);
	wipe_pass_result_release(&res);
	fake_free(f);
}

/* ---- read-back ------------------------------------------------------ */

/* A device of size bytes that holds pattern p throughout. */
static struct fake *
filled(const struct wipe_pattern *p, uint64_t size)
{
	struct fake *f = fake_new(size);
	uint8_t *want = expected(p, size);

	memcpy(f->mem, want, size);
	free(want);
	return f;
}

static int
readback(struct fake *f, const struct vfy_plan *plan,
	 const struct wipe_pattern *p, unsigned readers,
	 struct vfy_result *res)
{
	struct wipe_engine_opts o;
	struct wipe_progress prog;
	int ret;

	opts(&o, readers, 1);
	memset(&prog, 0, sizeof(prog));
	vfy_result_init(res);
	ret = vfy_readback(&f->dev, plan, p, &o, &prog, res);
	assert_int_equal(prog.total, plan->bytes);
	if (ret == 0)
		assert_int_equal(prog.done, plan->bytes);
	assert_int_equal(f->misuse, 0);
	return ret;
}

/* An offset in the middle of the plan's k-th extent. */
static uint64_t
inside(const struct vfy_plan *plan, size_t k)
{
	return plan->ext[k].off + plan->ext[k].len / 2 + 7;
}

static void
test_readback_clean(void **state)
{
	static const char *const pats[] = { "random", "random-complement",
					    "bytes:924924", "zero" };
	struct wipe_pattern p, other;
	struct vfy_result res;
	struct vfy_plan plan;
	struct fake *f;
	unsigned i, r;

	(void)state;
	assert_int_equal(vfy_plan_sample(RSIZE, SECTOR, 99, &plan), 0);
	assert_int_equal(plan.mode, VFY_SAMPLE);
	for (i = 0; i < WC_ARRAY_SIZE(pats); i++) {
		p = pattern(pats[i]);
		f = filled(&p, RSIZE);
		for (r = 1; r <= 4; r++) {
			f->bytes_read = 0;
			assert_int_equal(readback(f, &plan, &p, r, &res), 0);
			assert_true(vfy_result_ok(&res));
			assert_int_equal(res.bytes_read, plan.bytes);
			assert_int_equal(f->bytes_read, plan.bytes);
			assert_int_equal(res.mismatch.sectors, 0);
			assert_int_equal(res.unreadable.sectors, 0);
			vfy_result_release(&res);
		}
		fake_free(f);
	}

	/* The wrong pattern (another key) fails everywhere it reads. */
	p = pattern("random");
	f = filled(&p, RSIZE);
	other = p;
	other.key[0] ^= 0x80;
	assert_int_equal(readback(f, &plan, &other, 2, &res), 0);
	assert_false(vfy_result_ok(&res));
	assert_int_equal(res.mismatch.sectors, plan.bytes / SECTOR);
	assert_int_equal(res.mismatch.n, plan.n);
	vfy_result_release(&res);
	fake_free(f);
	vfy_plan_release(&plan);
}

static void
test_readback_mismatch(void **state)
{
	static const char *const pats[] = { "random", "bytes:924924" };
	struct wipe_pattern p;
	struct vfy_result res;
	struct vfy_plan plan;
	uint64_t off, gap;
	struct fake *f;
	unsigned i;

	(void)state;
	assert_int_equal(vfy_plan_sample(RSIZE, SECTOR, 7, &plan), 0);
	for (i = 0; i < WC_ARRAY_SIZE(pats); i++) {
		p = pattern(pats[i]);
		f = filled(&p, RSIZE);
		off = inside(&plan, plan.n / 2);
		f->mem[off] ^= 0x01;
		assert_int_equal(readback(f, &plan, &p, 3, &res), 0);
		assert_false(vfy_result_ok(&res));
		assert_int_equal(res.mismatch.n, 1);
		assert_int_equal(res.mismatch.v[0].start, off / SECTOR);
		assert_int_equal(res.mismatch.v[0].count, 1);
		assert_int_equal(res.mismatch.sectors, 1);
		assert_int_equal(res.unreadable.sectors, 0);
		assert_int_equal(res.bytes_read, plan.bytes);
		vfy_result_release(&res);

		/* A flip between extents is not sampled, so not seen. */
		f->mem[off] ^= 0x01;
		gap = plan.ext[10].off + plan.ext[10].len;
		assert_true(gap < plan.ext[11].off);
		f->mem[gap] ^= 0xff;
		assert_int_equal(readback(f, &plan, &p, 3, &res), 0);
		assert_true(vfy_result_ok(&res));
		vfy_result_release(&res);
		fake_free(f);
	}
	vfy_plan_release(&plan);
}

static void
test_readback_unreadable(void **state)
{
	struct wipe_pattern p = pattern("random");
	struct vfy_result res;
	struct vfy_plan plan;
	uint64_t lba, flip;
	struct fake *f;
	size_t k;

	(void)state;
	assert_int_equal(vfy_plan_sample(RSIZE, SECTOR, 7, &plan), 0);
	f = filled(&p, RSIZE);
	/* The first two sectors of an extent in the middle. */
	k = plan.n / 3;
	assert_true(plan.ext[k].len >= 2 * SECTOR);
	lba = plan.ext[k].off / SECTOR;
	add_bad(f->bad_r, &f->nbad_r, lba, 2);
	add_bad(f->bad_r, &f->nbad_r, 0, 1);
	flip = inside(&plan, plan.n - 2);
	f->mem[flip] ^= 0x40;
	assert_int_equal(readback(f, &plan, &p, 4, &res), 0);
	assert_false(vfy_result_ok(&res));
	assert_int_equal(res.unreadable.n, 2);
	assert_int_equal(res.unreadable.v[0].start, 0);
	assert_int_equal(res.unreadable.v[0].count, 1);
	assert_int_equal(res.unreadable.v[1].start, lba);
	assert_int_equal(res.unreadable.v[1].count, 2);
	assert_int_equal(res.unreadable.sectors, 3);
	/* Unreadable sectors are not mismatches as well. */
	assert_int_equal(wc_ranges_contains(&res.mismatch, lba), 0);
	assert_int_equal(wc_ranges_contains(&res.mismatch, 0), 0);
	assert_int_equal(res.mismatch.n, 1);
	assert_int_equal(res.mismatch.v[0].start, flip / SECTOR);
	assert_int_equal(res.mismatch.sectors, 1);
	assert_int_equal(res.bytes_read, plan.bytes);
	vfy_result_release(&res);
	fake_free(f);
	vfy_plan_release(&plan);
}

static void
test_readback_full(void **state)
{
	struct wipe_pattern p = pattern("random-complement");
	volatile sig_atomic_t stop = 1;
	struct wipe_engine_opts o;
	struct vfy_result res;
	struct vfy_plan plan;
	uint64_t size = WSIZE + 100;	/* not a whole number of sectors */
	struct fake *f;

	(void)state;
	assert_int_equal(vfy_plan_full(size, SECTOR, &plan), 0);
	f = filled(&p, size);
	assert_int_equal(readback(f, &plan, &p, 2, &res), 0);
	assert_true(vfy_result_ok(&res));
	/* Every whole sector, and the 100-byte tail after them. */
	assert_int_equal(res.bytes_read, WSIZE + 100);
	assert_int_equal(f->bytes_read, WSIZE + 100);
	vfy_result_release(&res);

	/* Any byte counts, the last sector too. */
	f->mem[WSIZE - 1] ^= 0x01;
	f->mem[3 * CHUNK] ^= 0x01;
	assert_int_equal(readback(f, &plan, &p, 2, &res), 0);
	assert_int_equal(res.mismatch.n, 2);
	assert_int_equal(res.mismatch.v[0].start, 3 * CHUNK / SECTOR);
	assert_int_equal(res.mismatch.v[1].start, WSIZE / SECTOR - 1);
	vfy_result_release(&res);

	/* Stopped before it starts. */
	opts(&o, 2, 1);
	o.stop = &stop;
	vfy_result_init(&res);
	assert_int_equal(vfy_readback(&f->dev, &plan, &p, &o, NULL, &res),
			 -EINTR);
	assert_int_equal(res.aborted, 1);
	assert_false(vfy_result_ok(&res));
	vfy_result_release(&res);
	fake_free(f);
	vfy_plan_release(&plan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_bad_sectors),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_stop_preset),
		cmocka_unit_test(test_stop_during),
		cmocka_unit_test(test_bad_opts),
		cmocka_unit_test(test_readback_clean),
		cmocka_unit_test(test_readback_mismatch),
		cmocka_unit_test(test_readback_unreadable),
		cmocka_unit_test(test_readback_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
