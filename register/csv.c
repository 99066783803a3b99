/*
 * csv.c - the 管理簿 row of each medium and its CSV export: UTF-8 with a
 * BOM and CRLF line ends (so Japanese Excel opens it as UTF-8), RFC 4180
 * quoting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/internal.h"

const char *const reg_column_names[REG_COLUMNS] = {
	"管理番号", "種別", "メーカー", "型番", "シリアル番号", "容量",
	"所管課", "格納情報", "搬出日時", "搬出者", "承認者", "用途",
	"搬出先", "返却日時", "返却確認者", "消去・破壊日時", "方法",
	"作業者", "立会者", "証明書番号", "結果", "備考",
};

enum col {
	C_TAG, C_TYPE, C_VENDOR, C_MODEL, C_SERIAL, C_CAPACITY, C_DEPT,
	C_STORED, C_OUT_TIME, C_OUT_BY, C_APPROVER, C_PURPOSE, C_DEST,
	C_RET_TIME, C_RET_BY, C_DONE_TIME, C_METHOD, C_OPERATOR, C_WITNESS,
	C_CERT, C_RESULT, C_NOTE,
};

struct name_map {
	const char *key;
	const char *text;
};

static const struct name_map media_types[] = {
	{ "hdd", "HDD" }, { "ssd", "SSD" }, { "nvme-ssd", "NVMe SSD" },
	{ "usb-flash", "USBメモリ" }, { "sd-mmc", "SDカード" },
	{ "image-file", "イメージファイル" }, { "loop-device", "ループデバイス" },
	{ NULL, NULL },
};

/* Destruction methods (wipecert-destroy(8)). */
static const struct name_map destroy_methods[] = {
	{ "shred", "細断" }, { "crush", "破砕" }, { "drill", "穿孔" },
	{ "degauss", "磁気破壊（消磁）" }, { NULL, NULL },
};

static const char *
map_name(const struct name_map *m, const char *key)
{
	for (; key != NULL && m->key != NULL; m++)
		if (strcmp(m->key, key) == 0)
			return m->text;
	return key;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The technique of an erase method, in the certificate's terms. */
static const char *
technique(const char *method)
{
	if (ends_with(method, "-crypto"))
		return "暗号化消去";
	if (ends_with(method, "-block"))
		return "ブロック消去";
	if (ends_with(method, "-sanitize-overwrite"))
		return "上書き消去（サニタイズ）";
	if (strncmp(method, "ata-", 4) == 0 && ends_with(method, "-erase"))
		return "ATAセキュアイレース";
	if (strcmp(method, "nvme-format-user") == 0)
		return "フォーマット（ユーザーデータ消去）";
	return "上書き消去";
}

/* First non-NULL body field among entries (any of them may be NULL). */
static const char *
pick4(const char *key, const struct reg_entry *a, const struct reg_entry *b,
      const struct reg_entry *c, const struct reg_entry *d)
{
	const char *v = reg_body_str(a, key);

	if (v == NULL)
		v = reg_body_str(b, key);
	if (v == NULL)
		v = reg_body_str(c, key);
	if (v == NULL)
		v = reg_body_str(d, key);
	return v;
}

static const char *
pick(const char *key, const struct reg_entry *a, const struct reg_entry *b,
     const struct reg_entry *c)
{
	return pick4(key, a, b, c, NULL);
}

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* "2025-12-01T17:24:05+09:00" → "2025-12-01 17:24" (the local time). */
static char *
short_time(const char *t)
{
	char buf[17];

	if (t == NULL || strlen(t) < 16)
		return dup_or_empty(t);
	memcpy(buf, t, 16);
	buf[10] = ' ';
	buf[16] = '\0';
	return strdup(buf);
}

/* Decimal units, as drive labels print them: "500.1 GB". */
static char *
capacity(const struct reg_medium *m)
{
	int64_t b = reg_body_int(m->erasure, "size_bytes");
	char buf[64];
	int ret;

	if (b <= 0)
		b = reg_body_int(m->started, "size_bytes");
	if (b <= 0)
		return dup_or_empty(pick("capacity", m->received,
					 m->destruction, NULL));
	if (b >= 1000000000000LL)
		ret = wc_fmt(buf, sizeof(buf), "%lld.%lld TB",
			     (long long)(b / 1000000000000LL),
			     (long long)(b / 100000000000LL % 10));
	else if (b >= 1000000000LL)
		ret = wc_fmt(buf, sizeof(buf), "%lld.%lld GB",
			     (long long)(b / 1000000000LL),
			     (long long)(b / 100000000LL % 10));
	else
		ret = wc_fmt(buf, sizeof(buf), "%lld MB",
			     (long long)(b / 1000000LL));
	if (ret != 0)
		return NULL;
	return strdup(buf);
}

static char *
method_text(const struct reg_medium *m)
{
	const struct reg_entry *run = m->erasure ? m->erasure : m->started;
	const char *method, *nist, *how;
	struct reg_buf b;

	reg_buf_init(&b);
	if (m->destruction != NULL) {
		method = reg_body_str(m->destruction, "method");
		how = reg_body_str(m->destruction, "method_text");
		if (how == NULL || (method != NULL && strcmp(method, "other")))
			how = map_name(destroy_methods, method);
		reg_buf_fmt(&b, "Destroy / 物理破壊（%s）", how ? how : "");
	} else if ((method = reg_body_str(run, "method")) != NULL) {
		nist = reg_body_str(m->erasure, "nist_category");
		if (nist != NULL)
			reg_buf_fmt(&b, "%s / ", nist);
		reg_buf_fmt(&b, "%s (%s)", technique(method), method);
	} else {
		reg_buf_str(&b, "");
	}
	return b.err ? NULL : b.p;
}

static const char *
done_time(const struct reg_medium *m)
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

/* 備考: what a reader of the 管理簿 must not miss. */
static char *
notes(const struct reg_log *log, const struct reg_medium *m)
{
	const char *d = reg_body_str(m->received, "description");
	const struct reg_entry *c;
	const char *text;
	struct reg_buf b;
	size_t i;

	reg_buf_init(&b);
	reg_buf_str(&b, "");
	if (d != NULL)
		reg_buf_fmt(&b, "%s", d);
	if (m->out)
		reg_buf_fmt(&b, "%s搬出中（返却未確認）", b.len ? "; " : "");
	if (m->asset_tag != NULL && m->received == NULL)
		reg_buf_fmt(&b, "%s受領記録なし", b.len ? "; " : "");
	if (m->serial_mismatch)
		reg_buf_fmt(&b, "%sシリアル番号不一致（ラベル: %s）",
			    b.len ? "; " : "", str(reg_body_str(m->received, "serial")));
	if (m->outcome == REG_OUT_SWITCHED)
		reg_buf_fmt(&b, "%s消去不能のため物理破壊（記録 %s）",
			    b.len ? "; " : "", str(reg_body_str(m->erasure, "record_id")));
	if (m->erasures > 1)
		reg_buf_fmt(&b, "%s消去 %zu 回実施", b.len ? "; " : "", m->erasures);
	for (i = 0; i < m->ncorrections; i++) {
		c = reg_log_find(log, m->corrections[i]);
		text = c != NULL ? reg_body_str(c, "text") : NULL;
		reg_buf_fmt(&b, "%s訂正 #%llu: %s", b.len ? "; " : "",
			    (unsigned long long)m->corrections[i],
			    text != NULL ? text : "");
	}
	return b.err ? NULL : b.p;
}

static char *
cert_number(const struct reg_medium *m)
{
	return dup_or_empty(reg_body_str(m->certificate, "record_id"));
}

int
reg_medium_row(const struct reg_log *log, const struct reg_medium *m,
	       char *cells[REG_COLUMNS])
{
	const struct reg_entry *er = m->erasure, *rc = m->received;
	const struct reg_entry *ds = m->destruction, *to = m->takeout;
	const char *type = pick("media_type", er, rc, ds);
	size_t i;

	cells[C_TAG] = dup_or_empty(m->asset_tag);
	cells[C_TYPE] = dup_or_empty(map_name(media_types, type));
	cells[C_VENDOR] = dup_or_empty(pick4("vendor", er, m->started, rc, ds));
	cells[C_MODEL] = dup_or_empty(pick4("model", er, m->started, rc, ds));
	cells[C_SERIAL] = dup_or_empty(pick4("serial", er, m->started, ds, rc));
	cells[C_CAPACITY] = capacity(m);
	cells[C_DEPT] = dup_or_empty(reg_body_str(rc, "department"));
	cells[C_STORED] = dup_or_empty(pick("stored_info", rc, to, NULL));
	cells[C_OUT_TIME] = short_time(reg_body_str(to, "time_out"));
	cells[C_OUT_BY] = dup_or_empty(reg_body_str(to, "taken_by"));
	cells[C_APPROVER] = dup_or_empty(reg_body_str(to, "approver"));
	cells[C_PURPOSE] = dup_or_empty(reg_body_str(to, "purpose"));
	cells[C_DEST] = dup_or_empty(reg_body_str(to, "destination"));
	cells[C_RET_TIME] = short_time(reg_body_str(m->ret, "time_returned"));
	cells[C_RET_BY] = dup_or_empty(reg_body_str(m->ret, "confirmed_by"));
	cells[C_DONE_TIME] = short_time(done_time(m));
	cells[C_METHOD] = method_text(m);
	cells[C_OPERATOR] = dup_or_empty(pick("operator", ds, er, NULL));
	cells[C_WITNESS] = dup_or_empty(pick("witness", ds, er, NULL));
	cells[C_CERT] = cert_number(m);
	cells[C_RESULT] = strdup(reg_outcome_text(m->outcome));
	cells[C_NOTE] = notes(log, m);
	for (i = 0; i < REG_COLUMNS; i++) {
		if (cells[i] == NULL) {
			reg_row_release(cells);
			return -ENOMEM;
		}
	}
	return 0;
}

void
reg_row_release(char *cells[REG_COLUMNS])
{
	size_t i;

	if (cells == NULL)
		return;
	for (i = 0; i < REG_COLUMNS; i++) {
		free(cells[i]);
		cells[i] = NULL;
	}
}

int
reg_csv_field(char **buf, size_t *len, size_t *cap, const char *field)
{
	struct reg_buf b = { .p = *buf, .len = *len, .cap = *cap };
	const char *p;
	int quote;

	if (field == NULL)
		field = "";
	quote = strpbrk(field, ",\"\r\n") != NULL;
	if (quote)
		reg_buf_add(&b, "\"", 1);
	/* A cell starting like a formula must stay text in a spreadsheet. */
	if (strchr("=+-@\t\r", field[0]) != NULL && field[0] != '\0')
		reg_buf_add(&b, "'", 1);
	for (p = field; *p != '\0'; p++) {
		if (*p == '"')
			reg_buf_add(&b, "\"", 1);
		reg_buf_add(&b, p, 1);
	}
	if (quote)
		reg_buf_add(&b, "\"", 1);
	if (b.p == NULL)
		reg_buf_add(&b, "", 0);
	*buf = b.p;
	*len = b.len;
	*cap = b.cap;
	return b.err;
}

static int
csv_row(struct reg_buf *b, const char *const *cells)
{
	size_t i;
	int ret;

	for (i = 0; i < REG_COLUMNS; i++) {
		if (i > 0)
			reg_buf_add(b, ",", 1);
		if (b->err)
			return b->err;
		ret = reg_csv_field(&b->p, &b->len, &b->cap, cells[i]);
		if (ret != 0) {
			b->err = ret;
			return ret;
		}
	}
	reg_buf_add(b, "\r\n", 2);
	return b->err;
}

int
reg_csv_export(const struct reg_log *log, const struct reg_media *m,
	       char **out, size_t *len)
{
	char *cells[REG_COLUMNS];
	struct reg_buf b;
	size_t i;
	int ret;

	*out = NULL;
	*len = 0;
	reg_buf_init(&b);
	reg_buf_str(&b, "\xef\xbb\xbf");
	ret = csv_row(&b, reg_column_names);
	for (i = 0; ret == 0 && i < m->n; i++) {
		ret = reg_medium_row(log, &m->v[i], cells);
		if (ret != 0)
			break;
		ret = csv_row(&b, (const char *const *)cells);
		reg_row_release(cells);
	}
	if (ret != 0) {
		reg_buf_release(&b);
		return ret;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
