/*
 * pdffields.c - the sanitization and failure rows of a certificate:
 * method, parameters, verification, and what failed (pdfmodel.h).
 *
 * Terms follow DESIGN §7: Clear (消去) / Purge (除去) / Destroy (破壊);
 * 上書き消去, 暗号化消去, ブロック消去, ATAセキュアイレース.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdflayout.h"
#include "certs/pdfmodel.h"

#define LIST_MAX 8		/* ranges, items or errors printed per list */
#define PASSES_MAX 40

/* The date and clock of s; 1 when s was a time, 0 when printed as is. */
static int
sb_date(struct cert_sb *b, const char *s)
{
	struct cert_date d;
	char date[96], clock[48];

	if (s == NULL || cert_time_parse(s, &d) != 0 ||
	    cert_wareki(date, sizeof(date), &d) != 0 ||
	    cert_clock(clock, sizeof(clock), &d) != 0) {
		cert_sb_or_none(b, s);
		return 0;
	}
	cert_sb_add(b, "%s %s", date, clock);
	return 1;
}

void
cert_sb_date(struct cert_sb *b, const char *s)
{
	(void)sb_date(b, s);
}

void
cert_sb_time(struct cert_sb *b, const char *s)
{
	if (!sb_date(b, s))
		return;
	cert_sb_add(b, " [");
	cert_sb_text(b, s);
	cert_sb_add(b, "]");
}

/* ---- method -------------------------------------------------------- */

static const char *
category(const char *c)
{
	if (c == NULL)
		return NULL;
	if (strcmp(c, "Clear") == 0)
		return "消去 (Clear)";
	if (strcmp(c, "Purge") == 0)
		return "除去 (Purge)";
	if (strcmp(c, "Destroy") == 0)
		return "破壊 (Destroy)";
	return c;
}

static const char *
method_kind(const char *m)
{
	static const char *const overwrite[] = {
		"zero", "one", "random", "dod-3pass", "dod-7pass",
		"gutmann", "usb-2pass",
	};
	size_t i;

	if (m == NULL)
		return "—";
	for (i = 0; i < WC_ARRAY_SIZE(overwrite); i++)
		if (strcmp(m, overwrite[i]) == 0)
			return "上書き消去 (overwrite)";
	if (strstr(m, "crypto") != NULL)
		return "暗号化消去 (cryptographic erase)";
	if (strstr(m, "block") != NULL)
		return "ブロック消去 (block erase)";
	if (strcmp(m, "ata-secure-erase") == 0)
		return "ATAセキュアイレース (ATA Security Erase)";
	if (strcmp(m, "ata-enhanced-erase") == 0)
		return "ATAセキュアイレース・拡張 (ATA Enhanced Security Erase)";
	if (strstr(m, "overwrite") != NULL)
		return "上書き消去・ファームウェア (sanitize overwrite)";
	if (strcmp(m, "nvme-format-user") == 0)
		return "フォーマット消去 (NVMe Format, user data erase)";
	return "その他 (other)";
}

static void
sb_pattern(struct cert_sb *b, const char *p)
{
	if (p == NULL)
		cert_sb_add(b, CERT_NONE);
	else if (strcmp(p, "zero") == 0)
		cert_sb_add(b, "0x00");
	else if (strcmp(p, "one") == 0)
		cert_sb_add(b, "0xFF");
	else if (strncmp(p, "bytes:", 6) == 0 && strlen(p) <= 12)
		cert_sb_add(b, "0x%s", p + 6);
	else if (strcmp(p, "random") == 0)
		cert_sb_add(b, "乱数 random (AES-128-CTR)");
	else if (strcmp(p, "random-complement") == 0)
		cert_sb_add(b, "乱数の反転 random complement");
	else
		cert_sb_text(b, p);
}

static void
sb_passes(struct cert_sb *b, struct json_object *t)
{
	struct json_object *passes = cert_j(t, "passes", json_type_array);
	const char *seed, *last_seed = NULL, *io = cert_js(t, "io_mode");
	size_t n = passes != NULL ? json_object_array_length(passes) : 0, i;
	int64_t planned;

	if (n == 0 && cert_ji(t, "passes_planned", &planned) && planned == 0) {
		cert_sb_add(b, "上書きパスなし (no overwrite pass)");
		return;
	}
	cert_sb_add(b, "%zu回 (%zu pass%s)", n, n, n == 1 ? "" : "es");
	if (cert_ji(t, "passes_planned", &planned) && planned != (int64_t)n)
		cert_sb_add(b, " / 計画 planned %lld", (long long)planned);
	for (i = 0; i < n && i < PASSES_MAX; i++) {
		struct json_object *p = json_object_array_get_idx(passes, i);

		cert_sb_add(b, "%s#%zu ", i == 0 ? "\n" : ", ", i + 1);
		sb_pattern(b, cert_js(p, "pattern"));
		seed = cert_js(p, "seed");
		if (seed != NULL &&
		    (last_seed == NULL || strcmp(seed, last_seed) != 0)) {
			cert_sb_add(b, " シード seed ");
			cert_sb_text(b, seed);
			last_seed = seed;
		}
	}
	if (n > PASSES_MAX)
		cert_sb_add(b, " …");
	cert_sb_add(b, "\n書込み I/O: %s",
		    io == NULL ? CERT_NONE
		    : strcmp(io, "direct") == 0
			    ? "O_DIRECT"
			    : "バッファ経由 buffered + fdatasync");
}

static int
method_rows(struct cert_model *m, struct json_object *t)
{
	struct cert_sb sb = { 0 };
	int ret;

	cert_sb_or_none(&sb, category(cert_js(t, "nist_category")));
	cert_sb_add(&sb, " — NIST SP 800-88");
	ret = cert_model_row(m, CERT_ROW_ITEM, "消去区分", "Method type", &sb);
	cert_sb_add(&sb, "%s: ", method_kind(cert_js(t, "method")));
	cert_sb_or_none(&sb, cert_js(t, "method"));
	cert_sb_add(&sb, "\n");
	cert_sb_or_none(&sb, cert_js(t, "standard"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "消去方法", "Method",
				     &sb);
	cert_sb_add(&sb, "指定 requested: ");
	cert_sb_or_none(&sb, cert_js(t, "requested_method"));
	cert_sb_add(&sb, "\n");
	cert_sb_or_none(&sb, cert_js(t, "reason"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "選択理由", "Reason",
				     &sb);
	sb_passes(&sb, t);
	if (cert_js(t, "scope") != NULL) {
		cert_sb_add(&sb, "\n対象範囲 scope: ");
		cert_sb_text(&sb, cert_js(t, "scope"));
	}
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "パラメータ",
				     "Parameters", &sb);
	if (ret == 0 && cert_j(t, "firmware", json_type_object) != NULL) {
		cert_sb_firmware(&sb, cert_j(t, "firmware", json_type_object));
		ret = cert_model_row(m, CERT_ROW_ITEM, "ファームウェア消去",
				     "Firmware command", &sb);
	}
	free(sb.p);
	return ret;
}

static int
tool_rows(struct cert_model *m, struct json_object *rec,
	  struct json_object *t)
{
	struct json_object *tool = cert_j(rec, "tool", json_type_object);
	const char *sum = cert_js(tool, "binary_sha256");
	struct cert_sb sb = { 0 };
	int ret;

	cert_sb_or_none(&sb, cert_js(tool, "name"));
	cert_sb_add(&sb, " ");
	cert_sb_or_none(&sb, cert_js(tool, "version"));
	cert_sb_add(&sb, " (ホスト host: ");
	cert_sb_or_none(&sb, cert_js(tool, "host"));
	cert_sb_add(&sb, ")");
	ret = cert_model_row(m, CERT_ROW_ITEM, "使用ツール", "Tool and version",
			     &sb);
	cert_sb_or_none(&sb, sum);
	if (ret == 0)
		ret = cert_model_row(m,
				     sum != NULL && strlen(sum) == 64 &&
						     strspn(sum, "0123456789abcdef") == 64
					     ? CERT_ROW_MONO
					     : CERT_ROW_ITEM,
				     "ツールのSHA-256", "Tool binary SHA-256",
				     &sb);
	cert_sb_time(&sb, cert_js(t, "started"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "開始日時", "Started",
				     &sb);
	cert_sb_time(&sb, cert_js(t, "ended"));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "終了日時", "Ended", &sb);
	free(sb.p);
	return ret;
}

/* ---- verification -------------------------------------------------- */

static void
sb_coverage(struct cert_sb *b, struct json_object *rec,
	    struct json_object *v)
{
	struct json_object *media = cert_j(rec, "media", json_type_object);
	int64_t ppm, bytes, size;

	if (!cert_ji(v, "coverage_ppm", &ppm) || ppm < 0 || ppm > 1000000)
		return;
	cert_sb_add(b, "\n網羅率 coverage %lld.%02lld%%", (long long)(ppm / 10000),
		    (long long)(ppm % 10000 / 100));
	if (cert_ji(v, "bytes_read", &bytes) && bytes >= 0) {
		cert_sb_add(b, " (");
		cert_sb_count(b, (uint64_t)bytes);
		if (cert_ji(media, "size_bytes", &size) && size >= 0) {
			cert_sb_add(b, " / ");
			cert_sb_count(b, (uint64_t)size);
		}
		cert_sb_add(b, " バイト bytes)");
	}
}

static void
sb_verify_method(struct cert_sb *b, struct json_object *rec,
		 struct json_object *v)
{
	struct json_object *plan = cert_j(v, "plan", json_type_object);
	const char *mode = cert_js(v, "mode");
	int64_t sub, ext;

	if (mode != NULL && strcmp(mode, "sample") == 0) {
		cert_sb_add(b, "抽出検証 (sampled read-back, NIST SP 800-88 "
			       "Rev. 1 §4.7.3)");
		if (cert_ji(plan, "subsections", &sub) &&
		    cert_ji(plan, "extents", &ext))
			cert_sb_add(b, ": 区画 subsections %lld, 範囲 extents "
				       "%lld", (long long)sub, (long long)ext);
	} else if (mode != NULL && strcmp(mode, "full") == 0) {
		cert_sb_add(b, "全数検証 (full read-back)");
	} else if (mode != NULL && strcmp(mode, "none") == 0) {
		cert_sb_add(b, "検証なし (not verified)");
		return;
	} else {
		cert_sb_or_none(b, mode);
	}
	sb_coverage(b, rec, v);
	if (cert_js(v, "pattern") != NULL) {
		cert_sb_add(b, "\n期待値 expected: ");
		sb_pattern(b, cert_js(v, "pattern"));
	}
	if (cert_j(v, "markers", json_type_object) != NULL)
		cert_sb_markers(b, cert_j(v, "markers", json_type_object));
	if (mode != NULL && strcmp(mode, "sample") == 0) {
		cert_sb_add(b, "\n計画シード plan seed ");
		cert_sb_or_none(b, cert_js(plan, "seed"));
		cert_sb_add(b, " (");
		cert_sb_or_none(b, cert_js(plan, "prng"));
		cert_sb_add(b, ")");
	}
}

static void
sb_sectors(struct cert_sb *b, struct json_object *list)
{
	int64_t n;

	if (list != NULL && cert_ji(list, "sectors", &n) && n >= 0)
		cert_sb_count(b, (uint64_t)n);
	else
		cert_sb_add(b, CERT_NONE);
}

static void
sb_probe(struct cert_sb *b, struct json_object *v)
{
	struct json_object *p = cert_j(v, "signature_probe", json_type_object);
	int clean = cert_jb(p, "clean");

	cert_sb_add(b, "消去後の署名検査 signature probe (");
	cert_sb_or_none(b, cert_js(p, "tool"));
	cert_sb_add(b, "): ");
	if (p == NULL)
		cert_sb_add(b, "未実施 (not run)");
	else if (clean == 1)
		cert_sb_add(b, "検出なし (clean)");
	else if (clean == 0)
		cert_sb_contents(b, cert_j(p, "found", json_type_object));
	else
		cert_sb_add(b, CERT_NONE);
}

static int
verify_rows(struct cert_model *m, struct json_object *rec,
	    const struct wc_config *cfg)
{
	struct json_object *v = cert_j(rec, "verification", json_type_object);
	struct cert_sb sb = { 0 };
	int ret;

	sb_verify_method(&sb, rec, v);
	ret = cert_model_row(m, CERT_ROW_ITEM, "検証方法",
			     "Verification method", &sb);
	cert_sb_add(&sb, "不一致 mismatched: ");
	sb_sectors(&sb, cert_j(v, "mismatches", json_type_object));
	cert_sb_add(&sb, " セクタ sectors; 読取不能 unreadable: ");
	sb_sectors(&sb, cert_j(v, "unreadable", json_type_object));
	cert_sb_add(&sb, " セクタ sectors\n");
	sb_probe(&sb, v);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "検証結果",
				     "Verification result", &sb);
	if (m->kind == CERT_DOC_ERASURE)
		cert_sb_add(&sb, "正常完了 (Completed)");
	else
		cert_sb_add(&sb, "消去不能 (Failed): 物理的破壊を推奨 "
				 "(physical destruction recommended)");
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "結果", "Result", &sb);
	cert_sb_or_none(&sb, cfg->destination);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "処理後の媒体の扱い",
				     "Post-sanitization destination", &sb);
	free(sb.p);
	return ret;
}

int
cert_model_technique(struct cert_model *m, struct json_object *rec,
		     const struct wc_config *cfg)
{
	struct json_object *t = cert_j(rec, "technique", json_type_object);
	int ret;

	if (m->kind == CERT_DOC_ERASURE)
		ret = cert_model_row(m, CERT_ROW_SECTION, "消去",
				     "Sanitization", NULL);
	else
		ret = cert_model_row(m, CERT_ROW_SECTION, "消去の試み",
				     "Attempted sanitization", NULL);
	if (ret == 0)
		ret = method_rows(m, t);
	if (ret == 0)
		ret = tool_rows(m, rec, t);
	if (ret == 0)
		ret = verify_rows(m, rec, cfg);
	return ret;
}

/* ---- what failed --------------------------------------------------- */

/* "12 セクタ sectors: LBA 100–109, 300 …" or "なし (none)". */
static void
sb_ranges(struct cert_sb *b, struct json_object *list)
{
	struct json_object *r = cert_j(list, "ranges", json_type_array);
	struct json_object *e;
	size_t n = r != NULL ? json_object_array_length(r) : 0, i;
	int64_t sectors, start, count;

	if (!cert_ji(list, "sectors", &sectors) || sectors <= 0) {
		cert_sb_add(b, list == NULL ? CERT_NONE : "なし (none)");
		return;
	}
	cert_sb_count(b, (uint64_t)sectors);
	cert_sb_add(b, " セクタ sectors");
	for (i = 0; i < n && i < LIST_MAX; i++) {
		e = json_object_array_get_idx(r, i);
		if (!json_object_is_type(e, json_type_array) ||
		    json_object_array_length(e) != 2)
			continue;
		start = json_object_get_int64(json_object_array_get_idx(e, 0));
		count = json_object_get_int64(json_object_array_get_idx(e, 1));
		cert_sb_add(b, "%s", i == 0 ? ": LBA " : ", ");
		cert_sb_count(b, (uint64_t)start);
		if (count > 1) {
			cert_sb_add(b, "–");
			cert_sb_count(b, (uint64_t)start + (uint64_t)count - 1);
		}
	}
	if (n > LIST_MAX)
		cert_sb_add(b, " 他 %zu 範囲 (%zu more)", n - LIST_MAX,
			    n - LIST_MAX);
	if (cert_jb(list, "truncated") == 1)
		cert_sb_add(b, " (一覧は省略あり list truncated)");
}

static void
sb_errors(struct cert_sb *b, struct json_object *rec)
{
	struct json_object *errs = cert_j(rec, "errors", json_type_array);
	struct json_object *e;
	size_t n = errs != NULL ? json_object_array_length(errs) : 0, i;

	if (n == 0)
		cert_sb_add(b, "なし (none)");
	for (i = 0; i < n && i < LIST_MAX; i++) {
		e = json_object_array_get_idx(errs, i);
		cert_sb_add(b, "%s", i > 0 ? "\n" : "");
		cert_sb_or_none(b, cert_js(e, "stage"));
		cert_sb_add(b, ": ");
		cert_sb_or_none(b, cert_js(e, "message"));
		if (cert_js(e, "errno") != NULL) {
			cert_sb_add(b, " (");
			cert_sb_text(b, cert_js(e, "errno"));
			cert_sb_add(b, ")");
		}
	}
	if (n > LIST_MAX)
		cert_sb_add(b, "\n他 %zu 件 (%zu more)", n - LIST_MAX,
			    n - LIST_MAX);
}

/*
 * Unwritable ranges of the passes and markers (what == 0), or aborted
 * passes, flush errors and an unfinished firmware erase (what == 1).
 */
static void
sb_pass_faults(struct cert_sb *b, struct json_object *rec, int what)
{
	struct json_object *t = cert_j(rec, "technique", json_type_object);
	struct json_object *passes = cert_j(t, "passes", json_type_array);
	struct json_object *p, *u, *fw;
	size_t n = passes != NULL ? json_object_array_length(passes) : 0, i;
	size_t start = b->len;
	int64_t s;

	for (i = 0; i < n && i < PASSES_MAX; i++) {
		p = json_object_array_get_idx(passes, i);
		u = cert_j(p, "unwritable", json_type_object);
		if (what == 0 && cert_ji(u, "sectors", &s) && s > 0) {
			cert_sb_add(b, "%s#%zu: ", b->len > start ? "\n" : "",
				    i + 1);
			sb_ranges(b, u);
		}
		if (what == 1 && cert_jb(p, "aborted") == 1)
			cert_sb_add(b, "%s#%zu: 中断 (aborted)",
				    b->len > start ? "\n" : "", i + 1);
		if (what == 1 && cert_js(p, "sync_error") != NULL) {
			cert_sb_add(b, "%s#%zu: 書込確定エラー flush error: ",
				    b->len > start ? "\n" : "", i + 1);
			cert_sb_text(b, cert_js(p, "sync_error"));
		}
	}
	fw = cert_j(t, "firmware", json_type_object);
	if (what == 1 && fw != NULL && cert_jb(fw, "completed") != 1) {
		cert_sb_add(b, "%sファームウェア消去 firmware erase: ",
			    b->len > start ? "\n" : "");
		cert_sb_firmware_state(b, fw);
	}
	u = cert_j(cert_j(cert_j(rec, "verification", json_type_object),
			  "markers", json_type_object),
		   "unwritable", json_type_object);
	if (what == 0 && cert_ji(u, "sectors", &s) && s > 0) {
		cert_sb_add(b, "%sマーカー markers: ", b->len > start ? "\n"
								   : "");
		sb_ranges(b, u);
	}
	if (b->len == start)
		cert_sb_add(b, "なし (none)");
}

int
cert_model_failure(struct cert_model *m, struct json_object *rec)
{
	struct json_object *v = cert_j(rec, "verification", json_type_object);
	struct cert_sb sb = { 0 };
	int ret;

	ret = cert_model_row(m, CERT_ROW_SECTION, "不具合の内容",
			     "What failed", NULL);
	sb_errors(&sb, rec);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "エラー", "Errors", &sb);
	sb_pass_faults(&sb, rec, 0);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "書込不能",
				     "Unwritable sectors", &sb);
	sb_ranges(&sb, cert_j(v, "mismatches", json_type_object));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "不一致",
				     "Mismatched sectors", &sb);
	sb_ranges(&sb, cert_j(v, "unreadable", json_type_object));
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "読取不能",
				     "Unreadable sectors", &sb);
	sb_probe(&sb, v);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "署名検査",
				     "Signature probe", &sb);
	sb_pass_faults(&sb, rec, 1);
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "中断・未完了",
				     "Aborted, incomplete, flush errors",
				     &sb);
	cert_sb_add(&sb, "当該媒体は物理的破壊 (穿孔・破砕・細断) 又は磁気破壊 "
			 "(消磁) により処分することを推奨します。\nPhysical "
			 "destruction (drilling, crushing, shredding) or "
			 "degaussing is recommended.");
	if (ret == 0)
		ret = cert_model_row(m, CERT_ROW_ITEM, "推奨措置",
				     "Recommendation", &sb);
	free(sb.p);
	return ret;
}
