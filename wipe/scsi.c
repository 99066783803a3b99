/*
 * scsi.c - SCSI commands (SPC-5, SBC-4): INQUIRY and its VPD pages,
 * READ CAPACITY(16), SANITIZE, REQUEST SENSE, REPORT SUPPORTED
 * OPERATION CODES; and the decoding of their data.  Pure functions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wipe/cmd.h"

#define QUICK_TIMEOUT_MS (30 * 1000)
#define INQ_EVPD (1 << 0)
#define INQ_RMB (1 << 7)
#define INQ_STD_MIN 36
#define RSENSE_DESC (1 << 0)
#define RC16_LEN 32
#define RC16_LBPME (1 << 7)
#define RC16_LBPRZ (1 << 6)
#define RC16_EXP_MASK 0xf
#define RSOC_ONE_SA 0x03	/* reporting options: one command, with SA */
#define RSOC_SUPPORT_MASK 0x7
#define RSOC_SUPPORTED 0x3
#define RSOC_SUPPORTED_VS 0x5
#define SAN_OW_PATTERN_LEN 4
#define VPD_HDR 4

/* VPD 0x83 designator header. */
#define DESIG_ASSOC_SHIFT 4
#define DESIG_ASSOC_MASK 0x3
#define DESIG_ASSOC_LU 0
#define DESIG_TYPE_MASK 0xf
#define DESIG_TYPE_EUI64 0x2
#define DESIG_TYPE_NAA 0x3
#define DESIG_CODESET_MASK 0xf
#define DESIG_CODESET_BINARY 0x1

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static uint64_t
get_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void
reset(struct wipe_scsi_cmd *c, uint8_t op, uint8_t len,
      enum wipe_scsi_dir dir, void *data, size_t dlen)
{
	memset(c, 0, sizeof(*c));
	c->cdb[0] = op;
	c->cdb_len = len;
	c->dir = dir;
	c->data = data;
	c->len = dlen;
	c->timeout_ms = QUICK_TIMEOUT_MS;
}

void
wipe_scsi_inquiry(struct wipe_scsi_cmd *c, uint8_t page, int evpd, void *buf,
		  uint16_t len)
{
	reset(c, WIPE_SCSI_INQUIRY, 6, WIPE_DIR_IN, buf, len);
	if (evpd) {
		c->cdb[1] = INQ_EVPD;
		c->cdb[2] = page;
	}
	put_be16(c->cdb + 3, len);
}

void
wipe_scsi_read_capacity16(struct wipe_scsi_cmd *c, uint8_t buf[32])
{
	reset(c, WIPE_SCSI_SERVICE_IN_16, 16, WIPE_DIR_IN, buf, RC16_LEN);
	c->cdb[1] = WIPE_SCSI_SA_READ_CAPACITY_16;
	put_be32(c->cdb + 10, RC16_LEN);
}

void
wipe_scsi_request_sense(struct wipe_scsi_cmd *c, void *buf, uint8_t len,
			int desc)
{
	reset(c, WIPE_SCSI_REQUEST_SENSE, 6, WIPE_DIR_IN, buf, len);
	c->cdb[1] = desc ? RSENSE_DESC : 0;
	c->cdb[4] = len;
}

void
wipe_scsi_test_unit_ready(struct wipe_scsi_cmd *c)
{
	reset(c, WIPE_SCSI_TEST_UNIT_READY, 6, WIPE_DIR_NONE, NULL, 0);
}

void
wipe_scsi_report_opcode(struct wipe_scsi_cmd *c, uint8_t op, uint16_t sa,
			void *buf, uint16_t len)
{
	reset(c, WIPE_SCSI_MAINT_IN, 12, WIPE_DIR_IN, buf, len);
	c->cdb[1] = WIPE_SCSI_SA_REPORT_OPCODES;
	c->cdb[2] = RSOC_ONE_SA;
	c->cdb[3] = op;
	put_be16(c->cdb + 4, sa);
	put_be32(c->cdb + 6, len);
}

void
wipe_scsi_sanitize(struct wipe_scsi_cmd *c, uint8_t sa, int ause,
		   uint8_t *param, uint32_t pattern)
{
	int ow = (sa & WIPE_SCSI_SAN_SA_MASK) == WIPE_SCSI_SAN_OVERWRITE;
	uint16_t plen = ow ? 4 + SAN_OW_PATTERN_LEN : 0;

	reset(c, WIPE_SCSI_SANITIZE, 10, ow ? WIPE_DIR_OUT : WIPE_DIR_NONE,
	      ow ? param : NULL, plen);
	c->cdb[1] = (uint8_t)((sa & WIPE_SCSI_SAN_SA_MASK) |
			      WIPE_SCSI_SAN_IMMED |
			      (ause ? WIPE_SCSI_SAN_AUSE : 0));
	put_be16(c->cdb + 7, plen);
	if (!ow)
		return;
	memset(param, 0, plen);
	param[0] = 1 & WIPE_SCSI_SAN_OW_COUNT_MASK;	/* one pass */
	put_be16(param + 2, SAN_OW_PATTERN_LEN);
	put_be32(param + 4, pattern);
}

/* ---- decoders -------------------------------------------------------- */

int
wipe_scsi_inquiry_decode(const uint8_t *b, size_t len,
			 struct wipe_scsi_inq *q)
{
	memset(q, 0, sizeof(*q));
	if (len < INQ_STD_MIN || (size_t)b[4] + 5 < INQ_STD_MIN)
		return -EINVAL;
	q->pdt = b[0] & 0x1f;
	q->removable = (b[1] & INQ_RMB) != 0;
	q->version = b[2];
	wipe_cmd_trim_copy(q->vendor, sizeof(q->vendor), (const char *)b + 8,
			   8);
	wipe_cmd_trim_copy(q->product, sizeof(q->product),
			   (const char *)b + 16, 16);
	wipe_cmd_trim_copy(q->revision, sizeof(q->revision),
			   (const char *)b + 32, 4);
	return 0;
}

/* The page's length as it says, checked against what was read. */
static int
vpd_len(const uint8_t *b, size_t len, uint8_t page, size_t *plen)
{
	if (len < VPD_HDR || b[1] != page)
		return -EINVAL;
	*plen = (size_t)get_be(b + 2, 2);
	if (VPD_HDR + *plen > len)
		return -EINVAL;
	return 0;
}

int
wipe_scsi_vpd80_decode(const uint8_t *b, size_t len, char *serial,
		       size_t slen)
{
	size_t plen;

	if (vpd_len(b, len, 0x80, &plen) != 0)
		return -EINVAL;
	wipe_cmd_trim_copy(serial, slen, (const char *)b + VPD_HDR, plen);
	return 0;
}

static void
hex_into(char *out, size_t olen, const uint8_t *p, size_t n)
{
	size_t i, at = 0;

	out[0] = '\0';
	for (i = 0; i < n && at + 3 <= olen; i++, at += 2)
		snprintf(out + at, olen - at, "%02x", p[i]);
}

int
wipe_scsi_vpd83_decode(const uint8_t *b, size_t len, char *wwn, size_t wlen)
{
	size_t plen, at, dlen;
	int eui = -1;

	wwn[0] = '\0';
	if (vpd_len(b, len, 0x83, &plen) != 0)
		return -EINVAL;
	for (at = VPD_HDR; at + 4 <= VPD_HDR + plen; at += dlen) {
		const uint8_t *d = b + at;
		unsigned assoc = (d[1] >> DESIG_ASSOC_SHIFT) & DESIG_ASSOC_MASK;
		unsigned type = d[1] & DESIG_TYPE_MASK;

		dlen = 4 + (size_t)d[3];
		if (at + dlen > VPD_HDR + plen)
			return -EINVAL;
		if (assoc != DESIG_ASSOC_LU ||
		    (d[0] & DESIG_CODESET_MASK) != DESIG_CODESET_BINARY)
			continue;
		if (type == DESIG_TYPE_NAA && (d[3] == 8 || d[3] == 16)) {
			hex_into(wwn, wlen, d + 4, d[3]);
			return 0;
		}
		if (type == DESIG_TYPE_EUI64 && eui < 0 && d[3] == 8)
			eui = (int)at;
	}
	if (eui >= 0)
		hex_into(wwn, wlen, b + eui + 4, 8);
	return 0;
}

int
wipe_scsi_vpd89_decode(const uint8_t *b, size_t len,
		       struct wipe_scsi_vpd89 *v)
{
	size_t plen;

	memset(v, 0, sizeof(*v));
	if (vpd_len(b, len, 0x89, &plen) != 0 || VPD_HDR + plen < 572)
		return -EINVAL;
	wipe_cmd_trim_copy(v->sat_vendor, sizeof(v->sat_vendor),
			   (const char *)b + 8, 8);
	wipe_cmd_trim_copy(v->sat_product, sizeof(v->sat_product),
			   (const char *)b + 16, 16);
	wipe_cmd_trim_copy(v->sat_revision, sizeof(v->sat_revision),
			   (const char *)b + 32, 4);
	v->command = b[56];
	v->identify = b + 60;
	return 0;
}

int
wipe_scsi_read_capacity16_decode(const uint8_t *b, size_t len,
				 struct wipe_scsi_cap *cap)
{
	memset(cap, 0, sizeof(*cap));
	if (len < 16)
		return -EINVAL;
	cap->last_lba = get_be(b, 8);
	cap->block = (uint32_t)get_be(b + 8, 4);
	if (cap->block < 512 || (cap->block & (cap->block - 1)) != 0)
		return -EINVAL;
	cap->physical = cap->block << (b[13] & RC16_EXP_MASK);
	cap->lbpme = (b[14] & RC16_LBPME) != 0;
	cap->lbprz = (b[14] & RC16_LBPRZ) != 0;
	return 0;
}

int
wipe_scsi_report_opcode_decode(const uint8_t *b, size_t len, int *supported)
{
	unsigned s;

	if (len < 2)
		return -EINVAL;
	s = b[1] & RSOC_SUPPORT_MASK;
	*supported = s == RSOC_SUPPORTED || s == RSOC_SUPPORTED_VS;
	return 0;
}
