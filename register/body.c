/*
 * body.c - the body of each kind of entry (wipecert-register(5)).  The
 * order of the puts below is the format's key order.
 */
#include <errno.h>
#include <string.h>

#include "register/internal.h"

int
reg_put_text(struct json_object *o, const char *key, const char *v,
	     int required)
{
	size_t n = v != NULL ? strlen(v) : 0;
	struct json_object *s = NULL;

	if (n == 0) {
		if (required)
			return -EINVAL;
		json_object_object_add(o, key, NULL);
		return 0;
	}
	if (n > REG_FIELD_MAX || !reg_utf8_valid(v, n))
		return -EINVAL;
	s = json_object_new_string_len(v, (int)n);
	if (s == NULL)
		return -ENOMEM;
	json_object_object_add(o, key, s);
	return 0;
}

/* A count or seq; 0 is written as null when zero_null. */
static int
put_u64(struct json_object *o, const char *key, uint64_t v, int zero_null)
{
	struct json_object *n = NULL;

	if (v > INT64_MAX)
		return -EINVAL;
	if (v != 0 || !zero_null) {
		n = json_object_new_int64((int64_t)v);
		if (n == NULL)
			return -ENOMEM;
	}
	json_object_object_add(o, key, n);
	return 0;
}

static int
put_time(struct json_object *o, const char *key, const char *v, int required)
{
	time_t t;

	if (v != NULL && *v != '\0' && reg_time_parse(v, &t, NULL) != 0)
		return -EINVAL;
	return reg_put_text(o, key, v, required);
}

static int
put_hash(struct json_object *o, const char *key, const char *v, int required)
{
	if (v != NULL && *v != '\0' && !reg_is_hex64(v))
		return -EINVAL;
	return reg_put_text(o, key, v, required);
}

/* Every builder ends here: hand the object over, or drop it. */
static int
finish(struct json_object *o, int ret, struct json_object **out)
{
	if (ret != 0) {
		json_object_put(o);
		*out = NULL;
		return ret;
	}
	*out = o;
	return 0;
}

#define NEW_BODY(o, out)                     \
	do {                                 \
		*(out) = NULL;               \
		(o) = json_object_new_object(); \
		if ((o) == NULL)             \
			return -ENOMEM;      \
	} while (0)

int
reg_body_received(const struct reg_received *r, struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "contract", r->contract, 0);
	ret = ret ?: reg_put_text(o, "asset_tag", r->asset_tag, 1);
	ret = ret ?: reg_put_text(o, "description", r->description, 0);
	ret = ret ?: reg_put_text(o, "media_type", r->media_type, 0);
	ret = ret ?: reg_put_text(o, "vendor", r->vendor, 0);
	ret = ret ?: reg_put_text(o, "model", r->model, 0);
	ret = ret ?: reg_put_text(o, "serial", r->serial, 0);
	ret = ret ?: reg_put_text(o, "capacity", r->capacity, 0);
	ret = ret ?: reg_put_text(o, "department", r->department, 0);
	ret = ret ?: reg_put_text(o, "classification", r->classification, 0);
	ret = ret ?: reg_put_text(o, "stored_info", r->stored_info, 0);
	ret = ret ?: reg_put_text(o, "from", r->from, 1);
	ret = ret ?: reg_put_text(o, "received_by", r->received_by, 0);
	ret = ret ?: reg_put_text(o, "note", r->note, 0);
	return finish(o, ret, out);
}

int
reg_body_takeout(const struct reg_takeout *t, struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "contract", t->contract, 0);
	ret = ret ?: reg_put_text(o, "asset_tag", t->asset_tag, 1);
	ret = ret ?: reg_put_text(o, "stored_info", t->stored_info, 0);
	ret = ret ?: put_time(o, "time_out", t->time_out, 1);
	ret = ret ?: reg_put_text(o, "taken_by", t->taken_by, 1);
	ret = ret ?: reg_put_text(o, "approver", t->approver, 1);
	ret = ret ?: reg_put_text(o, "purpose", t->purpose, 1);
	ret = ret ?: reg_put_text(o, "destination", t->destination, 1);
	ret = ret ?: reg_put_text(o, "note", t->note, 0);
	return finish(o, ret, out);
}

int
reg_body_return(const struct reg_return *r, struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "contract", r->contract, 0);
	ret = ret ?: reg_put_text(o, "asset_tag", r->asset_tag, 1);
	ret = ret ?: put_u64(o, "takeout", r->takeout_seq, 1);
	ret = ret ?: put_time(o, "time_returned", r->time_returned, 1);
	ret = ret ?: reg_put_text(o, "confirmed_by", r->confirmed_by, 1);
	ret = ret ?: reg_put_text(o, "note", r->note, 0);
	return finish(o, ret, out);
}

int
reg_body_correction(const struct reg_correction *c, struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = c->refers == 0 ? -EINVAL : put_u64(o, "refers", c->refers, 0);
	ret = ret ?: reg_put_text(o, "text", c->text, 1);
	return finish(o, ret, out);
}

int
reg_body_started(const struct reg_started *s, struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "record_id", s->record_id, 1);
	ret = ret ?: reg_put_text(o, "contract", s->contract, 0);
	ret = ret ?: reg_put_text(o, "asset_tag", s->asset_tag, 0);
	ret = ret ?: reg_put_text(o, "target", s->target, 0);
	ret = ret ?: reg_put_text(o, "vendor", s->vendor, 0);
	ret = ret ?: reg_put_text(o, "model", s->model, 0);
	ret = ret ?: reg_put_text(o, "serial", s->serial, 0);
	ret = ret ?: put_u64(o, "size_bytes", s->size_bytes, 0);
	ret = ret ?: reg_put_text(o, "method", s->method, 1);
	return finish(o, ret, out);
}

static int
result_ok(const char *r)
{
	return r != NULL && (strcmp(r, "pass") == 0 || strcmp(r, "fail") == 0 ||
			     strcmp(r, "aborted") == 0);
}

int
reg_body_erasure(const struct reg_erasure *e, struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "record_id", e->record_id, 1);
	ret = ret ?: put_hash(o, "record_sha256", e->record_sha256, 1);
	ret = ret ?: (result_ok(e->result) ? 0 : -EINVAL);
	ret = ret ?: reg_put_text(o, "result", e->result, 1);
	ret = ret ?: reg_put_text(o, "contract", e->contract, 0);
	ret = ret ?: reg_put_text(o, "asset_tag", e->asset_tag, 0);
	ret = ret ?: reg_put_text(o, "media_type", e->media_type, 0);
	ret = ret ?: reg_put_text(o, "transport", e->transport, 0);
	ret = ret ?: reg_put_text(o, "vendor", e->vendor, 0);
	ret = ret ?: reg_put_text(o, "model", e->model, 0);
	ret = ret ?: reg_put_text(o, "serial", e->serial, 0);
	ret = ret ?: put_u64(o, "size_bytes", e->size_bytes, 0);
	ret = ret ?: reg_put_text(o, "method", e->method, 1);
	ret = ret ?: reg_put_text(o, "nist_category", e->nist_category, 1);
	ret = ret ?: put_time(o, "ended", e->ended, 0);
	ret = ret ?: reg_put_text(o, "operator", e->operator_name, 0);
	ret = ret ?: reg_put_text(o, "witness", e->witness, 0);
	ret = ret ?: reg_put_text(o, "custody", e->custody, 0);
	return finish(o, ret, out);
}

int
reg_body_certificate(const struct reg_certificate *c,
		     struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "record_id", c->record_id, 1);
	ret = ret ?: reg_put_text(o, "doc", c->doc, 1);
	ret = ret ?: reg_put_text(o, "file", c->file, 1);
	ret = ret ?: put_hash(o, "sha256", c->sha256, 1);
	ret = ret ?: put_u64(o, "entry", c->entry_seq, 1);
	ret = ret ?: put_hash(o, "entry_hash", c->entry_hash, 0);
	return finish(o, ret, out);
}

int
reg_body_destruction(const struct reg_destruction *d,
		     struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "record_id", d->record_id, 1);
	ret = ret ?: put_hash(o, "record_sha256", d->record_sha256, 0);
	ret = ret ?: reg_put_text(o, "contract", d->contract, 0);
	ret = ret ?: reg_put_text(o, "asset_tag", d->asset_tag, 0);
	ret = ret ?: reg_put_text(o, "media_type", d->media_type, 0);
	ret = ret ?: reg_put_text(o, "vendor", d->vendor, 0);
	ret = ret ?: reg_put_text(o, "model", d->model, 0);
	ret = ret ?: reg_put_text(o, "serial", d->serial, 0);
	ret = ret ?: reg_put_text(o, "capacity", d->capacity, 0);
	ret = ret ?: reg_put_text(o, "method", d->method, 1);
	ret = ret ?: reg_put_text(o, "method_text", d->method_text, 0);
	ret = ret ?: reg_put_text(o, "operator", d->operator_name, 0);
	ret = ret ?: reg_put_text(o, "witness", d->witness, 0);
	ret = ret ?: reg_put_text(o, "place", d->place, 0);
	ret = ret ?: put_time(o, "time", d->time, 1);
	ret = ret ?: reg_put_text(o, "note", d->note, 0);
	return finish(o, ret, out);
}

int
reg_body_report(const struct reg_report *r, struct json_object **out)
{
	struct json_object *o;
	int ret;

	NEW_BODY(o, out);
	ret = reg_put_text(o, "contract", r->contract, 1);
	ret = ret ?: reg_put_text(o, "file", r->file, 1);
	ret = ret ?: put_hash(o, "sha256", r->sha256, 1);
	ret = ret ?: put_u64(o, "head", r->head_seq, 0);
	ret = ret ?: put_hash(o, "head_hash", r->head_hash, 0);
	ret = ret ?: put_u64(o, "media", r->media, 0);
	return finish(o, ret, out);
}

/* ---- what the wipe pipeline appends ---------------------------------- */

int
reg_append_started(const char *path, const struct reg_signer *s,
		   const struct reg_started *in, time_t now,
		   struct reg_appended *out)
{
	struct json_object *body;
	int ret;

	ret = reg_body_started(in, &body);
	if (ret != 0)
		return ret;
	ret = reg_append(path, s, REG_STARTED, body, now, out);
	json_object_put(body);
	return ret;
}

int
reg_append_erasure(const char *path, const struct reg_signer *s,
		   const struct reg_erasure *in, time_t now,
		   struct reg_appended *out)
{
	struct json_object *body;
	int ret;

	ret = reg_body_erasure(in, &body);
	if (ret != 0)
		return ret;
	ret = reg_append(path, s, REG_ERASURE, body, now, out);
	json_object_put(body);
	return ret;
}

int
reg_append_certificate(const char *path, const struct reg_signer *s,
		       const struct reg_certificate *in, time_t now,
		       struct reg_appended *out)
{
	struct json_object *body;
	int ret;

	ret = reg_body_certificate(in, &body);
	if (ret != 0)
		return ret;
	ret = reg_append(path, s, REG_CERTIFICATE, body, now, out);
	json_object_put(body);
	return ret;
}
