/*
 * pdfdestroy.c - what a 物理破壊証明書 (Certificate of Physical
 * Destruction) says, from its wipecert.destruction/1 record
 * (pdfmodel.h); pdf.c lays it out like the erasure certificate, with
 * the photos in a grid.  The photo files must be the ones the record
 * hashed, or nothing is rendered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdfmodel.h"

static void
titles(struct cert_model *m, int switched)
{
	m->title_ja = "物理破壊証明書";
	m->title_en = "Certificate of Physical Destruction";
	if (switched) {
		m->body_ja = "下記の記録媒体は、データの消去を完了できなかった"
			     "ため物理破壊へ切り替え、物理的に破壊してデータ"
			     "を復元不可能な状態にしたことを証明します。";
		m->body_en = "We certify that the storage medium below, whose "
			     "data could not be completely erased, has been "
			     "physically destroyed so that its data cannot be "
			     "recovered.";
		return;
	}
	m->body_ja = "下記の記録媒体について、物理的に破壊し、データを復元"
		     "不可能な状態にしたことを証明します。";
	m->body_en = "We certify that the storage medium below has been "
		     "physically destroyed so that its data cannot be "
		     "recovered.";
}

static int
people_rows(const struct wc_config *cfg, struct json_object *rec,
	    struct cert_model *m)
{
	struct json_object *p = cert_j(rec, "people", json_type_object);
	struct json_object *c = cert_j(rec, "contract", json_type_object);
	struct json_object *ds = cert_j(rec, "destruction", json_type_object);
	int ret;

	ret = cert_model_section(m, "作業者", "Person performing destruction");
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
		ret = cert_model_text(m, "作業場所", "Location",
				      cert_js(ds, "place"), cfg->location);
	if (ret == 0)
		ret = cert_model_text(m, "連絡先", "Contact",
				      cfg->operator_contact, NULL);
	if (ret == 0)
		ret = cert_model_text(m, "立会者", "Witness",
				      cert_js(p, "witness"), cfg->witness);
	return ret;
}

static int
media_rows(const struct wc_config *cfg, struct json_object *rec,
	   struct cert_model *m)
{
	struct json_object *media = cert_j(rec, "media", json_type_object);
	const char *src = cert_js(media, "identity_source");
	struct cert_sb sb = { 0 };
	int ret;

	ret = cert_model_section(m, "記録媒体", "Media");
	if (ret == 0)
		ret = cert_model_media_table(media, m);
	if (ret == 0)
		ret = cert_model_text(m, "媒体の出所", "Source",
				      cfg->media_source, NULL);
	if (ret == 0)
		ret = cert_model_text(m, "機密区分", "Classification",
				      cfg->classification, NULL);
	if (src != NULL && strcmp(src, "typed") == 0) {
		cert_sb_add(&sb, "媒体のラベル等から入力 (typed in: the medium "
				 "could not be read)");
	} else {
		cert_sb_add(&sb, "媒体から読み取り read from the medium (");
		cert_sb_or_none(&sb, src);
		cert_sb_add(&sb, "), ");
		cert_sb_or_none(&sb, cert_js(media, "transport"));
		cert_sb_add(&sb, ", ");
		cert_sb_or_none(&sb, cert_js(media, "path"));
	}
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "識別情報の取得",
				     "Identity", &sb);
	free(sb.p);
	return ret;
}

static void
sb_method(struct cert_sb *sb, struct json_object *ds)
{
	const char *method = cert_js(ds, "method");
	const char *text = cert_js(ds, "method_text");
	const char *name = cert_destroy_method_text(method);

	cert_sb_or_none(sb, name != NULL ? name : method);
	if (text != NULL) {
		cert_sb_add(sb, ": ");
		cert_sb_text(sb, text);
	}
}

static int
destruction_rows(struct json_object *rec, struct cert_model *m)
{
	struct json_object *ds = cert_j(rec, "destruction", json_type_object);
	struct json_object *pr = cert_j(rec, "prior_erasure",
					json_type_object);
	struct cert_sb sb = { 0 };
	int64_t entry;
	int ret;

	ret = cert_model_section(m, "破壊の方法", "Destruction");
	cert_sb_add(&sb, "Destroy 破壊 (NIST SP 800-88): 物理破壊 physical "
			 "destruction");
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "区分", "Method type",
				     &sb);
	sb_method(&sb, ds);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "方法", "Method", &sb);
	cert_sb_time(&sb, cert_js(ds, "time"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "実施日時",
				     "Date and time", &sb);
	if (pr != NULL) {
		cert_sb_add(&sb, "物理破壊へ切替: 消去不能 (記録 ");
		cert_sb_or_none(&sb, cert_js(pr, "record_id"));
		if (cert_ji(pr, "entry", &entry))
			cert_sb_add(&sb, ", 管理簿 第%lld号", (long long)entry);
		cert_sb_add(&sb, ") switched to destruction after a failed "
				 "erasure");
		if (ret == 0)
			ret = cert_model_row(m, CERT_ROW_ITEM, "経緯",
					     "History", &sb);
	}
	if (ret == 0 && cert_js(ds, "note") != NULL)
		ret = cert_model_text(m, "備考", "Note", cert_js(ds, "note"),
				      NULL);
	free(sb.p);
	return ret;
}

/* Photo i: the file's bytes, which must hash to what the record says. */
static int
load_photo(const struct cert_render_in *in, struct json_object *ph,
	   size_t i, struct cert_model *m)
{
	const char *sha = cert_js(ph, "sha256"), *type = cert_js(ph, "type");
	struct cert_photo *p = &m->photos[i];
	struct cert_sb sb = { 0 };
	uint8_t md[32];
	char hex[65];
	int ret, kind;

	ret = wc_read_file(in->photos[i], CERT_PHOTO_MAX, &p->data, &p->len);
	if (ret != 0)
		return ret == -EFBIG ? -EINVAL : ret;
	m->nphotos = i + 1;
	wc_sha256(p->data, p->len, md);
	wc_hex(hex, md, sizeof(md));
	kind = cert_photo_sniff(p->data, p->len);
	if (sha == NULL || strcmp(sha, hex) != 0 || type == NULL ||
	    strcmp(type, kind == CERT_PHOTO_PNG ? "image/png"
		   : kind == CERT_PHOTO_JPEG ? "image/jpeg" : "-") != 0)
		return -EINVAL;
	p->png = kind == CERT_PHOTO_PNG;
	cert_sb_add(&sb, "写真%zu Photo %zu: ", i + 1, i + 1);
	cert_sb_or_none(&sb, cert_js(ph, "file"));
	p->caption = cert_sb_take(&sb);
	return p->caption != NULL ? 0 : -ENOMEM;
}

static int
photo_rows(const struct cert_render_in *in, struct json_object *rec,
	   struct cert_model *m)
{
	struct json_object *a = cert_j(rec, "photos", json_type_array);
	size_t n = a != NULL ? json_object_array_length(a) : 0, i;
	int ret = 0;

	if (n > CERT_MAX_PHOTOS || n != in->nphotos ||
	    (n > 0 && in->photos == NULL))
		return -EINVAL;
	if (n == 0)
		return 0;
	for (i = 0; i < n && ret == 0; i++)
		ret = load_photo(in, json_object_array_get_idx(a, i), i, m);
	if (ret == 0)
		ret = cert_model_section(m, "写真", "Photographs");
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_PHOTOS, "写真", "Photographs",
				     &(struct cert_sb){ 0 });
	return ret;
}

static int
remarks(struct json_object *rec, struct cert_model *m)
{
	struct cert_sb sb = { 0 };

	cert_sb_add(&sb, "本書は添付の記録 %s.json に基づき作成しました。"
			 "QRコードは記録IDと記録のSHA-256を示します。"
			 "\nThis document is rendered from the attached "
			 "record %s.json; the QR code holds the record id "
			 "and its SHA-256.", m->id, m->id);
	if (m->nphotos > 0)
		cert_sb_add(&sb, "\n写真の各ファイルのSHA-256は記録に記載して"
				 "います。 The record holds the SHA-256 of "
				 "each photo file.");
	if (cert_jb(cert_j(rec, "issued", json_type_object),
		    "clock_synchronized") == 0)
		cert_sb_add(&sb, "\n時刻はNTP未同期のシステム時計によります。"
				 " Times come from a system clock that was "
				 "not NTP-synchronised.");
	m->remarks = cert_sb_take(&sb);
	return m->remarks == NULL ? -ENOMEM : 0;
}

int
cert_model_destruction(const struct cert_render_in *in,
		       struct json_object *rec, struct cert_model *m)
{
	const struct wc_config *cfg = in->cfg;
	int ret;

	titles(m, cert_j(rec, "prior_erasure", json_type_object) != NULL);
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
		ret = destruction_rows(rec, m);
	if (ret == 0)
		ret = photo_rows(in, rec, m);
	if (ret == 0)
		ret = cert_model_signature_rows(in, m);
	if (ret == 0)
		ret = cert_model_signers(cfg, rec, m);
	if (ret == 0)
		ret = remarks(rec, m);
	return ret;
}
