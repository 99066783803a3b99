/*
 * sysfs.c - identity of block devices (from sysfs) and of image files
 * (from stat), and the list of every block device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/lib.h"
#include "wipe/safety.h"
#include "wipe/wipe.h"

#define SYSFS_ATTR_MAX 4096	/* sysfs attributes are at most a page */

void
wipe_ident_init(struct wipe_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->transport = WIPE_TR_OTHER;
	id->source = WIPE_SRC_SYSFS;
	id->rotational = WIPE_UNKNOWN;
	id->removable = WIPE_UNKNOWN;
	id->readonly = WIPE_UNKNOWN;
	id->hidden.visible_max_lba = -1;
	id->hidden.native_max_lba = -1;
	id->hidden.hpa_enabled = WIPE_UNKNOWN;
	id->hidden.dco_present = WIPE_UNKNOWN;
	id->hidden.dco_max_lba = -1;
	id->security.expired = WIPE_UNKNOWN;
	id->drive.checksum_ok = WIPE_UNKNOWN;
	id->drive.hpa_feature = WIPE_UNKNOWN;
	id->drive.dco_feature = WIPE_UNKNOWN;
	id->security.supported = WIPE_UNKNOWN;
	id->security.enabled = WIPE_UNKNOWN;
	id->security.locked = WIPE_UNKNOWN;
	id->security.frozen = WIPE_UNKNOWN;
}

const char *
wipe_transport_name(enum wipe_transport t)
{
	switch (t) {
	case WIPE_TR_SATA:
		return "sata";
	case WIPE_TR_SAS:
		return "sas";
	case WIPE_TR_SCSI:
		return "scsi";
	case WIPE_TR_NVME:
		return "nvme";
	case WIPE_TR_USB:
		return "usb";
	case WIPE_TR_VIRTIO:
		return "virtio";
	case WIPE_TR_MMC:
		return "mmc";
	case WIPE_TR_LOOP:
		return "loop";
	case WIPE_TR_FILE:
		return "file";
	case WIPE_TR_OTHER:
		break;
	}
	return "other";
}

const char *
wipe_ident_source_name(enum wipe_ident_source s)
{
	switch (s) {
	case WIPE_SRC_SYSFS:
		return "sysfs";
	case WIPE_SRC_FILE:
		return "file";
	case WIPE_SRC_ATA_IDENTIFY:
		return "ata-identify";
	case WIPE_SRC_NVME_IDENTIFY:
		return "nvme-identify";
	case WIPE_SRC_SCSI_INQUIRY:
		return "scsi-inquiry";
	}
	return "unknown";
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f' || c == '\0';
}

/*
 * Copy the n bytes at in to out without leading and trailing blanks,
 * control characters replaced by '?'.  Returns 0, or -ENAMETOOLONG
 * when out was too small (it then holds what fitted).
 */
static int
copy_trimmed(char *out, size_t len, const char *in, size_t n)
{
	size_t i, k = 0;

	if (len == 0)
		return -ENAMETOOLONG;
	while (n > 0 && is_space((unsigned char)in[0])) {
		in++;
		n--;
	}
	while (n > 0 && is_space((unsigned char)in[n - 1]))
		n--;
	for (i = 0; i < n && k + 1 < len; i++) {
		unsigned char c = (unsigned char)in[i];

		out[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[k] = '\0';
	return i < n ? -ENAMETOOLONG : 0;
}

/* Read the raw bytes of dir/rel.  Returns the byte count or -errno. */
static ssize_t
sysfs_read_raw(const char *dir, const char *rel, void *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, rc;

	rc = wc_fmt(path, sizeof(path), "%s/%s", dir, rel);
	if (rc < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

int
wipe_sysfs_read(const char *dir, const char *rel, char *out, size_t len)
{
	char raw[SYSFS_ATTR_MAX] = { 0 };
	ssize_t n;

	n = sysfs_read_raw(dir, rel, raw, sizeof(raw));
	if (n < 0)
		return (int)n;
	return copy_trimmed(out, len, raw, (size_t)n);
}

static int
sysfs_read_u64(const char *dir, const char *rel, uint64_t *v)
{
	char buf[32], *end;
	unsigned long long x;
	int rc;

	rc = wipe_sysfs_read(dir, rel, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*v = x;
	return 0;
}

int
wipe_sysfs_devno(const char *dir, dev_t *out)
{
	char dev[32];
	unsigned maj, min;
	char extra;
	int rc;

	rc = wipe_sysfs_read(dir, "dev", dev, sizeof(dev));
	if (rc < 0)
		return rc;
	if (sscanf(dev, "%u:%u%c", &maj, &min, &extra) != 2)
		return -EINVAL;
	*out = makedev(maj, min);
	return 0;
}

static enum wipe_tri
sysfs_read_tri(const char *dir, const char *rel)
{
	uint64_t v;

	if (sysfs_read_u64(dir, rel, &v) < 0 || v > 1)
		return WIPE_UNKNOWN;
	return v ? WIPE_YES : WIPE_NO;
}

static int
path_exists(const char *dir, const char *rel)
{
	char path[PATH_MAX];

	if (wc_fmt(path, sizeof(path), "%s/%s", dir, rel) < 0)
		return 0;
	return access(path, F_OK) == 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Does a component of path start with prefix (followed by a digit)? */
static int
has_component(const char *path, const char *prefix, int digit)
{
	size_t plen = strlen(prefix);
	const char *p = path;

	while (p && *p) {
		while (*p == '/')
			p++;
		if (strncmp(p, prefix, plen) == 0 &&
		    (!digit || (p[plen] >= '0' && p[plen] <= '9')))
			return 1;
		p = strchr(p, '/');
	}
	return 0;
}

static int
starts_digit(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 && s[n] >= '0' && s[n] <= '9';
}

enum wipe_transport
wipe_transport_from_syspath(const char *syspath, const char *name)
{
	if (starts_digit(name, "loop"))
		return WIPE_TR_LOOP;
	if (has_component(syspath, "usb", 1))
		return WIPE_TR_USB;
	if (has_component(syspath, "nvme", 0))
		return WIPE_TR_NVME;
	if (has_component(syspath, "mmc", 0))
		return WIPE_TR_MMC;
	if (has_component(syspath, "ata", 1))
		return WIPE_TR_SATA;
	if (has_component(syspath, "end_device-", 0) ||
	    has_component(syspath, "sas_", 0))
		return WIPE_TR_SAS;
	if (has_component(syspath, "target", 1))
		return WIPE_TR_SCSI;
	if (has_component(syspath, "virtio", 1))
		return WIPE_TR_VIRTIO;
	return WIPE_TR_OTHER;
}

const char *
wipe_kind_from_name(const char *name, int is_partition)
{
	if (is_partition)
		return "partition";
	if (strncmp(name, "zram", 4) == 0)
		return "zram";
	if (starts_digit(name, "ram"))
		return "ram";
	if (starts_digit(name, "loop"))
		return "loop";
	if (strncmp(name, "dm-", 3) == 0)
		return "dm";
	if (starts_digit(name, "md") || strncmp(name, "md_", 3) == 0)
		return "md";
	if (starts_digit(name, "nbd"))
		return "nbd";
	if (starts_digit(name, "sr"))
		return "rom";
	return "disk";
}

int
wipe_vpd80_serial(const uint8_t *page, size_t n, char *out, size_t len)
{
	size_t plen;

	if (n < 4 || page[1] != 0x80)
		return -EINVAL;
	plen = ((size_t)page[2] << 8) | page[3];
	if (n < 4 + plen)
		return -EINVAL;
	return copy_trimmed(out, len, (const char *)page + 4, plen);
}

/*
 * Read an identity string; a value too long for out is kept cut short
 * rather than dropped.  Returns 1 when out holds a value, else 0.
 */
static int
read_ident_str(const char *dir, const char *rel, char *out, size_t len)
{
	int rc;

	rc = wipe_sysfs_read(dir, rel, out, len);
	if ((rc == 0 || rc == -ENAMETOOLONG) && out[0] != '\0')
		return 1;
	out[0] = '\0';
	return 0;
}

/* The first of the attributes rels[] under dir that holds a value. */
static void
read_first(const char *dir, const char *const *rels, char *out, size_t len)
{
	for (; *rels; rels++)
		if (read_ident_str(dir, *rels, out, len))
			return;
}

/*
 * USB mass storage keeps the stick's serial number on the USB device (the
 * ancestor with idVendor), not on the SCSI disk.
 */
static void
read_usb_serial(const char *disk, char *out, size_t len)
{
	char dir[PATH_MAX], *slash;

	if (wc_fmt(dir, sizeof(dir), "%s", disk) < 0)
		return;
	while ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (strcmp(dir, "/sys/devices") == 0)
			return;
		if (path_exists(dir, "idVendor")) {
			(void)read_ident_str(dir, "serial", out, len);
			return;
		}
	}
}

static void
fill_strings(const char *disk, struct wipe_ident *id)
{
	static const char *const firmware[] = { "device/rev",
		"device/firmware_rev", "device/fwrev", NULL };
	static const char *const wwn[] = { "wwid", "device/wwid", NULL };
	static const char *const model[] = { "device/model", "device/name",
		NULL };
	static const char *const serial[] = { "serial", "device/serial",
		NULL };
	uint8_t vpd[SYSFS_ATTR_MAX] = { 0 };
	ssize_t n;

	read_first(disk, model, id->model, sizeof(id->model));
	read_first(disk, firmware, id->firmware, sizeof(id->firmware));
	read_first(disk, wwn, id->wwn, sizeof(id->wwn));
	read_first(disk, serial, id->serial, sizeof(id->serial));
	if (id->serial[0] == '\0') {
		/* SCSI disks (and ATA ones behind libata) keep it in VPD. */
		n = sysfs_read_raw(disk, "device/vpd_pg80", vpd, sizeof(vpd));
		if (n > 0)
			(void)wipe_vpd80_serial(vpd, (size_t)n, id->serial,
						sizeof(id->serial));
	}
	if (id->serial[0] == '\0' && id->transport == WIPE_TR_USB)
		read_usb_serial(disk, id->serial, sizeof(id->serial));
	/* virtio and PCI-style "vendor" files hold a numeric ID, no name. */
	if (read_ident_str(disk, "device/vendor", id->vendor,
			   sizeof(id->vendor)) &&
	    strncmp(id->vendor, "0x", 2) == 0)
		id->vendor[0] = '\0';
}

static void
fill_geometry(const char *self, const char *disk, struct wipe_ident *id)
{
	uint64_t v;

	if (sysfs_read_u64(self, "size", &v) == 0 && v <= UINT64_MAX / 512)
		id->size_bytes = v * 512;
	if (sysfs_read_u64(disk, "queue/logical_block_size", &v) == 0 &&
	    v <= UINT32_MAX)
		id->logical_sector = (uint32_t)v;
	if (sysfs_read_u64(disk, "queue/physical_block_size", &v) == 0 &&
	    v <= UINT32_MAX)
		id->physical_sector = (uint32_t)v;
	id->rotational = sysfs_read_tri(disk, "queue/rotational");
	id->removable = sysfs_read_tri(disk, "removable");
	id->readonly = sysfs_read_tri(self, "ro");
}

/* Fill id from the sysfs entry of block device devno. */
static int
ident_from_devno(dev_t devno, struct wipe_ident *id)
{
	char link[64], self[PATH_MAX], disk[PATH_MAX];
	char *slash;
	int rc;

	rc = wc_fmt(link, sizeof(link), "/sys/dev/block/%u:%u", major(devno),
		    minor(devno));
	if (rc < 0)
		return rc;
	if (!realpath(link, self))
		return -errno;
	rc = wc_fmt(id->name, sizeof(id->name), "%s", base_name(self));
	if (rc < 0)
		return rc;
	id->is_partition = path_exists(self, "partition");
	memcpy(disk, self, sizeof(disk));
	if (id->is_partition) {
		slash = strrchr(disk, '/');
		if (!slash || slash == disk)
			return -ENOENT;
		*slash = '\0';
	}
	id->devno = devno;
	id->source = WIPE_SRC_SYSFS;
	id->transport = wipe_transport_from_syspath(disk, base_name(disk));
	rc = wc_fmt(id->kind, sizeof(id->kind), "%s",
		    wipe_kind_from_name(id->name, id->is_partition));
	if (rc < 0)
		return rc;
	fill_strings(disk, id);
	fill_geometry(self, disk, id);
	return 0;
}

static int
ident_from_file(const char *path, const struct stat *st,
		struct wipe_ident *id)
{
	int rc;

	rc = wc_fmt(id->name, sizeof(id->name), "%s", base_name(path));
	if (rc < 0)
		return rc;
	id->is_file = 1;
	id->transport = WIPE_TR_FILE;
	id->source = WIPE_SRC_FILE;
	id->size_bytes = (uint64_t)st->st_size;
	id->logical_sector = 512;
	id->physical_sector = 512;
	id->file_dev = st->st_dev;
	id->file_ino = st->st_ino;
	if (access(path, W_OK) == 0)
		id->readonly = WIPE_NO;
	else if (errno == EACCES || errno == EROFS || errno == ETXTBSY)
		id->readonly = WIPE_YES;
	return wc_fmt(id->kind, sizeof(id->kind), "file");
}

int
wipe_identify_path(const char *path, struct wipe_ident *id)
{
	struct stat st;
	int rc;

	if (!path || !id)
		return -EINVAL;
	wipe_ident_init(id);
	rc = wc_fmt(id->path, sizeof(id->path), "%s", path);
	if (rc < 0)
		return rc;
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ident_from_devno(st.st_rdev, id);
	if (S_ISREG(st.st_mode))
		return ident_from_file(path, &st, id);
	return -ENOTBLK;
}

/* Identify /sys/block/NAME, calling it /dev/NAME. */
static int
ident_from_name(const char *name, struct wipe_ident *id)
{
	char dir[PATH_MAX];
	dev_t devno;
	int rc;

	wipe_ident_init(id);
	rc = wc_fmt(dir, sizeof(dir), "/sys/block/%s", name);
	if (rc < 0)
		return rc;
	rc = wipe_sysfs_devno(dir, &devno);
	if (rc < 0)
		return rc;
	rc = wc_fmt(id->path, sizeof(id->path), "/dev/%s", name);
	if (rc < 0)
		return rc;
	return ident_from_devno(devno, id);
}

static int
cmp_ident_name(const void *a, const void *b)
{
	const struct wipe_ident *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
devlist_push(struct wipe_devlist *list, size_t *cap)
{
	struct wipe_ident *v;
	size_t ncap;

	if (list->n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	v = realloc(list->v, ncap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	list->v = v;
	*cap = ncap;
	return 0;
}

int
wipe_discover(struct wipe_devlist *list)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int rc = 0;

	if (!list)
		return -EINVAL;
	list->v = NULL;
	list->n = 0;
	d = opendir("/sys/block");
	if (!d)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		rc = devlist_push(list, &cap);
		if (rc < 0)
			goto out;
		rc = ident_from_name(de->d_name, &list->v[list->n]);
		if (rc == -ENOENT)	/* gone while we looked */
			continue;
		if (rc < 0)
			goto out;
		list->n++;
	}
	rc = 0;
	if (list->n > 1)
		qsort(list->v, list->n, sizeof(list->v[0]), cmp_ident_name);
out:
	closedir(d);
	if (rc < 0)
		wipe_devlist_release(list);
	return rc;
}

void
wipe_devlist_release(struct wipe_devlist *list)
{
	if (!list)
		return;
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

int
wipe_ident_is_usb_flash(const struct wipe_ident *id)
{
	return id && id->transport == WIPE_TR_USB &&
	       id->removable == WIPE_YES && id->rotational == WIPE_NO;
}
