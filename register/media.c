/*
 * media.c - the register seen one medium at a time: custody checks and
 * the rows of the 管理簿.
 *
 * Entries join into one medium by 管理番号; without one, by record id
 * (started, erasure and certificate share it), and a destruction
 * without one by the serial number of a medium already seen.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "register/internal.h"

#define NONE ((size_t)-1)

static const char *const custody_names[] = {
	[REG_CUSTODY_NONE] = "none",
	[REG_CUSTODY_OK] = "ok",
	[REG_CUSTODY_NOT_RECEIVED] = "not-received",
	[REG_CUSTODY_SERIAL_MISMATCH] = "serial-mismatch",
	[REG_CUSTODY_NO_LABEL_SERIAL] = "no-label-serial",
};

const char *
reg_custody_name(enum reg_custody c)
{
	if ((unsigned)c >= WC_ARRAY_SIZE(custody_names))
		return "unknown";
	return custody_names[c];
}

int
reg_serial_equal(const char *a, const char *b)
{
	size_t na, nb;

	if (a == NULL || b == NULL)
		return 0;
	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	na = strlen(a);
	nb = strlen(b);
	while (na > 0 && isspace((unsigned char)a[na - 1]))
		na--;
	while (nb > 0 && isspace((unsigned char)b[nb - 1]))
		nb--;
	return na > 0 && na == nb && strncasecmp(a, b, na) == 0;
}

static const struct reg_entry *
last_received(const struct reg_log *log, const char *tag)
{
	const char *t;
	size_t i = log->n;

	while (i-- > 0) {
		if (log->v[i].kind != REG_RECEIVED)
			continue;
		t = reg_body_str(&log->v[i], "asset_tag");
		if (t != NULL && strcmp(t, tag) == 0)
			return &log->v[i];
	}
	return NULL;
}

int
reg_custody_check(const struct reg_log *log, const char *asset_tag,
		  const char *drive_serial, struct reg_custody_result *r)
{
	const struct reg_entry *e;
	const char *label;

	memset(r, 0, sizeof(*r));
	if (asset_tag == NULL || *asset_tag == '\0')
		return 0;
	e = log != NULL ? last_received(log, asset_tag) : NULL;
	if (e == NULL) {
		r->status = REG_CUSTODY_NOT_RECEIVED;
		return 0;
	}
	r->received_seq = e->seq;
	label = reg_body_str(e, "serial");
	if (label == NULL) {
		r->status = REG_CUSTODY_NO_LABEL_SERIAL;
		return 0;
	}
	if (wc_fmt(r->label_serial, sizeof(r->label_serial), "%s", label) != 0)
		r->label_serial[0] = '\0';
	r->status = drive_serial == NULL || reg_serial_equal(label, drive_serial) ?
		REG_CUSTODY_OK : REG_CUSTODY_SERIAL_MISMATCH;
	return 0;
}

int
reg_custody_check_file(const char *path, const char *asset_tag,
		       const char *drive_serial, struct reg_custody_result *r)
{
	struct reg_log log;
	int ret;

	ret = reg_log_load(path, &log);
	if (ret == -ENOENT)
		ret = reg_custody_check(NULL, asset_tag, drive_serial, r);
	else if (ret == 0)
		ret = reg_custody_check(&log, asset_tag, drive_serial, r);
	reg_log_release(&log);
	return ret;
}

/* ---- building the rows ------------------------------------------------ */

struct builder {
	const struct reg_log *log;
	struct reg_media *m;
	size_t cap;
	size_t *of_entry;		/* entry index → medium, or NONE */
};

static size_t
medium_by_key(const struct builder *b, const char *key)
{
	size_t i = b->m->n;

	while (i-- > 0)
		if (strcmp(b->m->v[i].key, key) == 0)
			return i;
	return NONE;
}

static size_t
medium_add(struct builder *b, const char *key)
{
	struct reg_medium *v;
	size_t cap;

	if (b->m->n == b->cap) {
		cap = b->cap ? b->cap * 2 : 32;
		v = realloc(b->m->v, cap * sizeof(*v));
		if (v == NULL)
			return NONE;
		b->m->v = v;
		b->cap = cap;
	}
	v = &b->m->v[b->m->n];
	memset(v, 0, sizeof(*v));
	if (wc_fmt(v->key, sizeof(v->key), "%s", key) != 0)
		return NONE;
	return b->m->n++;
}

/* The medium an entry of a record belongs to (by its record id). */
static size_t
medium_of_record(const struct builder *b, size_t upto, const char *id)
{
	const char *other;
	size_t i = upto;

	if (id == NULL)
		return NONE;
	while (i-- > 0) {
		if (b->of_entry[i] == NONE)
			continue;
		other = reg_body_str(&b->log->v[i], "record_id");
		if (other != NULL && strcmp(other, id) == 0)
			return b->of_entry[i];
	}
	return NONE;
}

/* A medium seen before with this serial (for a destruction). */
static size_t
medium_by_serial(const struct builder *b, const char *serial)
{
	const struct reg_medium *m;
	size_t i = b->m->n;

	while (serial != NULL && i-- > 0) {
		m = &b->m->v[i];
		if (reg_serial_equal(reg_body_str(m->erasure, "serial"), serial) ||
		    reg_serial_equal(reg_body_str(m->started, "serial"), serial) ||
		    reg_serial_equal(reg_body_str(m->received, "serial"), serial))
			return i;
	}
	return NONE;
}

/* The key of a medium for an entry without a 管理番号, or -ENOENT. */
static int
fallback_key(const struct reg_entry *e, char *key, size_t len)
{
	const char *id = reg_body_str(e, "record_id");
	const char *serial = reg_body_str(e, "serial");

	if (id != NULL)
		return wc_fmt(key, len, "record:%s", id);
	if (serial != NULL)
		return wc_fmt(key, len, "serial:%s", serial);
	return -ENOENT;
}

/* The medium a reference points to (a certificate, a correction). */
static size_t
medium_of_ref(const struct builder *b, size_t i)
{
	const struct reg_entry *e = &b->log->v[i], *r;
	int64_t ref;

	if (e->kind == REG_CERTIFICATE)
		return medium_of_record(b, i, reg_body_str(e, "record_id"));
	ref = reg_body_int(e, "refers");
	r = ref > 0 ? reg_log_find(b->log, (uint64_t)ref) : NULL;
	if (r == NULL || r >= e)
		return NONE;
	return b->of_entry[r - b->log->v];
}

/* Find or create the medium for entry i.  NONE: not a medium's entry. */
static size_t
medium_for(struct builder *b, size_t i, int *err)
{
	const struct reg_entry *e = &b->log->v[i];
	const char *tag = reg_body_str(e, "asset_tag");
	char key[320];
	size_t k;

	if (e->kind == REG_CERTIFICATE || e->kind == REG_CORRECTION)
		return medium_of_ref(b, i);
	if (e->kind == REG_REPORT || e->kind == REG_RECOVERED)
		return NONE;
	if (tag == NULL) {
		k = medium_of_record(b, i, reg_body_str(e, "record_id"));
		if (k == NONE && e->kind == REG_DESTRUCTION)
			k = medium_by_serial(b, reg_body_str(e, "serial"));
		if (k != NONE)
			return k;
		if (fallback_key(e, key, sizeof(key)) != 0)
			return NONE;
	} else if (wc_fmt(key, sizeof(key), "%s", tag) != 0) {
		return NONE;
	}
	k = medium_by_key(b, key);
	if (k != NONE)
		return k;
	k = medium_add(b, key);
	if (k == NONE)
		*err = -ENOMEM;
	else
		b->m->v[k].asset_tag = tag;
	return k;
}

static void
take(struct builder *b, size_t k, const struct reg_entry *e)
{
	struct reg_medium *m = &b->m->v[k];
	int64_t ref;

	switch (e->kind) {
	case REG_RECEIVED: m->received = e; break;
	case REG_TAKEOUT: m->takeout = e; m->ret = NULL; break;
	case REG_RETURN:
		ref = reg_body_int(e, "takeout");
		if (m->takeout != NULL &&
		    (ref < 0 || (uint64_t)ref == m->takeout->seq))
			m->ret = e;
		break;
	case REG_STARTED: m->started = e; break;
	case REG_ERASURE: m->erasure = e; m->erasures++; break;
	case REG_CERTIFICATE: m->certificate = e; break;
	case REG_DESTRUCTION: m->destruction = e; break;
	case REG_CORRECTION:
		if (m->ncorrections < WC_ARRAY_SIZE(m->corrections))
			m->corrections[m->ncorrections++] = e->seq;
		break;
	default: break;
	}
	if (m->contract == NULL)
		m->contract = reg_body_str(e, "contract");
}

static int
is_result(const struct reg_entry *e, const char *r)
{
	const char *v = reg_body_str(e, "result");

	return v != NULL && strcmp(v, r) == 0;
}

static void
settle(struct reg_medium *m)
{
	const char *label = reg_body_str(m->received, "serial");
	const char *drive = reg_body_str(m->erasure, "serial");

	if (drive == NULL)
		drive = reg_body_str(m->destruction, "serial");
	m->serial_mismatch = label != NULL && drive != NULL &&
			     !reg_serial_equal(label, drive);
	m->out = m->takeout != NULL && m->ret == NULL;
	if (m->destruction != NULL)
		m->outcome = m->erasure != NULL && is_result(m->erasure, "fail") ?
			REG_OUT_SWITCHED : REG_OUT_DESTROYED;
	else if (m->started != NULL && (m->started->flags & REG_F_INTERRUPTED) &&
		 (m->erasure == NULL || m->erasure->seq < m->started->seq))
		m->outcome = REG_OUT_INTERRUPTED;
	else if (m->erasure != NULL)
		m->outcome = is_result(m->erasure, "pass") ? REG_OUT_PASS :
			is_result(m->erasure, "fail") ? REG_OUT_FAIL :
			REG_OUT_ABORTED;
	else
		m->outcome = REG_OUT_NONE;
}

/* Keep only the media of one contract. */
static void
keep_contract(struct reg_media *m, const char *contract)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		if (m->v[i].contract != NULL &&
		    strcmp(m->v[i].contract, contract) == 0)
			m->v[n++] = m->v[i];
	m->n = n;
}

int
reg_media_build(const struct reg_log *log, const char *contract,
		struct reg_media *m)
{
	struct builder b = { .log = log, .m = m };
	size_t i, k;
	int err = 0;

	memset(m, 0, sizeof(*m));
	b.of_entry = malloc((log->n ? log->n : 1) * sizeof(*b.of_entry));
	if (b.of_entry == NULL)
		return -ENOMEM;
	for (i = 0; i < log->n && err == 0; i++) {
		k = medium_for(&b, i, &err);
		b.of_entry[i] = k;
		if (k != NONE)
			take(&b, k, &log->v[i]);
	}
	free(b.of_entry);
	if (err != 0) {
		reg_media_release(m);
		return err;
	}
	for (i = 0; i < m->n; i++)
		settle(&m->v[i]);
	if (contract != NULL)
		keep_contract(m, contract);
	return 0;
}

void
reg_media_release(struct reg_media *m)
{
	if (m == NULL)
		return;
	free(m->v);
	memset(m, 0, sizeof(*m));
}

const char *
reg_outcome_text(enum reg_outcome o)
{
	switch (o) {
	case REG_OUT_PASS: return "正常完了";
	case REG_OUT_FAIL: return "消去不能（要物理破壊）";
	case REG_OUT_ABORTED: return "中断";
	case REG_OUT_INTERRUPTED: return "中断（未完了）";
	case REG_OUT_DESTROYED: return "正常完了";
	case REG_OUT_SWITCHED: return "物理破壊へ切替";
	case REG_OUT_NONE: break;
	}
	return "未処分";
}
