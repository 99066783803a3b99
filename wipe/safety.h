/*
 * safety.h - private to wipe/: the pure parsers behind wipe/sysfs.c and
 * wipe/safety.c, exported only so that tests can reach them.
 */
#ifndef WIPECERT_WIPE_SAFETY_H
#define WIPECERT_WIPE_SAFETY_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wipe/wipe.h"

/* ---- sysfs.c ------------------------------------------------------- */

/*
 * The transport of a block device from the canonical sysfs path of its
 * whole disk (e.g. "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/
 * target0:0:0/0:0:0:0/block/sda") and its kernel name.  USB wins over
 * everything below it (a USB-to-SATA bridge is reached through USB).
 */
enum wipe_transport wipe_transport_from_syspath(const char *syspath,
						const char *name);

/*
 * The kind of a block device from its kernel name: "zram", "ram",
 * "loop", "dm", "md", "nbd", "rom" or "disk"; partitions are "partition"
 * whatever their name.
 */
const char *wipe_kind_from_name(const char *name, int is_partition);

/*
 * The unit serial number from a SCSI VPD page 0x80 (as sysfs
 * device/vpd_pg80 holds it), trimmed.  Returns 0, -EINVAL for a page
 * that is not 0x80 or is cut short, or -ENAMETOOLONG when out is too
 * small.
 */
int wipe_vpd80_serial(const uint8_t *page, size_t n, char *out, size_t len);

/*
 * Not pure, shared with safety.c: read the sysfs attribute dir/rel,
 * trimmed, into out.  Returns 0, -ENAMETOOLONG (out holds what fitted)
 * or another -errno.
 */
int wipe_sysfs_read(const char *dir, const char *rel, char *out, size_t len);

/* The device number in dir/dev ("8:0").  Returns 0 or -errno. */
int wipe_sysfs_devno(const char *dir, dev_t *out);

/* ---- safety.c ------------------------------------------------------ */

/* One line of /proc/self/mountinfo, octal escapes (\040) decoded. */
struct wipe_mnt {
	unsigned major;
	unsigned minor;
	char mountpoint[PATH_MAX];
	char fstype[64];
	char source[PATH_MAX];
};

/*
 * Parse one mountinfo line (with or without its newline): ID, parent ID,
 * major:minor, root, mount point, options, optional fields up to "-",
 * fs type, source, super options.  Returns 0, -EINVAL for a malformed
 * line, or -ENAMETOOLONG when a field does not fit.
 */
int wipe_mountinfo_parse_line(const char *line, struct wipe_mnt *m);

/*
 * Decode the kernel's octal escapes ("\040" for a space) of the n bytes
 * at in into out (len bytes, NUL-terminated).  A backslash not followed
 * by three octal digits is kept as it is.  Returns 0 or -ENAMETOOLONG.
 */
int wipe_unescape_octal(const char *in, size_t n, char *out, size_t len);

/*
 * Walk the text of /proc/swaps: fn(path, arg) for each entry after the
 * header line, path decoded.  Stops at, and returns, the first non-zero
 * value fn returns; otherwise returns 0, or -EINVAL / -ENAMETOOLONG for
 * a line that cannot be parsed.
 */
int wipe_swaps_parse(const char *text,
		     int (*fn)(const char *path, void *arg), void *arg);

#endif
