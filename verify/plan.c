/*
 * plan.c - the sampling plan of DESIGN §5 as a pure function of
 * (size, sector size, plan seed).  See verify.h for the exact rule, which
 * wipecert-record(5) repeats so that anyone can re-run a plan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verify/verify.h"

/* A subsection must hold two extents of at least one sector each at 5%. */
#define VFY_MIN_SUB_SECTORS 20

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z;

	*state += 0x9E3779B97F4A7C15ULL;
	z = *state;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

const char *
vfy_mode_name(enum vfy_mode m)
{
	switch (m) {
	case VFY_NONE:
		return "none";
	case VFY_SAMPLE:
		return "sample";
	case VFY_FULL:
		return "full";
	}
	return "unknown";
}

int
vfy_mode_parse(const char *s, enum vfy_mode *m)
{
	if (strcmp(s, "none") == 0)
		*m = VFY_NONE;
	else if (strcmp(s, "sample") == 0)
		*m = VFY_SAMPLE;
	else if (strcmp(s, "full") == 0)
		*m = VFY_FULL;
	else
		return -EINVAL;
	return 0;
}

static int
check_geometry(uint64_t size, uint32_t sector)
{
	if (sector < 512 || (sector & (sector - 1)) != 0 || size < sector)
		return -EINVAL;
	return 0;
}

int
vfy_plan_full(uint64_t size, uint32_t sector, struct vfy_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (check_geometry(size, sector) != 0)
		return -EINVAL;
	plan->mode = VFY_FULL;
	plan->sector = sector;
	plan->size = size - size % sector;
	plan->tail = (uint32_t)(size % sector);
	plan->bytes = plan->size + plan->tail;
	return 0;
}

static int
cmp_extent(const void *a, const void *b)
{
	const struct vfy_extent *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Sort and merge overlapping or adjacent extents; recount bytes. */
static void
normalise(struct vfy_plan *plan)
{
	size_t i, n = 0;
	uint64_t end;

	qsort(plan->ext, plan->n, sizeof(*plan->ext), cmp_extent);
	for (i = 0; i < plan->n; i++) {
		if (n > 0) {
			end = plan->ext[n - 1].off + plan->ext[n - 1].len;
			if (plan->ext[i].off <= end) {
				end = WC_MAX(end, plan->ext[i].off +
						  plan->ext[i].len);
				plan->ext[n - 1].len =
					end - plan->ext[n - 1].off;
				continue;
			}
		}
		plan->ext[n++] = plan->ext[i];
	}
	plan->n = n;
	plan->bytes = 0;
	for (i = 0; i < n; i++)
		plan->bytes += plan->ext[i].len;
}

int
vfy_plan_sample(uint64_t size, uint32_t sector, uint64_t seed,
		struct vfy_plan *plan)
{
	uint64_t s, state = seed, start, len, l, len0, edge, i;
	struct vfy_extent *e;

	if (check_geometry(size, sector) != 0) {
		memset(plan, 0, sizeof(*plan));
		return -EINVAL;
	}
	s = size / sector;
	if (s / VFY_SUBSECTIONS < VFY_MIN_SUB_SECTORS) {
		vfy_plan_full(size, sector, plan);
		plan->seed = seed;
		return 0;
	}
	memset(plan, 0, sizeof(*plan));
	plan->mode = VFY_SAMPLE;
	plan->seed = seed;
	plan->sector = sector;
	plan->size = s * sector;
	plan->subsections = VFY_SUBSECTIONS;
	plan->ext = calloc(2 * VFY_SUBSECTIONS + 2, sizeof(*plan->ext));
	if (plan->ext == NULL)
		return -ENOMEM;
	e = plan->ext;
	for (i = 0; i < VFY_SUBSECTIONS; i++) {
		start = (uint64_t)((unsigned __int128)i * s / VFY_SUBSECTIONS);
		len = (uint64_t)((unsigned __int128)(i + 1) * s /
				 VFY_SUBSECTIONS) - start;
		l = (len + 19) / 20;
		len0 = len / 2;
		e->off = (start + splitmix64(&state) % (len0 - l + 1)) * sector;
		e->len = l * sector;
		e++;
		e->off = (start + len0 + splitmix64(&state) %
				 (len - len0 - l + 1)) * sector;
		e->len = l * sector;
		e++;
	}
	edge = WC_MIN((uint64_t)VFY_EDGE_BYTES / sector, s) * sector;
	e->off = 0;
	e->len = edge;
	e++;
	e->off = plan->size - edge;
	e->len = edge;
	plan->n = 2 * VFY_SUBSECTIONS + 2;
	normalise(plan);
	plan->tail = (uint32_t)(size % sector);
	plan->bytes += plan->tail;
	return 0;
}

void
vfy_plan_release(struct vfy_plan *plan)
{
	if (plan == NULL)
		return;
	free(plan->ext);
	plan->ext = NULL;
	plan->n = 0;
}

uint32_t
vfy_plan_coverage_ppm(const struct vfy_plan *plan)
{
	return wc_ppm(plan->bytes, plan->size);
}
