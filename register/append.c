/*
 * append.c - appending to the register: lock, read the tail, recover a
 * torn last line, one write(), fsync.
 *
 * An entry is committed once reg_append() returns 0: the line and the
 * file are on disk.  A line cut short by a power loss was therefore
 * never committed; the next append keeps its bytes in a `recovered`
 * entry and truncates it away (DESIGN §8).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "register/internal.h"

/* What the end of the file says. */
struct tail {
	uint64_t seq;			/* last complete entry, 0 none */
	char hash[REG_HEX_LEN];
	char time[WC_RFC3339_LEN];
	time_t when;
	size_t end;			/* just after the last newline */
	size_t size;
	char *torn;			/* copy of the bytes after it */
	size_t torn_len;
	int signer_seen;		/* an entry by the signer exists */
};

static void
tail_release(struct tail *t)
{
	free(t->torn);
	memset(t, 0, sizeof(*t));
}

static int
lock_fd(int fd, int op)
{
	while (flock(fd, op) != 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/* Open (creating when missing) and lock exclusively. */
static int
open_locked(const char *path, int *created)
{
	struct stat st;
	int fd, ret;

	*created = 0;
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
			  0644);
		if (fd >= 0)
			*created = 1;
		else if (errno == EEXIST)
			fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	errno = 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ret = errno != 0 ? -errno : -EINVAL;
		close(fd);
		return ret;
	}
	ret = lock_fd(fd, LOCK_EX);
	if (ret != 0) {
		close(fd);
		return ret;
	}
	return fd;
}

/* The last complete line of map[0..end), parsed into t. */
static int
last_entry(const char *map, struct tail *t)
{
	const char *nl;
	size_t start;
	struct reg_entry e;
	const char *why;
	int ret;

	if (t->end == 0)
		return 0;
	nl = t->end >= 2 ? memrchr(map, '\n', t->end - 1) : NULL;
	start = nl != NULL ? (size_t)(nl - map) + 1 : 0;
	ret = reg_line_parse(map + start, t->end - 1 - start, &e, &why);
	if (ret == 0) {
		t->seq = e.seq;
		memcpy(t->hash, e.hash, REG_HEX_LEN);
		memcpy(t->time, e.time, sizeof(t->time));
		t->when = e.when;
	}
	reg_entry_release(&e);
	return ret == -ENOMEM ? ret : ret != 0 ? -EBADMSG : 0;
}

/* The signer's first entry embeds its certificate: look for it. */
static int
signer_seen(const char *map, size_t end, const char *fingerprint)
{
	char needle[128];

	if (fingerprint == NULL ||
	    wc_fmt(needle, sizeof(needle), "\"signer\":\"%s\",\"cert\":\"",
		   fingerprint) != 0)
		return 0;
	return memmem(map, end, needle, strlen(needle)) != NULL;
}

/* Read the end of the file (under the caller's lock). */
static int
read_tail(int fd, const char *fingerprint, struct tail *t)
{
	struct stat st;
	const char *nl;
	char *map;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	memcpy(t->hash, REG_ZERO_HASH, REG_HEX_LEN);
	if (fstat(fd, &st) != 0)
		return -errno;
	if ((uint64_t)st.st_size > REG_FILE_MAX)
		return -EFBIG;
	t->size = (size_t)st.st_size;
	if (t->size == 0)
		return 0;
	map = mmap(NULL, t->size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	nl = memrchr(map, '\n', t->size);
	t->end = nl != NULL ? (size_t)(nl - map) + 1 : 0;
	t->torn_len = t->size - t->end;
	if (t->torn_len > REG_TORN_MAX) {
		ret = -EFBIG;
	} else if (t->torn_len > 0) {
		t->torn = malloc(t->torn_len);
		if (t->torn == NULL)
			ret = -ENOMEM;
		else
			memcpy(t->torn, map + t->end, t->torn_len);
	}
	if (ret == 0)
		ret = last_entry(map, t);
	if (ret == 0)
		t->signer_seen = signer_seen(map, t->end, fingerprint);
	munmap(map, t->size);
	return ret;
}

/* The `recovered` entry for a torn tail. */
static int
recovered_body(const struct tail *t, struct json_object **out)
{
	struct json_object *o;
	uint8_t sum[32];
	char hex[REG_HEX_LEN], *b64;
	int ret;

	*out = NULL;
	ret = reg_b64_encode((const uint8_t *)t->torn, t->torn_len, &b64);
	if (ret != 0)
		return ret;
	wc_sha256(t->torn, t->torn_len, sum);
	wc_hex(hex, sum, sizeof(sum));
	o = json_object_new_object();
	if (o == NULL) {
		free(b64);
		return -ENOMEM;
	}
	json_object_object_add(o, "after", json_object_new_int64((int64_t)t->seq));
	json_object_object_add(o, "length",
			       json_object_new_int64((int64_t)t->torn_len));
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	json_object_object_add(o, "base64", json_object_new_string(b64));
	free(b64);
	*out = o;
	return 0;
}

/* Sign one line after the tail and advance the tail to it. */
static int
add_line(const struct reg_signer *s, struct tail *t, enum reg_kind kind,
	 struct json_object *body, const char *now, size_t max,
	 struct reg_buf *lines)
{
	struct reg_line_in in = {
		.seq = t->seq + 1, .time = now, .kind = kind, .body = body,
		.prev = t->hash, .embed_cert = !t->signer_seen,
	};
	uint8_t sum[32];
	char *line;
	size_t len;
	int ret;

	ret = reg_line_make(s, &in, &line, &len);
	if (ret != 0)
		return ret;
	if (len - 1 > max) {
		free(line);
		return -E2BIG;
	}
	reg_buf_add(lines, line, len);
	free(line);
	if (lines->err)
		return lines->err;
	wc_sha256(lines->p + lines->len - len, len - 1, sum);
	wc_hex(t->hash, sum, sizeof(sum));
	t->seq++;
	t->signer_seen = 1;
	return 0;
}

/* Put the file back as it was after a failed write. */
static void
undo(int fd, const struct tail *t)
{
	if (ftruncate(fd, (off_t)t->end) != 0)
		return;
	if (t->torn_len > 0)
		(void)wc_write_all(fd, t->torn, t->torn_len);
	(void)fsync(fd);
}

static int
fsync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (copy == NULL)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		ret = -errno;
	else if (fsync(fd) != 0 && errno != EINVAL)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

/* Build the lines to write: a recovered entry if needed, then ours. */
static int
build_lines(const struct reg_signer *s, struct tail *t, enum reg_kind kind,
	    struct json_object *body, time_t now, struct reg_buf *lines,
	    struct reg_appended *out)
{
	struct json_object *rb;
	char ts[WC_RFC3339_LEN];
	int ret;

	ret = wc_rfc3339(ts, sizeof(ts), now);
	if (ret != 0)
		return ret;
	if (t->torn_len > 0) {
		ret = recovered_body(t, &rb);
		if (ret != 0)
			return ret;
		ret = add_line(s, t, REG_RECOVERED, rb, ts, REG_LINE_MAX, lines);
		json_object_put(rb);
		if (ret != 0)
			return ret;
		out->recovered_seq = t->seq;
		out->recovered_len = t->torn_len;
	}
	ret = add_line(s, t, kind, body, ts, REG_ENTRY_MAX, lines);
	if (ret != 0)
		return ret;
	out->seq = t->seq;
	memcpy(out->hash, t->hash, REG_HEX_LEN);
	return 0;
}

int
reg_append(const char *path, const struct reg_signer *s, enum reg_kind kind,
	   struct json_object *body, time_t now, struct reg_appended *out)
{
	struct reg_buf lines;
	struct tail t;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	if (path == NULL || s == NULL || body == NULL ||
	    kind == REG_RECOVERED || reg_kind_name(kind) == NULL)
		return -EINVAL;
	reg_buf_init(&lines);
	fd = open_locked(path, &out->created);
	if (fd < 0)
		return fd;
	ret = read_tail(fd, s->fingerprint, &t);
	if (ret == 0)
		ret = build_lines(s, &t, kind, body, now, &lines, out);
	if (ret != 0)
		goto out;
	if (t.torn_len > 0 && ftruncate(fd, (off_t)t.end) != 0) {
		ret = -errno;
		goto out;
	}
	ret = wc_write_all(fd, lines.p, lines.len);
	if (ret == 0 && fsync(fd) != 0)
		ret = -errno;
	if (ret != 0) {
		undo(fd, &t);
		goto out;
	}
	if (out->created)
		ret = fsync_parent(path);
out:
	if (ret != 0) {
		out->seq = 0;
		out->recovered_seq = 0;
	}
	tail_release(&t);
	reg_buf_release(&lines);
	close(fd);
	return ret;
}

int
reg_head_read(const char *path, struct reg_head *h)
{
	struct tail t;
	int fd, ret;

	memset(h, 0, sizeof(*h));
	memset(&t, 0, sizeof(t));
	memcpy(h->hash, REG_ZERO_HASH, REG_HEX_LEN);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = lock_fd(fd, LOCK_SH);
	if (ret == 0)
		ret = read_tail(fd, NULL, &t);
	if (ret == 0) {
		h->seq = t.seq;
		memcpy(h->hash, t.hash, REG_HEX_LEN);
		memcpy(h->time, t.time, sizeof(h->time));
		h->when = t.when;
		h->torn_len = t.torn_len;
	}
	tail_release(&t);
	close(fd);
	return ret;
}

int
reg_head_parse(const char *s, uint64_t *seq, char hash[REG_HEX_LEN])
{
	const char *colon;
	char *end;
	unsigned long long v;

	if (s == NULL || (colon = strchr(s, ':')) == NULL || colon == s ||
	    *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end != colon || v == 0 || v > INT64_MAX ||
	    !reg_is_hex64(colon + 1))
		return -EINVAL;
	*seq = v;
	memcpy(hash, colon + 1, REG_HEX_LEN);
	return 0;
}
