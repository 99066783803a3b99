/*
 * pdfmodel.c - read the record and the configuration into the strings a
 * certificate prints (pdfmodel.h).
 *
 * The record is untrusted input: it is parsed with a depth limit, its
 * SHA-256 must be the one the caller will print, and every value is
 * type-checked, stripped of control characters and capped in length
 * before it reaches the page.  A field found in neither the record nor
 * the configuration prints as "—".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdflayout.h"
#include "certs/pdfmodel.h"

#ifndef WIPECERT_VERSION
#define WIPECERT_VERSION "0.0.0"
#endif

/* ---- strings ------------------------------------------------------- */

static void
sb_grow(struct cert_sb *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->err || b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->err = -ENOMEM;
		return;
	}
	b->p = p;
	b->cap = cap;
}

void
cert_sb_add(struct cert_sb *b, const char *fmt, ...)
{
	va_list ap, again;
	int n;

	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		b->err = -EINVAL;
	else
		sb_grow(b, (size_t)n);
	if (b->err == 0) {
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
	va_end(ap);
}

void
cert_sb_text(struct cert_sb *b, const char *s)
{
	size_t n = strlen(s), i = 0, k, start = b->len;
	uint32_t cp;

	sb_grow(b, WC_MIN(n, (size_t)CERT_VALUE_MAX) + 4);
	if (!b->err)
		b->p[b->len] = '\0';	/* s may be empty */
	while (!b->err && i < n) {
		if (b->len - start >= CERT_VALUE_MAX - 4) {
			cert_sb_add(b, "…");
			break;
		}
		k = cert_utf8_next(s + i, n - i, &cp);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			cert_sb_add(b, " ");
		else if (cp == 0xFFFD && k == 1)
			cert_sb_add(b, "?");
		else if (cp > 0xFFFF)
			cert_sb_add(b, "〓");	/* libharu: BMP only */
		else
			cert_sb_add(b, "%.*s", (int)k, s + i);
		i += k;
	}
}

void
cert_sb_or_none(struct cert_sb *b, const char *s)
{
	if (s == NULL || *s == '\0')
		cert_sb_add(b, CERT_NONE);
	else
		cert_sb_text(b, s);
}

void
cert_sb_count(struct cert_sb *b, uint64_t v)
{
	char digits[32];
	size_t n, i;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu",
			     (unsigned long long)v);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			cert_sb_add(b, ",");
		cert_sb_add(b, "%c", digits[i]);
	}
}

/* ---- the record ---------------------------------------------------- */

struct json_object *
cert_j(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

const char *
cert_js(struct json_object *o, const char *key)
{
	struct json_object *v = cert_j(o, key, json_type_string);
	const char *s = v != NULL ? json_object_get_string(v) : NULL;

	return s != NULL && *s != '\0' ? s : NULL;
}

int
cert_ji(struct json_object *o, const char *key, int64_t *v)
{
	struct json_object *x = cert_j(o, key, json_type_int);

	*v = x != NULL ? json_object_get_int64(x) : 0;
	return x != NULL;
}

int
cert_jb(struct json_object *o, const char *key)
{
	struct json_object *x = cert_j(o, key, json_type_boolean);

	return x == NULL ? -1 : json_object_get_boolean(x) ? 1 : 0;
}

static int
parse_record(const char *text, size_t len, struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *rec;
	size_t end;
	int ret = 0;

	*out = NULL;
	if (text == NULL || len == 0 || len > CERT_RECORD_MAX ||
	    memchr(text, '\0', len) != NULL)
		return -EINVAL;
	tok = json_tokener_new_ex(32);
	if (tok == NULL)
		return -ENOMEM;
	rec = json_tokener_parse_ex(tok, text, (int)len);
	if (rec == NULL || json_tokener_get_error(tok) != json_tokener_success)
		ret = -EINVAL;
	for (end = json_tokener_get_parse_end(tok); ret == 0 && end < len;
	     end++)
		if (strchr(" \t\r\n", text[end]) == NULL)
			ret = -EINVAL;
	json_tokener_free(tok);
	if (ret != 0 || !json_object_is_type(rec, json_type_object)) {
		json_object_put(rec);
		return -EINVAL;
	}
	*out = rec;
	return 0;
}

static int
is_uuid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (strchr("0123456789abcdef", s[i]) == NULL ||
			   s[i] == '\0') {
			return 0;
		}
	}
	return 1;
}

/* The schema of each kind of document and the result it requires. */
static const struct {
	const char *schema;
	const char *result;		/* NULL: any */
} doc_kinds[] = {
	[CERT_DOC_ERASURE] = { CERT_RECORD_SCHEMA, "pass" },
	[CERT_DOC_FAILURE] = { CERT_RECORD_SCHEMA, "fail" },
	[CERT_DOC_DESTRUCTION] = { CERT_DESTRUCTION_SCHEMA, "destroyed" },
	[CERT_DOC_REPORT] = { CERT_REPORT_SCHEMA, NULL },
	[CERT_DOC_LEDGER] = { CERT_LEDGER_SCHEMA, NULL },
};

/* The record's schema, id, result for this kind, and SHA-256. */
static int
check_record(const struct cert_render_in *in, struct json_object *rec,
	     struct cert_model *m)
{
	const char *schema = cert_js(rec, "schema");
	const char *id = cert_js(rec, "id"), *result = cert_js(rec, "result");
	const char *want;
	uint8_t sum[32];

	if ((unsigned)in->kind >= WC_ARRAY_SIZE(doc_kinds))
		return -EINVAL;
	want = doc_kinds[in->kind].result;
	if (schema == NULL || strcmp(schema, doc_kinds[in->kind].schema) ||
	    !is_uuid(id) ||
	    (want != NULL && (result == NULL || strcmp(result, want) != 0)))
		return -EINVAL;
	wc_sha256(in->record_text, in->record_len, sum);
	wc_hex(m->sha256, sum, sizeof(sum));
	if (in->record_sha256 == NULL ||
	    strcmp(in->record_sha256, m->sha256) != 0)
		return -EINVAL;
	memcpy(m->id, id, sizeof(m->id));
	return 0;
}

/* ---- rows ---------------------------------------------------------- */

char *
cert_sb_take(struct cert_sb *b)
{
	char *p;

	if (b->err == 0 && b->p == NULL)
		cert_sb_add(b, "%s", "");
	if (b->err) {
		free(b->p);
		memset(b, 0, sizeof(*b));
		return NULL;
	}
	p = b->p;
	memset(b, 0, sizeof(*b));
	return p;
}

int
cert_model_row(struct cert_model *m, enum cert_row_kind kind, const char *ja,
	       const char *en, struct cert_sb *b)
{
	struct cert_row *r;

	if (m->nrows >= CERT_MAX_ROWS) {
		if (b != NULL)
			free(cert_sb_take(b));
		return -ENOMEM;
	}
	r = &m->rows[m->nrows];
	r->kind = kind;
	r->ja = ja;
	r->en = en;
	r->value = NULL;
	r->table = 0;
	if (kind != CERT_ROW_SECTION && (r->value = cert_sb_take(b)) == NULL)
		return -ENOMEM;
	m->nrows++;
	return 0;
}

int
cert_model_section(struct cert_model *m, const char *ja, const char *en)
{
	return cert_model_row(m, CERT_ROW_SECTION, ja, en, NULL);
}

/* A row of one text field: the first of a and b that is set, else —. */
int
cert_model_text(struct cert_model *m, const char *ja, const char *en,
		const char *a, const char *b)
{
	struct cert_sb sb = { 0 };

	cert_sb_or_none(&sb, a != NULL && *a != '\0' ? a : b);
	return cert_model_row(m, CERT_ROW_ITEM, ja, en, &sb);
}

/* A hex value (or a UUID) in Courier, anything else as text. */
int
cert_model_mono(struct cert_model *m, const char *ja, const char *en,
		const char *value)
{
	size_t n = value != NULL ? strlen(value) : 0;
	int ret;

	ret = cert_model_text(m, ja, en, value, NULL);
	if (ret == 0 && n > 0 && n <= 64 &&
	    strspn(value, "0123456789abcdefABCDEF-") == n)
		m->rows[m->nrows - 1].kind = CERT_ROW_MONO;
	return ret;
}

char *
cert_model_dup(const char *a, const char *b)
{
	struct cert_sb sb = { 0 };

	cert_sb_or_none(&sb, a != NULL && *a != '\0' ? a : b);
	return cert_sb_take(&sb);
}

static char *
labelled(const char *label, const char *value)
{
	struct cert_sb sb = { 0 };

	cert_sb_add(&sb, "%s", label);
	cert_sb_or_none(&sb, value);
	return cert_sb_take(&sb);
}

/* ---- the parts of the document ------------------------------------- */

static int
issue_date(const struct cert_render_in *in, struct json_object *rec,
	   struct cert_model *m)
{
	const char *t = cert_js(cert_j(rec, "issued", json_type_object),
				"time");
	struct cert_date d;
	int off = CERT_OFF_JST;

	if (t != NULL && cert_time_parse(t, &d) == 0)
		off = d.off_min;
	if (in->issued > 0 && cert_time_from_unix(in->issued, off, &d) != 0)
		return -EINVAL;
	if (in->issued <= 0 && (t == NULL || cert_time_parse(t, &d) != 0))
		return -EINVAL;
	return cert_wareki(m->issue_date, sizeof(m->issue_date), &d);
}

int
cert_model_header(const struct cert_render_in *in, struct json_object *rec,
		  struct cert_model *m)
{
	const struct wc_config *cfg = in->cfg;
	struct json_object *c = cert_j(rec, "contract", json_type_object);
	char buf[1200];
	int ret;

	ret = cert_addressee(buf, sizeof(buf), cfg->addressee,
			     cfg->department != NULL
				     ? cfg->department
				     : cert_js(c, "department"));
	if (ret != 0)
		return ret;
	m->addressee = cert_model_dup(buf, NULL);
	m->issuer_address = labelled("住所 ", cfg->contractor_address);
	m->issuer_company = cert_model_dup(cert_js(c, "contractor"),
					   cfg->contractor);
	m->issuer_representative =
		labelled("代表者 ", cfg->contractor_representative);
	m->footer = cert_model_dup("wipecert " WIPECERT_VERSION, NULL);
	if (m->addressee == NULL || m->issuer_address == NULL ||
	    m->issuer_company == NULL || m->issuer_representative == NULL ||
	    m->footer == NULL)
		return -ENOMEM;
	return issue_date(in, rec, m);
}

int
cert_model_record_rows(struct json_object *rec, struct cert_model *m)
{
	struct json_object *is = cert_j(rec, "issued", json_type_object);
	struct cert_sb sb = { 0 };
	int ret, sync = cert_jb(is, "clock_synchronized");

	ret = cert_model_section(m, "証明対象の記録", "Record certified");
	if (ret == 0)
		ret = cert_model_mono(m, "記録ID", "Record ID", m->id);
	if (ret == 0)
		ret = cert_model_mono(m, "記録のSHA-256", "SHA-256 of the record",
				      m->sha256);
	cert_sb_time(&sb, cert_js(is, "time"));
	cert_sb_add(&sb, "\n時刻源 time source: ");
	cert_sb_or_none(&sb, cert_js(is, "time_source"));
	cert_sb_add(&sb, "%s", sync == 1   ? " (NTP同期 synchronised)"
			       : sync == 0 ? " (NTP未同期 not synchronised)"
					   : "");
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "記録の作成日時",
				     "Record issued", &sb);
	free(sb.p);
	return ret;
}

int
cert_model_contract_rows(const struct wc_config *cfg,
			 struct json_object *rec, struct cert_model *m)
{
	struct json_object *c = cert_j(rec, "contract", json_type_object);
	struct cert_sb sb = { 0 };
	int ret;

	ret = cert_model_section(m, "契約", "Contract");
	if (ret == 0)
		ret = cert_model_text(m, "契約番号", "Contract number",
				      cert_js(c, "number"), cfg->contract);
	cert_sb_add(&sb, "情報保護に関する特記事項 第18条⑺ 及び 第22条\n"
			 "Special provisions on information protection, "
			 "Article 18 (7) and Article 22");
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "根拠条項",
				     "Contract provisions", &sb);
	if (ret == 0)
		ret = cert_model_text(m, "所管課", "Ward department",
				      cert_js(c, "department"),
				      cfg->department);
	if (ret == 0)
		ret = cert_model_text(m, "受託者", "Contractor",
				      cert_js(c, "contractor"),
				      cfg->contractor);
	if (ret == 0)
		ret = cert_model_text(m, "管理責任者", "Responsible manager",
				      cert_js(c, "manager"), cfg->manager);
	free(sb.p);
	return ret;
}

static int
people_rows(const struct wc_config *cfg, struct json_object *rec,
	    struct cert_model *m)
{
	struct json_object *p = cert_j(rec, "people", json_type_object);
	struct json_object *c = cert_j(rec, "contract", json_type_object);
	int ret;

	ret = cert_model_section(m, "作業者", "Person performing sanitization");
	if (ret == 0)
		ret = cert_model_text(m, "氏名", "Name", cert_js(p, "operator"),
				      cfg->operator_name);
	if (ret == 0)
		ret = cert_model_text(m, "役職", "Title", cfg->operator_title,
				      NULL);
	if (ret == 0)
		ret = cert_model_text(m, "所属", "Organisation",
				      cert_js(c, "contractor"),
				      cfg->contractor);
	if (ret == 0)
		ret = cert_model_text(m, "作業場所", "Location", cfg->location,
				      NULL);
	if (ret == 0)
		ret = cert_model_text(m, "連絡先", "Contact",
				      cfg->operator_contact, NULL);
	if (ret == 0)
		ret = cert_model_text(m, "立会者", "Witness",
				      cert_js(p, "witness"), cfg->witness);
	if (ret == 0)
		ret = cert_model_text(m, "検証確認者", "Verified by",
				      cert_js(p, "verifier"), cfg->verifier);
	return ret;
}

const char *
cert_media_type_name(const char *t)
{
	static const char *const names[][2] = {
		{ "hdd", "ハードディスク (HDD)" },
		{ "ssd", "SSD" },
		{ "nvme-ssd", "NVMe SSD" },
		{ "usb-flash", "USBメモリ (USB flash)" },
		{ "sd-mmc", "SDカード等 (SD/MMC)" },
		{ "loop-device", "ループデバイス (loop device)" },
		{ "image-file", "イメージファイル (image file)" },
		{ "unknown", "不明 (unknown)" },
	};
	size_t i;

	for (i = 0; t != NULL && i < WC_ARRAY_SIZE(names); i++)
		if (strcmp(t, names[i][0]) == 0)
			return names[i][1];
	return t;
}

/* "500.1 GB": drives are sold in decimal units (rounded down). */
static void
sb_decimal_size(struct cert_sb *b, uint64_t n)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB",
					     "PB" };
	uint64_t scale = 1;
	size_t u = 0;

	while (u + 1 < WC_ARRAY_SIZE(units) && n / scale >= 1000) {
		scale *= 1000;
		u++;
	}
	if (u == 0)
		cert_sb_add(b, "%llu B", (unsigned long long)n);
	else
		cert_sb_add(b, "%llu.%llu %s", (unsigned long long)(n / scale),
			    (unsigned long long)(n % scale / (scale / 10)),
			    units[u]);
}

int
cert_model_media_table(struct json_object *media, struct cert_model *m)
{
	struct cert_sb sb = { 0 };
	int64_t size;
	char human[32];
	size_t i;

	m->media[CERT_MEDIA_TAG] = cert_model_dup(cert_js(media, "asset_tag"),
						  NULL);
	m->media[CERT_MEDIA_TYPE] =
		cert_model_dup(cert_media_type_name(cert_js(media, "type")),
			       NULL);
	m->media[CERT_MEDIA_MAKE] = cert_model_dup(cert_js(media, "vendor"),
						   NULL);
	m->media[CERT_MEDIA_MODEL] = cert_model_dup(cert_js(media, "model"),
						    NULL);
	m->media[CERT_MEDIA_SERIAL] = cert_model_dup(cert_js(media, "serial"),
						     NULL);
	if (cert_ji(media, "size_bytes", &size) && size >= 0) {
		sb_decimal_size(&sb, (uint64_t)size);
		wc_human_bytes(human, sizeof(human), (uint64_t)size);
		cert_sb_add(&sb, "\n(%s)", human);
	} else if (cert_js(media, "capacity") != NULL) {
		cert_sb_text(&sb, cert_js(media, "capacity"));	/* typed */
	} else {
		cert_sb_add(&sb, CERT_NONE);
	}
	m->media[CERT_MEDIA_SIZE] = cert_sb_take(&sb);
	for (i = 0; i < CERT_MEDIA_COLS; i++)
		if (m->media[i] == NULL)
			return -ENOMEM;
	return cert_model_row(m, CERT_ROW_MEDIA, "記録媒体", "Media", &sb);
}

static void
sb_geometry(struct cert_sb *sb, struct json_object *media)
{
	int64_t size, ls, ps;
	int rot = cert_jb(media, "rotational");

	if (cert_ji(media, "size_bytes", &size) && size >= 0) {
		cert_sb_count(sb, (uint64_t)size);
		cert_sb_add(sb, " バイト (bytes)");
	} else {
		cert_sb_add(sb, CERT_NONE);
	}
	if (cert_ji(media, "logical_sector_size", &ls) &&
	    cert_ji(media, "physical_sector_size", &ps))
		cert_sb_add(sb, "; セクタ sector: 論理 logical %lld B / "
				"物理 physical %lld B",
			    (long long)ls, (long long)ps);
	if (rot >= 0)
		cert_sb_add(sb, "; %s", rot ? "回転型 rotational"
					    : "非回転型 non-rotational");
}

static int
media_rows(const struct wc_config *cfg, struct json_object *rec,
	   struct cert_model *m)
{
	struct json_object *media = cert_j(rec, "media", json_type_object);
	struct cert_sb sb = { 0 };
	int ret;

	ret = cert_model_section(m, "記録媒体", "Media");
	if (ret == 0)
		ret = cert_model_media_table(media, m);
	if (ret == 0)
		ret = cert_model_text(m, "媒体の出所", "Source", cfg->media_source,
				      NULL);
	if (ret == 0)
		ret = cert_model_text(m, "機密区分", "Classification",
				      cfg->classification, NULL);
	cert_sb_or_none(&sb, cert_js(media, "transport"));
	cert_sb_add(&sb, ", ");
	cert_sb_or_none(&sb, cert_js(media, "path"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "接続方式・パス",
				     "Transport, path", &sb);
	cert_sb_or_none(&sb, cert_js(media, "firmware"));
	cert_sb_add(&sb, " / WWN ");
	cert_sb_or_none(&sb, cert_js(media, "wwn"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "ファームウェア・WWN",
				     "Firmware, WWN", &sb);
	sb_geometry(&sb, media);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "容量・セクタ長",
				     "Capacity, sector sizes", &sb);
	cert_sb_hidden(&sb, cert_j(media, "hidden_areas", json_type_object));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "隠し領域 (HPA/DCO)",
				     "Hidden areas", &sb);
	cert_sb_security(&sb, cert_j(media, "security", json_type_object));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "ATAセキュリティ状態",
				     "ATA security state", &sb);
	cert_sb_contents(&sb, cert_j(media, "contents_before",
				      json_type_object));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "消去前の内容",
				     "Contents before (libblkid)", &sb);
	free(sb.p);
	return ret;
}

int
cert_model_signature_rows(const struct cert_render_in *in,
			  struct cert_model *m)
{
	struct cert_sb sb = { 0 };
	int ret;

	ret = cert_model_section(m, "電子署名・管理簿", "Signature and register");
	if (ret == 0)
		ret = cert_model_text(m, "署名者", "Signer", in->signer_name,
				      NULL);
	if (ret == 0)
		ret = cert_model_mono(m, "署名者証明書のSHA-256",
				      "Signer certificate fingerprint",
				      in->signer_fingerprint);
	if (in->register_seq >= 0)
		cert_sb_add(&sb, "第%lld号 (entry No. %lld)",
			    (long long)in->register_seq,
			    (long long)in->register_seq);
	else
		cert_sb_add(&sb, CERT_NONE);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "管理簿の記載番号",
				     "Register entry", &sb);
	if (ret == 0)
		ret = cert_model_mono(m, "管理簿の記載ハッシュ", "Register entry hash",
			       in->register_seq >= 0 ? in->register_hash
						     : NULL);
	free(sb.p);
	return ret;
}

int
cert_model_signers(const struct wc_config *cfg, struct json_object *rec,
		   struct cert_model *m)
{
	struct json_object *p = cert_j(rec, "people", json_type_object);
	struct json_object *c = cert_j(rec, "contract", json_type_object);

	m->signers[CERT_SIGN_OPERATOR] =
		cert_model_dup(cert_js(p, "operator"), cfg->operator_name);
	m->signers[CERT_SIGN_MANAGER] =
		cert_model_dup(cert_js(c, "manager"), cfg->manager);
	m->signers[CERT_SIGN_WITNESS] =
		cert_model_dup(cert_js(p, "witness"), cfg->witness);
	if (m->signers[0] == NULL || m->signers[1] == NULL ||
	    m->signers[2] == NULL)
		return -ENOMEM;
	return 0;
}

static int
remarks(struct json_object *rec, struct cert_model *m)
{
	struct json_object *t = cert_j(rec, "technique", json_type_object);
	struct json_object *v = cert_j(rec, "verification", json_type_object);
	const char *io = cert_js(t, "io_mode"), *mode = cert_js(v, "mode");
	struct cert_sb sb = { 0 };

	cert_sb_add(&sb, "本書は添付の記録 %s.json に基づき作成しました。"
			 "QRコードは記録IDと記録のSHA-256を示します。"
			 "\nThis document is rendered from the attached "
			 "record %s.json; the QR code holds the record id "
			 "and its SHA-256.", m->id, m->id);
	if (m->kind == CERT_DOC_FAILURE)
		cert_sb_add(&sb, "\n本媒体にはデータ消去証明書を発行しません。"
				 " No certificate of erasure is issued for "
				 "this medium.");
	if (cert_jb(cert_j(rec, "issued", json_type_object),
		    "clock_synchronized") == 0)
		cert_sb_add(&sb, "\n時刻はNTP未同期のシステム時計によります。"
				 " Times come from a system clock that was "
				 "not NTP-synchronised.");
	if (cert_jb(t, "destroy_recommended") == 1)
		cert_sb_add(&sb, "\nフラッシュメディアのため物理破壊を推奨します"
				 "。 Flash media: physical destruction is "
				 "recommended.");
	if (io != NULL && strcmp(io, "buffered") == 0)
		cert_sb_add(&sb, "\nページキャッシュ経由で書き込み、fdatasyncで"
				 "確定しました。 Written through the page "
				 "cache and flushed with fdatasync.");
	if (mode != NULL && strcmp(mode, "none") == 0)
		cert_sb_add(&sb, "\n読み戻しによる検証は行っていません。 "
				 "No read-back verification was done.");
	m->remarks = cert_sb_take(&sb);
	return m->remarks == NULL ? -ENOMEM : 0;
}

static void
titles(struct cert_model *m)
{
	if (m->kind == CERT_DOC_ERASURE) {
		m->title_ja = "データ消去証明書";
		m->title_en = "Certificate of Data Erasure";
		m->body_ja = "下記の記録媒体について、データを復元不可能な状態"
			     "に消去したことを証明します。";
		m->body_en = "We certify that the data on the storage medium "
			     "below has been erased so that it cannot be "
			     "recovered.";
		return;
	}
	m->title_ja = "消去不能報告書";
	m->title_en = "Erasure Failure Report";
	m->body_ja = "下記の記録媒体について、データの消去を完了できなかった"
		     "ことを報告します。当該媒体は物理的破壊による処分を推奨"
		     "します。";
	m->body_en = "We report that the data on the storage medium below "
		     "could not be completely erased. We recommend that the "
		     "medium be disposed of by physical destruction.";
}

static int
build(const struct cert_render_in *in, struct json_object *rec,
      struct cert_model *m)
{
	const struct wc_config *cfg = in->cfg;
	int ret;

	titles(m);
	ret = cert_model_header(in, rec, m);
	if (ret == 0)
		ret = cert_model_record_rows(rec, m);
	if (ret == 0)
		ret = cert_model_contract_rows(cfg, rec, m);
	if (ret == 0)
		ret = people_rows(cfg, rec, m);
	if (ret == 0)
		ret = media_rows(cfg, rec, m);
	if (ret == 0)
		ret = cert_model_technique(m, rec, cfg);
	if (ret == 0 && m->kind == CERT_DOC_FAILURE)
		ret = cert_model_failure(m, rec);
	if (ret == 0)
		ret = cert_model_signature_rows(in, m);
	if (ret == 0)
		ret = cert_model_signers(cfg, rec, m);
	if (ret == 0)
		ret = remarks(rec, m);
	return ret;
}

int
cert_model_parse(const struct cert_render_in *in, struct cert_model *m,
		 struct json_object **rec)
{
	int ret;

	memset(m, 0, sizeof(*m));
	*rec = NULL;
	if (in == NULL)
		return -EINVAL;
	m->kind = in->kind;
	ret = parse_record(in->record_text, in->record_len, rec);
	if (ret == 0)
		ret = check_record(in, *rec, m);
	return ret;
}

int
cert_model_build(const struct cert_render_in *in, struct cert_model *m)
{
	struct json_object *rec = NULL;
	struct wc_config empty;
	struct cert_render_in copy;
	int ret;

	memset(m, 0, sizeof(*m));
	if (in == NULL)
		return -EINVAL;
	copy = *in;
	if (copy.cfg == NULL) {
		wc_config_init(&empty);
		copy.cfg = &empty;
	}
	ret = cert_model_parse(&copy, m, &rec);
	if (ret == 0 && in->kind == CERT_DOC_DESTRUCTION)
		ret = cert_model_destruction(&copy, rec, m);
	else if (ret == 0 && in->kind == CERT_DOC_REPORT)
		ret = cert_model_report(&copy, rec, m);
	else if (ret == 0 && in->kind == CERT_DOC_LEDGER)
		ret = -EINVAL;	/* cert_ledger_render() */
	else if (ret == 0)
		ret = build(&copy, rec, m);
	json_object_put(rec);
	return ret;
}

int
cert_model_table(struct cert_model *m, const struct cert_col *cols,
		 size_t ncols, size_t nrows, struct cert_tab **tab)
{
	struct cert_tab *t;
	int ret;

	*tab = NULL;
	if (m->ntables >= CERT_MAX_TABLES)
		return -E2BIG;
	t = &m->tables[m->ntables];
	t->cells = calloc(nrows * ncols + 1, sizeof(char *));
	if (t->cells == NULL)
		return -ENOMEM;
	t->cols = cols;
	t->ncols = ncols;
	t->nrows = nrows;
	ret = cert_model_row(m, CERT_ROW_TABLE, "", "", &(struct cert_sb){ 0 });
	if (ret != 0) {
		free(t->cells);
		memset(t, 0, sizeof(*t));
		return ret;
	}
	m->rows[m->nrows - 1].table = m->ntables++;
	*tab = t;
	return 0;
}

void
cert_model_release(struct cert_model *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrows; i++)
		free(m->rows[i].value);
	for (i = 0; i < CERT_MEDIA_COLS; i++)
		free(m->media[i]);
	for (i = 0; i < CERT_SIGN_BOXES; i++)
		free(m->signers[i]);
	free(m->addressee);
	free(m->issuer_address);
	free(m->issuer_company);
	free(m->issuer_representative);
	free(m->remarks);
	free(m->footer);
	for (i = 0; i < m->ntables; i++) {
		for (j = 0; j < m->tables[i].nrows * m->tables[i].ncols; j++)
			free(m->tables[i].cells[j]);
		free(m->tables[i].cells);
	}
	for (i = 0; i < m->nphotos; i++) {
		free(m->photos[i].data);
		free(m->photos[i].caption);
	}
	memset(m, 0, sizeof(*m));
}
