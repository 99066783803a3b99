/*
 * register.h - the media register (管理簿, DESIGN §8): an append-only
 * text file, one signed JSON object per line, each naming the SHA-256
 * of the line before it.  wipecert-register(5) is the format.
 *
 * Nothing here prints or exits.  Functions return 0 or a negative errno
 * unless they say otherwise.  The signing key is given as OpenSSL
 * objects (struct reg_signer), so this module does not depend on how
 * keys are stored or unlocked.
 */
#ifndef WIPECERT_REGISTER_H
#define WIPECERT_REGISTER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/lib.h"

#define REG_HEX_LEN 65			/* 64 hex digits and NUL */
#define REG_LINE_MAX (512 * 1024)	/* longest line read */
#define REG_ENTRY_MAX (64 * 1024)	/* longest ordinary line written */
#define REG_TORN_MAX (256 * 1024)	/* longest torn tail recovered */
#define REG_FILE_MAX (1024ULL * 1024 * 1024)
#define REG_FIELD_MAX 4096		/* longest text field of a body */

enum reg_kind {
	REG_RECEIVED = 0,	/* a medium handed over by the ward */
	REG_TAKEOUT,		/* 第18条⑵ take-out */
	REG_RETURN,		/* ... and its return */
	REG_STARTED,		/* an erase is about to begin */
	REG_ERASURE,		/* an erase ended (pass, fail, aborted) */
	REG_CERTIFICATE,	/* a certificate or failure report issued */
	REG_DESTRUCTION,	/* a physical destruction */
	REG_REPORT,		/* a 第22条 report issued */
	REG_CORRECTION,		/* refers to an earlier entry */
	REG_RECOVERED,		/* the bytes of a torn last line */
	REG_KIND_COUNT,
};

/* "received", ...; NULL for an out-of-range value. */
const char *reg_kind_name(enum reg_kind k);
/* Returns 0, or -EINVAL for an unknown name. */
int reg_kind_parse(const char *name, enum reg_kind *out);

/* ---- the signer ------------------------------------------------------ */

/*
 * A signing key and its certificate, both borrowed (the caller keeps
 * them alive, e.g. from cert_signer_pkey() / cert_signer_x509()).
 */
struct reg_signer {
	EVP_PKEY *pkey;
	X509 *cert;
	uint8_t *der;			/* the certificate, DER, owned */
	size_t der_len;
	char fingerprint[REG_HEX_LEN];	/* SHA-256 of der, lowercase hex */
};

/*
 * Returns 0, -EKEYREJECTED (key does not match the certificate),
 * -EINVAL or -ENOMEM.  Release with reg_signer_release().
 */
int reg_signer_init(struct reg_signer *s, EVP_PKEY *pkey, X509 *cert);
void reg_signer_release(struct reg_signer *s);

/* ---- one line ------------------------------------------------------- */

/* One parsed line.  Strings point into root (owned). */
struct reg_entry {
	uint64_t seq;
	enum reg_kind kind;
	char time[WC_RFC3339_LEN];
	time_t when;			/* time as seconds since the epoch */
	char prev[REG_HEX_LEN];
	char signer[REG_HEX_LEN];
	char hash[REG_HEX_LEN];		/* SHA-256 of the whole line */
	struct json_object *root;	/* owned */
	struct json_object *body;	/* borrowed from root */
	const char *cert_b64;		/* borrowed, or NULL */
	const char *sig_b64;		/* borrowed */
	size_t signed_len;		/* bytes before ,"sig": (see (5)) */
	size_t line;			/* 1-based line number, 0 unknown */
	size_t off, len;		/* the line's bytes in the log's text */
	unsigned flags;			/* REG_F_* set by reg_log_parse */
};

#define REG_F_INTERRUPTED (1u << 0)	/* started, no erasure after it */

/* What to put on a new line. */
struct reg_line_in {
	uint64_t seq;
	const char *time;		/* RFC 3339 with offset */
	enum reg_kind kind;
	struct json_object *body;	/* borrowed */
	const char *prev;		/* 64 hex digits */
	int embed_cert;			/* first entry by this signer */
};

/*
 * Compose and sign a line (wipecert-register(5)).  *out is a malloc'd,
 * NUL-terminated line ending in "\n"; *len counts the newline.  Returns
 * 0, -E2BIG (longer than REG_LINE_MAX), -EINVAL, -ENOMEM or -EIO
 * (signing failed).
 */
int reg_line_make(const struct reg_signer *s, const struct reg_line_in *in,
		  char **out, size_t *len);

/*
 * Parse one line (without its newline): a pure, bounds-checked function
 * of the bytes.  Checks the JSON, the key order, every field's type and
 * form, and that the line ends in the signature field; computes the
 * line's hash.  Does not check the signature (reg_entry_check_sig).
 * Returns 0, or -EBADMSG with *why (a static string) naming the
 * problem, or -ENOMEM.  Release e with reg_entry_release() either way.
 */
int reg_line_parse(const char *line, size_t len, struct reg_entry *e,
		   const char **why);
void reg_entry_release(struct reg_entry *e);

/*
 * Check e's signature with pkey over the signed bytes of line (the
 * exact bytes e was parsed from).  Returns 0, -EBADMSG (does not
 * verify) or -EINVAL (signature is not valid base64 DER).
 */
int reg_entry_check_sig(const struct reg_entry *e, const char *line,
			EVP_PKEY *pkey);

/* A text field of the body, or NULL when absent, null or not a string. */
const char *reg_body_str(const struct reg_entry *e, const char *key);
/* An integer field of the body, or -1 when absent or not an integer. */
int64_t reg_body_int(const struct reg_entry *e, const char *key);

/* ---- appending -------------------------------------------------------- */

struct reg_appended {
	uint64_t seq;			/* the new entry */
	char hash[REG_HEX_LEN];
	uint64_t recovered_seq;		/* a recovered entry written first, or 0 */
	size_t recovered_len;		/* bytes of the torn line it holds */
	int created;			/* the file was created */
};

/*
 * Append one entry: open (creating it 0644), lock exclusively, read the
 * last entry, move a torn last line into a `recovered` entry, write the
 * line with one write(), fsync the file (and its folder when created).
 * The body is borrowed.  On success the entry is durable.  Returns 0,
 * -EBADMSG (the last line is not an entry: run verify), -EFBIG (torn
 * tail or file too large), -ENOSPC, -E2BIG, or -errno; on failure the
 * file is left as it was.
 */
int reg_append(const char *path, const struct reg_signer *s,
	       enum reg_kind kind, struct json_object *body, time_t now,
	       struct reg_appended *out);

/* The last entry, for a certificate or a pre-flight clock check. */
struct reg_head {
	uint64_t seq;			/* 0: no entries */
	char hash[REG_HEX_LEN];		/* 64 zeros when no entries */
	char time[WC_RFC3339_LEN];
	time_t when;
	size_t torn_len;		/* bytes after the last newline */
};

/* Read the head under a shared lock.  Returns 0, -ENOENT, -EBADMSG. */
int reg_head_read(const char *path, struct reg_head *h);

/*
 * Parse "SEQ:HASH" (as certificates print "entry SEQ hash HASH").
 * Returns 0 or -EINVAL.
 */
int reg_head_parse(const char *s, uint64_t *seq, char hash[REG_HEX_LEN]);

/* ---- bodies of each kind (wipecert-register(5)) ----------------------
 *
 * Each builder checks required fields (non-empty) and that every text
 * is valid UTF-8 of at most REG_FIELD_MAX bytes; NULL or "" fields are
 * written as null.  Returns 0 and a new object (caller puts it), or
 * -EINVAL or -ENOMEM.
 */
struct reg_received {
	const char *contract;
	const char *asset_tag;		/* 管理番号, required */
	const char *description;
	const char *media_type;		/* 種別: hdd, ssd, usb-flash, ... */
	const char *vendor;
	const char *model;
	const char *serial;		/* as on the label */
	const char *capacity;		/* as on the label ("500GB") */
	const char *department;		/* 所管課 */
	const char *classification;
	const char *stored_info;	/* 格納情報 */
	const char *from;		/* handed over by, required */
	const char *received_by;
	const char *note;
};
int reg_body_received(const struct reg_received *r, struct json_object **out);

struct reg_takeout {			/* 第18条⑵ */
	const char *contract;
	const char *asset_tag;		/* required */
	const char *stored_info;	/* 格納情報 */
	const char *time_out;		/* RFC 3339, required */
	const char *taken_by;		/* required */
	const char *approver;		/* required */
	const char *purpose;		/* required */
	const char *destination;	/* required */
	const char *note;
};
int reg_body_takeout(const struct reg_takeout *t, struct json_object **out);

struct reg_return {
	const char *contract;
	const char *asset_tag;		/* required */
	uint64_t takeout_seq;		/* the take-out it closes, 0 none */
	const char *time_returned;	/* RFC 3339, required */
	const char *confirmed_by;	/* required */
	const char *note;
};
int reg_body_return(const struct reg_return *r, struct json_object **out);

struct reg_correction {
	uint64_t refers;		/* seq of the corrected entry */
	const char *text;		/* required */
};
int reg_body_correction(const struct reg_correction *c,
			struct json_object **out);

struct reg_started {
	const char *record_id;		/* required */
	const char *contract;
	const char *asset_tag;
	const char *target;		/* device path as given */
	const char *vendor;
	const char *model;
	const char *serial;
	uint64_t size_bytes;
	const char *method;		/* required */
};
int reg_body_started(const struct reg_started *s, struct json_object **out);

struct reg_erasure {
	const char *record_id;		/* required */
	const char *record_sha256;	/* required, 64 hex */
	const char *result;		/* pass, fail, aborted; required */
	const char *contract;
	const char *asset_tag;
	const char *media_type;
	const char *transport;
	const char *vendor;
	const char *model;
	const char *serial;
	uint64_t size_bytes;
	const char *method;		/* required */
	const char *nist_category;	/* Clear, Purge; required */
	const char *ended;		/* RFC 3339 */
	const char *operator_name;
	const char *witness;
	const char *custody;		/* reg_custody_name(), or NULL */
};
int reg_body_erasure(const struct reg_erasure *e, struct json_object **out);

struct reg_certificate {
	const char *record_id;		/* required */
	const char *doc;		/* erasure, failure, destruction */
	const char *file;		/* file name, required */
	const char *sha256;		/* of the file, required */
	uint64_t entry_seq;		/* the entry the document prints */
	const char *entry_hash;
};
int reg_body_certificate(const struct reg_certificate *c,
			 struct json_object **out);

struct reg_destruction {
	const char *record_id;		/* the destruction's own id, required */
	const char *record_sha256;	/* of its record file, 64 hex */
	const char *contract;
	const char *asset_tag;
	const char *media_type;
	const char *vendor;
	const char *model;
	const char *serial;
	const char *capacity;
	const char *method;		/* shred, crush, drill, degauss, other */
	const char *method_text;	/* for other */
	const char *operator_name;
	const char *witness;
	const char *place;
	const char *time;		/* RFC 3339, required */
	const char *note;
};
int reg_body_destruction(const struct reg_destruction *d,
			 struct json_object **out);

struct reg_report {
	const char *contract;		/* required */
	const char *file;		/* required */
	const char *sha256;		/* required */
	uint64_t head_seq;		/* the head the report was made from */
	const char *head_hash;
	uint64_t media;			/* media listed */
};
int reg_body_report(const struct reg_report *r, struct json_object **out);

/*
 * What the wipe pipeline appends: `started` before an erase, `erasure`
 * after the record is written, `certificate` after the PDF.  Each is
 * reg_append() of the body above; out gets the entry's seq and hash.
 */
int reg_append_started(const char *path, const struct reg_signer *s,
		       const struct reg_started *in, time_t now,
		       struct reg_appended *out);
int reg_append_erasure(const char *path, const struct reg_signer *s,
		       const struct reg_erasure *in, time_t now,
		       struct reg_appended *out);
int reg_append_certificate(const char *path, const struct reg_signer *s,
			   const struct reg_certificate *in, time_t now,
			   struct reg_appended *out);

/* ---- reading the whole register --------------------------------------- */

struct reg_log {
	struct reg_entry *v;
	size_t n;
	size_t cap;
	char *text;			/* the file, when reg_log_load read it */
	size_t text_len;
	size_t torn_len;		/* bytes after the last newline */
	size_t bad_line;		/* first unparseable line, 0 none */
	const char *bad_why;
};

/*
 * Parse every line of text (pure).  Stops at the first unparseable
 * line with -EBADMSG and log->bad_line set; a torn tail is not an
 * error (log->torn_len).  Marks interrupted `started` entries.
 * Release with reg_log_release() either way.
 */
int reg_log_parse(const char *text, size_t len, struct reg_log *log);
/* Read path under a shared lock and parse it.  -ENOENT, -EBADMSG, ... */
int reg_log_load(const char *path, struct reg_log *log);
void reg_log_release(struct reg_log *log);

/* The entry with this seq, or NULL. */
const struct reg_entry *reg_log_find(const struct reg_log *log,
				     uint64_t seq);

/*
 * The contract and 管理番号 an entry belongs to, following references
 * (a certificate to its record's entries, a correction to the entry it
 * corrects).  NULL when none.
 */
const char *reg_entry_contract(const struct reg_log *log,
			       const struct reg_entry *e);
const char *reg_entry_asset_tag(const struct reg_log *log,
				const struct reg_entry *e);

struct reg_filter {
	const char *contract;		/* NULL: any */
	int kind;			/* enum reg_kind, or -1 for any */
	int has_since, has_until;
	time_t since, until;		/* inclusive */
	const char *asset_tag;		/* NULL: any */
};

void reg_filter_init(struct reg_filter *f);
/* 1 when e passes every condition of f, else 0. */
int reg_filter_match(const struct reg_log *log, const struct reg_entry *e,
		     const struct reg_filter *f);

/*
 * Parse a time: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or with a 'T',
 * optionally ending in "Z" or "+HH:MM"; without an offset it is local
 * time.  *date_only (may be NULL) says no time of day was given.
 * Returns 0 or -EINVAL.
 */
int reg_time_parse(const char *s, time_t *out, int *date_only);

/* ---- verification ---------------------------------------------------- */

enum reg_problem {
	REG_OK = 0,
	REG_MALFORMED,		/* a line that is not an entry */
	REG_EDITED,		/* content changed after signing */
	REG_DELETED,		/* entries missing */
	REG_REORDERED,		/* entries out of order */
	REG_INSERTED,		/* a line that does not belong */
	REG_TRUNCATED,		/* shorter than an expected head */
	REG_REWRITTEN,		/* the expected head's entry differs */
	REG_BAD_SIGNATURE,	/* a signature that cannot be decoded */
	REG_UNKNOWN_SIGNER,	/* no certificate for the signer */
	REG_UNTRUSTED,		/* intact, but not issued by the root CA */
};

/* "edited", "deleted", ... */
const char *reg_problem_name(enum reg_problem p);

struct reg_verify_opts {
	const char *ca_path;		/* root CA (PEM), NULL: not checked */
	int have_head;
	uint64_t head_seq;		/* --expect-head SEQ:HASH */
	char head_hash[REG_HEX_LEN];
};

struct reg_verify_result {
	enum reg_problem problem;	/* the first one */
	uint64_t seq;			/* the entry named, 0 none */
	size_t line;			/* its line, 0 none */
	char reason[512];		/* "" when intact */
	uint64_t entries;		/* lines checked before the problem */
	struct reg_head head;		/* the last entry */
	size_t torn_len;		/* a torn last line, not an error */
	size_t recovered;		/* recovered entries found */
	size_t signers;
	int ca_checked;
};

/*
 * Walk a register: every line parses, seq runs 1, 2, ..., each prev is
 * the previous line's hash, each signature verifies with its signer's
 * certificate (embedded in the signer's first entry), each certificate
 * chains to store (when not NULL) at the entry's time, and the expected
 * head, if any, is there with that hash.  Returns 0 with r filled (see
 * r->problem), or -ENOMEM.
 */
int reg_verify_buf(const char *text, size_t len, X509_STORE *store,
		   const struct reg_verify_opts *o,
		   struct reg_verify_result *r);

/*
 * The same for a file, read under a shared lock, with o->ca_path
 * loaded as the trust store.  Returns 0 with r filled, -ENOENT,
 * -EKEYREJECTED (CA file unreadable), or -errno.
 */
int reg_verify(const char *path, const struct reg_verify_opts *o,
	       struct reg_verify_result *r);

/* ---- media: one row per medium --------------------------------------- */

enum reg_custody {
	REG_CUSTODY_NONE = 0,		/* no 管理番号 given */
	REG_CUSTODY_OK,			/* received, serials agree */
	REG_CUSTODY_NOT_RECEIVED,	/* no received entry for the tag */
	REG_CUSTODY_SERIAL_MISMATCH,	/* label serial != drive serial */
	REG_CUSTODY_NO_LABEL_SERIAL,	/* received without a serial */
};

/* "ok", "not-received", ...: the value of an erasure's custody field. */
const char *reg_custody_name(enum reg_custody c);

struct reg_custody_result {
	enum reg_custody status;
	uint64_t received_seq;		/* 0: none */
	char label_serial[256];		/* from the received entry */
};

/*
 * Check a 管理番号 (and the serial the drive reports, may be NULL)
 * against the last `received` entry for it.  Serials compare without
 * case and surrounding blanks.  Returns 0 with r filled.
 */
int reg_custody_check(const struct reg_log *log, const char *asset_tag,
		      const char *drive_serial, struct reg_custody_result *r);
/*
 * The same, loading path first (a missing file: not received).
 * Returns 0 with r filled, -EBADMSG (a line is not an entry), -errno.
 */
int reg_custody_check_file(const char *path, const char *asset_tag,
			   const char *drive_serial,
			   struct reg_custody_result *r);

/* Serial numbers equal, ignoring case and surrounding blanks: 1 or 0. */
int reg_serial_equal(const char *a, const char *b);

enum reg_outcome {
	REG_OUT_NONE = 0,	/* 未処分 */
	REG_OUT_PASS,		/* 正常完了 (erased) */
	REG_OUT_FAIL,		/* 消去不能 (destroy it) */
	REG_OUT_ABORTED,	/* 中断 */
	REG_OUT_INTERRUPTED,	/* started, never ended (power loss) */
	REG_OUT_DESTROYED,	/* 正常完了 (destroyed) */
	REG_OUT_SWITCHED,	/* 物理破壊へ切替: failed, then destroyed */
};

struct reg_medium {
	char key[320];			/* 管理番号, else record: / serial: */
	const char *asset_tag;
	const char *contract;
	const struct reg_entry *received;	/* the last of each, or NULL */
	const struct reg_entry *takeout;
	const struct reg_entry *ret;		/* return of that take-out */
	const struct reg_entry *started;
	const struct reg_entry *erasure;
	const struct reg_entry *certificate;
	const struct reg_entry *destruction;
	enum reg_outcome outcome;
	int serial_mismatch;		/* label serial != drive serial */
	int out;			/* taken out, not returned */
	size_t erasures;			/* erasure entries, all runs */
	uint64_t corrections[8];		/* seqs of corrections */
	size_t ncorrections;
};

struct reg_media {
	struct reg_medium *v;
	size_t n;
};

/*
 * One row per medium, in order of first appearance, joined by 管理番号
 * (or record id, or serial when there is none).  contract (NULL: all)
 * keeps only that contract's media.  Entries point into log, which must
 * outlive m.  Returns 0 or -ENOMEM.
 */
int reg_media_build(const struct reg_log *log, const char *contract,
		    struct reg_media *m);
void reg_media_release(struct reg_media *m);

/* Japanese 結果: 正常完了, 物理破壊へ切替, 消去不能, 中断, 未処分, ... */
const char *reg_outcome_text(enum reg_outcome o);
/* "pass", "fail", "switched", ...: the report's outcome field. */
const char *reg_outcome_name(enum reg_outcome o);

/* The columns of the 管理簿 (DESIGN §8), in order. */
#define REG_COLUMNS 22
extern const char *const reg_column_names[REG_COLUMNS];

/*
 * The cells of one medium's row, as the CSV and the PDF 管理簿 print
 * them: malloc'd UTF-8 strings, "" when unknown.  Free with
 * reg_row_release().  Returns 0 or -ENOMEM.
 */
int reg_medium_row(const struct reg_log *log, const struct reg_medium *m,
		   char *cells[REG_COLUMNS]);
void reg_row_release(char *cells[REG_COLUMNS]);

/*
 * Write the 管理簿 as CSV: UTF-8 with BOM, CRLF, the columns of DESIGN
 * §8 with Japanese headers, RFC 4180 quoting.  *out is malloc'd.
 * Returns 0 or -ENOMEM.
 */
int reg_csv_export(const struct reg_log *log, const struct reg_media *m,
		   char **out, size_t *len);

/*
 * Append one CSV field to a NUL-terminated heap buffer (*buf, *len,
 * *cap), quoting it when it holds a comma, quote, CR or LF, and
 * neutralising a leading =, +, -, @ (spreadsheet formulas) with a
 * quote character.  Returns 0 or -ENOMEM.
 */
int reg_csv_field(char **buf, size_t *len, size_t *cap, const char *field);

/* ---- the documents that print it (report.c) --------------------------- */

/* The header of a 第22条 report or a PDF 管理簿; strings borrowed. */
struct reg_report_in {
	const char *id;			/* the document's id (UUID), required */
	const char *issued;		/* RFC 3339, required */
	const char *time_zone;
	const char *contract;		/* required for a report */
	const char *department;		/* 所管課 */
	const char *contractor;
	const char *manager;		/* 管理責任者 */
	const char *register_file;	/* the name printed */
	const char *tool_version;
};

/*
 * The wipecert.report/1 JSON of a contract's media m (wipecert-report(8)):
 * the register head (the last entry of log), counts, and per medium its
 * identity, disposal, result, certificate and what still needs
 * attention (failed, interrupted, not disposed of, taken out and not
 * returned, serial mismatch).  Returns 0 and a new object, -EINVAL or
 * -ENOMEM.
 */
int reg_report_json(const struct reg_log *log, const struct reg_media *m,
		    const struct reg_report_in *in, struct json_object **out);
/*
 * The wipecert.ledger/1 JSON of the 管理簿: the head, the column names
 * and one row of reg_medium_row() cells per medium.  Same returns.
 */
int reg_ledger_json(const struct reg_log *log, const struct reg_media *m,
		    const struct reg_report_in *in, struct json_object **out);

#endif
