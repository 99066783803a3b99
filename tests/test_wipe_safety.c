/*
 * test_wipe_safety.c - identity, contents and safety: the pure parsers
 * (mountinfo, /proc/swaps, sysfs paths, VPD), the contents summary, a
 * libblkid probe of a GPT + ext4 image built here, and the refusals that
 * this machine can show without harm (its own root disk, the running
 * program, zram, the technician USB's data partition).  As root, the
 * image is also attached read-only to a loop device, probed there, and
 * must then be refused as attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/lib.h"
#include "wipe/safety.h"
#include "wipe/wipe.h"

#define IMG_SIZE (64 * WC_MIB)
#define P1_START 2048		/* sectors */
#define P1_SECTORS 40960	/* 20 MiB */
#define P2_START (P1_START + P1_SECTORS)
#define P2_SECTORS 20480	/* 10 MiB */

/* ---- names and sysfs paths ------------------------------------------ */

static void
test_transport_name(void **state)
{
	(void)state;
	assert_string_equal(wipe_transport_name(WIPE_TR_SATA), "sata");
	assert_string_equal(wipe_transport_name(WIPE_TR_SAS), "sas");
	assert_string_equal(wipe_transport_name(WIPE_TR_SCSI), "scsi");
	assert_string_equal(wipe_transport_name(WIPE_TR_NVME), "nvme");
	assert_string_equal(wipe_transport_name(WIPE_TR_USB), "usb");
	assert_string_equal(wipe_transport_name(WIPE_TR_VIRTIO), "virtio");
	assert_string_equal(wipe_transport_name(WIPE_TR_MMC), "mmc");
	assert_string_equal(wipe_transport_name(WIPE_TR_LOOP), "loop");
	assert_string_equal(wipe_transport_name(WIPE_TR_FILE), "file");
	assert_string_equal(wipe_transport_name(WIPE_TR_OTHER), "other");
	assert_string_equal(wipe_transport_name((enum wipe_transport)99),
			    "other");
	assert_string_equal(wipe_ident_source_name(WIPE_SRC_SYSFS), "sysfs");
	assert_string_equal(wipe_ident_source_name(WIPE_SRC_FILE), "file");
	assert_string_equal(wipe_ident_source_name(WIPE_SRC_ATA_IDENTIFY),
			    "ata-identify");
	assert_string_equal(wipe_ident_source_name(WIPE_SRC_NVME_IDENTIFY),
			    "nvme-identify");
	assert_string_equal(wipe_ident_source_name(WIPE_SRC_SCSI_INQUIRY),
			    "scsi-inquiry");
}

static void
test_transport_from_syspath(void **state)
{
	static const struct {
		const char *path;
		const char *name;
		enum wipe_transport want;
	} cases[] = {
		{ "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/"
		  "target0:0:0/0:0:0:0/block/sda", "sda", WIPE_TR_SATA },
		{ "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/"
		  "host6/target6:0:0/6:0:0:0/block/sdb", "sdb", WIPE_TR_USB },
		{ "/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/"
		  "nvme0/nvme0n1", "nvme0n1", WIPE_TR_NVME },
		{ "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda",
		  "vda", WIPE_TR_VIRTIO },
		{ "/sys/devices/pci0000:00/0000:00:03.0/virtio2/host0/"
		  "target0:0:0/0:0:0:0/block/sda", "sda", WIPE_TR_SCSI },
		{ "/sys/devices/pci0000:00/0000:01:00.0/host0/port-0:0/"
		  "end_device-0:0/target0:0:0/0:0:0:0/block/sdc", "sdc",
		  WIPE_TR_SAS },
		{ "/sys/devices/platform/fe320000.mmc/mmc_host/mmc1/"
		  "mmc1:0001/block/mmcblk1", "mmcblk1", WIPE_TR_MMC },
		{ "/sys/devices/virtual/block/loop3", "loop3", WIPE_TR_LOOP },
		{ "/sys/devices/virtual/block/zram0", "zram0", WIPE_TR_OTHER },
		{ "/sys/devices/virtual/block/dm-0", "dm-0", WIPE_TR_OTHER },
		/* "data" and "usbfoo" are not an ATA port or a USB bus */
		{ "/sys/devices/data/usbfoo/block/xvda", "xvda",
		  WIPE_TR_OTHER },
	};
	size_t i;

	(void)state;
	for (i = 0; i < WC_ARRAY_SIZE(cases); i++) {
		enum wipe_transport got;

		got = wipe_transport_from_syspath(cases[i].path, cases[i].name);
		if (got != cases[i].want)
			fail_msg("%s: got %s, want %s", cases[i].path,
				 wipe_transport_name(got),
				 wipe_transport_name(cases[i].want));
	}
}

static void
test_kind_from_name(void **state)
{
	(void)state;
	assert_string_equal(wipe_kind_from_name("sda", 0), "disk");
	assert_string_equal(wipe_kind_from_name("sda1", 1), "partition");
	assert_string_equal(wipe_kind_from_name("zram0", 0), "zram");
	assert_string_equal(wipe_kind_from_name("ram0", 0), "ram");
	assert_string_equal(wipe_kind_from_name("loop7", 0), "loop");
	assert_string_equal(wipe_kind_from_name("dm-1", 0), "dm");
	assert_string_equal(wipe_kind_from_name("md127", 0), "md");
	assert_string_equal(wipe_kind_from_name("sr0", 0), "rom");
	/* names that only look alike */
	assert_string_equal(wipe_kind_from_name("ramdrive", 0), "disk");
	assert_string_equal(wipe_kind_from_name("nvme0n1", 0), "disk");
}

static void
test_vpd80_serial(void **state)
{
	static const uint8_t page[] = { 0x00, 0x80, 0x00, 0x0c, ' ', ' ',
		'W', 'D', '-', 'W', 'X', '1', '2', ' ', ' ', ' ' };
	char out[32];

	(void)state;
	assert_int_equal(wipe_vpd80_serial(page, sizeof(page), out,
					   sizeof(out)), 0);
	assert_string_equal(out, "WD-WX12");
	/* the length byte claims more than there is */
	assert_int_equal(wipe_vpd80_serial(page, sizeof(page) - 1, out,
					   sizeof(out)), -EINVAL);
	assert_int_equal(wipe_vpd80_serial(page, 3, out, sizeof(out)),
			 -EINVAL);
	{
		uint8_t other[sizeof(page)];

		memcpy(other, page, sizeof(page));
		other[1] = 0x83;
		assert_int_equal(wipe_vpd80_serial(other, sizeof(other), out,
						   sizeof(out)), -EINVAL);
	}
	assert_int_equal(wipe_vpd80_serial(page, sizeof(page), out, 4),
			 -ENAMETOOLONG);
	assert_string_equal(out, "WD-");
}

/* ---- mountinfo and /proc/swaps --------------------------------------- */

static void
test_mountinfo_basic(void **state)
{
	struct wipe_mnt *m = malloc(sizeof(*m));

	(void)state;
	assert_non_null(m);
	assert_int_equal(wipe_mountinfo_parse_line(
		"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 "
		"/dev/root rw,errors=continue\n", m), 0);
	assert_int_equal(m->major, 98);
	assert_int_equal(m->minor, 0);
	assert_string_equal(m->mountpoint, "/mnt2");
	assert_string_equal(m->fstype, "ext3");
	assert_string_equal(m->source, "/dev/root");
	/* no optional fields, no newline */
	assert_int_equal(wipe_mountinfo_parse_line(
		"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard", m), 0);
	assert_int_equal(m->major, 254);
	assert_string_equal(m->mountpoint, "/");
	assert_string_equal(m->source, "/dev/vda");
	/* several optional fields; parsing stops at the end of the line */
	assert_int_equal(wipe_mountinfo_parse_line(
		"40 27 8:17 / /boot rw shared:7 master:2 propagate_from:3 - "
		"vfat /dev/sdb1 rw\n99 1 1:1 / /x rw - ext4 /dev/sdz rw", m),
		0);
	assert_int_equal(m->major, 8);
	assert_int_equal(m->minor, 17);
	assert_string_equal(m->mountpoint, "/boot");
	assert_string_equal(m->fstype, "vfat");
	assert_string_equal(m->source, "/dev/sdb1");
	free(m);
}

static void
test_mountinfo_escapes(void **state)
{
	struct wipe_mnt *m = malloc(sizeof(*m));

	(void)state;
	assert_non_null(m);
	assert_int_equal(wipe_mountinfo_parse_line(
		"50 27 7:0 / /mnt/my\\040disk\\011tab\\134back rw - ext4 "
		"/tmp/an\\040image rw\n", m), 0);
	assert_string_equal(m->mountpoint, "/mnt/my disk\ttab\\back");
	assert_string_equal(m->source, "/tmp/an image");
	free(m);
}

static void
test_mountinfo_malformed(void **state)
{
	struct wipe_mnt *m = malloc(sizeof(*m));
	char *longline;
	size_t n;

	(void)state;
	assert_non_null(m);
	/* no "-" separator */
	assert_int_equal(wipe_mountinfo_parse_line(
		"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root",
		m), -EINVAL);
	/* bad major:minor */
	assert_int_equal(wipe_mountinfo_parse_line(
		"36 35 98 / /mnt rw - ext3 /dev/root rw", m), -EINVAL);
	assert_int_equal(wipe_mountinfo_parse_line(
		"36 35 98:0x / /mnt rw - ext3 /dev/root rw", m), -EINVAL);
	/* cut short after the separator */
	assert_int_equal(wipe_mountinfo_parse_line(
		"36 35 98:0 / /mnt rw - ext3\n", m), -EINVAL);
	assert_int_equal(wipe_mountinfo_parse_line("", m), -EINVAL);
	/* a mount point longer than PATH_MAX */
	n = PATH_MAX + 64;
	longline = malloc(n + 64);
	assert_non_null(longline);
	memcpy(longline, "1 1 8:0 / /", 11);
	memset(longline + 11, 'a', n);
	memcpy(longline + 11 + n, " rw - ext4 /dev/sda rw", 23);
	assert_int_equal(wipe_mountinfo_parse_line(longline, m),
			 -ENAMETOOLONG);
	free(longline);
	free(m);
}

static void
test_unescape_octal(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(wipe_unescape_octal("a\\040b", 6, out, sizeof(out)),
			 0);
	assert_string_equal(out, "a b");
	/* not an escape: kept as it is */
	assert_int_equal(wipe_unescape_octal("a\\04", 4, out, sizeof(out)), 0);
	assert_string_equal(out, "a\\04");
	assert_int_equal(wipe_unescape_octal("\\400", 4, out, sizeof(out)), 0);
	assert_string_equal(out, "\\400");
	assert_int_equal(wipe_unescape_octal("\\08x", 4, out, sizeof(out)), 0);
	assert_string_equal(out, "\\08x");
	/* only n bytes are read */
	assert_int_equal(wipe_unescape_octal("abc\\040", 3, out, sizeof(out)),
			 0);
	assert_string_equal(out, "abc");
	assert_int_equal(wipe_unescape_octal("abcdef", 6, out, 4),
			 -ENAMETOOLONG);
	assert_string_equal(out, "abc");
}

struct swap_seen {
	char path[4][PATH_MAX];
	int n;
	int stop_at;		/* return 7 at this entry (0: never) */
};

static int
collect_swap(const char *path, void *arg)
{
	struct swap_seen *seen = arg;

	if (seen->n >= 4)
		return -ERANGE;
	if (wc_fmt(seen->path[seen->n], sizeof(seen->path[0]), "%s",
		   path) < 0)
		return -ENAMETOOLONG;
	seen->n++;
	return seen->n == seen->stop_at ? 7 : 0;
}

static void
test_swaps_parse(void **state)
{
	static const char text[] =
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		"/dev/sda2                               partition\t8388604"
		"\t\t0\t\t-2\n"
		"/var/swap\\040file                       file\t\t1048572\t\t0"
		"\t\t-3\n"
		"\n";
	struct swap_seen *seen = calloc(1, sizeof(*seen));

	(void)state;
	assert_non_null(seen);
	assert_int_equal(wipe_swaps_parse(text, collect_swap, seen), 0);
	assert_int_equal(seen->n, 2);
	assert_string_equal(seen->path[0], "/dev/sda2");
	assert_string_equal(seen->path[1], "/var/swap file");

	/* the header alone: no entries */
	memset(seen, 0, sizeof(*seen));
	assert_int_equal(wipe_swaps_parse("Filename Type Size Used Priority\n",
					  collect_swap, seen), 0);
	assert_int_equal(seen->n, 0);

	/* the callback's verdict stops the walk and is returned */
	memset(seen, 0, sizeof(*seen));
	seen->stop_at = 1;
	assert_int_equal(wipe_swaps_parse(text, collect_swap, seen), 7);
	assert_int_equal(seen->n, 1);

	/* a line that starts with a blank has no path */
	memset(seen, 0, sizeof(*seen));
	assert_int_equal(wipe_swaps_parse("Filename\n  partition 1 0 -2\n",
					  collect_swap, seen), -EINVAL);
	free(seen);
}

/* ---- the contents summary -------------------------------------------- */

/* p1 ext4 "DATA" 255 MiB, p2 with no signature, iso9660 on the whole. */
static void
summary_entries(struct wipe_content v[3])
{
	memset(v, 0, 3 * sizeof(v[0]));
	v[0].partno = 1;
	v[0].offset = WC_MIB;
	v[0].size = 255 * WC_MIB;
	assert_int_equal(wc_fmt(v[0].type, sizeof(v[0].type), "ext4"), 0);
	assert_int_equal(wc_fmt(v[0].label, sizeof(v[0].label), "DATA"), 0);
	v[1].partno = 2;
	v[1].offset = 256 * WC_MIB;
	v[1].size = 512 * WC_MIB;
	v[2].partno = 0;
	assert_int_equal(wc_fmt(v[2].type, sizeof(v[2].type), "iso9660"), 0);
	assert_int_equal(wc_fmt(v[2].label, sizeof(v[2].label), "A\nB"), 0);
}

static void
test_contents_summary(void **state)
{
	struct wipe_content v[3];
	struct wipe_contents c;
	char buf[128];

	(void)state;
	memset(&c, 0, sizeof(c));
	summary_entries(v);
	wipe_contents_summary(&c, buf, sizeof(buf));
	assert_string_equal(buf, "not probed");
	assert_false(wipe_contents_found(&c));
	assert_false(wipe_contents_found(NULL));

	c.probed = 1;
	wipe_contents_summary(&c, buf, sizeof(buf));
	assert_string_equal(buf, "nothing found");

	assert_int_equal(wc_fmt(c.pttype, sizeof(c.pttype), "gpt"), 0);
	c.v = v;
	c.n = 1;
	assert_true(wipe_contents_found(&c));
	wipe_contents_summary(&c, buf, sizeof(buf));
	assert_string_equal(buf, "gpt: p1 ext4 \"DATA\" 255.0 MiB");

	c.n = 3;
	wipe_contents_summary(&c, buf, sizeof(buf));
	assert_string_equal(buf, "gpt: p1 ext4 \"DATA\" 255.0 MiB, "
			    "p2 no signature 512.0 MiB; iso9660 \"A?B\" "
			    "(whole device)");
}

static void
test_contents_summary_whole(void **state)
{
	struct wipe_content v[3];
	struct wipe_contents c;
	char buf[128], tiny[12];

	(void)state;
	summary_entries(v);
	memset(&c, 0, sizeof(c));
	c.probed = 1;

	/* a signature on the whole device, no table */
	c.v = &v[2];
	c.n = 1;
	assert_true(wipe_contents_found(&c));
	wipe_contents_summary(&c, buf, sizeof(buf));
	assert_string_equal(buf, "iso9660 \"A?B\"");

	/* a table with no partitions */
	assert_int_equal(wc_fmt(c.pttype, sizeof(c.pttype), "dos"), 0);
	c.n = 0;
	assert_true(wipe_contents_found(&c));
	wipe_contents_summary(&c, buf, sizeof(buf));
	assert_string_equal(buf, "dos: no partitions");

	/* cut short, and says so */
	c.v = v;
	c.n = 3;
	memset(tiny, 'x', sizeof(tiny));
	wipe_contents_summary(&c, tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_string_equal(tiny, "dos: p1 ...");
}

/* ---- a GPT + ext4 image --------------------------------------------- */

struct image {
	char path[64];
	int ok;			/* built; else the tools are missing */
	char loop[64];		/* attached by test_loop_device */
};

static int
run(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int
have_tool(const char *name)
{
	char cmd[128];

	if (wc_fmt(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1",
		   name) < 0)
		return 0;
	return run(cmd) == 0;
}

static int
image_setup(void **state)
{
	struct image *img = calloc(1, sizeof(*img));
	char cmd[512];
	int fd;

	if (!img)
		return -1;
	*state = img;
	if (!have_tool("sfdisk") || !have_tool("mke2fs"))
		return 0;
	if (wc_fmt(img->path, sizeof(img->path),
		   "/tmp/wipecert-test-XXXXXX") < 0)
		return -1;
	fd = mkstemp(img->path);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)IMG_SIZE) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if (wc_fmt(cmd, sizeof(cmd),
		   "printf 'label: gpt\\nstart=%d, size=%d, name=\"stuff\"\\n"
		   "start=%d, size=%d\\n' | sfdisk -q %s >/dev/null 2>&1 && "
		   "mke2fs -q -F -t ext4 -L DATA -E offset=%d %s %dk "
		   ">/dev/null 2>&1", P1_START, P1_SECTORS, P2_START,
		   P2_SECTORS, img->path, P1_START * 512, img->path,
		   P1_SECTORS / 2) < 0 || run(cmd) != 0)
		return -1;
	img->ok = 1;
	return 0;
}

static int
image_teardown(void **state)
{
	struct image *img = *state;
	char cmd[128];

	if (img && img->loop[0]) {
		if (wc_fmt(cmd, sizeof(cmd), "losetup -d %s", img->loop) < 0 ||
		    run(cmd) != 0)
			fprintf(stderr, "cannot detach %s\n", img->loop);
	}
	if (img && img->path[0])
		unlink(img->path);
	free(img);
	return 0;
}

static void
skip_without_image(const struct image *img)
{
	if (!img->ok) {
		print_message("sfdisk or mke2fs missing: image test "
			      "skipped\n");
		skip();
	}
}

/* Check what a probe of the image (as a file or a loop device) found. */
static void
check_image_contents(int fd)
{
	struct wipe_contents c;
	char line[256];

	assert_int_equal(wipe_probe_contents(fd, IMG_SIZE, &c), 0);
	assert_true(c.probed);
	assert_true(wipe_contents_found(&c));
	assert_string_equal(c.pttype, "gpt");
	assert_int_equal(strlen(c.ptuuid), 36);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].partno, 1);
	assert_int_equal(c.v[0].offset, (uint64_t)P1_START * 512);
	assert_int_equal(c.v[0].size, (uint64_t)P1_SECTORS * 512);
	assert_string_equal(c.v[0].type, "ext4");
	assert_string_equal(c.v[0].label, "DATA");
	assert_int_equal(strlen(c.v[0].uuid), 36);
	assert_string_equal(c.v[0].part_name, "stuff");
	assert_int_equal(c.v[1].partno, 2);
	assert_int_equal(c.v[1].offset, (uint64_t)P2_START * 512);
	assert_string_equal(c.v[1].type, "");
	wipe_contents_summary(&c, line, sizeof(line));
	assert_string_equal(line, "gpt: p1 ext4 \"DATA\" 20.0 MiB, "
			    "p2 no signature 10.0 MiB");
	wipe_contents_release(&c);
	assert_null(c.v);
	assert_int_equal(c.n, 0);
}

static void
test_probe_image(void **state)
{
	struct image *img = *state;
	struct wipe_contents c;
	int fd;

	skip_without_image(img);
	fd = open(img->path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	check_image_contents(fd);

	/* erased: nothing left to find */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(ftruncate(fd, (off_t)IMG_SIZE), 0);
	assert_int_equal(wipe_probe_contents(fd, IMG_SIZE, &c), 0);
	assert_true(c.probed);
	assert_false(wipe_contents_found(&c));
	assert_int_equal(c.n, 0);
	wipe_contents_release(&c);
	close(fd);

	assert_int_equal(wipe_probe_contents(-1, IMG_SIZE, &c), -EINVAL);
	wipe_contents_release(NULL);
}

static void
test_identify_file(void **state)
{
	struct image *img = *state;
	struct wipe_ident id;
	struct stat st;
	char why[256];

	skip_without_image(img);
	assert_int_equal(wipe_identify_path(img->path, &id), 0);
	assert_int_equal(stat(img->path, &st), 0);
	assert_true(id.is_file);
	assert_int_equal(id.transport, WIPE_TR_FILE);
	assert_int_equal(id.source, WIPE_SRC_FILE);
	assert_string_equal(id.kind, "file");
	assert_string_equal(id.path, img->path);
	assert_string_equal(id.name, strrchr(img->path, '/') + 1);
	assert_int_equal(id.size_bytes, IMG_SIZE);
	assert_int_equal(id.logical_sector, 512);
	assert_int_equal(id.file_ino, st.st_ino);
	assert_int_equal(id.file_dev, st.st_dev);
	assert_int_equal(id.rotational, WIPE_UNKNOWN);
	assert_false(wipe_ident_is_usb_flash(&id));
	assert_int_equal(wipe_check_safety(&id, why, sizeof(why)), 0);
	assert_string_equal(why, "");

	assert_int_equal(wipe_identify_path("/", &id), -ENOTBLK);
	assert_int_equal(wipe_identify_path("/nonexistent/wipecert", &id),
			 -ENOENT);
}

/* ---- refusals ------------------------------------------------------- */

static void
expect_refused(const struct wipe_ident *id, const char *want)
{
	char why[256];
	int rc;

	rc = wipe_check_safety(id, why, sizeof(why));
	if (rc != 1 || why[0] == '\0' || !strstr(why, want))
		fail_msg("%s: got %d \"%s\", want 1 \"%s\"", id->path, rc,
			 why, want);
}

static void
test_refuse_by_ident(void **state)
{
	struct wipe_ident id;

	(void)state;
	wipe_ident_init(&id);
	assert_int_equal(wc_fmt(id.path, sizeof(id.path), "/dev/zram9"), 0);
	assert_int_equal(wc_fmt(id.kind, sizeof(id.kind), "zram"), 0);
	id.size_bytes = WC_GIB;
	expect_refused(&id, "zram");
	assert_int_equal(wc_fmt(id.kind, sizeof(id.kind), "ram"), 0);
	expect_refused(&id, "ram disk");
	assert_int_equal(wc_fmt(id.kind, sizeof(id.kind), "disk"), 0);
	id.readonly = WIPE_YES;
	expect_refused(&id, "read-only");
	id.readonly = WIPE_NO;
	id.size_bytes = 0;
	expect_refused(&id, "has no media or zero size");
	id.size_bytes = WC_GIB;
	id.is_partition = 1;
	expect_refused(&id, "is a partition; erase the whole disk");
	assert_int_equal(wipe_check_safety(NULL, NULL, 0), -EINVAL);
}

static void
test_refuse_running_program(void **state)
{
	struct wipe_ident id;
	char exe[PATH_MAX];

	(void)state;
	assert_non_null(realpath("/proc/self/exe", exe));
	assert_int_equal(wipe_identify_path(exe, &id), 0);
	expect_refused(&id, "is the running program");
}

/* The whole disk "/" is on, found through wipe_discover(). */
static void
test_refuse_root_disk(void **state)
{
	char link[64], real[PATH_MAX], part[PATH_MAX], *slash;
	struct wipe_devlist list;
	const char *disk;
	struct stat st;
	size_t i;
	int found = 0;

	(void)state;
	assert_int_equal(stat("/", &st), 0);
	assert_int_equal(wc_fmt(link, sizeof(link), "/sys/dev/block/%u:%u",
				major(st.st_dev), minor(st.st_dev)), 0);
	if (!realpath(link, real)) {
		print_message("/ is not on a block device: skipped\n");
		skip();
	}
	assert_int_equal(wc_fmt(part, sizeof(part), "%s/partition", real), 0);
	slash = strrchr(real, '/');
	if (access(part, F_OK) == 0)
		*slash = '\0';
	disk = strrchr(real, '/') + 1;

	assert_int_equal(wipe_discover(&list), 0);
	assert_true(list.n > 0);
	for (i = 0; i < list.n; i++) {
		char want[80];

		if (i > 0)
			assert_true(strcmp(list.v[i - 1].name,
					   list.v[i].name) < 0);
		assert_int_equal(wc_fmt(want, sizeof(want), "/dev/%s",
					list.v[i].name), 0);
		assert_string_equal(list.v[i].path, want);
		assert_false(list.v[i].is_partition);
		if (strncmp(list.v[i].name, "zram", 4) == 0)
			expect_refused(&list.v[i], "zram");
		if (strcmp(list.v[i].name, disk) != 0)
			continue;
		found = 1;
		assert_int_equal(list.v[i].source, WIPE_SRC_SYSFS);
		assert_true(list.v[i].size_bytes > 0);
		assert_true(list.v[i].logical_sector >= 512);
		/* mounted at /, or backs the running system */
		expect_refused(&list.v[i], "");
	}
	wipe_devlist_release(&list);
	assert_null(list.v);
	assert_true(found);
}

/*
 * The technician's USB stick is refused by its data partition (a FAT
 * file system labelled WIPECERT), mounted or not: here in an image file,
 * whose identity says nothing else about it.
 */
/* A FAT file system labelled label in p1 of an MBR, or on the whole image. */
static void
make_fat(const char *path, int mbr, const char *label)
{
	char cmd[512];

	assert_int_equal(wc_fmt(cmd, sizeof(cmd), "truncate -s 0 %s && "
				"truncate -s %d %s", path, (int)IMG_SIZE, path), 0);
	assert_int_equal(run(cmd), 0);
	if (mbr) {
		assert_int_equal(wc_fmt(cmd, sizeof(cmd),
					"printf 'label: dos\\nstart=%d, "
					"size=%d, type=c\\n' | sfdisk -q %s "
					">/dev/null 2>&1", P1_START,
					P1_SECTORS, path), 0);
		assert_int_equal(run(cmd), 0);
	}
	assert_int_equal(wc_fmt(cmd, sizeof(cmd), "mkfs.vfat -n %s %s %s %d "
				">/dev/null 2>&1", label,
				mbr ? "--offset 2048" : "", path,
				mbr ? P1_SECTORS / 2 : (int)(IMG_SIZE / 1024)), 0);
	assert_int_equal(run(cmd), 0);
}

static void
expect_fat(const char *path, int mbr, const char *label, int refused,
	   const char *want)
{
	struct wipe_ident id;
	char why[256];
	int rc;

	make_fat(path, mbr, label);
	assert_int_equal(wipe_identify_path(path, &id), 0);
	rc = wipe_check_safety(&id, why, sizeof(why));
	if (rc != refused || (refused && !strstr(why, want)))
		fail_msg("%s on %s: got %d \"%s\", want %d \"%s\"", label,
			 mbr ? "p1" : "the whole image", rc, why, refused,
			 want);
}

static void
test_refuse_data_partition(void **state)
{
	struct image *img = *state;

	skip_without_image(img);
	if (!have_tool("mkfs.vfat")) {
		print_message("mkfs.vfat missing: data partition test "
			      "skipped\n");
		skip();
	}
	expect_fat(img->path, 1, "WIPECERT", 1,
		   "partition 1 is a wipecert data partition (label WIPECERT)");
	expect_fat(img->path, 0, "WIPECERT", 1,
		   "holds a wipecert data file system");
	/* any other label is an ordinary disk */
	expect_fat(img->path, 1, "WIPECERTX", 0, "");
	expect_fat(img->path, 0, "DATA", 0, "");
}

/* ---- as root: the image on a loop device --------------------------- */

static int
loop_attach(const char *path, char *dev, size_t len)
{
	char cmd[256];
	FILE *p;
	int ok;

	if (wc_fmt(cmd, sizeof(cmd), "losetup --find --show --read-only %s "
		   "2>/dev/null", path) < 0)
		return -1;
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fgets(dev, (int)len, p) != NULL;
	if (pclose(p) != 0 || !ok || strncmp(dev, "/dev/loop", 9) != 0)
		return -1;
	dev[strcspn(dev, "\n")] = '\0';
	return 0;
}

static void
test_loop_device(void **state)
{
	struct image *img = *state;
	struct wipe_ident id, fid;
	char want[96];
	const char *dev = img->loop;
	int fd;

	skip_without_image(img);
	if (geteuid() != 0 || !have_tool("losetup")) {
		print_message("not root or no losetup: loop test skipped\n");
		skip();
	}
	/* detached by image_teardown, whatever happens here */
	if (loop_attach(img->path, img->loop, sizeof(img->loop)) != 0) {
		img->loop[0] = '\0';
		print_message("no loop device free: loop test skipped\n");
		skip();
	}
	assert_int_equal(wipe_identify_path(dev, &id), 0);
	assert_int_equal(wipe_identify_path(img->path, &fid), 0);
	assert_int_equal(wc_fmt(want, sizeof(want), "is attached to %s",
				dev), 0);
	expect_refused(&fid, want);
	/* read-only, as it was attached */
	expect_refused(&id, "is read-only");

	/* no partition nodes here: partitions are probed at their offsets */
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	check_image_contents(fd);
	close(fd);

	assert_int_equal(id.transport, WIPE_TR_LOOP);
	assert_string_equal(id.kind, "loop");
	assert_string_equal(id.name, dev + 5);
	assert_int_equal(id.size_bytes, IMG_SIZE);
	assert_int_equal(id.readonly, WIPE_YES);
	assert_false(id.is_file);
	assert_true(id.devno != 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transport_name),
		cmocka_unit_test(test_transport_from_syspath),
		cmocka_unit_test(test_kind_from_name),
		cmocka_unit_test(test_vpd80_serial),
		cmocka_unit_test(test_mountinfo_basic),
		cmocka_unit_test(test_mountinfo_escapes),
		cmocka_unit_test(test_mountinfo_malformed),
		cmocka_unit_test(test_unescape_octal),
		cmocka_unit_test(test_swaps_parse),
		cmocka_unit_test(test_contents_summary),
		cmocka_unit_test(test_contents_summary_whole),
		cmocka_unit_test_setup_teardown(test_identify_file,
						image_setup, image_teardown),
		cmocka_unit_test_setup_teardown(test_loop_device, image_setup,
						image_teardown),
		cmocka_unit_test_setup_teardown(test_probe_image, image_setup,
						image_teardown),
		cmocka_unit_test_setup_teardown(test_refuse_data_partition,
						image_setup, image_teardown),
		cmocka_unit_test(test_refuse_by_ident),
		cmocka_unit_test(test_refuse_running_program),
		cmocka_unit_test(test_refuse_root_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
