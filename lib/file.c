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

static int
write_all(int fd, const void *data, size_t len)
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
	ret = write_all(fd, data, len);
	if (ret == 0 && fchmod(fd, mode) != 0)
		ret = -errno;
	if (ret == 0 && fsync(fd) != 0)
		ret = -errno;
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	/* link() never replaces an existing file. */
	if (ret == 0 && link(tmp, final) != 0)
		ret = -errno;
	unlink(tmp);
	if (ret == 0)
		ret = fsync_dir(dir);
	if (ret != 0 && ret != -EEXIST)
		unlink(final);
	return ret;
}

int
wc_read_file(const char *path, size_t max, char **out, size_t *outlen)
{
	struct stat st;
	char *buf = NULL;
	size_t have = 0;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	while (have < (size_t)st.st_size) {
		n = read(fd, buf + have, (size_t)st.st_size - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = '\0';
	*out = buf;
	buf = NULL;
	if (outlen != NULL)
		*outlen = have;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}
