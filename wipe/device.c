/*
 * device.c - the Linux implementation of the device interface: the only
 * code that calls ioctl().  Block devices are opened O_DIRECT|O_EXCL;
 * image files O_DIRECT when their filesystem allows it, else buffered
 * (with fdatasync), which the record then says.  Drive commands go
 * through SG_IO (SCSI, and ATA as SAT pass-through) and the NVMe admin
 * ioctl of the namespace's block device.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <scsi/sg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wipe/cmd.h"
#include "wipe/wipe.h"

struct linux_dev {
	int fd;		/* the I/O descriptor (O_DIRECT when possible) */
	int probe_fd;	/* buffered, read-only: for libblkid */
	int tail_fd;	/* buffered: an image file's unaligned tail */
	int is_block;
};

static struct linux_dev *
priv(struct wipe_dev *d)
{
	return d->priv;
}

static int
unaligned(struct wipe_dev *d, size_t len, uint64_t off)
{
	return d->io_mode == WIPE_IO_DIRECT &&
	       (len % 512 != 0 || off % 512 != 0);
}

static ssize_t
linux_pread(struct wipe_dev *d, void *buf, size_t len, uint64_t off)
{
	int fd = unaligned(d, len, off) ? priv(d)->tail_fd : priv(d)->fd;
	ssize_t n;

	do
		n = pread(fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static ssize_t
linux_pwrite(struct wipe_dev *d, const void *buf, size_t len, uint64_t off)
{
	int fd = unaligned(d, len, off) ? priv(d)->tail_fd : priv(d)->fd;
	ssize_t n;

	do
		n = pwrite(fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	/* The separate tail descriptor is buffered: make it durable. */
	if (n >= 0 && fd != priv(d)->fd && fdatasync(fd) != 0)
		return -errno;
	return n < 0 ? -errno : n;
}

static int
linux_flush(struct wipe_dev *d)
{
	if (fdatasync(priv(d)->fd) != 0)
		return -errno;
	return 0;
}

static int
linux_drop_cache(struct wipe_dev *d)
{
	struct linux_dev *p = priv(d);

	if (p->is_block) {
		/* Pass-through commands do not invalidate the page cache. */
		if (ioctl(p->fd, BLKFLSBUF, 0) != 0)
			return -errno;
		return 0;
	}
	if (fdatasync(p->fd) != 0)
		return -errno;
	return -posix_fadvise(p->probe_fd, 0, 0, POSIX_FADV_DONTNEED);
}

static int
linux_fd(struct wipe_dev *d)
{
	return priv(d)->probe_fd;
}

static void
linux_close(struct wipe_dev *d)
{
	struct linux_dev *p = priv(d);

	if (p == NULL)
		return;
	if (p->tail_fd >= 0 && p->tail_fd != p->fd)
		close(p->tail_fd);
	if (p->probe_fd >= 0)
		close(p->probe_fd);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
	d->priv = NULL;
}

/*
 * SCSI commands, and ATA commands as ATA PASS-THROUGH(16) (wipe/cmdexec.c
 * builds the CDB), through SG_IO.  Returns 0 when the command was
 * carried (c->status and sense say how it ended) or -errno.
 */
static int
linux_scsi_cmd(struct wipe_dev *d, struct wipe_scsi_cmd *c)
{
	struct sg_io_hdr h;

	if (!priv(d)->is_block)
		return -EOPNOTSUPP;
	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	h.dxfer_direction = c->dir == WIPE_DIR_IN    ? SG_DXFER_FROM_DEV
			    : c->dir == WIPE_DIR_OUT ? SG_DXFER_TO_DEV
						     : SG_DXFER_NONE;
	h.cmd_len = c->cdb_len;
	h.cmdp = c->cdb;
	h.mx_sb_len = sizeof(c->sense);
	h.sbp = c->sense;
	h.dxfer_len = (unsigned)c->len;
	h.dxferp = c->data;
	h.timeout = c->timeout_ms;
	if (ioctl(priv(d)->fd, SG_IO, &h) != 0)
		return -errno;
	c->status = h.status;
	c->sense_len = h.sb_len_wr;
	c->resid = h.resid > 0 ? (size_t)h.resid : 0;
	c->host_status = h.host_status;
	c->driver_status = h.driver_status;
	return 0;
}

/*
 * NVMe admin commands through the namespace's block device.  The ioctl
 * returns the NVMe status field (> 0) when the controller failed the
 * command.  Returns 0 (see c->status) or -errno.
 */
static int
linux_nvme_admin(struct wipe_dev *d, struct wipe_nvme_cmd *c)
{
	struct nvme_admin_cmd a;
	int ret;

	if (!priv(d)->is_block)
		return -EOPNOTSUPP;
	memset(&a, 0, sizeof(a));
	a.opcode = c->opcode;
	a.nsid = c->nsid;
	a.addr = (uint64_t)(uintptr_t)c->data;
	a.data_len = c->len;
	a.cdw10 = c->cdw10;
	a.cdw11 = c->cdw11;
	a.cdw12 = c->cdw12;
	a.cdw13 = c->cdw13;
	a.cdw14 = c->cdw14;
	a.cdw15 = c->cdw15;
	a.timeout_ms = c->timeout_ms;
	ret = ioctl(priv(d)->fd, NVME_IOCTL_ADMIN_CMD, &a);
	if (ret < 0)
		return -errno;
	c->status = (uint16_t)ret;
	c->result = a.result;
	return 0;
}

static int block_geometry(int fd, struct wipe_ident *id);

/*
 * After SET MAX ADDRESS: libata keeps the old capacity until the device
 * is revalidated; ask for that, then read the size again.
 */
static int
linux_rescan(struct wipe_dev *d)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	if (!priv(d)->is_block)
		return -EOPNOTSUPP;
	if (wc_fmt(path, sizeof(path), "/sys/block/%s/device/rescan",
		   d->id.name) != 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			ret = -errno;
		close(fd);
	}
	if (ret == 0)
		ret = block_geometry(priv(d)->fd, &d->id);
	return ret;
}

static const struct wipe_dev_ops linux_ops = {
	.pread = linux_pread,
	.pwrite = linux_pwrite,
	.flush = linux_flush,
	.drop_cache = linux_drop_cache,
	.scsi_cmd = linux_scsi_cmd,
	.nvme_admin = linux_nvme_admin,
	.fd = linux_fd,
	.close = linux_close,
	.rescan = linux_rescan,
};

/* Ask the drive itself, on transports that carry drive commands. */
static void
drive_identity(struct wipe_dev *d)
{
	int nsid;

	if (d->id.transport == WIPE_TR_NVME) {
		nsid = ioctl(priv(d)->fd, NVME_IOCTL_ID);
		if (nsid > 0)
			d->id.drive.nsid = (uint32_t)nsid;
	}
	(void)wipe_drive_identify(d);
}

/* Sector sizes and size from the block layer itself. */
static int
block_geometry(int fd, struct wipe_ident *id)
{
	uint64_t size;
	int lss = 0;
	unsigned int pss = 0;

	if (ioctl(fd, BLKGETSIZE64, &size) != 0)
		return -errno;
	if (ioctl(fd, BLKSSZGET, &lss) != 0 || lss < 512)
		return -EIO;
	if (ioctl(fd, BLKPBSZGET, &pss) != 0 || pss < (unsigned)lss)
		pss = (unsigned)lss;
	id->size_bytes = size;
	id->logical_sector = (uint32_t)lss;
	id->physical_sector = pss;
	return 0;
}

static int
open_fds(const char *path, unsigned flags, struct wipe_dev *d,
	 struct linux_dev *p)
{
	int acc = flags & WIPE_OPEN_WRITE ? O_RDWR : O_RDONLY;
	int base = acc | O_CLOEXEC | O_NOCTTY;

	if (p->is_block && (flags & WIPE_OPEN_EXCL))
		base |= O_EXCL;
	p->fd = open(path, base | O_DIRECT);
	if (p->fd < 0 && errno == EINVAL && !p->is_block) {
		/* tmpfs and friends: no O_DIRECT. */
		d->io_mode = WIPE_IO_BUFFERED;
		p->fd = open(path, base);
	}
	if (p->fd < 0)
		return -errno;
	if (!p->is_block && flock(p->fd, LOCK_EX | LOCK_NB) != 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	p->probe_fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (p->probe_fd < 0)
		return -errno;
	p->tail_fd = p->fd;
	if (!p->is_block && d->io_mode == WIPE_IO_DIRECT) {
		p->tail_fd = open(path, acc | O_CLOEXEC | O_NOCTTY);
		if (p->tail_fd < 0)
			return -errno;
	}
	return 0;
}

int
wipe_dev_open(const char *path, unsigned flags, struct wipe_dev **out)
{
	struct wipe_dev *d;
	struct linux_dev *p;
	int ret;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	p = calloc(1, sizeof(*p));
	if (d == NULL || p == NULL) {
		free(d);
		free(p);
		return -ENOMEM;
	}
	p->fd = p->probe_fd = p->tail_fd = -1;
	d->ops = &linux_ops;
	d->priv = p;
	d->io_mode = WIPE_IO_DIRECT;
	ret = wipe_identify_path(path, &d->id);
	if (ret != 0)
		goto out;
	p->is_block = !d->id.is_file;
	ret = open_fds(path, flags, d, p);
	if (ret == 0 && p->is_block)
		ret = block_geometry(p->fd, &d->id);
	if (ret == 0 && p->is_block && !d->id.is_partition)
		drive_identity(d);
	d->align = 4096;
out:
	if (ret != 0) {
		wipe_dev_close(d);
		return ret;
	}
	*out = d;
	return 0;
}

void
wipe_dev_close(struct wipe_dev *d)
{
	if (d == NULL)
		return;
	if (d->ops != NULL && d->ops->close != NULL)
		d->ops->close(d);
	free(d);
}

ssize_t
wipe_dev_pread(struct wipe_dev *d, void *buf, size_t len, uint64_t off)
{
	return d->ops->pread ? d->ops->pread(d, buf, len, off) : -EOPNOTSUPP;
}

ssize_t
wipe_dev_pwrite(struct wipe_dev *d, const void *buf, size_t len,
		uint64_t off)
{
	return d->ops->pwrite ? d->ops->pwrite(d, buf, len, off)
			      : -EOPNOTSUPP;
}

int
wipe_dev_flush(struct wipe_dev *d)
{
	return d->ops->flush ? d->ops->flush(d) : -EOPNOTSUPP;
}

int
wipe_dev_drop_cache(struct wipe_dev *d)
{
	return d->ops->drop_cache ? d->ops->drop_cache(d) : -EOPNOTSUPP;
}

int
wipe_dev_fd(struct wipe_dev *d)
{
	return d->ops->fd ? d->ops->fd(d) : -1;
}

int
wipe_dev_rescan(struct wipe_dev *d)
{
	return d->ops->rescan ? d->ops->rescan(d) : -EOPNOTSUPP;
}

void *
wipe_alloc_aligned(size_t align, size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, align, len) != 0)
		return NULL;
	return p;
}
