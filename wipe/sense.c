/*
 * sense.c - SCSI sense data (fixed and descriptor formats, with the ATA
 * registers SAT and libata put in them) and the one command result,
 * struct wipe_cmd_status, for ATA, SCSI and NVMe alike.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <nvme/types.h>

#include "wipe/cmd.h"

#define RESP_FIXED 0x70
#define RESP_FIXED_DEFERRED 0x71
#define RESP_DESC 0x72
#define RESP_DESC_DEFERRED 0x73
#define RESP_MASK 0x7f
#define FIXED_VALID (1 << 7)
#define FIXED_LEN 18
#define FIXED_ADDL 10
#define DESC_HDR 8
#define SKSV (1 << 7)

/* Descriptor types (SPC-4). */
#define DESC_INFORMATION 0x00
#define DESC_SENSE_KEY_SPECIFIC 0x02
#define DESC_ATA_STATUS 0x09
#define DESC_ATA_STATUS_LEN 12	/* additional length */

/* SAT fixed format, ASC/ASCQ 00/1D: byte 8 flags. */
#define SAT_FIXED_EXTEND (1 << 7)

#define ASC_ATA_INFO 0x00
#define ASCQ_ATA_INFO 0x1d

static uint64_t
be_n(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Sense-key specific bytes: progress for NOT READY / NO SENSE. */
static void
take_sks(struct wipe_sense *s, const uint8_t *p)
{
	if (!(p[0] & SKSV))
		return;
	s->sks_valid = 1;
	memcpy(s->sks, p, 3);
	if (s->key == WIPE_SK_NOT_READY || s->key == WIPE_SK_NO_SENSE) {
		s->progress_valid = 1;
		s->progress = (uint16_t)be_n(p + 1, 2);
	}
}

/* The ATA Status Return descriptor (SAT-3 12.2.2.7). */
static void
take_ata_desc(struct wipe_sense *s, const uint8_t *d)
{
	struct wipe_ata_tf *t = &s->ata;

	s->ata_valid = 1;
	s->ata_error = d[3];
	t->feature = d[3];
	t->count = (uint16_t)(d[5] | ((d[2] & 1) ? d[4] << 8 : 0));
	t->lba = (uint64_t)d[7] | (uint64_t)d[9] << 8 | (uint64_t)d[11] << 16;
	if (d[2] & 1)
		t->lba |= (uint64_t)d[6] << 24 | (uint64_t)d[8] << 32 |
			  (uint64_t)d[10] << 40;
	t->device = d[12];
	t->command = d[13];
	s->ata_status = d[13];
}

static void
parse_desc(const uint8_t *b, size_t len, struct wipe_sense *s)
{
	size_t end, at, dlen;

	s->key = len > 1 ? b[1] & 0xf : 0;
	s->asc = len > 2 ? b[2] : 0;
	s->ascq = len > 3 ? b[3] : 0;
	if (len < DESC_HDR)
		return;
	end = WC_MIN(len, (size_t)DESC_HDR + b[7]);
	for (at = DESC_HDR; at + 2 <= end; at += dlen) {
		const uint8_t *d = b + at;

		dlen = (size_t)d[1] + 2;
		if (at + dlen > end)
			break;
		if (d[0] == DESC_INFORMATION && dlen >= 12 && (d[2] & 0x80)) {
			s->info_valid = 1;
			s->info = be_n(d + 4, 8);
		} else if (d[0] == DESC_SENSE_KEY_SPECIFIC && dlen >= 7) {
			take_sks(s, d + 4);
		} else if (d[0] == DESC_ATA_STATUS && dlen >= 14) {
			take_ata_desc(s, d);
		}
	}
}

/* SAT's fixed layout (00/1D): registers in INFORMATION and CSI. */
static void
take_sat_fixed(const uint8_t *b, struct wipe_sense *s)
{
	s->ata_valid = 1;
	s->ata_error = b[3];
	s->ata_status = b[4];
	s->ata.feature = b[3];
	s->ata.command = b[4];
	s->ata.device = b[5];
	s->ata.count = b[6];
	s->ata.lba = (uint64_t)b[9] | (uint64_t)b[10] << 8 |
		     (uint64_t)b[11] << 16;
}

/*
 * libata before Linux 6.10 writes a failed pass-through command's
 * registers at bytes 8-11 (error, status, device, count) and its LBA at
 * 17-19 of fixed sense.  A SCSI device leaves those bytes as command-
 * specific information, normally zero: only a byte 9 that looks like an
 * ATA status (DRDY or ERR set) is taken as one.
 */
static void
take_libata_fixed(const uint8_t *b, size_t len, struct wipe_sense *s)
{
	if (len < 12 || !(b[9] & (WIPE_ATA_ST_DRDY | WIPE_ATA_ST_ERR)))
		return;
	s->ata_valid = 1;
	s->ata_error = b[8];
	s->ata_status = b[9];
	s->ata.feature = b[8];
	s->ata.command = b[9];
	s->ata.device = b[10];
	s->ata.count = b[11];
	if (len >= 20)
		s->ata.lba = (uint64_t)b[17] | (uint64_t)b[18] << 8 |
			     (uint64_t)b[19] << 16;
}

static void
parse_fixed(const uint8_t *b, size_t len, struct wipe_sense *s)
{
	s->key = len > 2 ? b[2] & 0xf : 0;
	s->asc = len > 12 ? b[12] : 0;
	s->ascq = len > 13 ? b[13] : 0;
	if ((b[0] & FIXED_VALID) && len >= 7) {
		s->info_valid = 1;
		s->info = be_n(b + 3, 4);
	}
	if (len >= FIXED_LEN)
		take_sks(s, b + 15);
	if (len < 14)
		return;
	if (s->asc == ASC_ATA_INFO && s->ascq == ASCQ_ATA_INFO)
		take_sat_fixed(b, s);
	else if (s->key != WIPE_SK_NO_SENSE)
		take_libata_fixed(b, len, s);
}

int
wipe_sense_parse(const uint8_t *b, size_t len, struct wipe_sense *s)
{
	memset(s, 0, sizeof(*s));
	if (len == 0)
		return -EINVAL;
	s->response = b[0] & RESP_MASK;
	switch (s->response) {
	case RESP_FIXED:
	case RESP_FIXED_DEFERRED:
		s->deferred = s->response == RESP_FIXED_DEFERRED;
		parse_fixed(b, len, s);
		return 0;
	case RESP_DESC:
	case RESP_DESC_DEFERRED:
		s->descriptor = 1;
		s->deferred = s->response == RESP_DESC_DEFERRED;
		parse_desc(b, len, s);
		return 0;
	}
	return -EINVAL;
}

/* ---- builders (the simulated drive speaks as libata does) ----------- */

size_t
wipe_sense_build_fixed(uint8_t *b, size_t len, uint8_t key, uint8_t asc,
		       uint8_t ascq)
{
	if (len < FIXED_LEN)
		return 0;
	memset(b, 0, FIXED_LEN);
	b[0] = RESP_FIXED;
	b[2] = key & 0xf;
	b[7] = FIXED_ADDL;
	b[12] = asc;
	b[13] = ascq;
	return FIXED_LEN;
}

size_t
wipe_sense_build_desc(uint8_t *b, size_t len, uint8_t key, uint8_t asc,
		      uint8_t ascq)
{
	if (len < DESC_HDR)
		return 0;
	memset(b, 0, DESC_HDR);
	b[0] = RESP_DESC;
	b[1] = key & 0xf;
	b[2] = asc;
	b[3] = ascq;
	return DESC_HDR;
}

size_t
wipe_sense_build_libata(uint8_t *b, size_t len, uint8_t key, uint8_t asc,
			uint8_t ascq, const struct wipe_ata_tf *out,
			uint8_t error, int ext)
{
	if (len < 20 || wipe_sense_build_fixed(b, len, key, asc, ascq) == 0)
		return 0;
	b[8] = error;
	b[9] = out->command;
	b[10] = out->device;
	b[11] = (uint8_t)out->count;
	b[18] = b[19] = 0;
	if (ext) {
		b[16] = 0x80;
		if (out->count >> 8)
			b[16] |= 0x40;
		if (out->lba >> 24)
			b[16] |= 0x20;
	}
	b[17] = (uint8_t)out->lba;
	b[18] = (uint8_t)(out->lba >> 8);
	b[19] = (uint8_t)(out->lba >> 16);
	return 20;
}

size_t
wipe_sense_build_ata_desc(uint8_t *b, size_t len, uint8_t key, uint8_t asc,
			  uint8_t ascq, const struct wipe_ata_tf *out,
			  uint8_t error, int ext)
{
	uint8_t *d = b + DESC_HDR;

	if (len < DESC_HDR + 2 + DESC_ATA_STATUS_LEN ||
	    wipe_sense_build_desc(b, len, key, asc, ascq) == 0)
		return 0;
	b[7] = 2 + DESC_ATA_STATUS_LEN;
	memset(d, 0, 2 + DESC_ATA_STATUS_LEN);
	d[0] = DESC_ATA_STATUS;
	d[1] = DESC_ATA_STATUS_LEN;
	d[2] = ext ? 1 : 0;
	d[3] = error;
	d[4] = ext ? (uint8_t)(out->count >> 8) : 0;
	d[5] = (uint8_t)out->count;
	d[6] = ext ? (uint8_t)(out->lba >> 24) : 0;
	d[7] = (uint8_t)out->lba;
	d[8] = ext ? (uint8_t)(out->lba >> 32) : 0;
	d[9] = (uint8_t)(out->lba >> 8);
	d[10] = ext ? (uint8_t)(out->lba >> 40) : 0;
	d[11] = (uint8_t)(out->lba >> 16);
	d[12] = out->device;
	d[13] = out->command;
	return DESC_HDR + 2 + DESC_ATA_STATUS_LEN;
}

void
wipe_sense_set_progress(uint8_t *b, size_t *len, size_t max,
			uint16_t progress)
{
	uint8_t *d;

	if ((b[0] & RESP_MASK) == RESP_FIXED && *len >= FIXED_LEN) {
		b[15] = SKSV;
		b[16] = (uint8_t)(progress >> 8);
		b[17] = (uint8_t)progress;
		return;
	}
	if ((b[0] & RESP_MASK) != RESP_DESC || *len + 8 > max)
		return;
	d = b + *len;
	memset(d, 0, 8);
	d[0] = DESC_SENSE_KEY_SPECIFIC;
	d[1] = 6;
	d[4] = SKSV;
	d[5] = (uint8_t)(progress >> 8);
	d[6] = (uint8_t)progress;
	*len += 8;
	b[7] = (uint8_t)(*len - DESC_HDR);
}

/* ---- names ----------------------------------------------------------- */

const char *
wipe_sense_key_name(uint8_t key)
{
	static const char *const names[16] = {
		"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
		"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION",
		"DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC",
		"COPY ABORTED", "ABORTED COMMAND", "reserved (0xc)",
		"VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED",
	};

	return names[key & 0xf];
}

struct asc_name {
	uint8_t asc;
	uint8_t ascq;
	const char *name;
};

static const struct asc_name asc_names[] = {
	{ 0x00, 0x00, "no additional sense information" },
	{ 0x00, 0x1d, "ATA pass through information available" },
	{ 0x04, 0x00, "logical unit not ready, cause not reportable" },
	{ 0x04, 0x04, "logical unit not ready, format in progress" },
	{ 0x04, 0x1b, "logical unit not ready, sanitize in progress" },
	{ 0x0c, 0x00, "write error" },
	{ 0x11, 0x00, "unrecovered read error" },
	{ 0x11, 0x04, "unrecovered read error, auto reallocate failed" },
	{ 0x20, 0x00, "invalid command operation code" },
	{ 0x21, 0x00, "logical block address out of range" },
	{ 0x24, 0x00, "invalid field in CDB" },
	{ 0x25, 0x00, "logical unit not supported" },
	{ 0x26, 0x00, "invalid field in parameter list" },
	{ 0x27, 0x00, "write protected" },
	{ 0x29, 0x00, "power on, reset, or bus device reset occurred" },
	{ 0x2c, 0x00, "command sequence error" },
	{ 0x31, 0x00, "medium format corrupted" },
	{ 0x31, 0x03, "sanitize command failed" },
	{ 0x3a, 0x00, "medium not present" },
	{ 0x44, 0x00, "internal target failure" },
};

const char *
wipe_asc_name(uint8_t asc, uint8_t ascq)
{
	size_t i;

	for (i = 0; i < WC_ARRAY_SIZE(asc_names); i++)
		if (asc_names[i].asc == asc && asc_names[i].ascq == ascq)
			return asc_names[i].name;
	return NULL;
}

/* ---- the one result --------------------------------------------------- */

static void
ata_error_names(uint8_t error, char *buf, size_t len)
{
	static const char *const bits[8] = {
		"AMNF", "NM", "ABRT", "MCR", "IDNF", "MC", "UNC", "ICRC",
	};
	size_t at = 0;
	int i;

	buf[0] = '\0';
	for (i = 7; i >= 0; i--)
		if ((error >> i) & 1)
			at += (size_t)snprintf(buf + at, at < len ? len - at : 0,
					       "%s%s", at ? " " : "", bits[i]);
}

void
wipe_status_from_ata(struct wipe_cmd_status *st, uint8_t status,
		     uint8_t error)
{
	char names[48];

	memset(st, 0, sizeof(*st));
	st->kind = WIPE_CMD_ATA;
	st->ata_status = status;
	st->ata_error = error;
	st->ok = !(status & (WIPE_ATA_ST_ERR | WIPE_ATA_ST_DF |
			     WIPE_ATA_ST_BSY));
	if (st->ok) {
		snprintf(st->msg, sizeof(st->msg),
			 "ATA status 0x%02x: completed without error", status);
		return;
	}
	ata_error_names(error, names, sizeof(names));
	snprintf(st->msg, sizeof(st->msg),
		 "ATA status 0x%02x, error 0x%02x (%s)%s", status, error,
		 names[0] ? names : "no error bits",
		 (error & WIPE_ATA_ER_ABRT) ? ": command aborted by the drive"
		 : (status & WIPE_ATA_ST_DF) ? ": device fault"
					     : "");
}

void
wipe_status_from_scsi(struct wipe_cmd_status *st, uint8_t status,
		      const uint8_t *sense, size_t slen)
{
	struct wipe_sense s;
	const char *what;

	memset(st, 0, sizeof(*st));
	st->kind = WIPE_CMD_SCSI;
	st->scsi_status = status;
	if (status == WIPE_SCSI_GOOD) {
		st->ok = 1;
		snprintf(st->msg, sizeof(st->msg), "SCSI status GOOD");
		return;
	}
	if (status != WIPE_SCSI_CHECK_CONDITION ||
	    wipe_sense_parse(sense, slen, &s) != 0) {
		snprintf(st->msg, sizeof(st->msg),
			 "SCSI status 0x%02x without sense data", status);
		return;
	}
	st->sense_key = s.key;
	st->asc = s.asc;
	st->ascq = s.ascq;
	st->ok = s.key == WIPE_SK_NO_SENSE || s.key == WIPE_SK_RECOVERED;
	what = wipe_asc_name(s.asc, s.ascq);
	snprintf(st->msg, sizeof(st->msg), "sense %s, ASC/ASCQ %02x/%02x%s%s",
		 wipe_sense_key_name(s.key), s.asc, s.ascq, what ? ": " : "",
		 what ? what : "");
}

static const char *
nvme_sc_name(unsigned sct, unsigned sc)
{
	if (sct == NVME_SCT_GENERIC) {
		switch (sc) {
		case NVME_SC_SUCCESS: return "successful completion";
		case NVME_SC_INVALID_OPCODE: return "invalid command opcode";
		case NVME_SC_INVALID_FIELD: return "invalid field in command";
		case NVME_SC_DATA_XFER_ERROR: return "data transfer error";
		case NVME_SC_INTERNAL: return "internal error";
		case NVME_SC_ABORT_REQ: return "command abort requested";
		case NVME_SC_INVALID_NS: return "invalid namespace or format";
		case NVME_SC_CMD_SEQ_ERROR: return "command sequence error";
		case NVME_SC_SANITIZE_FAILED: return "sanitize failed";
		case NVME_SC_SANITIZE_IN_PROGRESS:
			return "sanitize in progress";
		case NVME_SC_NS_WRITE_PROTECTED:
			return "namespace is write protected";
		case NVME_SC_FORMAT_IN_PROGRESS: return "format in progress";
		case NVME_SC_NS_NOT_READY: return "namespace not ready";
		}
	} else if (sct == NVME_SCT_CMD_SPECIFIC) {
		switch (sc) {
		case NVME_SC_INVALID_LOG_PAGE: return "invalid log page";
		case NVME_SC_INVALID_FORMAT: return "invalid format";
		}
	} else if (sct == NVME_SCT_MEDIA) {
		switch (sc) {
		case NVME_SC_WRITE_FAULT: return "write fault";
		case NVME_SC_READ_ERROR: return "unrecovered read error";
		}
	}
	return "unknown status";
}

void
wipe_status_from_nvme(struct wipe_cmd_status *st, uint16_t status)
{
	memset(st, 0, sizeof(*st));
	st->kind = WIPE_CMD_NVME;
	st->nvme_sct = (uint8_t)NVME_GET(status, SCT);
	st->nvme_sc = (uint8_t)NVME_GET(status, SC);
	st->nvme_dnr = (status & NVME_SC_DNR) != 0;
	st->ok = st->nvme_sct == NVME_SCT_GENERIC &&
		 st->nvme_sc == NVME_SC_SUCCESS;
	snprintf(st->msg, sizeof(st->msg), "NVMe status SCT 0x%x SC 0x%02x: %s%s",
		 st->nvme_sct, st->nvme_sc,
		 nvme_sc_name(st->nvme_sct, st->nvme_sc),
		 st->nvme_dnr ? " (do not retry)" : "");
}

void
wipe_status_from_errno(struct wipe_cmd_status *st, enum wipe_cmd_kind kind,
		       int err)
{
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->err = err;
	snprintf(st->msg, sizeof(st->msg), "not sent: %s",
		 strerror(err < 0 ? -err : err));
}

void
wipe_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
