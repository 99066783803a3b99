/*
 * expect.c - read back what a record says a device should hold.
 *
 * The input is untrusted (a file handed over years later): the parser
 * is json-c's, with a depth limit and a size cap, and every field is
 * type- and length-checked before use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/certs.h"

static struct json_object *
get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* Copy a string field into buf; missing or null gives "". */
static int
copy_str(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v = get(o, key, json_type_string);
	const char *s;

	buf[0] = '\0';
	if (v == NULL)
		return 0;
	s = json_object_get_string(v);
	if (strlen(s) >= len)
		return -EINVAL;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

/* The last pass marked verified, else the last pass. */
static struct json_object *
last_verified_pass(struct json_object *passes)
{
	struct json_object *p, *v;
	size_t n = json_object_array_length(passes), i = n;

	while (i-- > 0) {
		p = json_object_array_get_idx(passes, i);
		v = get(p, "verified", json_type_boolean);
		if (v != NULL && json_object_get_boolean(v))
			return p;
	}
	return n > 0 ? json_object_array_get_idx(passes, n - 1) : NULL;
}

static int
parse_record(struct json_object *rec, struct cert_expect *out)
{
	struct json_object *media, *tech, *passes, *pass, *v;
	char desc[32], seed[40];

	v = get(rec, "schema", json_type_string);
	if (v == NULL || strcmp(json_object_get_string(v),
				CERT_RECORD_SCHEMA) != 0)
		return -EINVAL;
	if (copy_str(rec, "id", out->id, sizeof(out->id)) != 0 ||
	    copy_str(rec, "result", out->result, sizeof(out->result)) != 0)
		return -EINVAL;
	media = get(rec, "media", json_type_object);
	tech = get(rec, "technique", json_type_object);
	passes = get(tech, "passes", json_type_array);
	if (media == NULL || passes == NULL)
		return -EINVAL;
	if (copy_str(media, "serial", out->serial, sizeof(out->serial)) != 0)
		return -EINVAL;
	v = get(media, "size_bytes", json_type_int);
	if (v == NULL || json_object_get_int64(v) < 0)
		return -EINVAL;
	out->size_bytes = (uint64_t)json_object_get_int64(v);
	pass = last_verified_pass(passes);
	if (pass == NULL)
		return -EINVAL;
	if (copy_str(pass, "pattern", desc, sizeof(desc)) != 0 ||
	    copy_str(pass, "seed", seed, sizeof(seed)) != 0)
		return -EINVAL;
	return wipe_pattern_parse(desc, seed[0] ? seed : NULL, &out->pattern);
}

int
cert_record_expect_buf(const char *buf, size_t len, struct cert_expect *out)
{
	struct json_tokener *tok;
	struct json_object *rec;
	size_t end;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len > CERT_RECORD_MAX || len > INT32_MAX)
		return -EFBIG;
	tok = json_tokener_new_ex(32);
	if (tok == NULL)
		return -ENOMEM;
	rec = json_tokener_parse_ex(tok, buf, (int)len);
	if (rec == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(rec);
		json_tokener_free(tok);
		return -EINVAL;
	}
	/* Nothing but white space may follow the document. */
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (strchr(" \t\r\n", buf[end]) == NULL || buf[end] == '\0') {
			json_object_put(rec);
			json_tokener_free(tok);
			return -EINVAL;
		}
	json_tokener_free(tok);
	ret = parse_record(rec, out);
	json_object_put(rec);
	return ret;
}

int
cert_record_expect(const char *path, struct cert_expect *out)
{
	char *buf;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = wc_read_file(path, CERT_RECORD_MAX, &buf, &len);
	if (ret != 0)
		return ret;
	ret = cert_record_expect_buf(buf, len, out);
	free(buf);
	return ret;
}
