/*
 * simnvme.c - the simulated drive's NVMe admin commands: Identify
 * Controller and Namespace, Format NVM (SES 0/1/2, FNA), Sanitize (with
 * failure mode) and the Sanitize Status log page.  Layouts from libnvme.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <nvme/types.h>

#include "wipe/simdrive.h"

#define SAN_ESTIMATE_S 10
#define VID_SIM 0x1d1d

static uint16_t
status(unsigned sct, unsigned sc)
{
	return (uint16_t)(NVME_SET(sct, SCT) | NVME_SET(sc, SC) | NVME_SC_DNR);
}

static void
put_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	memset(dst, ' ', len);
	memcpy(dst, src, n < len ? n : len);
}

static uint32_t
sanicap(const struct sim *s)
{
	uint32_t v = 0;

	if (s->spec.flags & WIPE_SIM_SAN_CRYPTO)
		v |= NVME_CTRL_SANICAP_CES;
	if (s->spec.flags & WIPE_SIM_SAN_BLOCK)
		v |= NVME_CTRL_SANICAP_BES;
	if (s->spec.flags & WIPE_SIM_SAN_OVERWRITE)
		v |= NVME_CTRL_SANICAP_OWS;
	return v;
}

static void
id_ctrl(const struct sim *s, struct nvme_id_ctrl *id)
{
	uint64_t cap = s->media_sectors * s->spec.logical;
	unsigned i;

	memset(id, 0, sizeof(*id));
	id->vid = htole16(VID_SIM);
	put_str(id->sn, sizeof(id->sn), s->spec.serial);
	put_str(id->mn, sizeof(id->mn), s->spec.model);
	put_str(id->fr, sizeof(id->fr), s->spec.firmware);
	if (s->spec.flags & WIPE_SIM_FORMAT)
		id->oacs = htole16(NVME_CTRL_OACS_FORMAT);
	id->sanicap = htole32(sanicap(s));
	id->fna = s->spec.fna;
	if (s->spec.flags & WIPE_SIM_FORMAT_CRYPTO)
		id->fna |= NVME_CTRL_FNA_CRYPTO_ERASE;
	id->nn = htole32(s->spec.nn);
	for (i = 0; i < 8; i++)
		id->tnvmcap[i] = (uint8_t)(cap >> (8 * i));
}

static void
id_ns(const struct sim *s, struct nvme_id_ns *ns)
{
	unsigned ds = 0;

	memset(ns, 0, sizeof(*ns));
	while ((1U << ds) < s->spec.logical)
		ds++;
	ns->nsze = ns->ncap = ns->nuse = htole64(s->visible);
	ns->nlbaf = 0;		/* one format, index 0 */
	ns->flbas = 0;
	ns->lbaf[0].ds = (uint8_t)ds;
	ns->eui64[0] = 0x00;
	ns->eui64[1] = 0x1d;
	ns->eui64[2] = 0x1d;
	ns->eui64[7] = (uint8_t)(s->seed | 1);
}

static int
identify(struct sim *s, struct wipe_nvme_cmd *c)
{
	unsigned cns = WIPE_NVME_GET(c->cdw10, IDENTIFY_CNS);

	if (c->data == NULL || c->len < WIPE_NVME_ID_LEN) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
		return 0;
	}
	if (cns == NVME_IDENTIFY_CNS_CTRL) {
		id_ctrl(s, c->data);
	} else if (cns == NVME_IDENTIFY_CNS_NS) {
		if (c->nsid == 0 || c->nsid > s->spec.nn) {
			c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_NS);
			return 0;
		}
		id_ns(s, c->data);
	} else {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	}
	return 0;
}

static void
sanlog(struct sim *s, struct nvme_sanitize_log_page *l)
{
	unsigned st = NVME_SANITIZE_SSTAT_STATUS_NEVER_SANITIZED;
	uint32_t est = SAN_ESTIMATE_S;

	sim_sanitize_poll(s);
	memset(l, 0, sizeof(*l));
	if (s->san == SIM_SAN_RUNNING) {
		st = NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS;
		l->sprog = htole16((uint16_t)((uint64_t)(s->spec.sanitize_polls -
							 s->san_left) *
					      0xffff / s->spec.sanitize_polls));
	} else if (s->san == SIM_SAN_FAILED) {
		st = NVME_SANITIZE_SSTAT_STATUS_COMPLETED_FAILED;
	} else if (s->san_last_ok) {
		st = NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS;
		l->sprog = htole16(0xffff);
	}
	l->sstat = htole16((uint16_t)(NVME_SET(st, SANITIZE_SSTAT_STATUS) |
				      (s->san_last_ok ? NVME_SANITIZE_SSTAT_GLOBAL_DATA_ERASED
						      : 0)));
	l->eto = htole32(est);
	l->etbe = htole32(est);
	l->etce = htole32(est);
}

static int
get_log(struct sim *s, struct wipe_nvme_cmd *c)
{
	if (WIPE_NVME_GET(c->cdw10, LOG_LID) != NVME_LOG_LID_SANITIZE ||
	    sanicap(s) == 0) {
		c->status = status(NVME_SCT_CMD_SPECIFIC,
				   NVME_SC_INVALID_LOG_PAGE);
		return 0;
	}
	if (c->data == NULL || c->len < WIPE_NVME_SANITIZE_LOG_LEN) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
		return 0;
	}
	sanlog(s, c->data);
	return 0;
}

static int
format(struct sim *s, struct wipe_nvme_cmd *c)
{
	unsigned ses = WIPE_NVME_GET(c->cdw10, FORMAT_SES);
	unsigned lbaf = WIPE_NVME_GET(c->cdw10, FORMAT_LBAF);

	if (!(s->spec.flags & WIPE_SIM_FORMAT)) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
		return 0;
	}
	if (s->san != SIM_SAN_IDLE) {
		c->status = status(NVME_SCT_GENERIC,
				   NVME_SC_SANITIZE_IN_PROGRESS);
		return 0;
	}
	if (ses > NVME_FORMAT_SES_CRYPTO_ERASE ||
	    (ses == NVME_FORMAT_SES_CRYPTO_ERASE &&
	     !(s->spec.flags & WIPE_SIM_FORMAT_CRYPTO))) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
		return 0;
	}
	if (lbaf != 0) {
		c->status = status(NVME_SCT_CMD_SPECIFIC,
				   NVME_SC_INVALID_FORMAT);
		return 0;
	}
	if (c->nsid != 1 && c->nsid != WIPE_NVME_NSID_ALL) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_NS);
		return 0;
	}
	/* Like QEMU: a format zeroes; a crypto erase leaves noise. */
	if (sim_long_erase(s, s->visible, ses == NVME_FORMAT_SES_CRYPTO_ERASE
				  ? WIPE_FW_CRYPTO : WIPE_FW_NORMAL, 0) != 0)
		return -ENODEV;
	return 0;
}

static int
sanitize(struct sim *s, struct wipe_nvme_cmd *c)
{
	unsigned act = WIPE_NVME_GET(c->cdw10, SANITIZE_SANACT);
	unsigned flag = act == NVME_SANITIZE_SANACT_START_CRYPTO_ERASE
				? WIPE_SIM_SAN_CRYPTO
			: act == NVME_SANITIZE_SANACT_START_BLOCK_ERASE
				? WIPE_SIM_SAN_BLOCK
			: act == NVME_SANITIZE_SANACT_START_OVERWRITE
				? WIPE_SIM_SAN_OVERWRITE : 0;

	if (sanicap(s) == 0) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
		return 0;
	}
	if (act == NVME_SANITIZE_SANACT_EXIT_FAILURE &&
	    s->san == SIM_SAN_FAILED) {
		s->san = SIM_SAN_IDLE;
		return 0;
	}
	if (flag == 0 || !(s->spec.flags & flag)) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
		return 0;
	}
	if (s->san == SIM_SAN_RUNNING) {
		c->status = status(NVME_SCT_GENERIC,
				   NVME_SC_SANITIZE_IN_PROGRESS);
		return 0;
	}
	sim_sanitize_start(s, flag == WIPE_SIM_SAN_CRYPTO ? WIPE_FW_CRYPTO
			   : flag == WIPE_SIM_SAN_BLOCK ? WIPE_FW_BLOCK
							: WIPE_FW_OVERWRITE,
			   c->cdw11);
	return 0;
}

int
sim_nvme(struct sim *s, struct wipe_nvme_cmd *c)
{
	c->status = 0;
	c->result = 0;
	if (s->spec.fault == WIPE_SIM_FAULT_CMD &&
	    s->spec.fault_op == c->opcode) {
		c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
		return 0;
	}
	switch (c->opcode) {
	case nvme_admin_identify:
		return identify(s, c);
	case nvme_admin_get_log_page:
		return get_log(s, c);
	case nvme_admin_format_nvm:
		return format(s, c);
	case nvme_admin_sanitize_nvm:
		return sanitize(s, c);
	}
	c->status = status(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	return 0;
}
