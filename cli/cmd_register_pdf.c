/*
 * cmd_register_pdf.c - signed PDF documents made from the register:
 * `wipecert register export --pdf FILE` (the 管理簿), and the steps
 * `destroy` and `report` share with it: render and sign, write a new
 * file, append an entry.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_register.h"

int
rcli_pdf(const struct cert_render_in *in, const struct cert_signer *s,
	 const char *what, uint8_t **out, size_t *len)
{
	uint8_t *pdf = NULL;
	size_t n = 0;
	int ret;

	*out = NULL;
	*len = 0;
	ret = cert_pdf_render(in, &pdf, &n);
	if (ret != 0) {
		cli_err("cannot render the %s: %s", what,
			ret == -ENOENT ? "font or photo not found"
			: ret == -EINVAL ? "its data is not valid (or a photo "
					   "is not a JPEG or PNG libharu reads)"
			: ret == -E2BIG ? "too many pages"
					: strerror(-ret));
		return ret == -ENOENT ? CLI_KEYCONF
		       : ret == -EINVAL ? CLI_USAGE : CLI_IO;
	}
	ret = cert_pdf_sign(pdf, n, s, out, len);
	free(pdf);
	if (ret != 0) {
		cli_err("cannot sign the %s: %s", what,
			ret == -ENOSPC ? "signature larger than the space "
					 "reserved for it" : strerror(-ret));
		return CLI_IO;
	}
	return CLI_OK;
}

int
rcli_write_new(const char *dir, const char *name, const void *data,
	       size_t len)
{
	int ret = wc_write_file_new(dir, name, data, len, 0644);

	if (ret == 0)
		return CLI_OK;
	cli_err("cannot write '%s/%s': %s", dir, name,
		ret == -EEXIST ? "it exists: refusing to overwrite it"
			       : strerror(-ret));
	return ret == -EEXIST ? CLI_REFUSED : CLI_IO;
}

int
rcli_append(struct rcli *r, const struct reg_signer *s, enum reg_kind kind,
	    struct json_object *body, struct reg_appended *out)
{
	int ret = reg_append(r->path, s, kind, body, time(NULL), out);

	if (ret != 0)
		return rcli_append_error(r, ret);
	if (out->recovered_seq != 0)
		cli_warn("a torn last line (%zu bytes) was kept as entry %llu "
			 "(recovered)", out->recovered_len,
			 (unsigned long long)out->recovered_seq);
	return CLI_OK;
}

void
rcli_sha256_hex(const void *data, size_t len, char hex[65])
{
	uint8_t md[32];

	wc_sha256(data, len, md);
	wc_hex(hex, md, sizeof(md));
}

/* ---- export --pdf -------------------------------------------------------- */

/* The ledger's JSON, serialised as a record is. */
static int
ledger_json(struct rcli *r, const struct reg_log *log,
	    const struct reg_media *m, const char *contract, char **text,
	    size_t *len, time_t now)
{
	char id[37], issued[WC_RFC3339_LEN], path[4096];
	struct json_object *j = NULL;
	int ret;

	if (wc_uuid4(id) != 0 || wc_rfc3339(issued, sizeof(issued), now) ||
	    wc_fmt(path, sizeof(path), "%s", r->path) != 0)
		return -EIO;
	ret = reg_ledger_json(log, m, &(struct reg_report_in){
		.id = id, .issued = issued, .contract = contract,
		.time_zone = r->tz ? r->tz : r->cfg.timezone
			? r->cfg.timezone : WC_DEFAULT_TZ,
		.department = r->cfg.department,
		.contractor = r->cfg.contractor, .manager = r->cfg.manager,
		.register_file = basename(path),
		.tool_version = WIPECERT_VERSION,
	}, &j);
	if (ret == 0)
		ret = cert_record_serialise(j, text, len);
	json_object_put(j);
	return ret;
}

static int
ledger_pdf(struct rcli *r, const char *json, size_t jlen,
	   uint8_t **pdf, size_t *len, time_t now)
{
	struct cert_signer *cs;
	struct reg_signer s;
	char sha[65];
	int ret;

	ret = rcli_signer(r, &cs, &s);
	if (ret != CLI_OK)
		return ret;
	rcli_sha256_hex(json, jlen, sha);
	ret = rcli_pdf(&(struct cert_render_in){
		.kind = CERT_DOC_LEDGER, .record_text = json,
		.record_len = jlen, .record_sha256 = sha, .cfg = &r->cfg,
		.signer_name = cert_signer_name(cs),
		.signer_fingerprint = cert_signer_fingerprint(cs),
		.register_seq = -1, .font_path = r->cfg.font, .issued = now,
	}, cs, "管理簿 (media register)", pdf, len);
	reg_signer_release(&s);
	cert_signer_free(cs);
	return ret;
}

int
rcli_export_pdf(struct rcli *r, const struct reg_log *log,
		const struct reg_media *m, const char *contract,
		const char *file)
{
	time_t now = time(NULL);
	uint8_t *pdf = NULL;
	char *json = NULL, sha[65];
	size_t jlen = 0, len = 0;
	int ret;

	ret = ledger_json(r, log, m, contract, &json, &jlen, now);
	if (ret != 0) {
		cli_err("cannot build the 管理簿: %s", strerror(-ret));
		return CLI_IO;
	}
	ret = ledger_pdf(r, json, jlen, &pdf, &len, now);
	free(json);
	if (ret != CLI_OK)
		return ret;
	ret = rcli_write_replace(file, (const char *)pdf, len);
	if (ret != 0) {
		cli_err("cannot write '%s': %s", file, strerror(-ret));
		free(pdf);
		return CLI_IO;
	}
	rcli_sha256_hex(pdf, len, sha);
	printf("wrote %s: %zu media, signed\n  sha256 %s\n", file, m->n, sha);
	free(pdf);
	return CLI_OK;
}
