/*
 * faultfs.c - a FUSE filesystem with one file, "disk", backed by an image
 * file, whose reads and/or writes fail with EIO in chosen byte ranges.
 * A loop device attached to MOUNT/disk then has bad sectors, so the
 * end-to-end tests can drive wipecert's error paths through the real
 * block layer (DESIGN §10, "Faults").
 *
 *   faultfs BACKING MOUNTPOINT [-w START:LEN]... [-r START:LEN]... [-f]
 *
 * START and LEN are byte counts (decimal).  -w fails writes touching the
 * range, -r fails reads.  Test tool only: not installed.
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_RANGES 64

struct range {
	off_t start;
	off_t len;
};

struct faultfs {
	int fd;
	struct range wbad[MAX_RANGES];
	int nw;
	struct range rbad[MAX_RANGES];
	int nr;
};

static struct faultfs *
ctx(void)
{
	return fuse_get_context()->private_data;
}

static int
touches(const struct range *r, int n, off_t off, size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (off < r[i].start + r[i].len &&
		    r[i].start < off + (off_t)len)
			return 1;
	return 0;
}

static int
ff_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct stat bst;

	(void)fi;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (strcmp(path, "/disk") != 0)
		return -ENOENT;
	if (fstat(ctx()->fd, &bst) != 0)
		return -errno;
	st->st_mode = S_IFREG | 0600;
	st->st_nlink = 1;
	st->st_size = bst.st_size;
	return 0;
}

static int
ff_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
	   struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "disk", NULL, 0, 0);
	return 0;
}

static int
ff_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, "/disk") != 0)
		return -ENOENT;
	/* No page cache on our side: every I/O reaches us. */
	fi->direct_io = 1;
	return 0;
}

static int
ff_read(const char *path, char *buf, size_t len, off_t off,
	struct fuse_file_info *fi)
{
	ssize_t n;

	(void)path;
	(void)fi;
	if (touches(ctx()->rbad, ctx()->nr, off, len))
		return -EIO;
	n = pread(ctx()->fd, buf, len, off);
	return n < 0 ? -errno : (int)n;
}

static int
ff_write(const char *path, const char *buf, size_t len, off_t off,
	 struct fuse_file_info *fi)
{
	ssize_t n;

	(void)path;
	(void)fi;
	if (touches(ctx()->wbad, ctx()->nw, off, len))
		return -EIO;
	n = pwrite(ctx()->fd, buf, len, off);
	return n < 0 ? -errno : (int)n;
}

static int
ff_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	(void)datasync;
	(void)fi;
	return fdatasync(ctx()->fd) != 0 ? -errno : 0;
}

static const struct fuse_operations ops = {
	.getattr = ff_getattr,
	.readdir = ff_readdir,
	.open = ff_open,
	.read = ff_read,
	.write = ff_write,
	.fsync = ff_fsync,
};

static int
parse_range(const char *s, struct range *r)
{
	char *end;

	r->start = (off_t)strtoll(s, &end, 10);
	if (*end != ':' || r->start < 0)
		return -1;
	r->len = (off_t)strtoll(end + 1, &end, 10);
	return *end != '\0' || r->len <= 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static struct faultfs fs;
	static char opt_f[] = "-f", opt_o[] = "-o", opt_ao[] = "allow_other";
	char *fargv[8];
	int fargc = 0, i, fg = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: faultfs BACKING MOUNTPOINT "
				"[-w START:LEN]... [-r START:LEN]... [-f]\n");
		return 2;
	}
	fs.fd = open(argv[1], O_RDWR);
	if (fs.fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0) {
			fg = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "-w") == 0 &&
			   fs.nw < MAX_RANGES &&
			   parse_range(argv[i + 1], &fs.wbad[fs.nw]) == 0) {
			fs.nw++;
			i++;
		} else if (i + 1 < argc && strcmp(argv[i], "-r") == 0 &&
			   fs.nr < MAX_RANGES &&
			   parse_range(argv[i + 1], &fs.rbad[fs.nr]) == 0) {
			fs.nr++;
			i++;
		} else {
			fprintf(stderr, "faultfs: bad argument '%s'\n",
				argv[i]);
			return 2;
		}
	}
	fargv[fargc++] = argv[0];
	fargv[fargc++] = argv[2];
	if (fg)
		fargv[fargc++] = opt_f;
	fargv[fargc++] = opt_o;
	fargv[fargc++] = opt_ao;
	fargv[fargc] = NULL;
	return fuse_main(fargc, fargv, &ops, &fs);
}
