/*
 * verify.h - sampling plans, read-back comparison, post-erase probe.
 *
 * The sampled plan (DESIGN §5) is a pure function of (device size,
 * sector size, plan seed), so anyone can re-run it from a record:
 *
 *   PRNG: splitmix64 seeded with the plan seed.
 *   n = 1000 subsections (fewer only when a subsection would be smaller
 *   than 20 sectors: then the device is read in full).  Subsection i covers
 *   sectors [i*S/n, (i+1)*S/n) of the S sectors.  Its extent length is
 *   L = ceil(len/20) sectors (5%).  The subsection is cut in two halves;
 *   extent 0 starts at h0 + r0 mod (len0 - L + 1), extent 1 likewise in
 *   the second half, r0 and r1 the next two PRNG outputs.  The first and
 *   last 1 MiB are added; overlapping extents merge; extents are sorted.
 */
#ifndef WIPECERT_VERIFY_H
#define WIPECERT_VERIFY_H

#include <stdint.h>

#include "lib/lib.h"
#include "wipe/wipe.h"

#define VFY_SUBSECTIONS 1000
#define VFY_EDGE_BYTES (1024 * 1024)
#define VFY_PRNG_NAME "splitmix64"

struct vfy_extent {
	uint64_t off;	/* bytes, sector-aligned */
	uint64_t len;	/* bytes, multiple of the sector size */
};

enum vfy_mode {
	VFY_NONE = 0,
	VFY_SAMPLE,
	VFY_FULL,
};

const char *vfy_mode_name(enum vfy_mode m);
/* Returns 0 and sets *m, or -EINVAL. */
int vfy_mode_parse(const char *s, enum vfy_mode *m);

struct vfy_plan {
	enum vfy_mode mode;	/* VFY_FULL when the device is too small */
	uint64_t seed;
	uint64_t size;		/* bytes covered (whole sectors) */
	uint32_t sector;
	uint32_t subsections;	/* 0 for a full read */
	struct vfy_extent *ext;	/* sorted, disjoint; NULL for full */
	size_t n;
	uint64_t bytes;		/* bytes the plan reads, tail included */
	uint32_t tail;		/* an image file's bytes after the last
				 * whole sector: always read */
};

/*
 * Sampled plan.  Returns 0 or -EINVAL (sector not a power of two >= 512,
 * size under one sector) / -ENOMEM.  Release with vfy_plan_release().
 */
int vfy_plan_sample(uint64_t size, uint32_t sector, uint64_t seed,
		    struct vfy_plan *plan);
/* Full read plan (no extent list).  Returns 0 or -EINVAL. */
int vfy_plan_full(uint64_t size, uint32_t sector, struct vfy_plan *plan);
void vfy_plan_release(struct vfy_plan *plan);
/* Coverage of the plan in parts per million of the device. */
uint32_t vfy_plan_coverage_ppm(const struct vfy_plan *plan);

struct vfy_result {
	uint64_t bytes_read;
	uint64_t elapsed_ns;
	struct wc_ranges mismatch;	/* sectors that differ */
	struct wc_ranges unreadable;	/* sectors that could not be read */
	int aborted;
};

void vfy_result_init(struct vfy_result *r);
void vfy_result_release(struct vfy_result *r);
/* 1 when nothing mismatched, nothing was unreadable, nothing aborted. */
int vfy_result_ok(const struct vfy_result *r);

/*
 * Read back the plan's extents with the device's direct I/O and compare
 * with pattern p.  Unreadable chunks are retried sector by sector.
 * Returns 0 when the plan was read to its end (see res), -EINTR when
 * stopped, or -errno for a failure that prevented reading.
 */
int vfy_readback(struct wipe_dev *d, const struct vfy_plan *plan,
		 const struct wipe_pattern *p,
		 const struct wipe_engine_opts *o, struct wipe_progress *prog,
		 struct vfy_result *res);

/*
 * After an erase: drop the page cache and probe the device with
 * libblkid.  Returns 0 (see found) or -errno.
 */
int vfy_probe_after(struct wipe_dev *d, struct wipe_contents *found);

/*
 * Markers for a firmware erase (DESIGN §5, verify/fingerprint.c): blank
 * or trimmed media read the same before and after an erase, so random
 * markers are written into the plan's extents first and only their
 * SHA-256 digests kept, one per piece of at most VFY_MARKER_PIECE bytes
 * (never the drive's data, never the markers' key).
 */
#define VFY_MARKER_PIECE (1024 * 1024)

struct vfy_markers {
	uint8_t (*digest)[32];	/* one per piece, in plan order */
	size_t n;
	uint64_t bytes;		/* bytes of markers written */
	struct wc_ranges unwritable;	/* sectors no marker reached */
};

void vfy_markers_init(struct vfy_markers *m);
void vfy_markers_release(struct vfy_markers *m);

/*
 * Write markers into every extent of plan (a full plan: the whole
 * device) and flush.  Returns 0 (see m->unwritable), -EINTR, or -errno.
 */
int vfy_markers_write(struct wipe_dev *d, const struct vfy_plan *plan,
		      const struct wipe_engine_opts *o,
		      struct wipe_progress *prog, struct vfy_markers *m);

/*
 * After the erase: drop the page cache and read every piece back.  A
 * piece whose digest still equals its marker's was not erased: its
 * sectors go to res->mismatch.  When expect is not NULL (the technique
 * promises a pattern: zeros after a block erase), every sector must also
 * hold it.  Sectors that could not be marked or read go to
 * res->unreadable.  Returns 0 (see res), -EINTR, or -errno.
 */
int vfy_markers_check(struct wipe_dev *d, const struct vfy_plan *plan,
		      const struct vfy_markers *m,
		      const struct wipe_pattern *expect,
		      const struct wipe_engine_opts *o,
		      struct wipe_progress *prog, struct vfy_result *res);

#endif
