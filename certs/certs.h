/*
 * certs.h - the record (DESIGN §6): one canonical JSON document per
 * drive, schema wipecert.record/1, written once and never edited.
 *
 * Key order is fixed by the builder (json-c keeps insertion order), so
 * the same job always serialises to the same bytes.  No floating-point
 * numbers: rates are integer bytes per second, coverage is in ppm.
 */
#ifndef WIPECERT_CERTS_H
#define WIPECERT_CERTS_H

#include <stdint.h>

#include <json-c/json.h>

#include "lib/lib.h"
#include "verify/verify.h"
#include "wipe/wipe.h"

#define CERT_RECORD_SCHEMA "wipecert.record/1"
#define CERT_RECORD_MAX (4 * 1024 * 1024)	/* bytes a record may have */

enum cert_result {
	CERT_PASS = 0,
	CERT_FAIL,
	CERT_ABORTED,
};

const char *cert_result_name(enum cert_result r);

/* Who and what for; NULL or "" fields are written as null. */
struct cert_people {
	const char *operator_name;
	const char *witness;
	const char *verifier;
};

struct cert_contract {
	const char *number;
	const char *department;	/* the ward department (所管課) */
	const char *contractor;
	const char *manager;	/* 管理責任者 */
};

struct cert_tool {
	const char *name;
	const char *version;
	char binary_sha256[65];
	char host[256];
};

/* One error worth recording: what, where, errno. */
struct cert_error {
	char stage[16];		/* "erase", "verify", "probe", "flush" */
	char message[256];
	int err;		/* errno value, 0 if none */
};

#define CERT_MAX_ERRORS 16

/* Everything one wipe of one target produced. */
struct cert_job {
	char id[37];
	time_t issued;
	time_t started;
	time_t ended;
	const char *timezone;
	struct cert_contract contract;
	struct cert_people people;
	struct cert_tool tool;
	const char *asset_tag;
	const struct wipe_ident *ident;
	const struct wipe_contents *before;
	const struct wipe_plan *plan;
	enum wipe_io_mode io_mode;
	unsigned passes_done;
	const struct wipe_pass_result *passes;	/* passes_done of them */
	const struct vfy_plan *vplan;		/* NULL: not verified */
	const struct vfy_result *vres;
	/* Read-back after earlier passes (--verify-all-passes), or NULL. */
	const struct vfy_result *pass_vres[WIPE_MAX_PASSES];
	const struct wipe_contents *after;	/* NULL: not probed */
	/* Firmware erase (NULL for overwrites), hidden areas, markers. */
	const struct wipe_fw_result *fw;
	const struct wipe_hidden_result *hidden;
	const struct vfy_markers *markers;
	const struct wipe_pattern *fw_expect;	/* promised pattern, or NULL */
	struct cert_error errors[CERT_MAX_ERRORS];
	unsigned nerrors;
	enum cert_result result;
};

/* Add an error to the job (silently capped at CERT_MAX_ERRORS). */
void cert_job_error(struct cert_job *job, const char *stage, int err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Fill the tool block: name, version, SHA-256 of /proc/self/exe, host.
 * Returns 0 or -errno.
 */
int cert_tool_fill(struct cert_tool *tool);

/*
 * Build the record.  Returns a new json object (caller puts it with
 * json_object_put) or NULL on allocation failure.
 */
struct json_object *cert_record_build(const struct cert_job *job);

/* The libblkid findings as JSON: {pttype, ptuuid, items: [...]}. */
struct json_object *cert_contents_json(const struct wipe_contents *c);

/*
 * The record's "verification" object, also printed by `verify --json`.
 * vp NULL: not verified (mode "none"); after NULL: not probed.
 */
struct json_object *cert_verification_json(const struct vfy_plan *vp,
					   const struct vfy_result *vr,
					   const struct wipe_pattern *p,
					   const struct wipe_contents *after);

/* A range list as JSON: {sectors, ranges: [[start, count]...], truncated}. */
struct json_object *cert_ranges_json(const struct wc_ranges *r);

/*
 * The drive's own parts of the record (certs/recordfw.c): what it
 * reported, hidden areas, the firmware erase, the markers, one command
 * status, capability names.  Each returns a new object (or NULL for
 * nothing to say).
 */
struct json_object *cert_drive_json(const struct wipe_ident *id);
struct json_object *cert_hidden_json(const struct wipe_hidden_result *r);
struct json_object *cert_fw_json(const struct wipe_fw_result *fw,
				 int ata_security);
struct json_object *cert_markers_json(const struct vfy_markers *m,
				      const struct wipe_pattern *expect);
struct json_object *cert_cmd_status_json(const struct wipe_cmd_status *st);
struct json_object *cert_caps_json(uint32_t caps);

/*
 * Serialise a record: pretty, 2-space indent, no escaped slashes, UTF-8
 * as is, trailing newline.  Caller frees *out.  Returns 0 or -ENOMEM.
 */
int cert_record_serialise(struct json_object *rec, char **out, size_t *len);

/*
 * Write the record to dir/<id>.json (never replacing a file) and give
 * the path and the SHA-256 of the bytes written.  Returns 0 or -errno.
 */
int cert_record_write(const char *dir, const struct cert_job *job,
		      char *path, size_t pathlen, char sha256_hex[65]);

/* What a record says a device should now hold, for `verify --expect`. */
struct cert_expect {
	struct wipe_pattern pattern;
	uint64_t size_bytes;
	char serial[128];
	char result[16];
	char id[37];
};

/*
 * Parse a record file and extract the last verified pattern.  Every
 * field is type- and bounds-checked.  Returns 0, -EINVAL (not a record,
 * or a record with nothing to verify against), -EFBIG, or -errno.
 */
int cert_record_expect(const char *path, struct cert_expect *out);

/* The same from a buffer (for tests and fuzzing). */
int cert_record_expect_buf(const char *buf, size_t len,
			   struct cert_expect *out);

/* ---- certificates (PDF) ---------------------------------------------
 *
 * Facts that the renderer, the signer and the verifier share:
 *  - the record is embedded as an attached file named "<record-id>.json"
 *    (an /EmbeddedFile stream reachable from the Catalog's /Names
 *    /EmbeddedFiles tree), its bytes exactly the record file's bytes;
 *  - the record's SHA-256 is printed in a base-14 font (Courier), so its
 *    64 hex digits appear as one literal string in a page content stream;
 *  - the QR code (an image XObject) encodes CERT_QR_PREFIX "<id> <sha256>";
 *  - the signer certificate's SHA-256 fingerprint is printed the same way
 *    (cert_pdf_verify insists, so that a certificate re-signed with
 *    another key fails), and so is the register entry's hash when there
 *    is one (the only other 64-hex-digit literal not found in the record);
 *  - signatures are PAdES baseline B-B, SubFilter ETSI.CAdES.detached,
 *    added as an incremental update (DESIGN §7).
 */
#define CERT_QR_PREFIX "WIPECERT/1 "

enum cert_doc {
	CERT_DOC_ERASURE = 0,	/* データ消去証明書, <id>.pdf */
	CERT_DOC_FAILURE,	/* 消去不能報告書, <id>.failure.pdf */
	CERT_DOC_DESTRUCTION,	/* 物理破壊証明書, <id>.destruction.pdf */
	CERT_DOC_REPORT,	/* 返還・処分完了報告書 (第22条) */
	CERT_DOC_LEDGER,	/* 記録媒体管理簿, landscape */
};

/*
 * The JSON each document is rendered from and carries: the record
 * (above) for erasure certificates and failure reports, and for the
 * others (wipecert-record(5), wipecert-report(8), wipecert-register(8)):
 */
#define CERT_DESTRUCTION_SCHEMA "wipecert.destruction/1"
#define CERT_REPORT_SCHEMA "wipecert.report/1"
#define CERT_LEDGER_SCHEMA "wipecert.ledger/1"
#define CERT_MAX_PHOTOS 4
#define CERT_PHOTO_MAX (16 * 1024 * 1024)	/* bytes of one photo */

/* What a certificate prints besides the record itself. */
struct cert_render_in {
	enum cert_doc kind;
	const char *record_text;	/* the record file's exact bytes */
	size_t record_len;
	const char *record_sha256;	/* hex of those bytes */
	const struct wc_config *cfg;	/* contract, addressee, issuer, … */
	const char *signer_name;	/* signer certificate's subject CN */
	const char *signer_fingerprint;	/* SHA-256 of its DER, hex */
	int64_t register_seq;		/* the erasure entry, -1 if none */
	const char *register_hash;	/* that entry's hash, hex, or NULL */
	const char *font_path;		/* TrueType (IPAexGothic) */
	time_t issued;
	/* destruction: the photo files, in the order the record lists them */
	const char *const *photos;
	size_t nphotos;
};

/*
 * Render the (unsigned) document of kind in->kind for its JSON.  It is
 * parsed and checked here (schema, id, result for the kind, SHA-256;
 * a destruction's photos must be the files the record hashed); fields
 * missing from both the JSON and cfg print as "—".  Returns 0 and a
 * malloc'd PDF, or -EINVAL (not such a document, or wrong kind for its
 * result, or a photo that is not the one recorded), -ENOENT (font or
 * photo), -ENOMEM, -EIO (libharu).
 */
int cert_pdf_render(const struct cert_render_in *in, uint8_t **pdf,
		    size_t *len);

/* ---- physical destruction (certs/destruction.c) ---------------------- */

/* What one destruction was; NULL or "" fields are written as null. */
struct cert_destruction {
	char id[37];
	time_t issued;
	const char *timezone;
	struct cert_contract contract;
	struct cert_people people;	/* operator and witness */
	struct cert_tool tool;
	const char *asset_tag;
	const struct wipe_ident *ident;	/* read from the device, or NULL */
	/* typed in when the medium cannot be read (ident NULL) */
	const char *media_type, *vendor, *model, *serial, *capacity;
	const char *method;		/* shred crush drill degauss other */
	const char *method_text;	/* what "other" was; optional else */
	const char *place;
	time_t when;			/* of the destruction */
	const char *note;
	const char *photos[CERT_MAX_PHOTOS];	/* JPEG or PNG files */
	size_t nphotos;
	/* the failed erasure it follows (物理破壊へ切替), or record_id NULL */
	const char *prior_record_id;
	uint64_t prior_entry;		/* its erasure entry, 0 unknown */
};

/* 1 when m is shred, crush, drill, degauss or other. */
int cert_destroy_method_valid(const char *m);
/* "細断 (shredding)", …; NULL for an unknown method. */
const char *cert_destroy_method_text(const char *m);

/*
 * Build the wipecert.destruction/1 record (wipecert-record(5)), reading
 * each photo to name its type and SHA-256.  Returns 0 and a new object,
 * -EINVAL (a bad method, other without text, a photo that is neither
 * JPEG nor PNG or larger than CERT_PHOTO_MAX, more than 4 photos),
 * -ENOENT, -ENOMEM or -errno.
 */
int cert_destruction_build(const struct cert_destruction *d,
			   struct json_object **out);

/* The record's media type of a drive: "hdd", "ssd", "usb-flash", … */
const char *cert_media_type(const struct wipe_ident *id);

/* An unlocked signing key with its certificate and issuing chain. */
struct cert_signer;

/*
 * Load and unlock the technician's key (PKCS#8, encrypted), its
 * certificate and chain.  The passphrase is read from passphrase_file
 * or, when NULL, from the terminal; it is wiped after use.  Checks that
 * the key matches the certificate and that the certificate is valid at
 * `now`.  Returns 0, -EACCES (wrong passphrase), -EKEYEXPIRED (expired
 * or not yet valid), -EKEYREJECTED (key does not match certificate),
 * -ENOENT, -EINVAL (malformed), or -errno.
 */
int cert_signer_load(const char *key_path, const char *cert_path,
		     const char *chain_path, const char *passphrase_file,
		     time_t now, struct cert_signer **out);
void cert_signer_free(struct cert_signer *s);
/* Subject CN and SHA-256 fingerprint (hex) of the signer certificate. */
const char *cert_signer_name(const struct cert_signer *s);
const char *cert_signer_fingerprint(const struct cert_signer *s);
/* The OpenSSL objects, for the register (not owned by the caller). */
void *cert_signer_pkey(const struct cert_signer *s);	/* EVP_PKEY * */
void *cert_signer_x509(const struct cert_signer *s);	/* X509 * */

/*
 * Sign a PDF (as libharu wrote it) with an incremental update.  Returns
 * 0 and a malloc'd signed PDF, -EINVAL (not a PDF this code can update),
 * -ENOSPC (signature larger than the reserved /Contents), or -EIO.
 */
int cert_pdf_sign(const uint8_t *pdf, size_t len,
		  const struct cert_signer *s, uint8_t **out,
		  size_t *outlen);

enum cert_verdict {
	CERT_VALID = 0,
	CERT_INVALID,		/* tampered, malformed, or not covering all */
	CERT_UNTRUSTED,		/* intact, but the chain does not reach root */
};

struct cert_verify_result {
	enum cert_verdict verdict;
	char reason[256];		/* first problem, "" when valid */
	char signer_subject[256];
	char signer_fingerprint[65];
	char record_id[37];
	char record_sha256[65];		/* of the embedded record */
	char *record_text;		/* embedded record, malloc'd */
	size_t record_len;
	int64_t register_seq;		/* as printed, -1 if none */
	char register_hash[65];
};

/*
 * Verify a signed certificate without poppler: CMS signature over the
 * byte ranges, ranges covering the whole file but /Contents, /Contents
 * holding exactly the DER signature then zero padding, the chain to
 * root_ca (NULL: chain not checked → at best CERT_UNTRUSTED), the
 * embedded record's SHA-256 equal to the printed one and the QR's.
 * Returns 0 with res filled (see res->verdict), or -errno when the file
 * could not be examined at all.  Free res with cert_verify_result_release.
 */
int cert_pdf_verify(const uint8_t *pdf, size_t len, const char *root_ca,
		    struct cert_verify_result *res);
void cert_verify_result_release(struct cert_verify_result *res);

#endif
