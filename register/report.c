/*
 * report.c - the register as the documents that print it: the 第22条
 * report (wipecert.report/1) and the PDF 管理簿 (wipecert.ledger/1).
 * Both are JSON built from the media rows (media.c, csv.c), carried in
 * the signed PDF that certs/ renders from them; wipecert-report(8) and
 * wipecert-register(8) describe them.
 */
#include <errno.h>
#include <string.h>

#include "register/internal.h"

/* Columns of reg_medium_row() used here (reg_column_names order). */
enum {
	COL_TAG = 0, COL_TYPE = 1, COL_VENDOR = 2, COL_MODEL = 3,
	COL_SERIAL = 4, COL_CAPACITY = 5, COL_METHOD = 16, COL_RESULT = 20,
	COL_NOTE = 21,
};

static const char *const outcome_names[] = {
	[REG_OUT_NONE] = "none",	  [REG_OUT_PASS] = "pass",
	[REG_OUT_FAIL] = "fail",	  [REG_OUT_ABORTED] = "aborted",
	[REG_OUT_INTERRUPTED] = "interrupted",
	[REG_OUT_DESTROYED] = "destroyed", [REG_OUT_SWITCHED] = "switched",
};

const char *
reg_outcome_name(enum reg_outcome o)
{
	if ((unsigned)o >= WC_ARRAY_SIZE(outcome_names))
		return "none";
	return outcome_names[o];
}

static void
put(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_object_new_string(s) : NULL;
}

static struct json_object *
u64(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

/* When the medium was disposed of (or its erase ran), RFC 3339. */
static const char *
disposal_time(const struct reg_medium *m)
{
	const char *t;

	if (m->destruction != NULL)
		return reg_body_str(m->destruction, "time");
	if (m->erasure != NULL) {
		t = reg_body_str(m->erasure, "ended");
		return t != NULL ? t : m->erasure->time;
	}
	return m->started != NULL ? m->started->time : NULL;
}

/* Why a medium is not yet returned or disposed of (may be empty). */
static struct json_object *
attention(const struct reg_medium *m)
{
	struct json_object *a = json_object_new_array();

	switch (m->outcome) {
	case REG_OUT_FAIL:
		json_object_array_add(a, json_object_new_string(
				"消去不能（未処分） erasure failed, not "
				"destroyed"));
		break;
	case REG_OUT_ABORTED:
	case REG_OUT_INTERRUPTED:
		json_object_array_add(a, json_object_new_string(
				"消去中断（未完了） erasure interrupted"));
		break;
	case REG_OUT_NONE:
		json_object_array_add(a, json_object_new_string(
				"未処分 not disposed of"));
		break;
	default:
		break;
	}
	if (m->out)
		json_object_array_add(a, json_object_new_string(
				"搬出中（返却未確認） taken out, not returned"));
	if (m->serial_mismatch)
		json_object_array_add(a, json_object_new_string(
				"シリアル番号不一致 serial number mismatch"));
	return a;
}

static struct json_object *
certificate(const struct reg_medium *m)
{
	const struct reg_entry *c = m->certificate;
	struct json_object *o;

	if (c == NULL)
		return NULL;
	o = json_object_new_object();
	put(o, "id", str_or_null(reg_body_str(c, "record_id")));
	put(o, "doc", str_or_null(reg_body_str(c, "doc")));
	put(o, "file", str_or_null(reg_body_str(c, "file")));
	put(o, "sha256", str_or_null(reg_body_str(c, "sha256")));
	put(o, "register_entry", u64(c->seq));
	return o;
}

static struct json_object *
medium_json(const struct reg_medium *m, char *const cells[REG_COLUMNS])
{
	struct json_object *o = json_object_new_object();
	const char *disposal = m->destruction ? "destruction"
			       : m->erasure ? "erasure" : NULL;

	put(o, "asset_tag", str_or_null(m->asset_tag));
	put(o, "key", json_object_new_string(m->key));
	put(o, "type", str_or_null(cells[COL_TYPE]));
	put(o, "vendor", str_or_null(cells[COL_VENDOR]));
	put(o, "model", str_or_null(cells[COL_MODEL]));
	put(o, "serial", str_or_null(cells[COL_SERIAL]));
	put(o, "capacity", str_or_null(cells[COL_CAPACITY]));
	put(o, "disposal", str_or_null(disposal));
	put(o, "method", str_or_null(cells[COL_METHOD]));
	put(o, "time", str_or_null(disposal_time(m)));
	put(o, "outcome", json_object_new_string(reg_outcome_name(m->outcome)));
	put(o, "result", str_or_null(cells[COL_RESULT]));
	put(o, "certificate", certificate(m));
	put(o, "out", json_object_new_boolean(m->out));
	put(o, "attention", attention(m));
	put(o, "note", str_or_null(cells[COL_NOTE]));
	return o;
}

struct counts {
	uint64_t media, erased, destroyed, switched, failed, aborted;
	uint64_t undisposed, out, attention;
};

static void
count(struct counts *c, const struct reg_medium *m, struct json_object *j)
{
	struct json_object *a;

	c->media++;
	c->erased += m->outcome == REG_OUT_PASS;
	c->destroyed += m->outcome == REG_OUT_DESTROYED ||
			m->outcome == REG_OUT_SWITCHED;
	c->switched += m->outcome == REG_OUT_SWITCHED;
	c->failed += m->outcome == REG_OUT_FAIL;
	c->aborted += m->outcome == REG_OUT_ABORTED ||
		      m->outcome == REG_OUT_INTERRUPTED;
	c->undisposed += m->outcome == REG_OUT_NONE;
	c->out += m->out != 0;
	c->attention += json_object_object_get_ex(j, "attention", &a) &&
			json_object_array_length(a) > 0;
}

static struct json_object *
counts_json(const struct counts *c)
{
	struct json_object *o = json_object_new_object();

	put(o, "media", u64(c->media));
	put(o, "erased", u64(c->erased));
	put(o, "destroyed", u64(c->destroyed));
	put(o, "switched", u64(c->switched));
	put(o, "failed", u64(c->failed));
	put(o, "aborted", u64(c->aborted));
	put(o, "undisposed", u64(c->undisposed));
	put(o, "out", u64(c->out));
	put(o, "attention", u64(c->attention));
	return o;
}

/* schema, id, issued, contract and register: what both documents open with. */
static struct json_object *
head_json(const struct reg_log *log, const struct reg_report_in *in,
	  const char *schema)
{
	struct json_object *r = json_object_new_object(), *o, *h;
	const struct reg_entry *last = log->n ? &log->v[log->n - 1] : NULL;

	put(r, "schema", json_object_new_string(schema));
	put(r, "id", json_object_new_string(in->id));
	o = json_object_new_object();
	put(o, "time", json_object_new_string(in->issued));
	put(o, "time_zone", str_or_null(in->time_zone));
	put(r, "issued", o);
	o = json_object_new_object();
	put(o, "number", str_or_null(in->contract));
	put(o, "department", str_or_null(in->department));
	put(o, "contractor", str_or_null(in->contractor));
	put(o, "manager", str_or_null(in->manager));
	put(r, "contract", o);
	o = json_object_new_object();
	put(o, "file", str_or_null(in->register_file));
	put(o, "entries", u64(log->n));
	h = json_object_new_object();
	put(h, "seq", u64(last ? last->seq : 0));
	put(h, "hash", json_object_new_string(last ? last->hash
						   : REG_ZERO_HASH));
	put(o, "head", h);
	put(r, "register", o);
	return r;
}

static int
check_in(const struct reg_report_in *in, int need_contract)
{
	if (in->id == NULL || strlen(in->id) != 36 || in->issued == NULL ||
	    (need_contract && (in->contract == NULL || *in->contract == '\0')))
		return -EINVAL;
	return 0;
}

static struct json_object *
tool_json(const struct reg_report_in *in)
{
	struct json_object *o = json_object_new_object();

	put(o, "name", json_object_new_string("wipecert"));
	put(o, "version", str_or_null(in->tool_version));
	return o;
}

int
reg_report_json(const struct reg_log *log, const struct reg_media *m,
		const struct reg_report_in *in, struct json_object **out)
{
	struct json_object *r, *media, *j;
	char *cells[REG_COLUMNS];
	struct counts c;
	size_t i;
	int ret = 0;

	*out = NULL;
	if (check_in(in, 1) != 0)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	media = json_object_new_array();
	for (i = 0; i < m->n && ret == 0; i++) {
		ret = reg_medium_row(log, &m->v[i], cells);
		if (ret != 0)
			break;
		j = medium_json(&m->v[i], cells);
		reg_row_release(cells);
		count(&c, &m->v[i], j);
		json_object_array_add(media, j);
	}
	if (ret != 0) {
		json_object_put(media);
		return ret;
	}
	r = head_json(log, in, "wipecert.report/1");
	put(r, "complete", json_object_new_boolean(c.attention == 0));
	put(r, "counts", counts_json(&c));
	put(r, "media", media);
	put(r, "tool", tool_json(in));
	*out = r;
	return 0;
}

static struct json_object *
strings(const char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i] ? v[i]
								     : ""));
	return a;
}

int
reg_ledger_json(const struct reg_log *log, const struct reg_media *m,
		const struct reg_report_in *in, struct json_object **out)
{
	struct json_object *r, *rows;
	char *cells[REG_COLUMNS];
	size_t i;
	int ret = 0;

	*out = NULL;
	if (check_in(in, 0) != 0)
		return -EINVAL;
	rows = json_object_new_array();
	for (i = 0; i < m->n && ret == 0; i++) {
		ret = reg_medium_row(log, &m->v[i], cells);
		if (ret != 0)
			break;
		json_object_array_add(rows, strings((const char *const *)cells,
						    REG_COLUMNS));
		reg_row_release(cells);
	}
	if (ret != 0) {
		json_object_put(rows);
		return ret;
	}
	r = head_json(log, in, "wipecert.ledger/1");
	put(r, "columns", strings(reg_column_names, REG_COLUMNS));
	put(r, "rows", rows);
	put(r, "tool", tool_json(in));
	*out = r;
	return 0;
}
