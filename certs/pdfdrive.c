/*
 * pdfdrive.c - what a certificate says about the drive itself: hidden
 * areas and their restore, the ATA security state, what libblkid found,
 * the firmware erase command with the drive's own completion status,
 * and the markers that verified it (pdfmodel.h).
 *
 * Every field is optional: records written before the firmware commands
 * existed, and records of image files, simply lack them.
 */
#include <string.h>

#include "certs/pdfmodel.h"

#define LIST_MAX 8

/* "あり (yes)", "なし (no)" or "確認不可 (not checked)". */
static const char *
yes_no(int v)
{
	return v == 1 ? "あり (yes)" : v == 0 ? "なし (no)"
					   : "確認不可 (not checked)";
}

/* HPA, DCO and the maximum LBAs of one hidden_areas object; 0 if empty. */
static int
sb_lbas(struct cert_sb *sb, struct json_object *h)
{
	int hpa = cert_jb(h, "hpa_enabled"), dco = cert_jb(h, "dco_present");
	int64_t vis, nat;
	int has_vis = cert_ji(h, "visible_max_lba", &vis);
	int has_nat = cert_ji(h, "native_max_lba", &nat);

	if (hpa < 0 && dco < 0 && !has_vis && !has_nat)
		return 0;
	cert_sb_add(sb, "HPA: %s, DCO: %s", yes_no(hpa), yes_no(dco));
	if (has_vis && has_nat && vis >= 0 && nat >= 0) {
		cert_sb_add(sb, "\n最大LBA max LBA: 可視 visible ");
		cert_sb_count(sb, (uint64_t)vis);
		cert_sb_add(sb, " / ネイティブ native ");
		cert_sb_count(sb, (uint64_t)nat);
	}
	return 1;
}

static void
sb_restore(struct cert_sb *sb, struct json_object *r)
{
	const char *msg = cert_js(r, "message");
	struct json_object *after = cert_j(r, "after", json_type_object);

	cert_sb_add(sb, "\n復元 restore: 要求 requested %s, 実施 restored %s",
		    cert_jb(r, "restore_requested") == 1 ? "はい (yes)"
							 : "いいえ (no)",
		    cert_jb(r, "restored") == 1 ? "はい (yes)" : "いいえ (no)");
	if (after != NULL) {
		cert_sb_add(sb, "\n消去時 at erase: ");
		if (!sb_lbas(sb, after))
			cert_sb_add(sb, CERT_NONE);
	}
	if (msg != NULL) {
		cert_sb_add(sb, "\n");
		cert_sb_text(sb, msg);
	}
}

void
cert_sb_hidden(struct cert_sb *sb, struct json_object *h)
{
	struct json_object *r = cert_j(h, "restore", json_type_object);

	if (!sb_lbas(sb, h)) {
		cert_sb_add(sb, "確認不可 (not checked)");
		return;
	}
	if (r != NULL && cert_jb(r, "checked") != 0)
		sb_restore(sb, r);
}

void
cert_sb_security(struct cert_sb *sb, struct json_object *s)
{
	int sup = cert_jb(s, "supported"), en = cert_jb(s, "enabled");
	int lock = cert_jb(s, "locked"), frz = cert_jb(s, "frozen");
	int exp = cert_jb(s, "expired");

	if (sup < 0 && en < 0 && lock < 0 && frz < 0) {
		cert_sb_add(sb, "確認不可 (not checked)");
		return;
	}
	cert_sb_add(sb, "対応 supported: %s; 有効 enabled: %s; ", yes_no(sup),
		    yes_no(en));
	cert_sb_add(sb, "ロック locked: %s; フリーズ frozen: %s", yes_no(lock),
		    yes_no(frz));
	if (exp >= 0)
		cert_sb_add(sb, "; 試行超過 expired: %s", yes_no(exp));
}

void
cert_sb_contents(struct cert_sb *b, struct json_object *c)
{
	struct json_object *items = cert_j(c, "items", json_type_array);
	struct json_object *it;
	const char *pt = cert_js(c, "pttype"), *v;
	size_t n = items != NULL ? json_object_array_length(items) : 0, i;
	int64_t partno;

	if (c == NULL || cert_jb(c, "probed") != 1) {
		cert_sb_add(b, "未調査 (not probed)");
		return;
	}
	if (pt == NULL && n == 0) {
		cert_sb_add(b, "検出なし (nothing found)");
		return;
	}
	cert_sb_add(b, "パーティション表 partition table: ");
	cert_sb_or_none(b, pt);
	for (i = 0; i < n && i < LIST_MAX; i++) {
		it = json_object_array_get_idx(items, i);
		cert_sb_add(b, "\n#");
		if (cert_ji(it, "partno", &partno))
			cert_sb_add(b, "%lld", (long long)partno);
		cert_sb_add(b, " ");
		cert_sb_or_none(b, cert_js(it, "type"));
		if ((v = cert_js(it, "label")) != NULL) {
			cert_sb_add(b, " 「");
			cert_sb_text(b, v);
			cert_sb_add(b, "」");
		}
	}
	if (n > LIST_MAX)
		cert_sb_add(b, "\n他 %zu 件 (%zu more)", n - LIST_MAX,
			    n - LIST_MAX);
}

/* ---- the firmware erase ---------------------------------------------- */

/* What the drive answered: "OK" or its error, with the raw codes. */
static void
sb_drive_status(struct cert_sb *b, struct json_object *st)
{
	const char *kind = cert_js(st, "kind"), *msg = cert_js(st, "message");
	int64_t a, e, c;

	if (st == NULL) {
		cert_sb_add(b, CERT_NONE);
		return;
	}
	cert_sb_add(b, "%s", cert_jb(st, "ok") == 1 ? "正常 OK"
						   : "エラー error");
	if (kind != NULL && strcmp(kind, "ata") == 0 &&
	    cert_ji(st, "ata_status", &a) && cert_ji(st, "ata_error", &e))
		cert_sb_add(b, " (ATA status 0x%02llx, error 0x%02llx)",
			    (unsigned long long)a & 0xFF,
			    (unsigned long long)e & 0xFF);
	if (kind != NULL && strcmp(kind, "scsi") == 0 &&
	    cert_ji(st, "sense_key", &a) && cert_ji(st, "asc", &e) &&
	    cert_ji(st, "ascq", &c))
		cert_sb_add(b, " (sense %llx/%02llx/%02llx)",
			    (unsigned long long)a & 0xF,
			    (unsigned long long)e & 0xFF,
			    (unsigned long long)c & 0xFF);
	if (kind != NULL && strcmp(kind, "nvme") == 0 &&
	    cert_ji(st, "nvme_sct", &a) && cert_ji(st, "nvme_sc", &e))
		cert_sb_add(b, " (NVMe SCT %lld, SC 0x%02llx)", (long long)a,
			    (unsigned long long)e & 0xFF);
	if (msg != NULL) {
		cert_sb_add(b, ": ");
		cert_sb_text(b, msg);
	}
}

void
cert_sb_firmware_state(struct cert_sb *b, struct json_object *fw)
{
	static const struct {
		const char *key;
		const char *text;
	} flags[] = {
		{ "frozen", "凍結 frozen" },
		{ "unsupported", "非対応 unsupported" },
		{ "aborted", "中断 aborted" },
		{ "still_erasing", "消去継続中 still erasing" },
		{ "failure_mode", "失敗モード failure mode" },
	};
	size_t i;

	cert_sb_add(b, "%s", cert_jb(fw, "completed") == 1
				     ? "完了 completed"
			     : cert_jb(fw, "accepted") == 1
				     ? "未完了 not completed"
				     : "未受理 not accepted");
	for (i = 0; i < WC_ARRAY_SIZE(flags); i++)
		if (cert_jb(fw, flags[i].key) == 1)
			cert_sb_add(b, ", %s", flags[i].text);
}

void
cert_sb_firmware(struct cert_sb *b, struct json_object *fw)
{
	struct json_object *pw = cert_j(fw, "password", json_type_object);
	const char *s;

	cert_sb_or_none(b, cert_js(fw, "command"));
	if ((s = cert_js(fw, "parameters")) != NULL) {
		cert_sb_add(b, " (");
		cert_sb_text(b, s);
		cert_sb_add(b, ")");
	}
	cert_sb_add(b, "\n状態 state: ");
	cert_sb_firmware_state(b, fw);
	cert_sb_add(b, "\nドライブの応答 drive status: ");
	sb_drive_status(b, cert_j(fw, "drive_status", json_type_object));
	if ((s = cert_js(fw, "completion")) != NULL) {
		cert_sb_add(b, "\n");
		cert_sb_text(b, s);
	}
	if (pw != NULL && cert_jb(pw, "set") == 1)
		cert_sb_add(b, "\nパスワード password: 設定 set, 解除 cleared "
			       "%s", cert_jb(pw, "cleared") == 1
					     ? "はい (yes)"
					     : "いいえ (no)");
}

void
cert_sb_markers(struct cert_sb *b, struct json_object *mk)
{
	int64_t pieces, bytes;
	const char *p = cert_js(mk, "pattern_expected");

	cert_sb_add(b, "\nマーカー照合 markers: ");
	if (cert_ji(mk, "pieces", &pieces) && pieces >= 0) {
		cert_sb_count(b, (uint64_t)pieces);
		cert_sb_add(b, " 個 pieces");
	}
	if (cert_ji(mk, "piece_bytes", &bytes) && bytes >= 0)
		cert_sb_add(b, " × %lld バイト bytes", (long long)bytes);
	cert_sb_add(b, ", ");
	cert_sb_or_none(b, cert_js(mk, "digest"));
	if (p != NULL) {
		cert_sb_add(b, "; 期待値 expected: ");
		cert_sb_text(b, p);
	}
}
