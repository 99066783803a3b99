/*
 * pdfmodel.h - what a certificate says, before it is laid out (private
 * to certs/).
 *
 * cert_model_build() reads the record (untrusted JSON, every field type-
 * and length-checked) and the configuration and produces every string
 * the page shows; pdf.c only lays them out.  Labels are static strings;
 * values are owned by the model.
 */
#ifndef WIPECERT_CERTS_PDFMODEL_H
#define WIPECERT_CERTS_PDFMODEL_H

#include <hpdf.h>

#include "certs/certs.h"
#include "certs/pdflayout.h"

#define CERT_MAX_ROWS 80
#define CERT_PAGE_MX 42.0	/* left and right margins (portrait) */
#define CERT_CONTENT_W (CERT_A4_W - 2 * CERT_PAGE_MX)
#define CERT_VALUE_MAX 2048	/* bytes of one printed value */
#define CERT_NONE "—"		/* a field missing from record and config */

enum cert_row_kind {
	CERT_ROW_SECTION,	/* a heading: ja/en only */
	CERT_ROW_ITEM,		/* label and value */
	CERT_ROW_MONO,		/* label and a hex value printed in Courier */
	CERT_ROW_MEDIA,		/* the media table */
	CERT_ROW_TABLE,		/* a table of rows: tables[table] */
	CERT_ROW_PHOTOS,	/* the photo grid */
	CERT_ROW_ALERT,		/* full-width text in a heavy frame */
};

struct cert_row {
	enum cert_row_kind kind;
	const char *ja;
	const char *en;
	char *value;
	size_t table;		/* CERT_ROW_TABLE: index into tables */
};

#define CERT_MAX_TABLES 4

/* A table of a model: columns (static) and nrows × ncols owned cells. */
struct cert_tab {
	const struct cert_col *cols;
	size_t ncols;
	char **cells;
	size_t nrows;
};

/* A photo of a destruction: the file's bytes, checked against the record. */
struct cert_photo {
	char *data;
	size_t len;
	int png;		/* else JPEG */
	char *caption;
};

enum {
	CERT_MEDIA_TAG,
	CERT_MEDIA_TYPE,
	CERT_MEDIA_MAKE,
	CERT_MEDIA_MODEL,
	CERT_MEDIA_SERIAL,
	CERT_MEDIA_SIZE,
	CERT_MEDIA_COLS,
};

enum {
	CERT_SIGN_OPERATOR,
	CERT_SIGN_MANAGER,
	CERT_SIGN_WITNESS,
	CERT_SIGN_BOXES,
};

struct cert_model {
	enum cert_doc kind;
	char id[37];
	char sha256[65];
	char issue_date[96];		/* 和暦 (西暦) */
	char *addressee;
	char *issuer_address;		/* "住所 …" */
	char *issuer_company;
	char *issuer_representative;	/* "代表者 …" */
	const char *title_ja;
	const char *title_en;
	const char *body_ja;
	const char *body_en;
	struct cert_row rows[CERT_MAX_ROWS];
	size_t nrows;
	char *media[CERT_MEDIA_COLS];
	char *signers[CERT_SIGN_BOXES];
	char *remarks;
	char *footer;			/* tool and version */
	/* what other documents change (NULL: the certificate's) */
	const char *number_label;	/* "証明書番号 Certificate No. " */
	const char *signer_titles[CERT_SIGN_BOXES];
	struct cert_tab tables[CERT_MAX_TABLES];
	size_t ntables;
	struct cert_photo photos[CERT_MAX_PHOTOS];
	size_t nphotos;
};

/*
 * Build the model of the document in->kind for in->record_text.
 * Returns 0, -EINVAL (not a record, its SHA-256 not record_sha256, or
 * the wrong kind of document for its result) or -ENOMEM.  Release with
 * cert_model_release() in every case.
 */
int cert_model_build(const struct cert_render_in *in, struct cert_model *m);
/*
 * Only parse and check in's JSON (schema, id, result, SHA-256) into
 * m->id and m->sha256; *rec is the parsed JSON (caller puts it).  The
 * same returns; release m with cert_model_release().
 */
int cert_model_parse(const struct cert_render_in *in, struct cert_model *m,
		     struct json_object **rec);
void cert_model_release(struct cert_model *m);

/* ---- shared by pdfmodel.c and pdffields.c ------------------------- */

/* A growing string; err is set (and kept) on allocation failure. */
struct cert_sb {
	char *p;
	size_t len;
	size_t cap;
	int err;
};

void cert_sb_add(struct cert_sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append untrusted text: controls become spaces, capped in length. */
void cert_sb_text(struct cert_sb *b, const char *s);
/* Append s, or CERT_NONE when s is NULL or empty. */
void cert_sb_or_none(struct cert_sb *b, const char *s);
/* "67,108,864" */
void cert_sb_count(struct cert_sb *b, uint64_t v);

/* Typed record access: NULL, -1 or 0 when missing or of another type. */
struct json_object *cert_j(struct json_object *o, const char *key,
			   enum json_type type);
const char *cert_js(struct json_object *o, const char *key);
int cert_ji(struct json_object *o, const char *key, int64_t *v);
int cert_jb(struct json_object *o, const char *key);	/* -1, 0, 1 */

/* Add a row whose value is b's text (b is emptied).  0 or -ENOMEM. */
int cert_model_row(struct cert_model *m, enum cert_row_kind kind,
		   const char *ja, const char *en, struct cert_sb *b);
/* b's text, handed over (b is emptied); NULL on allocation failure. */
char *cert_sb_take(struct cert_sb *b);
/* A copy of the first of a and b that is set, else "—" (untrusted text). */
char *cert_model_dup(const char *a, const char *b);
/* Rows: a heading; one text field (first of a, b; else —); hex in Courier. */
int cert_model_section(struct cert_model *m, const char *ja, const char *en);
int cert_model_text(struct cert_model *m, const char *ja, const char *en,
		    const char *a, const char *b);
int cert_model_mono(struct cert_model *m, const char *ja, const char *en,
		    const char *value);
/*
 * Add a table of nrows rows (cells not yet filled: NULL) and a row
 * showing it.  *tab is the table.  0, -ENOMEM or -E2BIG (too many).
 */
int cert_model_table(struct cert_model *m, const struct cert_col *cols,
		     size_t ncols, size_t nrows, struct cert_tab **tab);

/*
 * The parts every document shares (pdfmodel.c): addressee, issuer and
 * issue date; the record's id, SHA-256 and issue time; the contract;
 * the media table (asset tag, type, make, model, serial, capacity); the
 * signer and the register entry in->register_seq.
 */
int cert_model_header(const struct cert_render_in *in,
		      struct json_object *rec, struct cert_model *m);
int cert_model_record_rows(struct json_object *rec, struct cert_model *m);
int cert_model_contract_rows(const struct wc_config *cfg,
			     struct json_object *rec, struct cert_model *m);
int cert_model_media_table(struct json_object *media, struct cert_model *m);
int cert_model_signature_rows(const struct cert_render_in *in,
			      struct cert_model *m);
/* The names in the seal boxes: operator, manager, witness. */
int cert_model_signers(const struct wc_config *cfg, struct json_object *rec,
		       struct cert_model *m);
/* "ハードディスク (HDD)" for "hdd", …; t itself when unknown. */
const char *cert_media_type_name(const char *t);

/* destruction.c: a photo's type from its first bytes, or 0. */
#define CERT_PHOTO_JPEG 1
#define CERT_PHOTO_PNG 2
int cert_photo_sniff(const void *data, size_t len);

/* pdfdestroy.c, pdfreport.c: the body of those documents. */
int cert_model_destruction(const struct cert_render_in *in,
			   struct json_object *rec, struct cert_model *m);
int cert_model_report(const struct cert_render_in *in,
		      struct json_object *rec, struct cert_model *m);
/* pdfledger.c: the 管理簿, laid out on its own (landscape). */
int cert_ledger_render(const struct cert_render_in *in, uint8_t **pdf,
		       size_t *len);

/* pdffields.c: the sanitization and failure rows of the record. */
int cert_model_technique(struct cert_model *m, struct json_object *rec,
			 const struct wc_config *cfg);
int cert_model_failure(struct cert_model *m, struct json_object *rec);
/* "令和8年11月26日 (2026-11-26) 07:25 (JST)" from an RFC 3339 string. */
void cert_sb_time(struct cert_sb *b, const char *rfc3339);
/* The same without the RFC 3339 string after it. */
void cert_sb_date(struct cert_sb *b, const char *rfc3339);

/* pdfdrive.c: the drive's own state and the firmware erase. */
/* What libblkid found: "gpt; #1 ext4 「label」…" or "検出なし". */
void cert_sb_contents(struct cert_sb *b, struct json_object *c);
/* media.hidden_areas, with its restore; "確認不可" when unknown. */
void cert_sb_hidden(struct cert_sb *b, struct json_object *h);
/* media.security. */
void cert_sb_security(struct cert_sb *b, struct json_object *s);
/* technique.firmware: command, parameters, state, drive status. */
void cert_sb_firmware(struct cert_sb *b, struct json_object *fw);
/* How it ended: "完了 completed", "未完了 not completed, 凍結 frozen"… */
void cert_sb_firmware_state(struct cert_sb *b, struct json_object *fw);
/* verification.markers, on a new line. */
void cert_sb_markers(struct cert_sb *b, struct json_object *mk);

/* ---- pdfparts.c: the QR code, the attachment, the font ------------- */

/* CERT_QR_PREFIX "<id> <sha256>".  Returns 0, -EINVAL or -ENAMETOOLONG. */
int cert_qr_payload(char *buf, size_t len, const char *id,
		    const char *sha256);

/*
 * The QR code as an 8-bit gray image (0 black, 255 white), *px pixels
 * square: CERT_QR_PX pixels per module and a 4-module quiet zone.
 * Returns 0 and a malloc'd *px × *px buffer, -EINVAL or -ENOMEM.
 */
#define CERT_QR_PX 4
int cert_qr_image(const char *payload, uint8_t **img, unsigned *px);

/*
 * Attach data as an embedded file named name (a /Filespec in the
 * Catalog's /Names /EmbeddedFiles tree, its /EF /F stream of type
 * /EmbeddedFile holding exactly the bytes).  Returns 0 or -EIO.
 */
int cert_pdf_attach(HPDF_Doc pdf, const char *name, const char *data,
		    size_t len);

/*
 * Replace libharu's ToUnicode CMap of a UTF-8 font (a malformed copy of
 * the encoding CMap) with an identity map of the code points used[]
 * marks: the font's codes are the characters' UTF-16 values.  Returns 0
 * or -EIO.
 */
int cert_pdf_tounicode(HPDF_Doc pdf, HPDF_Font font, const uint8_t used[8192]);

/*
 * Subset the TrueType font in font[0..len) to the code points used[]
 * marks (a bitmap of the BMP) and load it into pdf.  Returns 0 with its
 * libharu font name in *name, -EINVAL (not a usable font), -ENOMEM or
 * -EIO.
 */
int cert_pdf_load_font(HPDF_Doc pdf, const uint8_t *font, size_t len,
		       const uint8_t used[8192], const char **name);

#endif
