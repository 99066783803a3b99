/*
 * safety.c - may this target be erased?  Refuses, with no override, what
 * is never an erasure target (zram, ram disks, read-only devices, empty
 * drives, partitions) and whatever is in use: mounted, swap, held by
 * dm/md, attached to a loop device, or behind the running system; and
 * the technician's USB stick, by its data partition.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/lib.h"
#include "wipe/safety.h"
#include "wipe/wipe.h"

#define SAFETY_MAX_PARTS 256	/* GPT allows 128 */
#define SAFETY_MAX_SYSDEVS 64	/* devices behind one filesystem */
#define SAFETY_MAX_DEPTH 16	/* dm on md on loop on ... */
#define SAFETY_TEXT_MAX (64 * WC_MIB)
/* The label of the technician USB's data partition (usb/build.sh). */
#define SAFETY_DATA_LABEL "WIPECERT"

struct safety_part {
	dev_t devno;
	int partno;
	char name[64];
};

/* Everything one check needs, on the heap (it is large). */
struct safety {
	const struct wipe_ident *id;
	char *why;
	size_t len;
	char sysdir[PATH_MAX];	/* the target's sysfs directory */
	char name[64];		/* its kernel name */
	dev_t devno;
	struct safety_part parts[SAFETY_MAX_PARTS];
	size_t nparts;
	char *mountinfo;	/* the text of /proc/self/mountinfo */
	struct wipe_mnt mnt;	/* scratch */
};

/* The devices a filesystem lives on, the first being its own. */
struct sysset {
	dev_t v[SAFETY_MAX_SYSDEVS];
	size_t n;
	char first[64];
};

static int refuse(struct safety *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set the reason; always returns 1 ("refused"). */
static int
refuse(struct safety *s, const char *fmt, ...)
{
	size_t len = s->why ? s->len : 0;
	va_list ap;
	int n;

	if (len == 0)
		return 1;
	va_start(ap, fmt);
	n = vsnprintf(s->why, s->len, fmt, ap);
	va_end(ap);
	/* A reason cut short still refuses; mark it as cut. */
	if (n < 0)
		s->why[0] = '\0';
	else if ((size_t)n >= s->len && s->len >= 4)
		memcpy(s->why + s->len - 4, "...", 4);
	return 1;
}

/* ---- pure parsers -------------------------------------------------- */

static int
is_octal(char c)
{
	return c >= '0' && c <= '7';
}

int
wipe_unescape_octal(const char *in, size_t n, char *out, size_t len)
{
	size_t i = 0, k = 0;

	if (len == 0)
		return -ENAMETOOLONG;
	while (i < n) {
		if (k + 1 >= len) {
			out[k] = '\0';
			return -ENAMETOOLONG;
		}
		if (in[i] == '\\' && i + 3 < n && in[i + 1] >= '0' &&
		    in[i + 1] <= '3' && is_octal(in[i + 2]) &&
		    is_octal(in[i + 3])) {
			out[k++] = (char)(((in[i + 1] - '0') << 6) |
					  ((in[i + 2] - '0') << 3) |
					  (in[i + 3] - '0'));
			i += 4;
		} else {
			out[k++] = in[i++];
		}
	}
	out[k] = '\0';
	return 0;
}

/* The next space-separated field of a line; -EINVAL at its end. */
static int
next_field(const char **p, const char **field, size_t *n)
{
	const char *s = *p;

	while (*s == ' ')
		s++;
	if (*s == '\0' || *s == '\n')
		return -EINVAL;
	*field = s;
	while (*s != '\0' && *s != ' ' && *s != '\n')
		s++;
	*n = (size_t)(s - *field);
	*p = s;
	return 0;
}

static int
parse_majmin(const char *f, size_t n, unsigned *maj, unsigned *min)
{
	char buf[32];
	char extra;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, f, n);
	buf[n] = '\0';
	if (sscanf(buf, "%u:%u%c", maj, min, &extra) != 2)
		return -EINVAL;
	return 0;
}

int
wipe_mountinfo_parse_line(const char *line, struct wipe_mnt *m)
{
	const char *p = line, *f;
	size_t n;
	int i, rc;

	memset(m, 0, sizeof(*m));
	/* mount ID, parent ID */
	for (i = 0; i < 2; i++)
		if (next_field(&p, &f, &n) < 0)
			return -EINVAL;
	if (next_field(&p, &f, &n) < 0 ||
	    parse_majmin(f, n, &m->major, &m->minor) < 0)
		return -EINVAL;
	/* root, then the mount point */
	if (next_field(&p, &f, &n) < 0 || next_field(&p, &f, &n) < 0)
		return -EINVAL;
	rc = wipe_unescape_octal(f, n, m->mountpoint, sizeof(m->mountpoint));
	if (rc < 0)
		return rc;
	/* mount options, then optional fields up to the "-" separator */
	if (next_field(&p, &f, &n) < 0)
		return -EINVAL;
	do {
		if (next_field(&p, &f, &n) < 0)
			return -EINVAL;
	} while (!(n == 1 && f[0] == '-'));
	if (next_field(&p, &f, &n) < 0)
		return -EINVAL;
	rc = wipe_unescape_octal(f, n, m->fstype, sizeof(m->fstype));
	if (rc < 0)
		return rc;
	if (next_field(&p, &f, &n) < 0)
		return -EINVAL;
	return wipe_unescape_octal(f, n, m->source, sizeof(m->source));
}

int
wipe_swaps_parse(const char *text, int (*fn)(const char *path, void *arg),
		 void *arg)
{
	char path[PATH_MAX];
	const char *p = text, *eol;
	size_t n;
	int rc;

	if (!text || !fn)
		return -EINVAL;
	if (strncmp(p, "Filename", 8) == 0) {
		p = strchr(p, '\n');
		p = p ? p + 1 : "";
	}
	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		/* The kernel escapes blanks in the path, so it ends at one. */
		n = strcspn(p, " \t\n");
		if (n == 0) {
			if (p + strspn(p, " \t") == eol)
				continue;	/* a blank line */
			return -EINVAL;
		}
		rc = wipe_unescape_octal(p, n, path, sizeof(path));
		if (rc < 0)
			return rc;
		rc = fn(path, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- reading the system -------------------------------------------- */

/* A whole /proc file (st_size says 0) into a NUL-terminated buffer. */
static int
read_text(const char *path, char **out)
{
	char *buf = NULL, *nb;
	size_t cap = 0, used = 0, got;
	FILE *f;
	int rc = 0;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (;;) {
		if (cap - used < 4096) {
			if (cap >= SAFETY_TEXT_MAX) {
				rc = -EFBIG;
				goto out;
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		got = fread(buf + used, 1, cap - used - 1, f);
		used += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = -EIO;
		goto out;
	}
	buf[used] = '\0';
	*out = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* The device number of a block device node, 0 if path is none. */
static dev_t
node_rdev(const char *path)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(path, real) || stat(real, &st) < 0 ||
	    !S_ISBLK(st.st_mode))
		return 0;
	return st.st_rdev;
}

static int
sysdir_of(dev_t devno, char *out)
{
	char link[64];
	int rc;

	rc = wc_fmt(link, sizeof(link), "/sys/dev/block/%u:%u", major(devno),
		    minor(devno));
	if (rc < 0)
		return rc;
	return realpath(link, out) ? 0 : -errno;
}

/* The start of the line after the one at p (or its terminating NUL). */
static const char *
next_line(const char *p)
{
	const char *eol = strchr(p, '\n');

	return eol ? eol + 1 : p + strlen(p);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- the target and its partitions --------------------------------- */

static int
add_part(struct safety *s, const char *entry)
{
	char dir[PATH_MAX], num[16];
	struct safety_part *p;
	int rc;

	rc = wc_fmt(dir, sizeof(dir), "%s/%s", s->sysdir, entry);
	if (rc < 0)
		return rc;
	if (wipe_sysfs_read(dir, "partition", num, sizeof(num)) < 0)
		return 0;	/* not a partition */
	if (s->nparts == SAFETY_MAX_PARTS)
		return -E2BIG;
	p = &s->parts[s->nparts];
	rc = wipe_sysfs_devno(dir, &p->devno);
	if (rc < 0)
		return rc;
	p->partno = atoi(num);
	if (p->partno <= 0)
		return -EINVAL;
	rc = wc_fmt(p->name, sizeof(p->name), "%s", entry);
	if (rc < 0)
		return rc;
	s->nparts++;
	return 0;
}

static int
load_target(struct safety *s)
{
	char link[PATH_MAX];
	struct dirent *de;
	size_t nlen;
	DIR *d;
	int rc = 0;

	if (s->id->devno)
		rc = wc_fmt(link, sizeof(link), "/sys/dev/block/%u:%u",
			    major(s->id->devno), minor(s->id->devno));
	else
		rc = wc_fmt(link, sizeof(link), "/sys/class/block/%s",
			    s->id->name);
	if (rc < 0)
		return rc;
	if (!realpath(link, s->sysdir))
		return -errno;
	rc = wc_fmt(s->name, sizeof(s->name), "%s", base_name(s->sysdir));
	if (rc < 0)
		return rc;
	rc = wipe_sysfs_devno(s->sysdir, &s->devno);
	if (rc < 0)
		return rc;
	d = opendir(s->sysdir);
	if (!d)
		return -errno;
	nlen = strlen(s->name);
	while ((de = readdir(d)) != NULL && rc == 0)
		if (strncmp(de->d_name, s->name, nlen) == 0 &&
		    de->d_name[nlen] != '\0')
			rc = add_part(s, de->d_name);
	closedir(d);
	return rc;
}

/* 0 for the target itself, its partition number, or -1 if neither. */
static int
target_match(const struct safety *s, dev_t devno)
{
	size_t i;

	if (devno == 0)
		return -1;
	if (devno == s->devno)
		return 0;
	for (i = 0; i < s->nparts; i++)
		if (s->parts[i].devno == devno)
			return s->parts[i].partno;
	return -1;
}

/* ---- the checks ---------------------------------------------------- */

/* What the identity alone rules out. */
static int
check_ident(struct safety *s)
{
	const struct wipe_ident *id = s->id;

	if (strcmp(id->kind, "zram") == 0)
		return refuse(s, "is a zram device, never an erasure target");
	if (strcmp(id->kind, "ram") == 0)
		return refuse(s, "is a ram disk, never an erasure target");
	if (id->size_bytes == 0)
		return refuse(s, "has no media or zero size");
	if (id->readonly == WIPE_YES)
		return refuse(s, "is read-only");
	if (id->is_partition)
		return refuse(s, "is a partition; erase the whole disk");
	return 0;
}

static int
check_mounts(struct safety *s)
{
	const char *p;
	int partno, rc;

	for (p = s->mountinfo; *p; p = next_line(p)) {
		if (*p == '\n')
			continue;
		rc = wipe_mountinfo_parse_line(p, &s->mnt);
		if (rc < 0)
			return rc;	/* cannot tell: refuse */
		partno = target_match(s, makedev(s->mnt.major,
						 s->mnt.minor));
		if (partno < 0 && s->mnt.source[0] == '/')
			partno = target_match(s, node_rdev(s->mnt.source));
		if (partno == 0)
			return refuse(s, "mounted at %s", s->mnt.mountpoint);
		if (partno > 0)
			return refuse(s, "partition %d mounted at %s", partno,
				      s->mnt.mountpoint);
	}
	return 0;
}

static int
swap_entry(const char *path, void *arg)
{
	struct safety *s = arg;
	struct stat st;
	int partno;

	if (stat(path, &st) < 0)
		return 0;	/* "(deleted)" files: cannot be ours */
	if (s->id->is_file) {
		if (S_ISREG(st.st_mode) && st.st_dev == s->id->file_dev &&
		    st.st_ino == s->id->file_ino)
			return refuse(s, "is an active swap file");
		return 0;
	}
	if (!S_ISBLK(st.st_mode))
		return 0;
	partno = target_match(s, st.st_rdev);
	if (partno == 0)
		return refuse(s, "active swap");
	if (partno > 0)
		return refuse(s, "partition %d is active swap", partno);
	return 0;
}

static int
check_swaps(struct safety *s)
{
	char *text;
	int rc;

	rc = read_text("/proc/swaps", &text);
	if (rc == -ENOENT)
		return 0;	/* a kernel without swap */
	if (rc < 0)
		return rc;
	rc = wipe_swaps_parse(text, swap_entry, s);
	free(text);
	return rc;
}

/* The first holder of the block device in dir, "" if none. */
static int
first_holder(const char *dir, char *out, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc;

	out[0] = '\0';
	rc = wc_fmt(path, sizeof(path), "%s/holders", dir);
	if (rc < 0)
		return rc;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			rc = wc_fmt(out, len, "%s", de->d_name);
			break;
		}
	closedir(d);
	return rc == -ENAMETOOLONG ? 0 : rc;
}

static int
check_holders(struct safety *s)
{
	char holder[64], dir[PATH_MAX];
	size_t i;
	int rc;

	rc = first_holder(s->sysdir, holder, sizeof(holder));
	if (rc < 0)
		return rc;
	if (holder[0])
		return refuse(s, "held by %s", holder);
	for (i = 0; i < s->nparts; i++) {
		rc = wc_fmt(dir, sizeof(dir), "%s/%s", s->sysdir,
			    s->parts[i].name);
		if (rc == 0)
			rc = first_holder(dir, holder, sizeof(holder));
		if (rc < 0)
			return rc;
		if (holder[0])
			return refuse(s, "partition %d held by %s",
				      s->parts[i].partno, holder);
	}
	return 0;
}

/*
 * Is the loop device /sys/block/loop ours: backed by the target file,
 * or by the target disk or one of its partitions?  1 (refused), 0, or
 * -errno.
 */
static int
check_one_loop(struct safety *s, const char *loop)
{
	char dir[PATH_MAX], backing[PATH_MAX], *del;
	struct stat st;
	int rc, partno;

	rc = wc_fmt(dir, sizeof(dir), "/sys/block/%s", loop);
	if (rc < 0)
		return rc;
	rc = wipe_sysfs_read(dir, "loop/backing_file", backing,
			     sizeof(backing));
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;	/* not bound */
	del = strstr(backing, " (deleted)");
	if (del && del[10] == '\0')
		*del = '\0';
	if (stat(backing, &st) < 0)
		return 0;
	if (s->id->is_file) {
		if (S_ISREG(st.st_mode) && st.st_dev == s->id->file_dev &&
		    st.st_ino == s->id->file_ino)
			return refuse(s, "is attached to /dev/%s; detach it or "
				      "wipe that device", loop);
		return 0;
	}
	partno = S_ISBLK(st.st_mode) ? target_match(s, st.st_rdev) : -1;
	if (partno == 0)
		return refuse(s, "backs /dev/%s; detach it first", loop);
	if (partno > 0)
		return refuse(s, "partition %d backs /dev/%s; detach it first",
			      partno, loop);
	return 0;
}

static int
check_loops(struct safety *s)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	d = opendir("/sys/block");
	if (!d)
		return -errno;
	while (rc == 0 && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "loop", 4) == 0)
			rc = check_one_loop(s, de->d_name);
	closedir(d);
	return rc;
}

/* ---- what the running system lives on ------------------------------ */

static int sysset_add_fs(struct safety *s, struct sysset *set, dev_t dev,
			 int depth);

/* Add each device in dir/slaves (dm and md members). */
static int
sysset_add_slaves(struct safety *s, struct sysset *set, const char *dir,
		  int depth);

static int
sysset_add(struct safety *s, struct sysset *set, dev_t devno, int depth)
{
	char dir[PATH_MAX], backing[PATH_MAX], num[16], *slash;
	struct stat st;
	dev_t parent;
	size_t i;
	int rc;

	if (devno == 0 || depth > SAFETY_MAX_DEPTH)
		return 0;
	for (i = 0; i < set->n; i++)
		if (set->v[i] == devno)
			return 0;
	if (sysdir_of(devno, dir) < 0)
		return 0;	/* not a block device (tmpfs and such) */
	if (set->n == SAFETY_MAX_SYSDEVS)
		return -E2BIG;
	if (set->n == 0)
		(void)wc_fmt(set->first, sizeof(set->first), "%s",
			     base_name(dir));
	set->v[set->n++] = devno;
	slash = strrchr(dir, '/');
	if (slash && slash != dir &&
	    wipe_sysfs_read(dir, "partition", num, sizeof(num)) == 0) {
		/* a partition: its disk is behind the system too */
		*slash = '\0';
		rc = wipe_sysfs_devno(dir, &parent);
		if (rc == 0)
			rc = sysset_add(s, set, parent, depth + 1);
		*slash = '/';
		if (rc < 0)
			return rc;
	}
	rc = sysset_add_slaves(s, set, dir, depth);
	if (rc < 0)
		return rc;
	if (wipe_sysfs_read(dir, "loop/backing_file", backing,
			    sizeof(backing)) < 0 || stat(backing, &st) < 0)
		return 0;
	if (S_ISBLK(st.st_mode))
		return sysset_add(s, set, st.st_rdev, depth + 1);
	return sysset_add_fs(s, set, st.st_dev, depth + 1);
}

static int
sysset_add_slaves(struct safety *s, struct sysset *set, const char *dir,
		  int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	dev_t devno;
	DIR *d;
	int rc;

	rc = wc_fmt(path, sizeof(path), "%s/slaves", dir);
	if (rc < 0)
		return rc;
	d = opendir(path);
	if (!d)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		rc = wc_fmt(path, sizeof(path), "/sys/class/block/%s",
			    de->d_name);
		if (rc == 0 && wipe_sysfs_devno(path, &devno) == 0)
			rc = sysset_add(s, set, devno, depth + 1);
	}
	closedir(d);
	return rc;
}

/*
 * The devices behind a filesystem whose st_dev is dev.  Filesystems on
 * an anonymous device (btrfs: 0:N) are found through the mount source
 * in mountinfo.
 */
static int
sysset_add_fs(struct safety *s, struct sysset *set, dev_t dev, int depth)
{
	char dir[PATH_MAX];
	const char *p;
	int rc;

	if (sysdir_of(dev, dir) == 0)
		return sysset_add(s, set, dev, depth);
	for (p = s->mountinfo; *p; p = next_line(p)) {
		if (*p == '\n' || wipe_mountinfo_parse_line(p, &s->mnt) < 0)
			continue;
		if (makedev(s->mnt.major, s->mnt.minor) != dev ||
		    s->mnt.source[0] != '/')
			continue;
		rc = sysset_add(s, set, node_rdev(s->mnt.source), depth);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* 1 (refused) when the target is behind path (what / or the program is on). */
static int
check_backs(struct safety *s, const char *path, const char *what)
{
	struct sysset set;
	struct stat st;
	size_t i;
	int rc;

	memset(&set, 0, sizeof(set));
	if (stat(path, &st) < 0)
		return -errno;
	rc = sysset_add_fs(s, &set, st.st_dev, 0);
	if (rc < 0)
		return rc;
	for (i = 0; i < set.n; i++)
		if (target_match(s, set.v[i]) >= 0)
			return refuse(s, "backs the running system (%s %s)",
				      what, set.first);
	return 0;
}

/* ---- the technician's USB stick ------------------------------------ */

/*
 * The stick wipecert boots from keeps the register and the certificates
 * on a FAT partition labelled WIPECERT.  A disk holding such a partition
 * (or such a file system on the whole disk) is refused whether it is
 * mounted or not, and whatever the firmware or kernel calls it: found by
 * a libblkid probe of the contents, the same probe wipe and list show.
 */
static int
check_data_partition(struct safety *s)
{
	struct wipe_contents c;
	const struct wipe_content *e;
	size_t i;
	int fd, rc;

	fd = open(s->id->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	rc = wipe_probe_contents(fd, s->id->size_bytes, &c);
	close(fd);
	if (rc < 0)
		return rc;	/* cannot tell: refuse */
	for (i = 0; i < c.n && rc == 0; i++) {
		e = &c.v[i];
		if (strcasecmp(e->label, SAFETY_DATA_LABEL) != 0)
			continue;
		if (e->partno > 0)
			rc = refuse(s, "partition %d is a wipecert data "
				    "partition (label %s): the technician's "
				    "USB stick", e->partno, SAFETY_DATA_LABEL);
		else
			rc = refuse(s, "holds a wipecert data file system "
				    "(label %s): the technician's USB stick",
				    SAFETY_DATA_LABEL);
	}
	wipe_contents_release(&c);
	return rc;
}

/* ---- the whole check ----------------------------------------------- */

static int
check_file(struct safety *s)
{
	struct stat st;
	int rc;

	if (s->id->readonly == WIPE_YES)
		return refuse(s, "is read-only");
	if (s->id->size_bytes == 0)
		return refuse(s, "has zero size");
	if (stat("/proc/self/exe", &st) < 0)
		return -errno;
	if (st.st_dev == s->id->file_dev && st.st_ino == s->id->file_ino)
		return refuse(s, "is the running program");
	rc = check_swaps(s);
	if (rc == 0)
		rc = check_loops(s);
	if (rc == 0)
		rc = check_data_partition(s);
	return rc;
}

static int
check_device(struct safety *s)
{
	int rc;

	rc = check_ident(s);
	if (rc == 0)
		rc = load_target(s);
	if (rc == 0)
		rc = check_mounts(s);
	if (rc == 0)
		rc = check_swaps(s);
	if (rc == 0)
		rc = check_holders(s);
	if (rc == 0)
		rc = check_loops(s);
	if (rc == 0)
		rc = check_backs(s, "/", "/ is on");
	if (rc == 0)
		rc = check_backs(s, "/proc/self/exe",
				 "the running program is on");
	if (rc == 0)
		rc = check_data_partition(s);
	return rc;
}

int
wipe_check_safety(const struct wipe_ident *id, char *why, size_t len)
{
	struct safety *s;
	int rc;

	if (why && len)
		why[0] = '\0';
	if (!id)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->id = id;
	s->why = why;
	s->len = len;
	rc = read_text("/proc/self/mountinfo", &s->mountinfo);
	if (rc < 0)
		goto out;
	rc = id->is_file ? check_file(s) : check_device(s);
out:
	free(s->mountinfo);
	free(s);
	return rc;
}
