/*
 * log.c - reading the whole register: parse every line, find entries,
 * follow references, filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "register/internal.h"

#define REF_DEPTH 4	/* corrections of corrections followed */

int
reg_read_locked(const char *path, char **text, size_t *len)
{
	int fd, ret = 0;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_SH) != 0) {
		if (errno != EINTR) {
			ret = -errno;
			goto out;
		}
	}
	ret = wc_read_fd(fd, REG_FILE_MAX, text, len);
out:
	close(fd);
	return ret;
}

static int
log_push(struct reg_log *log, struct reg_entry *e)
{
	struct reg_entry *v;
	size_t cap;

	if (log->n == log->cap) {
		cap = log->cap ? log->cap * 2 : 64;
		v = realloc(log->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		log->v = v;
		log->cap = cap;
	}
	log->v[log->n++] = *e;
	return 0;
}

/* Index of started/erasure entries by record id, to find interruptions. */
struct run_ref {
	const char *id;
	size_t i;
};

static int
run_cmp(const void *a, const void *b)
{
	const struct run_ref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* A `started` with no `erasure` of the same record after it. */
static int
mark_interrupted(struct reg_log *log)
{
	struct run_ref *r;
	size_t i, n = 0, j;
	const char *id;

	r = calloc(log->n ? log->n : 1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	for (i = 0; i < log->n; i++) {
		if (log->v[i].kind != REG_STARTED && log->v[i].kind != REG_ERASURE)
			continue;
		id = reg_body_str(&log->v[i], "record_id");
		if (id != NULL)
			r[n++] = (struct run_ref){ id, i };
	}
	qsort(r, n, sizeof(*r), run_cmp);
	for (i = 0; i < n; i++) {
		if (log->v[r[i].i].kind != REG_STARTED)
			continue;
		j = i + 1;
		while (j < n && strcmp(r[j].id, r[i].id) == 0 &&
		       log->v[r[j].i].kind != REG_ERASURE)
			j++;
		if (j == n || strcmp(r[j].id, r[i].id) != 0)
			log->v[r[i].i].flags |= REG_F_INTERRUPTED;
	}
	free(r);
	return 0;
}

int
reg_log_parse(const char *text, size_t len, struct reg_log *log)
{
	struct reg_entry e;
	const char *nl, *why;
	size_t at = 0, no = 0;
	int ret;

	memset(log, 0, sizeof(*log));
	while (at < len) {
		nl = memchr(text + at, '\n', len - at);
		if (nl == NULL) {
			log->torn_len = len - at;
			break;
		}
		no++;
		ret = reg_line_parse(text + at, (size_t)(nl - text) - at, &e, &why);
		if (ret != 0) {
			reg_entry_release(&e);
			log->bad_line = no;
			log->bad_why = why;
			return ret;
		}
		e.line = no;
		e.off = at;
		e.len = (size_t)(nl - text) - at;
		ret = log_push(log, &e);
		if (ret != 0) {
			reg_entry_release(&e);
			return ret;
		}
		at = (size_t)(nl - text) + 1;
	}
	return mark_interrupted(log);
}

int
reg_log_load(const char *path, struct reg_log *log)
{
	char *text;
	size_t len;
	int ret;

	memset(log, 0, sizeof(*log));
	ret = reg_read_locked(path, &text, &len);
	if (ret != 0)
		return ret;
	ret = reg_log_parse(text, len, log);
	log->text = text;
	log->text_len = len;
	return ret;
}

void
reg_log_release(struct reg_log *log)
{
	size_t i;

	if (log == NULL)
		return;
	for (i = 0; i < log->n; i++)
		reg_entry_release(&log->v[i]);
	free(log->v);
	free(log->text);
	memset(log, 0, sizeof(*log));
}

const struct reg_entry *
reg_log_find(const struct reg_log *log, uint64_t seq)
{
	size_t i;

	if (seq >= 1 && seq <= log->n && log->v[seq - 1].seq == seq)
		return &log->v[seq - 1];
	for (i = 0; i < log->n; i++)
		if (log->v[i].seq == seq)
			return &log->v[i];
	return NULL;
}

/* The started or erasure entry of a record, searching back from e. */
static const struct reg_entry *
record_entry(const struct reg_log *log, const struct reg_entry *e)
{
	const char *id = reg_body_str(e, "record_id"), *other;
	size_t i = (size_t)(e - log->v);

	if (id == NULL || e < log->v || i >= log->n)
		return NULL;
	while (i-- > 0) {
		if (log->v[i].kind != REG_ERASURE &&
		    log->v[i].kind != REG_STARTED &&
		    log->v[i].kind != REG_DESTRUCTION)
			continue;
		other = reg_body_str(&log->v[i], "record_id");
		if (other != NULL && strcmp(other, id) == 0)
			return &log->v[i];
	}
	return NULL;
}

static const char *
entry_field(const struct reg_log *log, const struct reg_entry *e,
	    const char *key, int depth)
{
	const char *v = reg_body_str(e, key);
	const struct reg_entry *ref;
	int64_t seq;

	if (v != NULL || depth > REF_DEPTH)
		return v;
	switch (e->kind) {
	case REG_CERTIFICATE:
		ref = record_entry(log, e);
		return ref != NULL ? reg_body_str(ref, key) : NULL;
	case REG_CORRECTION:
		seq = reg_body_int(e, "refers");
		ref = seq > 0 && (uint64_t)seq < e->seq ?
			reg_log_find(log, (uint64_t)seq) : NULL;
		return ref != NULL ? entry_field(log, ref, key, depth + 1) : NULL;
	default:
		return NULL;
	}
}

const char *
reg_entry_contract(const struct reg_log *log, const struct reg_entry *e)
{
	return entry_field(log, e, "contract", 0);
}

const char *
reg_entry_asset_tag(const struct reg_log *log, const struct reg_entry *e)
{
	return entry_field(log, e, "asset_tag", 0);
}

void
reg_filter_init(struct reg_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = -1;
}

int
reg_filter_match(const struct reg_log *log, const struct reg_entry *e,
		 const struct reg_filter *f)
{
	const char *v;

	if (f->kind >= 0 && (int)e->kind != f->kind)
		return 0;
	if (f->has_since && e->when < f->since)
		return 0;
	if (f->has_until && e->when > f->until)
		return 0;
	if (f->contract != NULL) {
		v = reg_entry_contract(log, e);
		if (v == NULL || strcmp(v, f->contract) != 0)
			return 0;
	}
	if (f->asset_tag != NULL) {
		v = reg_entry_asset_tag(log, e);
		if (v == NULL || strcmp(v, f->asset_tag) != 0)
			return 0;
	}
	return 1;
}
