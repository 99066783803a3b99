/*
 * contents.c - what libblkid finds on a target: the partition table and
 * the signatures on the whole device and inside each partition.
 *
 * This machine's kernel makes no partition nodes (no /dev/loop0p1), and
 * a drive being certified should not depend on them anyway: each
 * partition is probed through the whole device's fd at its offset.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <blkid/blkid.h>

#include "lib/lib.h"
#include "wipe/wipe.h"

/* What a probe whose results libblkid could not tell apart reports. */
#define CONTENT_AMBIGUOUS "ambiguous"

/* Append an entry to c (zeroed).  Returns it, or NULL when out of memory. */
static struct wipe_content *
contents_add(struct wipe_contents *c, size_t *cap)
{
	struct wipe_content *v;
	size_t ncap;

	if (c->n == *cap) {
		ncap = *cap ? *cap * 2 : 8;
		v = realloc(c->v, ncap * sizeof(*v));
		if (!v)
			return NULL;
		c->v = v;
		*cap = ncap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	return &c->v[c->n++];
}

/* Copy a probe value (absent: ""), cut short if it does not fit. */
static void
copy_value(blkid_probe pr, const char *name, char *out, size_t len)
{
	const char *v = NULL;

	out[0] = '\0';
	if (blkid_probe_lookup_value(pr, name, &v, NULL) == 0 && v)
		(void)wc_fmt(out, len, "%s", v);
}

/* A new probe over [off, off + size) of fd; NULL when that fails. */
static blkid_probe
probe_new(int fd, uint64_t off, uint64_t size)
{
	blkid_probe pr;

	pr = blkid_new_probe();
	if (!pr)
		return NULL;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off,
				   (blkid_loff_t)size) != 0) {
		blkid_free_probe(pr);
		return NULL;
	}
	return pr;
}

/*
 * Look for one superblock (filesystem, swap, RAID member, ...) in
 * [off, off + size) and fill e's type, label and uuid.  Returns 1 when
 * something was found (type "ambiguous" when libblkid found several
 * signatures it cannot choose between), 0 when nothing, or -errno.
 */
static int
probe_superblock(int fd, uint64_t off, uint64_t size, struct wipe_content *e)
{
	blkid_probe pr;
	int rc, r;

	pr = probe_new(fd, off, size);
	if (!pr)
		return -EIO;
	blkid_probe_enable_partitions(pr, 0);
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL |
				  BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID);
	r = blkid_do_safeprobe(pr);
	if (r == 1) {
		rc = 0;
	} else if (r == -2) {
		(void)wc_fmt(e->type, sizeof(e->type), CONTENT_AMBIGUOUS);
		rc = 1;
	} else if (r < 0) {
		rc = -EIO;
	} else {
		copy_value(pr, "TYPE", e->type, sizeof(e->type));
		copy_value(pr, "LABEL", e->label, sizeof(e->label));
		copy_value(pr, "UUID", e->uuid, sizeof(e->uuid));
		if (e->type[0] == '\0')
			(void)wc_fmt(e->type, sizeof(e->type), "unknown");
		rc = 1;
	}
	blkid_free_probe(pr);
	return rc;
}

/* Record partition par of a table on a device of dev_size bytes. */
static int
add_partition(int fd, uint64_t dev_size, blkid_partition par,
	      struct wipe_contents *c, size_t *cap)
{
	struct wipe_content *e;
	blkid_loff_t start, len;
	const char *name;
	uint64_t end;
	int rc;

	e = contents_add(c, cap);
	if (!e)
		return -ENOMEM;
	start = blkid_partition_get_start(par);	/* 512-byte sectors */
	len = blkid_partition_get_size(par);
	e->partno = blkid_partition_get_partno(par);
	if (start < 0 || len < 0 || (uint64_t)start > UINT64_MAX / 512 ||
	    (uint64_t)len > UINT64_MAX / 512)
		return 0;	/* a nonsense entry: list it, do not probe */
	e->offset = (uint64_t)start * 512;
	e->size = (uint64_t)len * 512;
	name = blkid_partition_get_name(par);
	if (name)
		(void)wc_fmt(e->part_name, sizeof(e->part_name), "%s", name);
	/* A table may claim more than the device holds: probe what is. */
	if (e->size == 0 || (dev_size && e->offset >= dev_size))
		return 0;
	end = e->offset + e->size;
	if (dev_size && (end < e->offset || end > dev_size))
		end = dev_size;
	rc = probe_superblock(fd, e->offset, end - e->offset, e);
	return rc < 0 ? rc : 0;
}

/* The partition table, and what each partition holds. */
static int
probe_table(int fd, uint64_t size, struct wipe_contents *c, size_t *cap)
{
	blkid_partlist ls;
	blkid_probe pr;
	int i, n, r, rc = 0;

	pr = probe_new(fd, 0, size);
	if (!pr)
		return -EIO;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	r = blkid_do_safeprobe(pr);
	if (r == 1)
		goto out;
	if (r == -2) {
		(void)wc_fmt(c->pttype, sizeof(c->pttype), CONTENT_AMBIGUOUS);
		goto out;
	}
	if (r < 0) {
		rc = -EIO;
		goto out;
	}
	copy_value(pr, "PTTYPE", c->pttype, sizeof(c->pttype));
	copy_value(pr, "PTUUID", c->ptuuid, sizeof(c->ptuuid));
	if (c->pttype[0] == '\0')
		(void)wc_fmt(c->pttype, sizeof(c->pttype), "unknown");
	ls = blkid_probe_get_partitions(pr);
	n = ls ? blkid_partlist_numof_partitions(ls) : 0;
	for (i = 0; i < n && rc == 0; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);

		/* The container of logical partitions holds nothing itself. */
		if (!par || blkid_partition_is_extended(par))
			continue;
		rc = add_partition(fd, size, par, c, cap);
	}
out:
	blkid_free_probe(pr);
	return rc;
}

int
wipe_probe_contents(int fd, uint64_t size, struct wipe_contents *out)
{
	struct wipe_content whole;
	struct wipe_content *e;
	size_t cap = 0;
	int rc;

	if (!out || fd < 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&whole, 0, sizeof(whole));
	rc = probe_superblock(fd, 0, size, &whole);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		e = contents_add(out, &cap);
		if (!e) {
			rc = -ENOMEM;
			goto out;
		}
		*e = whole;
		e->size = size;
	}
	rc = probe_table(fd, size, out, &cap);
	if (rc < 0)
		goto out;
	out->probed = 1;
out:
	if (rc < 0)
		wipe_contents_release(out);
	return rc < 0 ? rc : 0;
}

void
wipe_contents_release(struct wipe_contents *c)
{
	if (!c)
		return;
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int
wipe_contents_found(const struct wipe_contents *c)
{
	size_t i;

	if (!c)
		return 0;
	if (c->pttype[0] != '\0')
		return 1;
	for (i = 0; i < c->n; i++)
		if (c->v[i].type[0] != '\0')
			return 1;
	return 0;
}

/* A bounded line being built; truncation is remembered, not an error. */
struct line {
	char *buf;
	size_t len;
	size_t used;
	int cut;
};

static void line_put(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
line_put(struct line *l, const char *fmt, ...)
{
	size_t room = l->cut ? 0 : l->len - l->used;
	va_list ap;
	int n;

	if (room == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		l->cut = 1;
		l->used = l->len - 1;
		return;
	}
	l->used += (size_t)n;
}

/* Append a label in quotes, control characters shown as '?'. */
static void
line_put_label(struct line *l, const char *label)
{
	char safe[sizeof(((struct wipe_content *)0)->label)];
	size_t i;

	for (i = 0; label[i] && i + 1 < sizeof(safe); i++)
		safe[i] = ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
				  ? '?' : label[i];
	safe[i] = '\0';
	line_put(l, " \"%s\"", safe);
}

static void
line_put_entry(struct line *l, const struct wipe_content *e)
{
	char size[32];

	if (e->partno > 0)
		line_put(l, "p%d ", e->partno);
	line_put(l, "%s", e->type[0] ? e->type : "no signature");
	if (e->label[0])
		line_put_label(l, e->label);
	if (e->partno > 0 && e->size) {
		wc_human_bytes(size, sizeof(size), e->size);
		line_put(l, " %s", size);
	}
}

void
wipe_contents_summary(const struct wipe_contents *c, char *buf, size_t len)
{
	struct line l = { buf, len, 0, 0 };
	size_t i, nparts = 0;

	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	if (!c || !c->probed) {
		line_put(&l, "not probed");
	} else if (!wipe_contents_found(c)) {
		line_put(&l, "nothing found");
	} else {
		if (c->pttype[0])
			line_put(&l, "%s:", c->pttype);
		for (i = 0; i < c->n; i++) {
			if (c->v[i].partno <= 0)
				continue;
			line_put(&l, "%s", nparts++ ? ", " : " ");
			line_put_entry(&l, &c->v[i]);
		}
		if (c->pttype[0] && nparts == 0)
			line_put(&l, " no partitions");
		for (i = 0; i < c->n; i++) {
			if (c->v[i].partno > 0 || !c->v[i].type[0])
				continue;
			line_put(&l, "%s", c->pttype[0] ? "; " : "");
			line_put_entry(&l, &c->v[i]);
			if (c->pttype[0])
				line_put(&l, " (whole device)");
		}
	}
	if (l.cut && len >= 4)
		memcpy(buf + len - 4, "...", 4);
}
