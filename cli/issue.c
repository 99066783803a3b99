/*
 * issue.c - what a wipe issues besides its record: the register entries
 * (started, erasure, certificate) and the signed certificate or failure
 * report, in DESIGN §8's order: record → erasure entry → certificate
 * (printing that entry's number and hash) → certificate entry.
 *
 * No printing here: results land in struct job for cmd_wipe to report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

#define DEFAULT_FONT "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"

int
issuer_init(struct issuer *iss, struct wc_config *cfg)
{
	memset(iss, 0, sizeof(*iss));
	iss->cfg = cfg;
	iss->font = cfg->font ? cfg->font : DEFAULT_FONT;
	iss->register_path = cfg->register_path;
	return -pthread_mutex_init(&iss->mu, NULL);
}

void
issuer_release(struct issuer *iss)
{
	if (iss == NULL)
		return;
	if (iss->have_rs)
		reg_signer_release(&iss->rs);
	cert_signer_free(iss->signer);
	pthread_mutex_destroy(&iss->mu);
	iss->signer = NULL;
	iss->have_rs = 0;
}

/* Unlock the key; set up the register signer.  Returns 0 or -errno. */
int
issuer_unlock(struct issuer *iss, time_t now)
{
	const struct wc_config *c = iss->cfg;
	int ret;

	ret = cert_signer_load(c->key, c->certificate, c->chain,
			       c->passphrase_file, now, &iss->signer);
	if (ret != 0)
		return ret;
	ret = reg_signer_init(&iss->rs, cert_signer_pkey(iss->signer),
			      cert_signer_x509(iss->signer));
	if (ret == 0)
		iss->have_rs = 1;
	return ret;
}

int
issue_started(struct issuer *iss, struct job *j, const char *contract)
{
	const struct wipe_ident *id = &j->dev->id;
	struct reg_started st = {
		.record_id = j->rec.id,
		.contract = contract,
		.asset_tag = j->rec.asset_tag,
		.target = j->target,
		.vendor = id->vendor,
		.model = id->model,
		.serial = id->serial,
		.size_bytes = id->size_bytes,
		.method = j->plan.method,
	};
	struct reg_appended ap;

	if (iss->register_path == NULL || !iss->have_rs)
		return 0;
	return reg_append_started(iss->register_path, &iss->rs, &st,
				  time(NULL), &ap);
}

static int
append_erasure(struct issuer *iss, struct job *j)
{
	const struct wipe_ident *id = &j->dev->id;
	char ended[WC_RFC3339_LEN] = "";
	struct reg_erasure er = {
		.record_id = j->rec.id,
		.record_sha256 = j->record_sha256,
		.result = cert_result_name(j->rec.result),
		.contract = j->rec.contract.number,
		.asset_tag = j->rec.asset_tag,
		.transport = wipe_transport_name(id->transport),
		.vendor = id->vendor,
		.model = id->model,
		.serial = id->serial,
		.size_bytes = id->size_bytes,
		.method = j->plan.method,
		.nist_category = wipe_nist_name(j->plan.nist),
		.ended = ended,
		.operator_name = j->rec.people.operator_name,
		.witness = j->rec.people.witness,
		.custody = j->custody,
	};
	struct reg_appended ap;
	int ret;

	wc_rfc3339(ended, sizeof(ended), j->rec.ended);
	ret = reg_append_erasure(iss->register_path, &iss->rs, &er, time(NULL),
				 &ap);
	if (ret == 0) {
		j->reg_seq = (int64_t)ap.seq;
		memcpy(j->reg_hash, ap.hash, sizeof(j->reg_hash));
	}
	return ret;
}

/* Render and sign the certificate (or failure report) of j's record. */
static int
make_pdf(struct issuer *iss, struct job *j, enum cert_doc kind,
	 uint8_t **signed_pdf, size_t *signed_len)
{
	struct cert_render_in in;
	uint8_t *pdf = NULL;
	size_t len = 0, rlen;
	char *text = NULL;
	int ret;

	ret = wc_read_file(j->record_path, CERT_RECORD_MAX, &text, &rlen);
	if (ret != 0)
		return ret;
	memset(&in, 0, sizeof(in));
	in.kind = kind;
	in.record_text = text;
	in.record_len = rlen;
	in.record_sha256 = j->record_sha256;
	in.cfg = iss->cfg;
	in.signer_name = cert_signer_name(iss->signer);
	in.signer_fingerprint = cert_signer_fingerprint(iss->signer);
	in.register_seq = j->reg_seq;
	in.register_hash = j->reg_seq >= 0 ? j->reg_hash : NULL;
	in.font_path = iss->font;
	in.issued = time(NULL);
	/* libharu keeps no global state, but one render at a time keeps the
	 * memory bounded with many drives. */
	pthread_mutex_lock(&iss->mu);
	ret = cert_pdf_render(&in, &pdf, &len);
	if (ret == 0)
		ret = cert_pdf_sign(pdf, len, iss->signer, signed_pdf,
				    signed_len);
	pthread_mutex_unlock(&iss->mu);
	free(pdf);
	free(text);
	return ret;
}

static int
write_pdf(struct issuer *iss, struct job *j)
{
	enum cert_doc kind = j->rec.result == CERT_PASS ? CERT_DOC_ERASURE
							: CERT_DOC_FAILURE;
	uint8_t *pdf = NULL, sum[32];
	char name[96];
	size_t len = 0;
	int ret;

	snprintf(name, sizeof(name), "%s%s.pdf", j->rec.id,
		 kind == CERT_DOC_FAILURE ? ".failure" : "");
	ret = make_pdf(iss, j, kind, &pdf, &len);
	if (ret == 0)
		ret = wc_write_file_new(j->outdir, name, pdf, len, 0644);
	if (ret == 0) {
		ret = wc_fmt(j->cert_path, sizeof(j->cert_path), "%s/%s",
			     j->outdir, name);
		wc_sha256(pdf, len, sum);
		wc_hex(j->cert_sha256, sum, sizeof(sum));
		j->cert_kind = kind;
	}
	free(pdf);
	return ret;
}

static int
append_certificate(struct issuer *iss, struct job *j)
{
	const char *base = strrchr(j->cert_path, '/');
	struct reg_certificate c = {
		.record_id = j->rec.id,
		.doc = j->cert_kind == CERT_DOC_ERASURE ? "erasure" : "failure",
		.file = base ? base + 1 : j->cert_path,
		.sha256 = j->cert_sha256,
		.entry_seq = j->reg_seq > 0 ? (uint64_t)j->reg_seq : 0,
		.entry_hash = j->reg_seq > 0 ? j->reg_hash : NULL,
	};
	struct reg_appended ap;

	return reg_append_certificate(iss->register_path, &iss->rs, &c,
				      time(NULL), &ap);
}

void
issue_after_record(struct issuer *iss, struct job *j)
{
	j->reg_seq = -1;
	if (iss == NULL || j->record_err != 0)
		return;
	j->issuing = JOB_ISSUING_REGISTER;
	if (iss->register_path != NULL && iss->have_rs)
		j->reg_err = append_erasure(iss, j);
	/* An aborted erase gets no document (DESIGN §1). */
	if (iss->signer == NULL || j->rec.result == CERT_ABORTED ||
	    j->reg_err != 0)
		return;
	j->issuing = JOB_ISSUING_CERTIFICATE;
	j->cert_err = write_pdf(iss, j);
	j->issuing = JOB_ISSUING_REGISTER;
	if (j->cert_err == 0 && iss->register_path != NULL && iss->have_rs)
		j->reg_err = append_certificate(iss, j);
}
