/*
 * file.c - write a new file whole or not at all; read small files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/lib.h"

int
wc_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd, ret = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0 && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

int
wc_write_file_new(const char *dir, const char *name, const void *data,
		  size_t len, mode_t mode)
{
	char tmp[4096], final[4096];
	int fd = -1, ret;

	if (strchr(name, '/') != NULL)
		return -EINVAL;
	if (wc_fmt(final, sizeof(final), "%s/%s", dir, name) != 0 ||
	    wc_fmt(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) != 0)
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	ret = wc_write_all(fd, data, len);
	if (ret == 0 && fchmod(fd, mode) != 0)
		ret = -errno;
	if (ret == 0 && fsync(fd) != 0)
		ret = -errno;
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	/*
	 * link() never replaces an existing file.  FAT (the technician
	 * USB's data partition) has no links, but renames without
	 * replacing.
	 */
	if (ret == 0 && link(tmp, final) != 0) {
		ret = -errno;
		if (ret == -EPERM || ret == -EOPNOTSUPP)
			ret = renameat2(AT_FDCWD, tmp, AT_FDCWD, final,
					RENAME_NOREPLACE) == 0 ? 0 : -errno;
	}
	unlink(tmp);
	if (ret == 0)
		ret = fsync_dir(dir);
	if (ret != 0 && ret != -EEXIST)
		unlink(final);
	return ret;
}

int
wc_read_fd(int fd, size_t max, char **out, size_t *outlen)
{
	struct stat st;
	char *buf = NULL;
	size_t have = 0;
	ssize_t n;

	*out = NULL;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > max)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return -ENOMEM;
	while (have < (size_t)st.st_size) {
		n = pread(fd, buf + have, (size_t)st.st_size - have,
			  (off_t)have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = '\0';
	*out = buf;
	if (outlen != NULL)
		*outlen = have;
	return 0;
}

int
wc_read_file(const char *path, size_t max, char **out, size_t *outlen)
{
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = wc_read_fd(fd, max, out, outlen);
	close(fd);
	return ret;
}
