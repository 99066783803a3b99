/*
 * pdfreport.c - what the 返還・処分完了報告書 (第22条) says, from its
 * wipecert.report/1 JSON (built from the register by register/report.c):
 * the media that still need attention first, in a heavy frame; counts;
 * the contract; every medium with its disposal and certificate; the
 * register head it was made from.  pdf.c lays it out like a
 * certificate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdfmodel.h"

#define CW CERT_CONTENT_W

static const struct cert_col attention_cols[] = {
	{ 72, "管理番号", "Property No.", 0 },
	{ 160, "媒体", "Media", 0 },
	{ 150, "状況", "Status", 0 },
	{ CW - 382, "備考", "Notes", 0 },
};

static const struct cert_col media_cols[] = {
	{ 20, "No.", NULL, 0 },
	{ 62, "管理番号", "Property No.", 0 },
	{ 110, "媒体", "Media", 0 },
	{ 100, "処分の方法・日時", "Disposal, date", 0 },
	{ 66, "結果", "Result", 0 },
	{ CW - 358, "証明書番号・SHA-256", "Certificate No., SHA-256", 1 },
};

/* ---- cells ------------------------------------------------------------ */

static char *
identity(struct json_object *md)
{
	static const char *const keys[] = { "type", "vendor", "model" };
	struct cert_sb sb = { 0 };
	size_t i, n = 0;

	for (i = 0; i < WC_ARRAY_SIZE(keys); i++) {
		if (cert_js(md, keys[i]) == NULL)
			continue;
		cert_sb_add(&sb, "%s", n++ ? " " : "");
		cert_sb_text(&sb, cert_js(md, keys[i]));
	}
	if (cert_js(md, "serial") != NULL) {
		cert_sb_add(&sb, "%sS/N ", n++ ? "\n" : "");
		cert_sb_text(&sb, cert_js(md, "serial"));
	}
	if (cert_js(md, "capacity") != NULL) {
		cert_sb_add(&sb, "%s", n++ ? "\n" : "");
		cert_sb_text(&sb, cert_js(md, "capacity"));
	}
	if (n == 0)
		cert_sb_add(&sb, CERT_NONE);
	return cert_sb_take(&sb);
}

static char *
disposal(struct json_object *md)
{
	struct cert_sb sb = { 0 };
	const char *t = cert_js(md, "time");

	cert_sb_or_none(&sb, cert_js(md, "method"));
	if (t != NULL) {
		cert_sb_add(&sb, "\n");
		cert_sb_date(&sb, t);
	}
	return cert_sb_take(&sb);
}

static char *
result(struct json_object *md)
{
	struct json_object *c = cert_j(md, "certificate", json_type_object);
	const char *doc = cert_js(c, "doc");
	struct cert_sb sb = { 0 };

	cert_sb_or_none(&sb, cert_js(md, "result"));
	if (doc != NULL)
		cert_sb_add(&sb, "\n%s",
			    strcmp(doc, "erasure") == 0 ? "(消去証明書)"
			    : strcmp(doc, "destruction") == 0 ? "(物理破壊証明書)"
			    : strcmp(doc, "failure") == 0 ? "(消去不能報告書)"
							  : "");
	return cert_sb_take(&sb);
}

/* Courier: ASCII only, so "-" rather than "—" when there is none. */
static char *
certificate(struct json_object *md)
{
	struct json_object *c = cert_j(md, "certificate", json_type_object);
	const char *id = cert_js(c, "id"), *sha = cert_js(c, "sha256");
	struct cert_sb sb = { 0 };
	size_t n;

	if (id == NULL || sha == NULL) {
		cert_sb_add(&sb, "-");
		return cert_sb_take(&sb);
	}
	n = strlen(sha);
	cert_sb_add(&sb, "%.40s\n%.*s %s", id, (int)(n / 2), sha,
		    sha + n / 2);
	return cert_sb_take(&sb);
}

static char *
status(struct json_object *md)
{
	struct json_object *a = cert_j(md, "attention", json_type_array);
	struct cert_sb sb = { 0 };
	struct json_object *x;
	size_t i, n = a ? json_object_array_length(a) : 0;

	for (i = 0; i < n; i++) {
		x = json_object_array_get_idx(a, i);
		if (!json_object_is_type(x, json_type_string))
			continue;
		cert_sb_add(&sb, "%s", sb.len ? "\n" : "");
		cert_sb_text(&sb, json_object_get_string(x));
	}
	if (sb.len == 0)
		cert_sb_add(&sb, CERT_NONE);
	return cert_sb_take(&sb);
}

static size_t
attention_count(struct json_object *md)
{
	struct json_object *a = cert_j(md, "attention", json_type_array);

	return a != NULL ? json_object_array_length(a) : 0;
}

/* ---- the parts ---------------------------------------------------------- */

static int
fill_media(struct cert_tab *t, struct json_object *media)
{
	struct json_object *md;
	struct cert_sb sb = { 0 };
	char **c;
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		md = json_object_array_get_idx(media, i);
		c = t->cells + i * t->ncols;
		cert_sb_add(&sb, "%zu", i + 1);
		c[0] = cert_sb_take(&sb);
		c[1] = cert_model_dup(cert_js(md, "asset_tag"), NULL);
		c[2] = identity(md);
		c[3] = disposal(md);
		c[4] = result(md);
		c[5] = certificate(md);
		if (!c[0] || !c[1] || !c[2] || !c[3] || !c[4] || !c[5])
			return -ENOMEM;
	}
	return 0;
}

static int
fill_attention(struct cert_tab *t, struct json_object *media)
{
	struct json_object *md;
	size_t i, r = 0, n = json_object_array_length(media);
	char **c;

	for (i = 0; i < n && r < t->nrows; i++) {
		md = json_object_array_get_idx(media, i);
		if (attention_count(md) == 0)
			continue;
		c = t->cells + r++ * t->ncols;
		c[0] = cert_model_dup(cert_js(md, "asset_tag"),
				      cert_js(md, "key"));
		c[1] = identity(md);
		c[2] = status(md);
		c[3] = cert_model_dup(cert_js(md, "note"), NULL);
		if (!c[0] || !c[1] || !c[2] || !c[3])
			return -ENOMEM;
	}
	return 0;
}

static uint64_t
count(struct json_object *counts, const char *key)
{
	int64_t v;

	return cert_ji(counts, key, &v) && v > 0 ? (uint64_t)v : 0;
}

static int
attention_rows(struct json_object *rec, struct cert_model *m)
{
	struct json_object *k = cert_j(rec, "counts", json_type_object);
	struct json_object *media = cert_j(rec, "media", json_type_array);
	uint64_t n = count(k, "attention");
	struct cert_sb sb = { 0 };
	struct cert_tab *t;
	int ret;

	ret = cert_model_section(m, "要対応の媒体", "Media requiring attention");
	if (ret == 0 && n == 0)
		return cert_model_text(m, "要対応", "Attention",
				       "なし（全ての媒体の処分が完了） None: "
				       "every medium is disposed of", NULL);
	cert_sb_add(&sb, "要対応 %llu件: 消去不能（未処分）%llu件、消去中断 "
			 "%llu件、未処分 %llu件、搬出中（返却未確認）%llu件。"
			 "下表の媒体は返還又は処分が完了していません。\n"
			 "%llu media are not yet returned or disposed of "
			 "(erasure failed %llu, interrupted %llu, not disposed "
			 "of %llu, taken out and not returned %llu).",
		    (unsigned long long)n,
		    (unsigned long long)count(k, "failed"),
		    (unsigned long long)count(k, "aborted"),
		    (unsigned long long)count(k, "undisposed"),
		    (unsigned long long)count(k, "out"), (unsigned long long)n,
		    (unsigned long long)count(k, "failed"),
		    (unsigned long long)count(k, "aborted"),
		    (unsigned long long)count(k, "undisposed"),
		    (unsigned long long)count(k, "out"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ALERT, "", "", &sb);
	if (ret == 0 && media != NULL)
		ret = cert_model_table(m, attention_cols,
				       WC_ARRAY_SIZE(attention_cols), n, &t);
	if (ret == 0 && media != NULL)
		ret = fill_attention(t, media);
	free(sb.p);
	return ret;
}

static int
count_row(struct cert_model *m, const char *ja, const char *en,
	  uint64_t v, uint64_t of)
{
	struct cert_sb sb = { 0 };

	cert_sb_count(&sb, v);
	cert_sb_add(&sb, " 件");
	if (of > 0)
		cert_sb_add(&sb, "（うち消去不能から物理破壊へ切替 %llu 件 "
				 "switched from a failed erasure）",
			    (unsigned long long)of);
	return cert_model_row(m, CERT_ROW_ITEM, ja, en, &sb);
}

static int
count_rows(struct json_object *rec, struct cert_model *m)
{
	struct json_object *k = cert_j(rec, "counts", json_type_object);
	int ret;

	ret = cert_model_section(m, "集計", "Summary");
	if (ret == 0)
		ret = count_row(m, "対象媒体", "Media listed",
				count(k, "media"), 0);
	if (ret == 0)
		ret = count_row(m, "消去 (正常完了)", "Erased",
				count(k, "erased"), 0);
	if (ret == 0)
		ret = count_row(m, "物理破壊 (正常完了)", "Destroyed",
				count(k, "destroyed"), count(k, "switched"));
	if (ret == 0)
		ret = count_row(m, "消去不能（未処分）", "Erasure failed",
				count(k, "failed"), 0);
	if (ret == 0)
		ret = count_row(m, "消去中断", "Erasure interrupted",
				count(k, "aborted"), 0);
	if (ret == 0)
		ret = count_row(m, "未処分", "Not disposed of",
				count(k, "undisposed"), 0);
	if (ret == 0)
		ret = count_row(m, "搬出中（返却未確認）",
				"Taken out, not returned", count(k, "out"), 0);
	return ret;
}

static int
media_rows(struct json_object *rec, struct cert_model *m)
{
	struct json_object *media = cert_j(rec, "media", json_type_array);
	struct cert_tab *t;
	int ret;

	if (media == NULL)
		return -EINVAL;
	ret = cert_model_section(m, "媒体一覧", "Every medium of the contract");
	if (ret == 0)
		ret = cert_model_table(m, media_cols, WC_ARRAY_SIZE(media_cols),
				       json_object_array_length(media), &t);
	if (ret == 0)
		ret = fill_media(t, media);
	return ret;
}

static int
register_rows(const struct cert_render_in *in, struct json_object *rec,
	      struct cert_model *m)
{
	struct json_object *r = cert_j(rec, "register", json_type_object);
	struct json_object *h = cert_j(r, "head", json_type_object);
	struct cert_sb sb = { 0 };
	int64_t seq = 0, n = 0;
	int ret;

	cert_ji(h, "seq", &seq);
	cert_ji(r, "entries", &n);
	ret = cert_model_section(m, "管理簿・電子署名", "Register and signature");
	if (ret == 0)
		ret = cert_model_mono(m, "本書の記録ID", "Report record ID",
				      m->id);
	if (ret == 0)
		ret = cert_model_mono(m, "記録のSHA-256", "SHA-256 of the record",
				      m->sha256);
	if (ret == 0)
		ret = cert_model_text(m, "管理簿", "Register file",
				      cert_js(r, "file"), NULL);
	cert_sb_add(&sb, "第%lld号まで (up to entry No. %lld, %lld entries)",
		    (long long)seq, (long long)seq, (long long)n);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "作成時点の管理簿",
				     "Register as of this report", &sb);
	if (ret == 0)
		ret = cert_model_mono(m, "最終記載のハッシュ", "Head entry hash",
				      cert_js(h, "hash"));
	if (ret == 0)
		ret = cert_model_text(m, "署名者", "Signer", in->signer_name,
				      NULL);
	if (ret == 0)
		ret = cert_model_mono(m, "署名者証明書のSHA-256",
				      "Signer certificate fingerprint",
				      in->signer_fingerprint);
	free(sb.p);
	return ret;
}

static void
titles(struct json_object *rec, struct cert_model *m)
{
	int complete = cert_jb(rec, "complete") == 1;

	m->number_label = "報告書番号 Report No. ";
	m->signer_titles[CERT_SIGN_OPERATOR] = "作成者 Prepared by";
	m->signer_titles[CERT_SIGN_WITNESS] = "確認者（区） Confirmed by";
	m->title_ja = "返還・処分完了報告書";
	m->title_en = "Report on the Return and Disposal of Information";
	m->body_ja = complete
		? "契約に係る情報の記録媒体について、情報保護に関する特記事項"
		  "第22条に基づき、下記のとおり全ての媒体の処分が完了したこと"
		  "を報告します。"
		: "契約に係る情報の記録媒体について、情報保護に関する特記事項"
		  "第22条に基づき、下記のとおり報告します。なお、「要対応の媒"
		  "体」に記載の媒体は、返還又は処分が完了していません。";
	m->body_en = complete
		? "Under Article 22 of the special provisions, we report that "
		  "every storage medium of the contract listed below has been "
		  "disposed of."
		: "Under Article 22 of the special provisions, we report on "
		  "the storage media of the contract below. The media listed "
		  "under \"Media requiring attention\" are not yet returned "
		  "or disposed of.";
}

static int
people(const struct cert_render_in *in, struct json_object *rec,
       struct cert_model *m)
{
	struct json_object *c = cert_j(rec, "contract", json_type_object);
	struct cert_sb sb = { 0 };
	int64_t seq = 0;

	m->signers[CERT_SIGN_OPERATOR] = cert_model_dup(in->signer_name,
						       in->cfg->operator_name);
	m->signers[CERT_SIGN_MANAGER] = cert_model_dup(cert_js(c, "manager"),
						      in->cfg->manager);
	m->signers[CERT_SIGN_WITNESS] = cert_model_dup(" ", NULL);
	cert_ji(cert_j(cert_j(rec, "register", json_type_object), "head",
		       json_type_object), "seq", &seq);
	cert_sb_add(&sb, "本書は添付の記録 %s.json (wipecert.report/1) に基づき、"
			 "管理簿の第%lld号までの記載から作成しました。本書の"
			 "SHA-256は管理簿の報告記載 (report) に記録されます。"
			 "\nThis report is rendered from the attached %s.json, "
			 "made from the register up to entry No. %lld; its "
			 "SHA-256 is logged in the register's report entry.",
		    m->id, (long long)seq, m->id, (long long)seq);
	m->remarks = cert_sb_take(&sb);
	return m->signers[0] && m->signers[1] && m->signers[2] && m->remarks
		       ? 0 : -ENOMEM;
}

int
cert_model_report(const struct cert_render_in *in, struct json_object *rec,
		  struct cert_model *m)
{
	int ret;

	if (cert_js(cert_j(rec, "contract", json_type_object), "number") ==
	    NULL)
		return -EINVAL;
	titles(rec, m);
	ret = cert_model_header(in, rec, m);
	if (ret == 0)
		ret = attention_rows(rec, m);
	if (ret == 0)
		ret = count_rows(rec, m);
	if (ret == 0)
		ret = cert_model_contract_rows(in->cfg, rec, m);
	if (ret == 0)
		ret = media_rows(rec, m);
	if (ret == 0)
		ret = register_rows(in, rec, m);
	if (ret == 0)
		ret = people(in, rec, m);
	return ret;
}
