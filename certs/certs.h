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

/* A range list as JSON: {sectors, ranges: [[start, count]...], truncated}. */
struct json_object *cert_ranges_json(const struct wc_ranges *r);

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

#endif
