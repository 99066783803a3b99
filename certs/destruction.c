/*
 * destruction.c - the record of a physical destruction (certs.h),
 * schema wipecert.destruction/1 (wipecert-record(5)): which medium, who
 * destroyed it, how, where and when, and the SHA-256 of each photo.
 * Like the erasure record, it is written once, never edited, and its
 * SHA-256 is that of the file's exact bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/jsonout.h"
#include "certs/pdfmodel.h"

static const struct {
	const char *name;
	const char *text;
} methods[] = {
	{ "shred", "細断 (shredding)" },
	{ "crush", "破砕 (crushing)" },
	{ "drill", "穿孔 (drilling)" },
	{ "degauss", "磁気破壊・消磁 (degaussing)" },
	{ "other", "その他 (other)" },
};

const char *
cert_destroy_method_text(const char *m)
{
	size_t i;

	for (i = 0; m != NULL && i < WC_ARRAY_SIZE(methods); i++)
		if (strcmp(m, methods[i].name) == 0)
			return methods[i].text;
	return NULL;
}

int
cert_destroy_method_valid(const char *m)
{
	return cert_destroy_method_text(m) != NULL;
}

int
cert_photo_sniff(const void *data, size_t len)
{
	static const uint8_t png[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a,
					0x1a, 0x0a };
	const uint8_t *p = data;

	if (len >= 8 && memcmp(p, png, 8) == 0)
		return CERT_PHOTO_PNG;
	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return CERT_PHOTO_JPEG;
	return 0;
}

static struct json_object *
time_or_null(time_t t)
{
	char buf[WC_RFC3339_LEN];

	if (t <= 0 || wc_rfc3339(buf, sizeof(buf), t) != 0)
		return NULL;
	return json_object_new_string(buf);
}

/* One photo: its name, type, size and SHA-256 (the file is read). */
static int
photo_json(const char *path, struct json_object **out)
{
	const char *base = strrchr(path, '/');
	struct json_object *o;
	uint8_t md[32];
	char *data, hex[65];
	size_t len;
	int ret, type;

	*out = NULL;
	ret = wc_read_file(path, CERT_PHOTO_MAX, &data, &len);
	if (ret != 0)
		return ret == -EFBIG ? -EINVAL : ret;
	type = cert_photo_sniff(data, len);
	wc_sha256(data, len, md);
	free(data);
	if (type == 0)
		return -EINVAL;
	wc_hex(hex, md, sizeof(md));
	o = json_object_new_object();
	if (o == NULL)
		return -ENOMEM;
	put(o, "file", json_object_new_string(base ? base + 1 : path));
	put(o, "type", json_object_new_string(type == CERT_PHOTO_PNG
						       ? "image/png"
						       : "image/jpeg"));
	put(o, "bytes", json_object_new_int64((int64_t)len));
	put(o, "sha256", json_object_new_string(hex));
	*out = o;
	return 0;
}

static int
photos_json(const struct cert_destruction *d, struct json_object **out)
{
	struct json_object *a = json_object_new_array(), *p;
	size_t i;
	int ret = 0;

	*out = NULL;
	if (a == NULL)
		return -ENOMEM;
	for (i = 0; i < d->nphotos && ret == 0; i++) {
		ret = photo_json(d->photos[i], &p);
		if (ret == 0)
			json_object_array_add(a, p);
	}
	if (ret != 0) {
		json_object_put(a);
		return ret;
	}
	*out = a;
	return 0;
}

static struct json_object *
media_json(const struct cert_destruction *d)
{
	const struct wipe_ident *id = d->ident;
	struct json_object *o = json_object_new_object();

	put(o, "asset_tag", str_or_null(d->asset_tag));
	put(o, "type", id ? json_object_new_string(cert_media_type(id))
			  : str_or_null(d->media_type));
	put(o, "transport", id ? json_object_new_string(
					 wipe_transport_name(id->transport))
			       : NULL);
	put(o, "path", id ? str_or_null(id->path) : NULL);
	put(o, "vendor", str_or_null(id ? id->vendor : d->vendor));
	put(o, "model", str_or_null(id ? id->model : d->model));
	put(o, "serial", str_or_null(id ? id->serial : d->serial));
	put(o, "firmware", id ? str_or_null(id->firmware) : NULL);
	put(o, "wwn", id ? str_or_null(id->wwn) : NULL);
	put(o, "size_bytes", id && id->size_bytes > 0 && id->size_bytes <=
			     INT64_MAX ? json_object_new_int64(
					(int64_t)id->size_bytes) : NULL);
	put(o, "capacity", id ? NULL : str_or_null(d->capacity));
	put(o, "identity_source", json_object_new_string(
		id ? wipe_ident_source_name(id->source) : "typed"));
	return o;
}

static struct json_object *
destruction_json(const struct cert_destruction *d)
{
	struct json_object *o = json_object_new_object();

	put(o, "method", json_object_new_string(d->method));
	put(o, "method_text", str_or_null(d->method_text));
	put(o, "nist_category", json_object_new_string("Destroy"));
	put(o, "place", str_or_null(d->place));
	put(o, "time", time_or_null(d->when));
	put(o, "note", str_or_null(d->note));
	return o;
}

static struct json_object *
prior_json(const struct cert_destruction *d)
{
	struct json_object *o;

	if (d->prior_record_id == NULL || *d->prior_record_id == '\0')
		return NULL;
	o = json_object_new_object();
	put(o, "record_id", json_object_new_string(d->prior_record_id));
	put(o, "result", json_object_new_string("fail"));
	put(o, "entry", d->prior_entry > 0 && d->prior_entry <= INT64_MAX
			? json_object_new_int64((int64_t)d->prior_entry)
			: NULL);
	return o;
}

static struct json_object *
head_json(const struct cert_destruction *d)
{
	struct json_object *r = json_object_new_object(), *o;

	put(r, "schema", json_object_new_string(CERT_DESTRUCTION_SCHEMA));
	put(r, "id", json_object_new_string(d->id));
	put(r, "result", json_object_new_string("destroyed"));
	put(r, "issued", issued_json((time_t)d->issued, d->timezone));
	put(r, "contract", contract_json(&d->contract));
	o = json_object_new_object();
	put(o, "operator", str_or_null(d->people.operator_name));
	put(o, "witness", str_or_null(d->people.witness));
	put(r, "people", o);
	return r;
}

int
cert_destruction_build(const struct cert_destruction *d,
		       struct json_object **out)
{
	struct json_object *r, *photos, *o;
	int ret;

	*out = NULL;
	if (!cert_destroy_method_valid(d->method) || strlen(d->id) != 36 ||
	    d->nphotos > CERT_MAX_PHOTOS || d->when <= 0 ||
	    (strcmp(d->method, "other") == 0 &&
	     (d->method_text == NULL || *d->method_text == '\0')))
		return -EINVAL;
	ret = photos_json(d, &photos);
	if (ret != 0)
		return ret;
	r = head_json(d);
	put(r, "media", media_json(d));
	put(r, "destruction", destruction_json(d));
	put(r, "photos", photos);
	put(r, "prior_erasure", prior_json(d));
	o = json_object_new_object();
	put(o, "name", json_object_new_string(d->tool.name ? d->tool.name
							   : "wipecert"));
	put(o, "version", str_or_null(d->tool.version));
	put(o, "binary_sha256", str_or_null(d->tool.binary_sha256));
	put(o, "host", str_or_null(d->tool.host));
	put(r, "tool", o);
	*out = r;
	return 0;
}
