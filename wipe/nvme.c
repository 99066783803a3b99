/*
 * nvme.c - the four NVMe admin commands wipecert sends (Identify 06h,
 * Format NVM 80h, Sanitize 84h, Get Log Page 02h for the Sanitize Status
 * log 81h), and the decoding of their data.  Structure layouts, opcodes
 * and field values come from libnvme's headers; command dwords are built
 * from the named SHIFT/MASK constants of wipe/cmd.h.  Pure functions.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nvme/types.h>

#include "wipe/cmd.h"

#define QUICK_TIMEOUT_MS (30 * 1000)
#define LBADS_MIN 9		/* 512-byte blocks */
#define LBADS_MAX 16

_Static_assert(sizeof(struct nvme_id_ctrl) == WIPE_NVME_ID_LEN,
	       "Identify Controller is 4096 bytes");
_Static_assert(sizeof(struct nvme_id_ns) == WIPE_NVME_ID_LEN,
	       "Identify Namespace is 4096 bytes");
_Static_assert(sizeof(struct nvme_sanitize_log_page) ==
		       WIPE_NVME_SANITIZE_LOG_LEN,
	       "the Sanitize Status log is 512 bytes");

static void
reset(struct wipe_nvme_cmd *c, uint8_t opcode, uint32_t nsid, void *buf,
      uint32_t len)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = nsid;
	c->data = buf;
	c->len = len;
	c->timeout_ms = QUICK_TIMEOUT_MS;
}

void
wipe_nvme_identify_ctrl(struct wipe_nvme_cmd *c, void *buf)
{
	reset(c, nvme_admin_identify, 0, buf, WIPE_NVME_ID_LEN);
	c->cdw10 = WIPE_NVME_SET(NVME_IDENTIFY_CNS_CTRL, IDENTIFY_CNS);
}

void
wipe_nvme_identify_ns(struct wipe_nvme_cmd *c, uint32_t nsid, void *buf)
{
	reset(c, nvme_admin_identify, nsid, buf, WIPE_NVME_ID_LEN);
	c->cdw10 = WIPE_NVME_SET(NVME_IDENTIFY_CNS_NS, IDENTIFY_CNS);
}

void
wipe_nvme_format(struct wipe_nvme_cmd *c, uint32_t nsid, unsigned lbaf,
		 unsigned mset, unsigned pi, unsigned pil, unsigned ses)
{
	reset(c, nvme_admin_format_nvm, nsid, NULL, 0);
	c->cdw10 = WIPE_NVME_SET(lbaf, FORMAT_LBAF) |
		   WIPE_NVME_SET(mset, FORMAT_MSET) |
		   WIPE_NVME_SET(pi, FORMAT_PI) |
		   WIPE_NVME_SET(pil, FORMAT_PIL) |
		   WIPE_NVME_SET(ses, FORMAT_SES) |
		   WIPE_NVME_SET(lbaf >> 4, FORMAT_LBAFU);
}

void
wipe_nvme_sanitize(struct wipe_nvme_cmd *c, unsigned sanact, int ause,
		   unsigned owpass, int oipbp, int ndas, uint32_t ovrpat)
{
	/* Sanitize acts on the whole NVM subsystem: NSID is not used. */
	reset(c, nvme_admin_sanitize_nvm, 0, NULL, 0);
	c->cdw10 = WIPE_NVME_SET(sanact, SANITIZE_SANACT) |
		   WIPE_NVME_SET(ause ? 1 : 0, SANITIZE_AUSE) |
		   WIPE_NVME_SET(owpass, SANITIZE_OWPASS) |
		   WIPE_NVME_SET(oipbp ? 1 : 0, SANITIZE_OIPBP) |
		   WIPE_NVME_SET(ndas ? 1 : 0, SANITIZE_NDAS);
	c->cdw11 = ovrpat;
}

void
wipe_nvme_get_log_sanitize(struct wipe_nvme_cmd *c, void *buf)
{
	uint32_t numd = WIPE_NVME_SANITIZE_LOG_LEN / 4 - 1;

	reset(c, nvme_admin_get_log_page, NVME_NSID_ALL, buf,
	      WIPE_NVME_SANITIZE_LOG_LEN);
	c->cdw10 = WIPE_NVME_SET(NVME_LOG_LID_SANITIZE, LOG_LID) |
		   WIPE_NVME_SET(NVME_LOG_LSP_NONE, LOG_LSP) |
		   WIPE_NVME_SET(0, LOG_RAE) | WIPE_NVME_SET(numd, LOG_NUMDL);
	c->cdw11 = WIPE_NVME_SET(numd >> 16, LOG_NUMDU);
}

void
wipe_nvme_describe(const struct wipe_nvme_cmd *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 "opcode=0x%02x nsid=0x%08x cdw10=0x%08x cdw11=0x%08x", c->opcode,
		 c->nsid, c->cdw10, c->cdw11);
}

/* ---- decoders -------------------------------------------------------- */

int
wipe_nvme_ctrl_decode(const uint8_t *buf, size_t len,
		      struct wipe_nvme_ctrl *c)
{
	struct nvme_id_ctrl id;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (len != WIPE_NVME_ID_LEN)
		return -EINVAL;
	memcpy(&id, buf, sizeof(id));
	for (i = 0; i < sizeof(id.mn) && id.mn[i] == 0; i++)
		;
	if (i == sizeof(id.mn) && id.vid == 0)
		return -EINVAL;	/* nothing there */
	c->vid = le16toh(id.vid);
	wipe_cmd_trim_copy(c->sn, sizeof(c->sn), id.sn, sizeof(id.sn));
	wipe_cmd_trim_copy(c->mn, sizeof(c->mn), id.mn, sizeof(id.mn));
	wipe_cmd_trim_copy(c->fr, sizeof(c->fr), id.fr, sizeof(id.fr));
	c->oacs = le16toh(id.oacs);
	c->sanicap = le32toh(id.sanicap);
	c->fna = id.fna;
	c->nn = le32toh(id.nn);
	for (i = 0; i < 8; i++) {
		c->tnvmcap_lo |= (uint64_t)id.tnvmcap[i] << (8 * i);
		c->tnvmcap_hi |= (uint64_t)id.tnvmcap[8 + i] << (8 * i);
	}
	memcpy(c->ieee, id.ieee, sizeof(c->ieee));
	return 0;
}

int
wipe_nvme_ns_decode(const uint8_t *buf, size_t len, struct wipe_nvme_ns *n)
{
	struct nvme_id_ns ns;
	unsigned ds;

	memset(n, 0, sizeof(*n));
	if (len != WIPE_NVME_ID_LEN)
		return -EINVAL;
	memcpy(&ns, buf, sizeof(ns));
	n->nsze = le64toh(ns.nsze);
	n->ncap = le64toh(ns.ncap);
	n->nuse = le64toh(ns.nuse);
	n->flbas = ns.flbas;
	n->lbaf = ns.flbas & NVME_NS_FLBAS_LOWER_MASK;
	if (ns.nlbaf >= 16)	/* 64 formats: the index has two more bits */
		n->lbaf |= (unsigned)(ns.flbas & NVME_NS_FLBAS_HIGHER_MASK) >> 1;
	if (n->lbaf > ns.nlbaf || n->lbaf >= 64)
		return -EINVAL;
	ds = ns.lbaf[n->lbaf].ds;
	if (ds < LBADS_MIN || ds > LBADS_MAX)
		return -EINVAL;
	n->lba_bytes = 1U << ds;
	n->ms = le16toh(ns.lbaf[n->lbaf].ms);
	n->dps = ns.dps;
	n->dlfeat = ns.dlfeat;
	memcpy(n->eui64, ns.eui64, sizeof(n->eui64));
	return 0;
}

int
wipe_nvme_sanlog_decode(const uint8_t *buf, size_t len,
			struct wipe_nvme_sanlog *l)
{
	struct nvme_sanitize_log_page p;
	uint16_t sstat;

	memset(l, 0, sizeof(*l));
	if (len < WIPE_NVME_SANITIZE_LOG_LEN)
		return -EINVAL;
	memcpy(&p, buf, sizeof(p));
	sstat = le16toh(p.sstat);
	l->sprog = le16toh(p.sprog);
	l->status = (uint8_t)NVME_GET(sstat, SANITIZE_SSTAT_STATUS);
	l->passes = (uint8_t)NVME_GET(sstat, SANITIZE_SSTAT_COMPLETED_PASSES);
	l->global_erased = NVME_GET(sstat, SANITIZE_SSTAT_GLOBAL_DATA_ERASED);
	l->scdw10 = le32toh(p.scdw10);
	l->eto = le32toh(p.eto);
	l->etbe = le32toh(p.etbe);
	l->etce = le32toh(p.etce);
	return 0;
}

static void
nvme_caps(const struct wipe_nvme_ctrl *c, struct wipe_ident *id)
{
	id->caps |= WIPE_CAP_OVERWRITE;
	if (c->oacs & NVME_CTRL_OACS_FORMAT) {
		id->caps |= WIPE_CAP_NVME_FORMAT_USER;
		if (c->fna & NVME_CTRL_FNA_CRYPTO_ERASE)
			id->caps |= WIPE_CAP_NVME_FORMAT_CRYPTO;
	}
	if (c->sanicap & NVME_CTRL_SANICAP_CES)
		id->caps |= WIPE_CAP_NVME_SANITIZE_CRYPTO;
	if (c->sanicap & NVME_CTRL_SANICAP_BES)
		id->caps |= WIPE_CAP_NVME_SANITIZE_BLOCK;
	if (c->sanicap & NVME_CTRL_SANICAP_OWS)
		id->caps |= WIPE_CAP_NVME_SANITIZE_OVERWRITE;
}

void
wipe_nvme_to_ident(const struct wipe_nvme_ctrl *c,
		   const struct wipe_nvme_ns *n, struct wipe_ident *id)
{
	static const uint8_t zero[8];

	snprintf(id->model, sizeof(id->model), "%s", c->mn);
	snprintf(id->serial, sizeof(id->serial), "%s", c->sn);
	snprintf(id->firmware, sizeof(id->firmware), "%s", c->fr);
	id->source = WIPE_SRC_NVME_IDENTIFY;
	id->transport = WIPE_TR_NVME;
	if (id->rotational == WIPE_UNKNOWN)
		id->rotational = WIPE_NO;
	id->drive.oacs = c->oacs;
	id->drive.sanicap = c->sanicap;
	id->drive.fna = c->fna;
	id->drive.nn = c->nn;
	id->drive.tnvmcap = c->tnvmcap_hi ? UINT64_MAX : c->tnvmcap_lo;
	nvme_caps(c, id);
	if (n == NULL)
		return;
	id->drive.nsze = n->nsze;
	id->logical_sector = n->lba_bytes;
	if (id->physical_sector < n->lba_bytes)
		id->physical_sector = n->lba_bytes;
	if (n->nsze <= UINT64_MAX / n->lba_bytes)
		id->size_bytes = n->nsze * n->lba_bytes;
	if (memcmp(n->eui64, zero, sizeof(zero)) != 0)
		snprintf(id->wwn, sizeof(id->wwn),
			 "eui.%02x%02x%02x%02x%02x%02x%02x%02x", n->eui64[0],
			 n->eui64[1], n->eui64[2], n->eui64[3], n->eui64[4],
			 n->eui64[5], n->eui64[6], n->eui64[7]);
}

int
wipe_ident_from_nvme(const void *ctrl, size_t len, const void *ns,
		     size_t nslen, struct wipe_ident *id)
{
	struct wipe_nvme_ctrl c;
	struct wipe_nvme_ns n;
	int ret;

	ret = wipe_nvme_ctrl_decode(ctrl, len, &c);
	if (ret != 0)
		return ret;
	if (ns != NULL && (ret = wipe_nvme_ns_decode(ns, nslen, &n)) != 0)
		return ret;
	wipe_ident_init(id);
	wipe_nvme_to_ident(&c, ns != NULL ? &n : NULL, id);
	return 0;
}
