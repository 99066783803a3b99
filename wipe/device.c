/*
 * device.c - the Linux implementation of the device interface: the only
 * code that calls ioctl().  Block devices are opened O_DIRECT|O_EXCL;
 * image files O_DIRECT when their filesystem allows it, else buffered
 * (with fdatasync), which the record then says.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

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

static const struct wipe_dev_ops linux_ops = {
	.pread = linux_pread,
	.pwrite = linux_pwrite,
	.flush = linux_flush,
	.drop_cache = linux_drop_cache,
	.fd = linux_fd,
	.close = linux_close,
};

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

void *
wipe_alloc_aligned(size_t align, size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, align, len) != 0)
		return NULL;
	return p;
}
