/*
 * firmware.c - firmware erase techniques: the method table with NIST SP
 * 800-88 categories (DESIGN §4), `auto`'s choice among them, and the
 * sanitize and format runs (ATA, SCSI, NVMe).  ATA Security Erase lives
 * in fwata.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <nvme/types.h>

#include "wipe/fw.h"

#define HOUR 3600U
#define UNKNOWN_SANITIZE_S (48 * HOUR)	/* when the drive gives no estimate */
#define FORMAT_CRYPTO_FLOOR_S (HOUR / 2)
#define FORMAT_USER_FLOOR_S (12 * HOUR)
#define OVERWRITE_PATTERN 0x00000000U
#define POLLS_BEFORE_START 5	/* an NVMe log may lag the command */

struct fw_method {
	const char *name;
	enum wipe_tech tech;
	enum wipe_fw_action action;
	uint32_t cap;
	const char *command;
};

static const struct fw_method fw_methods[] = {
	{ "ata-secure-erase", WIPE_TECH_ATA_SECURITY, WIPE_FW_NORMAL,
	  WIPE_CAP_ATA_SECURITY_ERASE, "ATA SECURITY ERASE UNIT (normal)" },
	{ "ata-enhanced-erase", WIPE_TECH_ATA_SECURITY, WIPE_FW_ENHANCED,
	  WIPE_CAP_ATA_ENHANCED_ERASE, "ATA SECURITY ERASE UNIT (enhanced)" },
	{ "ata-sanitize-crypto", WIPE_TECH_ATA_SANITIZE, WIPE_FW_CRYPTO,
	  WIPE_CAP_ATA_SANITIZE_CRYPTO, "ATA SANITIZE CRYPTO SCRAMBLE EXT" },
	{ "ata-sanitize-block", WIPE_TECH_ATA_SANITIZE, WIPE_FW_BLOCK,
	  WIPE_CAP_ATA_SANITIZE_BLOCK, "ATA SANITIZE BLOCK ERASE EXT" },
	{ "ata-sanitize-overwrite", WIPE_TECH_ATA_SANITIZE, WIPE_FW_OVERWRITE,
	  WIPE_CAP_ATA_SANITIZE_OVERWRITE, "ATA SANITIZE OVERWRITE EXT" },
	{ "nvme-format-user", WIPE_TECH_NVME_FORMAT, WIPE_FW_NORMAL,
	  WIPE_CAP_NVME_FORMAT_USER, "NVMe Format NVM, SES=1 (user data erase)" },
	{ "nvme-format-crypto", WIPE_TECH_NVME_FORMAT, WIPE_FW_CRYPTO,
	  WIPE_CAP_NVME_FORMAT_CRYPTO,
	  "NVMe Format NVM, SES=2 (cryptographic erase)" },
	{ "nvme-sanitize-crypto", WIPE_TECH_NVME_SANITIZE, WIPE_FW_CRYPTO,
	  WIPE_CAP_NVME_SANITIZE_CRYPTO, "NVMe Sanitize, Crypto Erase" },
	{ "nvme-sanitize-block", WIPE_TECH_NVME_SANITIZE, WIPE_FW_BLOCK,
	  WIPE_CAP_NVME_SANITIZE_BLOCK, "NVMe Sanitize, Block Erase" },
	{ "nvme-sanitize-overwrite", WIPE_TECH_NVME_SANITIZE, WIPE_FW_OVERWRITE,
	  WIPE_CAP_NVME_SANITIZE_OVERWRITE, "NVMe Sanitize, Overwrite" },
	{ "scsi-sanitize-crypto", WIPE_TECH_SCSI_SANITIZE, WIPE_FW_CRYPTO,
	  WIPE_CAP_SCSI_SANITIZE_CRYPTO, "SCSI SANITIZE, CRYPTOGRAPHIC ERASE" },
	{ "scsi-sanitize-block", WIPE_TECH_SCSI_SANITIZE, WIPE_FW_BLOCK,
	  WIPE_CAP_SCSI_SANITIZE_BLOCK, "SCSI SANITIZE, BLOCK ERASE" },
	{ "scsi-sanitize-overwrite", WIPE_TECH_SCSI_SANITIZE, WIPE_FW_OVERWRITE,
	  WIPE_CAP_SCSI_SANITIZE_OVERWRITE, "SCSI SANITIZE, OVERWRITE" },
};

static const struct fw_method *
fw_find(const char *name)
{
	size_t i;

	for (i = 0; i < WC_ARRAY_SIZE(fw_methods); i++)
		if (strcmp(fw_methods[i].name, name) == 0)
			return &fw_methods[i];
	return NULL;
}

int
wipe_fw_is_method(const char *name)
{
	return fw_find(name) != NULL;
}

/* ---- NIST SP 800-88 category per DESIGN §4 ------------------------------ */

static int
is_flash(const struct wipe_ident *id)
{
	return id->rotational == WIPE_NO;
}

static enum wipe_nist
fw_nist(const struct fw_method *m, const struct wipe_ident *id,
	const char **why)
{
	switch (m->tech) {
	case WIPE_TECH_ATA_SECURITY:
		if (m->action == WIPE_FW_ENHANCED && !is_flash(id)) {
			*why = "ATA HDD: enhanced SECURITY ERASE UNIT is Purge";
			return WIPE_NIST_PURGE;
		}
		*why = is_flash(id) ? "ATA SSD: SECURITY ERASE UNIT is Clear "
				      "only on flash"
				    : "ATA HDD: normal SECURITY ERASE UNIT is "
				      "Clear (enhanced is Purge)";
		return WIPE_NIST_CLEAR;
	case WIPE_TECH_ATA_SANITIZE:
		if (m->action == WIPE_FW_CRYPTO ||
		    (m->action == WIPE_FW_BLOCK && is_flash(id)) ||
		    (m->action == WIPE_FW_OVERWRITE && !is_flash(id))) {
			*why = "ATA SANITIZE is Purge for this media";
			return WIPE_NIST_PURGE;
		}
		*why = is_flash(id) ? "ATA SSD: SANITIZE OVERWRITE is not a "
				      "flash Purge; Clear"
				    : "ATA HDD: SANITIZE BLOCK ERASE is not a "
				      "Purge for magnetic media; Clear";
		return WIPE_NIST_CLEAR;
	case WIPE_TECH_NVME_FORMAT:
		*why = "NVMe Format NVM with Secure Erase is Purge (Rev. 1; "
		       "IEEE 2883 prefers Sanitize)";
		return WIPE_NIST_PURGE;
	case WIPE_TECH_NVME_SANITIZE:
	case WIPE_TECH_SCSI_SANITIZE:
		*why = "Sanitize is Purge";
		return WIPE_NIST_PURGE;
	case WIPE_TECH_OVERWRITE:
		break;
	}
	*why = "overwrite is Clear";
	return WIPE_NIST_CLEAR;
}

/* What the command reaches beyond the target, for the plan shown. */
static void
fw_scope(const struct fw_method *m, const struct wipe_ident *id, char *buf,
	 size_t len)
{
	const struct wipe_drive *dr = &id->drive;

	switch (m->tech) {
	case WIPE_TECH_NVME_FORMAT:
		if (dr->fna & (NVME_CTRL_FNA_FMT_ALL_NAMESPACES |
			       NVME_CTRL_FNA_SEC_ALL_NAMESPACES))
			snprintf(buf, len, "ALL %u namespace(s) of the "
				 "controller (FNA 0x%02x: format/secure erase "
				 "applies to all namespaces)", dr->nn, dr->fna);
		else
			snprintf(buf, len, "namespace %u only (FNA 0x%02x)",
				 dr->nsid, dr->fna);
		return;
	case WIPE_TECH_NVME_SANITIZE:
		snprintf(buf, len, "the whole NVM subsystem: all %u "
			 "namespace(s) and unallocated capacity", dr->nn);
		return;
	case WIPE_TECH_ATA_SANITIZE:
	case WIPE_TECH_SCSI_SANITIZE:
		snprintf(buf, len, "all user data of the drive, hidden areas "
			 "and spare blocks included");
		return;
	case WIPE_TECH_ATA_SECURITY:
		snprintf(buf, len, "the user data area (%s)",
			 m->action == WIPE_FW_ENHANCED
				 ? "enhanced: reallocated sectors too"
				 : "normal: visible sectors");
		return;
	case WIPE_TECH_OVERWRITE:
		break;
	}
	buf[0] = '\0';
}

static void
caps_missing(const struct fw_method *m, const struct wipe_ident *id,
	     struct wipe_plan *plan)
{
	if (id->drive.passthru[0] != '\0')
		snprintf(plan->reason, sizeof(plan->reason),
			 "%s is not available: %s", m->name, id->drive.passthru);
	else if (id->source == WIPE_SRC_SYSFS || id->source == WIPE_SRC_FILE)
		snprintf(plan->reason, sizeof(plan->reason),
			 "%s is not available: the drive could not be asked "
			 "what it supports", m->name);
	else
		snprintf(plan->reason, sizeof(plan->reason),
			 "the drive does not support %s (not listed in its "
			 "%s data)", m->command,
			 wipe_ident_source_name(id->source));
}

int
wipe_fw_plan(const struct wipe_ident *id, const char *method,
	     const char *reason, struct wipe_plan *plan)
{
	const struct fw_method *m = fw_find(method);
	const char *why;

	if (m == NULL)
		return -EINVAL;
	snprintf(plan->method, sizeof(plan->method), "%s", m->name);
	if (!(id->caps & m->cap)) {
		caps_missing(m, id, plan);
		return -EOPNOTSUPP;
	}
	plan->tech = m->tech;
	plan->action = m->action;
	plan->npasses = 0;
	plan->verify_mask = 0;
	plan->nist = fw_nist(m, id, &why);
	snprintf(plan->standard, sizeof(plan->standard),
		 "NIST SP 800-88 %s: %s (%s)", wipe_nist_name(plan->nist),
		 m->command, why);
	snprintf(plan->reason, sizeof(plan->reason), "%s",
		 reason ? reason : "requested by the operator");
	fw_scope(m, id, plan->scope, sizeof(plan->scope));
	return 0;
}

/* ---- auto (DESIGN §4) --------------------------------------------------- */

struct auto_rule {
	uint32_t cap;
	const char *method;
};

static const struct auto_rule auto_nvme[] = {
	{ WIPE_CAP_NVME_SANITIZE_CRYPTO, "nvme-sanitize-crypto" },
	{ WIPE_CAP_NVME_SANITIZE_BLOCK, "nvme-sanitize-block" },
	{ WIPE_CAP_NVME_FORMAT_CRYPTO, "nvme-format-crypto" },
	{ WIPE_CAP_NVME_FORMAT_USER, "nvme-format-user" },
	{ 0, NULL },
};

static const struct auto_rule auto_ata_hdd[] = {
	{ WIPE_CAP_ATA_SANITIZE_CRYPTO, "ata-sanitize-crypto" },
	{ WIPE_CAP_ATA_SANITIZE_OVERWRITE, "ata-sanitize-overwrite" },
	{ WIPE_CAP_ATA_ENHANCED_ERASE, "ata-enhanced-erase" },
	{ 0, NULL },
};

static const struct auto_rule auto_ata_ssd[] = {
	{ WIPE_CAP_ATA_SANITIZE_CRYPTO, "ata-sanitize-crypto" },
	{ WIPE_CAP_ATA_SANITIZE_BLOCK, "ata-sanitize-block" },
	{ 0, NULL },
};

static const struct auto_rule auto_scsi[] = {
	{ WIPE_CAP_SCSI_SANITIZE_CRYPTO, "scsi-sanitize-crypto" },
	{ WIPE_CAP_SCSI_SANITIZE_BLOCK, "scsi-sanitize-block" },
	{ WIPE_CAP_SCSI_SANITIZE_OVERWRITE, "scsi-sanitize-overwrite" },
	{ 0, NULL },
};

static const struct auto_rule *
auto_rules(const struct wipe_ident *id, const char **media)
{
	switch (id->source) {
	case WIPE_SRC_NVME_IDENTIFY:
		*media = "NVMe drive";
		return auto_nvme;
	case WIPE_SRC_ATA_IDENTIFY:
		*media = is_flash(id) ? "ATA SSD" : "ATA HDD";
		return is_flash(id) ? auto_ata_ssd : auto_ata_hdd;
	case WIPE_SRC_SCSI_INQUIRY:
		*media = "SCSI drive";
		return auto_scsi;
	default:
		*media = NULL;
		return NULL;
	}
}

static int
rules_have_security(const struct auto_rule *r)
{
	for (; r != NULL && r->method != NULL; r++)
		if (fw_find(r->method)->tech == WIPE_TECH_ATA_SECURITY)
			return 1;
	return 0;
}

int
wipe_fw_auto(const struct wipe_ident *id, struct wipe_plan *plan,
	     char *fallback, size_t len)
{
	const struct auto_rule *r;
	const char *media, *why;
	char reason[256];

	r = auto_rules(id, &media);
	if (r == NULL) {
		snprintf(fallback, len, "%s",
			 id->drive.passthru[0] ? id->drive.passthru
					       : "no firmware erase reachable");
		return 0;
	}
	for (; r->method != NULL; r++) {
		const struct fw_method *m = fw_find(r->method);

		if (!(id->caps & r->cap))
			continue;
		if (m->tech == WIPE_TECH_ATA_SECURITY &&
		    id->security.frozen == WIPE_YES)
			continue;	/* would fail; say so below */
		(void)fw_nist(m, id, &why);
		snprintf(reason, sizeof(reason),
			 "%s: %s is the strongest Purge it supports (%s)", media,
			 m->command, why);
		return wipe_fw_plan(id, r->method, reason, plan) == 0 ? 1 : 0;
	}
	snprintf(fallback, len, "%s without a firmware Purge%s%s%s", media,
		 id->security.frozen == WIPE_YES && rules_have_security(
							    auto_rules(id, &media))
			 ? " (security is frozen: suspend/resume or hot-plug "
			   "the drive to use SECURITY ERASE)"
			 : "",
		 id->drive.passthru[0] ? "; " : "", id->drive.passthru);
	return 0;
}

/* ---- ATA SANITIZE ------------------------------------------------------- */

static void
ata_sanitize_cmd(struct wipe_ata_cmd *c, enum wipe_fw_action a)
{
	if (a == WIPE_FW_CRYPTO)
		wipe_ata_sanitize_crypto(c, 0);
	else if (a == WIPE_FW_BLOCK)
		wipe_ata_sanitize_block(c, 0);
	else
		wipe_ata_sanitize_overwrite(c, OVERWRITE_PATTERN, 1, 0, 0);
}

static int
ata_san_reason(const struct wipe_ata_cmd *c, struct wipe_fw_result *res)
{
	uint8_t reason = c->out_valid ? (uint8_t)c->out.lba : 0;

	switch (reason) {
	case WIPE_ATA_SAN_ERR_UNSUPPORTED:
		res->unsupported = 1;
		return -EOPNOTSUPP;
	case WIPE_ATA_SAN_ERR_FROZEN:
	case WIPE_ATA_SAN_ERR_ANTIFREEZE:
		res->frozen = 1;
		snprintf(res->completion, sizeof(res->completion),
			 "SANITIZE is frozen (SANITIZE FREEZE LOCK, usually "
			 "by the BIOS): power-cycle or hot-plug the drive");
		return -EACCES;
	case WIPE_ATA_SAN_ERR_FAILED:
		res->failure_mode = 1;
		snprintf(res->completion, sizeof(res->completion),
			 "the sanitize operation FAILED: the drive is in the "
			 "Sanitize Operation Failed state (media access "
			 "refused until a sanitize succeeds)");
		return -EIO;
	}
	return -EIO;
}

/* Poll SANITIZE STATUS EXT until the drive is done. */
static int
ata_sanitize_poll(struct wipe_dev *d, const struct wipe_fw_opts *o,
		  struct wipe_progress *prog, struct wipe_fw_result *res)
{
	struct wipe_ata_san_status s;
	struct wipe_ata_cmd c;
	uint64_t deadline = wc_mono_ns() +
			    (uint64_t)UNKNOWN_SANITIZE_S * 1000000000ULL;
	int ret;

	for (;;) {
		wipe_ata_sanitize_status(&c, 0);
		ret = wipe_dev_ata(d, &c);
		res->polls++;
		if (wipe_ata_sanitize_status_decode(&c, &s) != 0) {
			wipe_fw_step_ata(res, "SANITIZE STATUS EXT", &c);
			return ret ? ret : -EIO;
		}
		if (s.failed) {
			wipe_fw_step_ata(res, "SANITIZE STATUS EXT", &c);
			res->status = c.st;
			return ata_san_reason(&c, res);
		}
		res->progress_ppm = (uint32_t)((uint64_t)s.progress * 1000000 /
					       65536);
		wipe_fw_progress(prog, d->id.size_bytes, s.progress, 65536);
		if (!s.in_progress) {
			wipe_fw_step_ata(res, "SANITIZE STATUS EXT", &c);
			res->status = c.st;
			if (!s.succeeded)
				return -EIO;
			res->progress_ppm = 1000000;
			wipe_fw_progress(prog, d->id.size_bytes, 1, 1);
			snprintf(res->completion, sizeof(res->completion),
				 "SANITIZE STATUS EXT: sanitize operation "
				 "completed without error (count 0x%04x)",
				 c.out.count);
			return 0;
		}
		if (wc_mono_ns() > deadline)
			return -ETIMEDOUT;
		ret = wipe_fw_sleep(o);
		if (ret != 0)
			return ret;
	}
}

static int
ata_sanitize(struct wipe_dev *d, const struct wipe_plan *plan,
	     const struct wipe_fw_opts *o, struct wipe_progress *prog,
	     struct wipe_fw_result *res)
{
	struct wipe_ata_id a;
	struct wipe_ata_cmd c;
	int ret;

	ret = wipe_fw_reidentify(d, res, &a);
	if (ret != 0)
		return ret;
	ata_sanitize_cmd(&c, plan->action);
	wipe_ata_describe(&c, res->params, sizeof(res->params));
	ret = wipe_dev_ata(d, &c);
	wipe_fw_step_ata(res, res->command, &c);
	res->status = c.st;
	if (ret == -EIO)
		return ata_san_reason(&c, res);
	if (ret != 0)
		return ret;
	res->started = 1;
	ret = ata_sanitize_poll(d, o, prog, res);
	if (ret == 0)
		res->completed = 1;
	(void)wipe_fw_reidentify(d, res, &a);
	return ret;
}

/* ---- SCSI SANITIZE ------------------------------------------------------ */

static int
scsi_sanitize_poll(struct wipe_dev *d, const struct wipe_fw_opts *o,
		   struct wipe_progress *prog, struct wipe_fw_result *res)
{
	struct wipe_scsi_cmd c;
	struct wipe_sense s;
	uint8_t buf[WIPE_SENSE_MAX];
	int ret;

	for (;;) {
		memset(buf, 0, sizeof(buf));
		wipe_scsi_request_sense(&c, buf, sizeof(buf), 0);
		ret = wipe_dev_scsi(d, &c);
		res->polls++;
		if (ret != 0 ||
		    wipe_sense_parse(buf, sizeof(buf) - c.resid, &s) != 0) {
			wipe_fw_step_scsi(res, "REQUEST SENSE", &c);
			return ret ? ret : -EIO;
		}
		wipe_status_from_scsi(&res->status, WIPE_SCSI_CHECK_CONDITION,
				      buf, sizeof(buf) - c.resid);
		if (s.key == WIPE_SK_NOT_READY && s.asc == 0x04 &&
		    s.ascq == 0x1b) {
			if (s.progress_valid) {
				res->progress_ppm = (uint32_t)(
					(uint64_t)s.progress * 1000000 / 65536);
				wipe_fw_progress(prog, d->id.size_bytes,
						 s.progress, 65536);
			}
			ret = wipe_fw_sleep(o);
			if (ret != 0)
				return ret;
			continue;
		}
		c.st = res->status;
		wipe_fw_step_scsi(res, "REQUEST SENSE", &c);
		if (s.key == WIPE_SK_MEDIUM_ERROR && s.asc == 0x31 &&
		    s.ascq == 0x03) {
			res->failure_mode = 1;
			snprintf(res->completion, sizeof(res->completion),
				 "SANITIZE COMMAND FAILED (31/03): the drive "
				 "stays in sanitize failure mode until a "
				 "sanitize succeeds or EXIT FAILURE MODE");
			return -EIO;
		}
		res->status.ok = s.key == WIPE_SK_NO_SENSE;
		if (!res->status.ok)
			return -EIO;
		res->progress_ppm = 1000000;
		wipe_fw_progress(prog, d->id.size_bytes, 1, 1);
		snprintf(res->completion, sizeof(res->completion),
			 "REQUEST SENSE: NO SENSE after SANITIZE: the "
			 "sanitize operation completed");
		return 0;
	}
}

static int
scsi_sanitize(struct wipe_dev *d, const struct wipe_plan *plan,
	      const struct wipe_fw_opts *o, struct wipe_progress *prog,
	      struct wipe_fw_result *res)
{
	struct wipe_scsi_cmd c;
	uint8_t param[8];
	uint8_t sa = plan->action == WIPE_FW_CRYPTO ? WIPE_SCSI_SAN_CRYPTO
		     : plan->action == WIPE_FW_BLOCK ? WIPE_SCSI_SAN_BLOCK
						     : WIPE_SCSI_SAN_OVERWRITE;
	int ret;

	wipe_scsi_sanitize(&c, sa, 0, param, OVERWRITE_PATTERN);
	ret = wipe_dev_scsi(d, &c);
	wipe_fw_step_scsi(res, res->command, &c);
	snprintf(res->params, sizeof(res->params), "%s",
		 res->steps[res->nsteps - 1].params);
	res->status = c.st;
	if (ret == -EIO && c.st.sense_key == WIPE_SK_ILLEGAL_REQUEST) {
		res->unsupported = 1;
		return -EOPNOTSUPP;
	}
	if (ret != 0)
		return ret;
	res->started = 1;
	ret = scsi_sanitize_poll(d, o, prog, res);
	if (ret == 0)
		res->completed = 1;
	return ret;
}

/* ---- NVMe Sanitize and Format ------------------------------------------- */

static int
nvme_sanlog(struct wipe_dev *d, struct wipe_nvme_sanlog *l)
{
	struct wipe_nvme_cmd c;
	uint8_t buf[WIPE_NVME_SANITIZE_LOG_LEN];
	int ret;

	memset(buf, 0, sizeof(buf));
	wipe_nvme_get_log_sanitize(&c, buf);
	ret = wipe_dev_nvme(d, &c);
	if (ret == 0)
		ret = wipe_nvme_sanlog_decode(buf, sizeof(buf), l);
	return ret;
}

static uint32_t
nvme_estimate(const struct wipe_nvme_sanlog *l, enum wipe_fw_action a)
{
	uint32_t e = a == WIPE_FW_CRYPTO ? l->etce
		     : a == WIPE_FW_BLOCK ? l->etbe : l->eto;

	return e == 0xffffffffU ? 0 : e;
}

static int
nvme_sanitize_poll(struct wipe_dev *d, const struct wipe_fw_opts *o,
		   struct wipe_progress *prog, struct wipe_fw_result *res)
{
	struct wipe_nvme_sanlog l;
	uint64_t deadline = wc_mono_ns() +
			    (uint64_t)wipe_fw_timeout_s(res->estimate_s,
							UNKNOWN_SANITIZE_S) *
				    1000000000ULL;
	int ret;

	for (;;) {
		ret = nvme_sanlog(d, &l);
		res->polls++;
		if (ret != 0)
			return ret;
		switch (l.status) {
		case NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS:
		case NVME_SANITIZE_SSTAT_STATUS_ND_COMPLETE_SUCCESS:
			wipe_fw_progress(prog, d->id.size_bytes, 1, 1);
			res->progress_ppm = 1000000;
			snprintf(res->completion, sizeof(res->completion),
				 "Sanitize Status log: the most recent sanitize "
				 "completed successfully (SSTAT %u%s)", l.status,
				 l.global_erased ? ", global data erased" : "");
			return 0;
		case NVME_SANITIZE_SSTAT_STATUS_COMPLETED_FAILED:
			res->failure_mode = 1;
			snprintf(res->completion, sizeof(res->completion),
				 "the sanitize operation FAILED (log 81h SSTAT "
				 "3): the controller is in sanitize failure "
				 "mode");
			return -EIO;
		case NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS:
			res->progress_ppm = (uint32_t)((uint64_t)l.sprog *
						       1000000 / 65536);
			wipe_fw_progress(prog, d->id.size_bytes, l.sprog, 65536);
			break;
		default:
			if (res->polls > POLLS_BEFORE_START)
				return -EIO;	/* never started */
		}
		if (wc_mono_ns() > deadline)
			return -ETIMEDOUT;
		ret = wipe_fw_sleep(o);
		if (ret != 0)
			return ret;
	}
}

static int
nvme_sanitize(struct wipe_dev *d, const struct wipe_plan *plan,
	      const struct wipe_fw_opts *o, struct wipe_progress *prog,
	      struct wipe_fw_result *res)
{
	struct wipe_nvme_sanlog l;
	struct wipe_nvme_cmd c;
	unsigned sanact = plan->action == WIPE_FW_CRYPTO
				  ? NVME_SANITIZE_SANACT_START_CRYPTO_ERASE
			  : plan->action == WIPE_FW_BLOCK
				  ? NVME_SANITIZE_SANACT_START_BLOCK_ERASE
				  : NVME_SANITIZE_SANACT_START_OVERWRITE;
	int ret;

	if (nvme_sanlog(d, &l) == 0) {
		res->estimate_s = nvme_estimate(&l, plan->action);
		if (l.status == NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS) {
			snprintf(res->completion, sizeof(res->completion),
				 "a sanitize operation is already in progress");
			return -EBUSY;
		}
	}
	wipe_nvme_sanitize(&c, sanact, 0,
			   plan->action == WIPE_FW_OVERWRITE ? 1 : 0, 0, 0,
			   OVERWRITE_PATTERN);
	c.timeout_ms = 60 * 1000;
	wipe_nvme_describe(&c, res->params, sizeof(res->params));
	ret = wipe_dev_nvme(d, &c);
	wipe_fw_step_nvme(res, res->command, &c);
	res->status = c.st;
	if (ret == -EIO && c.st.nvme_sct == NVME_SCT_GENERIC &&
	    (c.st.nvme_sc == NVME_SC_INVALID_OPCODE ||
	     c.st.nvme_sc == NVME_SC_INVALID_FIELD)) {
		res->unsupported = 1;
		return -EOPNOTSUPP;
	}
	if (ret != 0)
		return ret;
	res->started = 1;
	ret = nvme_sanitize_poll(d, o, prog, res);
	if (ret == 0)
		res->completed = 1;
	return ret;
}

static int
nvme_format(struct wipe_dev *d, const struct wipe_plan *plan,
	    const struct wipe_fw_opts *o, struct wipe_progress *prog,
	    struct wipe_fw_result *res)
{
	uint8_t buf[WIPE_NVME_ID_LEN];
	struct wipe_nvme_cmd c;
	struct wipe_nvme_ns ns;
	uint32_t nsid = d->id.drive.nsid ? d->id.drive.nsid : 1;
	unsigned ses = plan->action == WIPE_FW_CRYPTO
			       ? NVME_FORMAT_SES_CRYPTO_ERASE
			       : NVME_FORMAT_SES_USER_DATA_ERASE;
	int ret;

	wipe_nvme_identify_ns(&c, nsid, buf);
	ret = wipe_dev_nvme(d, &c);
	wipe_fw_step_nvme(res, "IDENTIFY NAMESPACE", &c);
	if (ret == 0)
		ret = wipe_nvme_ns_decode(buf, sizeof(buf), &ns);
	if (ret != 0)
		return ret;
	/* Keep the namespace's format: only the secure erase changes. */
	wipe_nvme_format(&c, nsid, ns.lbaf, (ns.flbas >> 4) & 1, ns.dps & 7,
			 (ns.dps >> 3) & 1, ses);
	res->timeout_s = wipe_fw_timeout_s(0, ses == NVME_FORMAT_SES_CRYPTO_ERASE
						      ? FORMAT_CRYPTO_FLOOR_S
						      : FORMAT_USER_FLOOR_S);
	c.timeout_ms = res->timeout_s * 1000;
	wipe_nvme_describe(&c, res->params, sizeof(res->params));
	res->started = 1;
	ret = wipe_fw_wait_nvme(d, &c, o, prog, 0);
	if (ret == -EINTR)
		return ret;
	wipe_fw_step_nvme(res, res->command, &c);
	res->status = c.st;
	if (ret == -EIO && c.st.nvme_sct == NVME_SCT_GENERIC &&
	    c.st.nvme_sc == NVME_SC_INVALID_OPCODE) {
		res->started = 0;
		res->unsupported = 1;
		return -EOPNOTSUPP;
	}
	if (ret == 0) {
		res->completed = 1;
		res->progress_ppm = 1000000;
		wipe_fw_progress(prog, d->id.size_bytes, 1, 1);
		wipe_msg(res->completion, sizeof(res->completion),
			 "Format NVM completed: %s", c.st.msg);
	}
	return ret;
}

int
wipe_fw_promised(const struct wipe_plan *plan, struct wipe_pattern *p)
{
	int zeros;

	switch (plan->tech) {
	case WIPE_TECH_ATA_SECURITY:
		zeros = plan->action == WIPE_FW_NORMAL;
		break;
	case WIPE_TECH_ATA_SANITIZE:
	case WIPE_TECH_SCSI_SANITIZE:
		zeros = plan->action == WIPE_FW_BLOCK ||
			plan->action == WIPE_FW_OVERWRITE;
		break;
	case WIPE_TECH_NVME_SANITIZE:
		/* An overwrite is deallocated afterwards (NDAS=0). */
		zeros = plan->action == WIPE_FW_BLOCK;
		break;
	default:
		zeros = 0;
	}
	if (!zeros)
		return 0;
	memset(p, 0, sizeof(*p));
	p->kind = WIPE_PAT_BYTES;
	p->nbytes = 1;
	return 1;
}

/* ---- the entry point ---------------------------------------------------- */

static const char *
fw_command(const struct wipe_plan *plan)
{
	const struct fw_method *m = fw_find(plan->method);

	return m ? m->command : plan->method;
}

static void
fw_conclude(struct wipe_fw_result *res, int ret)
{
	if (res->completion[0] != '\0')
		return;
	if (ret == 0)
		snprintf(res->completion, sizeof(res->completion),
			 "the drive reports the erase completed without error");
	else if (ret == -EINTR)
		snprintf(res->completion, sizeof(res->completion),
			 "aborted, drive still erasing: waiting was stopped "
			 "by a signal; the drive goes on with the erase");
	else if (ret == -ENODEV || ret == -ENXIO)
		snprintf(res->completion, sizeof(res->completion),
			 "the drive went away during the erase (power loss?)");
	else if (ret == -ETIMEDOUT)
		snprintf(res->completion, sizeof(res->completion),
			 "the drive did not report completion in time");
	else if (res->unsupported || ret == -EOPNOTSUPP)
		wipe_msg(res->completion, sizeof(res->completion),
			 "the drive rejected %s as unsupported: %s",
			 res->command, res->status.msg);
	else
		wipe_msg(res->completion, sizeof(res->completion),
			 "the erase failed: %s",
			 res->status.msg[0] ? res->status.msg : strerror(-ret));
}

int
wipe_fw_erase(struct wipe_dev *d, const struct wipe_plan *plan,
	      const struct wipe_fw_opts *o, struct wipe_progress *prog,
	      struct wipe_fw_result *res)
{
	int ret;

	snprintf(res->command, sizeof(res->command), "%s", fw_command(plan));
	res->start_unix = (uint64_t)time(NULL);
	if (prog != NULL) {
		prog->phase = WIPE_PHASE_ERASE;
		wipe_fw_progress(prog, d->id.size_bytes, 0, 1);
	}
	switch (plan->tech) {
	case WIPE_TECH_ATA_SECURITY:
		ret = wipe_fw_ata_security(d, plan, o, prog, res);
		break;
	case WIPE_TECH_ATA_SANITIZE:
		ret = ata_sanitize(d, plan, o, prog, res);
		break;
	case WIPE_TECH_SCSI_SANITIZE:
		ret = scsi_sanitize(d, plan, o, prog, res);
		break;
	case WIPE_TECH_NVME_SANITIZE:
		ret = nvme_sanitize(d, plan, o, prog, res);
		break;
	case WIPE_TECH_NVME_FORMAT:
		ret = nvme_format(d, plan, o, prog, res);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret == -EINTR || ret == -ETIMEDOUT) {
		res->aborted = ret == -EINTR;
		res->still_erasing = res->started;
	}
	/* The drive went away mid-erase: power loss, a pulled cable. */
	if ((ret == -ENODEV || ret == -ENXIO) && res->started)
		res->aborted = 1;
	res->end_unix = (uint64_t)time(NULL);
	fw_conclude(res, ret);
	return ret;
}
