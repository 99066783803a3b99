/*
 * pdfrecord.c - the record a certificate carries (certs.h): the
 * attached "<record-id>.json", its SHA-256 printed in a page content
 * stream, and the QR code CERT_QR_PREFIX "<id> <sha256>".  All three
 * must agree, or the certificate is INVALID.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "certs/verify_priv.h"

#define MAX_PAGES 1000
#define MAX_TREE_DEPTH 16
#define MAX_NAMES 256
#define CONTENT_MAX (16u * 1024 * 1024)
#define IMAGE_SIDE_MAX 4096u

struct rctx {
	const struct pdf_doc *d;
	struct cert_verify_result *res;
	uint32_t pages[MAX_PAGES];
	size_t npages;
	unsigned visits;	/* page tree nodes seen */
	/* the attachment found in the name tree */
	uint32_t file;		/* its /EF /F stream, 0: none */
	char file_name[256];
	unsigned names;		/* name tree entries seen */
	/* the QR codes */
	char qr_want[QR_PAYLOAD_MAX];
	int qr_ours;		/* QR codes with our prefix */
	int qr_match;
	/* other 64-hex-digit literals printed: the register entry's hash */
	char other_hex[65];
	int others;
	int sha_seen;		/* record SHA-256 printed */
	int fp_seen;		/* signer fingerprint printed */
	/* bounds on the work a hostile file can ask for */
	size_t budget;		/* content bytes still to inflate */
	unsigned images;	/* images still to scan */
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* One /Names pair: keep it if it is the first, or the first *.json. */
static void
name_entry(struct rctx *r, const struct pdf_val *key,
	   const struct pdf_val *val)
{
	struct pdf_val fs, ef, f;
	uint8_t name[sizeof(r->file_name)];
	size_t len;

	if (pdf_string_decode(r->d->p, key, name, sizeof(name) - 1, &len))
		return;
	name[len] = '\0';
	if (r->file != 0 && (ends_with(r->file_name, ".json") ||
			     !ends_with((char *)name, ".json")))
		return;
	if (pdf_resolve(r->d, val, &fs) != 0 || fs.type != PDF_DICT ||
	    pdf_get(r->d, &fs, "EF", &ef) != 0 || ef.type != PDF_DICT ||
	    pdf_dict_get(r->d->p, r->d->n, &ef, "F", &f) != 0 ||
	    f.type != PDF_REF || f.num <= 0 || f.num > UINT32_MAX)
		return;
	r->file = (uint32_t)f.num;
	memcpy(r->file_name, name, len + 1);
}

static void
name_tree(struct rctx *r, const struct pdf_val *node, int depth)
{
	struct pdf_val names, kids, key, val, kid;
	size_t pos = 0;

	if (depth > MAX_TREE_DEPTH || node->type != PDF_DICT)
		return;
	if (pdf_get(r->d, node, "Names", &names) == 0 &&
	    names.type == PDF_ARRAY) {
		while (r->names++ < MAX_NAMES &&
		       pdf_array_next(r->d->p, r->d->n, &names, &pos, &key) ==
			       0 &&
		       pdf_array_next(r->d->p, r->d->n, &names, &pos, &val) == 0)
			name_entry(r, &key, &val);
	}
	pos = 0;
	if (pdf_get(r->d, node, "Kids", &kids) != 0 || kids.type != PDF_ARRAY)
		return;
	while (r->names++ < MAX_NAMES &&
	       pdf_array_next(r->d->p, r->d->n, &kids, &pos, &kid) == 0)
		if (pdf_resolve(r->d, &kid, &kid) == 0)
			name_tree(r, &kid, depth + 1);
}

/* The JSON a document may carry (certs.h). */
static int
known_schema(const char *s)
{
	return strcmp(s, CERT_RECORD_SCHEMA) == 0 ||
	       strcmp(s, CERT_DESTRUCTION_SCHEMA) == 0 ||
	       strcmp(s, CERT_REPORT_SCHEMA) == 0 ||
	       strcmp(s, CERT_LEDGER_SCHEMA) == 0;
}

/* Is the record a record, and is it attached under its own id? */
static int
record_check(struct rctx *r)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *rec = NULL, *schema, *id;
	const char *base, *s;
	char want[64];
	int ok = 0;

	if (tok != NULL && r->res->record_len <= CERT_RECORD_MAX)
		rec = json_tokener_parse_ex(tok, r->res->record_text,
					    (int)r->res->record_len);
	if (rec != NULL && json_object_is_type(rec, json_type_object) &&
	    json_object_object_get_ex(rec, "schema", &schema) &&
	    json_object_object_get_ex(rec, "id", &id) &&
	    json_object_is_type(id, json_type_string) &&
	    (s = json_object_get_string(schema)) != NULL &&
	    known_schema(s) &&
	    json_object_get_string_len(id) == 36) {
		memcpy(r->res->record_id, json_object_get_string(id), 37);
		ok = 1;
	}
	json_object_put(rec);
	json_tokener_free(tok);
	if (!ok) {
		vfy_fail(r->res, CERT_INVALID, "the attached file is not a "
			 "wipecert record");
		return -1;
	}
	base = strrchr(r->file_name, '/');
	base = base ? base + 1 : r->file_name;
	wc_fmt(want, sizeof(want), "%s.json", r->res->record_id);
	if (strcmp(base, want) != 0) {
		vfy_fail(r->res, CERT_INVALID, "attachment '%s' is not named "
			 "after the record id", base);
		return -1;
	}
	return 0;
}

static int
find_record(struct rctx *r)
{
	struct pdf_val cat, names, ef, dict;
	uint8_t *data = NULL, md[32];
	size_t len = 0;
	int ret;

	if (pdf_resolve(r->d, &r->d->root, &cat) == 0 &&
	    cat.type == PDF_DICT && pdf_get(r->d, &cat, "Names", &names) == 0 &&
	    names.type == PDF_DICT &&
	    pdf_get(r->d, &names, "EmbeddedFiles", &ef) == 0)
		name_tree(r, &ef, 0);
	if (r->file == 0) {
		vfy_fail(r->res, CERT_INVALID, "no record is attached");
		return -1;
	}
	ret = pdf_stream_decode(r->d, r->file, CERT_RECORD_MAX, &data, &len,
				&dict);
	if (ret == -ENOMEM)
		return ret;
	if (ret != 0) {
		vfy_fail(r->res, CERT_INVALID, "the attached record cannot "
			 "be read");
		return -1;
	}
	r->res->record_text = realloc(data, len + 1);
	if (r->res->record_text == NULL) {
		free(data);
		return -ENOMEM;
	}
	r->res->record_text[len] = '\0';	/* for printing; len counts */
	r->res->record_len = len;
	wc_sha256(r->res->record_text, len, md);
	wc_hex(r->res->record_sha256, md, sizeof(md));
	return record_check(r);
}

static void
collect_pages(struct rctx *r, const struct pdf_val *ref, int depth)
{
	struct pdf_val node, type, kids, kid;
	size_t pos = 0;

	if (depth > MAX_TREE_DEPTH || ref->type != PDF_REF ||
	    r->npages >= MAX_PAGES || r->visits++ > 4 * MAX_PAGES ||
	    pdf_resolve(r->d, ref, &node) != 0 ||
	    node.type != PDF_DICT || pdf_get(r->d, &node, "Type", &type))
		return;
	if (pdf_name_is(r->d->p, &type, "Page")) {
		if (ref->num > 0 && ref->num <= UINT32_MAX)
			r->pages[r->npages++] = (uint32_t)ref->num;
		return;
	}
	if (pdf_get(r->d, &node, "Kids", &kids) != 0 ||
	    kids.type != PDF_ARRAY)
		return;
	while (r->npages < MAX_PAGES &&
	       pdf_array_next(r->d->p, r->d->n, &kids, &pos, &kid) == 0)
		collect_pages(r, &kid, depth + 1);
}

static int
is_hex64(const uint8_t *p)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * Literal strings of exactly 64 hex digits other than the record's hash,
 * the signer's fingerprint and any hash the record itself holds (the
 * tool's binary): the register entry's hash, written after the record,
 * when the certificate prints one (and only one such).
 */
static void
scan_hex_literals(struct rctx *r, const uint8_t *p, size_t n)
{
	const uint8_t *q = p, *end = p + n;

	while ((q = memchr(q, '(', (size_t)(end - q))) != NULL) {
		if (end - q < 66 || q[65] != ')' || !is_hex64(q + 1)) {
			q++;
			continue;
		}
		if (memcmp(q + 1, r->res->record_sha256, 64) != 0 &&
		    memcmp(q + 1, r->res->signer_fingerprint, 64) != 0 &&
		    memmem(r->res->record_text, r->res->record_len, q + 1,
			   64) == NULL &&
		    (r->others == 0 || memcmp(q + 1, r->other_hex, 64) != 0)) {
			memcpy(r->other_hex, q + 1, 64);
			r->other_hex[64] = '\0';
			r->others++;
		}
		q += 66;
	}
}

/*
 * Do the record's SHA-256 and the signer's fingerprint appear in one of
 * the page's content streams?
 */
static void
page_prints(struct rctx *r, uint32_t page)
{
	const char *fp = r->res->signer_fingerprint;
	struct pdf_val pg, contents, x, dict;
	uint8_t *data;
	size_t pos = 0, len;
	int one;

	if (pdf_obj(r->d, page, &pg, NULL) != 0 ||
	    pdf_dict_get(r->d->p, r->d->n, &pg, "Contents", &contents) != 0)
		return;
	one = contents.type == PDF_REF;
	if (!one && (pdf_resolve(r->d, &contents, &contents) != 0 ||
		     contents.type != PDF_ARRAY))
		return;
	while (one || pdf_array_next(r->d->p, r->d->n, &contents, &pos,
				     &x) == 0) {
		if (one)
			x = contents;
		if (x.type == PDF_REF && x.num > 0 && x.num <= UINT32_MAX &&
		    r->budget > 0 &&
		    pdf_stream_decode(r->d, (uint32_t)x.num, CONTENT_MAX,
				      &data, &len, &dict) == 0) {
			r->budget -= WC_MIN(r->budget, len + 1);
			r->sha_seen |= memmem(data, len, r->res->record_sha256,
					      64) != NULL;
			r->fp_seen |= fp[0] && memmem(data, len, fp, 64);
			scan_hex_literals(r, data, len);
			free(data);
		}
		if (one)
			break;
	}
}

static void
on_qr(const char *data, size_t len, void *arg)
{
	struct rctx *r = arg;
	size_t plen = strlen(CERT_QR_PREFIX);

	if (len < plen || memcmp(data, CERT_QR_PREFIX, plen) != 0)
		return;
	r->qr_ours++;
	if (len == strlen(r->qr_want) && memcmp(data, r->qr_want, len) == 0)
		r->qr_match++;
}

/* An image XObject in DeviceGray, 8 or 1 bits per pixel, as 8-bit gray. */
static int
gray_image(struct rctx *r, uint32_t num, uint8_t **px, unsigned *w,
	   unsigned *h)
{
	struct pdf_val dict, x;
	int64_t ww = 0, hh = 0, bpc = 0;
	uint8_t *data = NULL;
	size_t len, row, i, j;

	if (pdf_stream(r->d, num, &dict, &i, &len) != 0 ||
	    pdf_get(r->d, &dict, "Subtype", &x) != 0 ||
	    !pdf_name_is(r->d->p, &x, "Image") ||
	    pdf_get(r->d, &dict, "ColorSpace", &x) != 0 ||
	    !pdf_name_is(r->d->p, &x, "DeviceGray") ||
	    pdf_get(r->d, &dict, "Width", &x) || (ww = x.num) <= 0 ||
	    pdf_get(r->d, &dict, "Height", &x) || (hh = x.num) <= 0 ||
	    pdf_get(r->d, &dict, "BitsPerComponent", &x) ||
	    ((bpc = x.num) != 8 && bpc != 1) || ww > IMAGE_SIDE_MAX ||
	    hh > IMAGE_SIDE_MAX)
		return -ENOTSUP;
	row = bpc == 8 ? (size_t)ww : ((size_t)ww + 7) / 8;
	if (pdf_stream_decode(r->d, num, row * (size_t)hh, &data, &len,
			      &dict) != 0 || len < row * (size_t)hh) {
		free(data);
		return -EINVAL;
	}
	*px = malloc((size_t)ww * (size_t)hh);
	for (i = 0; *px != NULL && i < (size_t)hh; i++)
		for (j = 0; j < (size_t)ww; j++)
			(*px)[i * (size_t)ww + j] = bpc == 8
				? data[i * row + j]
				: (data[i * row + j / 8] >> (7 - j % 8) & 1) * 255;
	free(data);
	*w = (unsigned)ww;
	*h = (unsigned)hh;
	return *px != NULL ? 0 : -ENOMEM;
}

static void
page_qr(struct rctx *r, uint32_t page)
{
	struct pdf_val pg, res, xo, k, v;
	unsigned w, h;
	uint8_t *px;
	size_t pos = 0;

	if (pdf_obj(r->d, page, &pg, NULL) != 0 ||
	    pdf_get(r->d, &pg, "Resources", &res) != 0 ||
	    res.type != PDF_DICT || pdf_get(r->d, &res, "XObject", &xo) ||
	    xo.type != PDF_DICT)
		return;
	while (pdf_dict_next(r->d->p, r->d->n, &xo, &pos, &k, &v) == 0) {
		if (v.type != PDF_REF || v.num <= 0 || v.num > UINT32_MAX ||
		    r->images == 0 ||
		    gray_image(r, (uint32_t)v.num, &px, &w, &h) != 0)
			continue;
		r->images--;
		vfy_qr_scan(px, w, h, on_qr, r);
		free(px);
	}
}

int
vfy_record(const struct pdf_doc *d, struct cert_verify_result *res)
{
	struct pdf_val cat, pages;
	struct rctx *r;
	int ret;
	size_t i;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->d = d;
	r->res = res;
	r->budget = 4 * CONTENT_MAX;
	r->images = 32;
	ret = find_record(r);
	/* Broken already: the record is there for `cert show`, enough. */
	if (ret != 0 || res->verdict == CERT_INVALID)
		goto out;
	if (pdf_resolve(d, &d->root, &cat) == 0 && cat.type == PDF_DICT &&
	    pdf_dict_get(d->p, d->n, &cat, "Pages", &pages) == 0)
		collect_pages(r, &pages, 0);
	wc_fmt(r->qr_want, sizeof(r->qr_want), CERT_QR_PREFIX "%s %s",
	       res->record_id, res->record_sha256);
	for (i = 0; i < r->npages; i++) {
		page_prints(r, r->pages[i]);
		page_qr(r, r->pages[i]);
	}
	if (r->others == 1)
		memcpy(res->register_hash, r->other_hex, 65);
	if (!r->sha_seen)
		vfy_fail(res, CERT_INVALID, "the record's SHA-256 is not the "
			 "one printed on the certificate");
	else if (res->signer_fingerprint[0] && !r->fp_seen)
		vfy_fail(res, CERT_INVALID, "the signer is not the one the "
			 "certificate names (fingerprint not printed)");
	else if (r->qr_ours == 0)
		vfy_fail(res, CERT_INVALID, "no readable QR code");
	else if (r->qr_match != r->qr_ours)
		vfy_fail(res, CERT_INVALID, "the QR code does not match the "
			 "record");
out:
	free(r);
	return ret < 0 && ret != -1 ? ret : 0;
}
