/*
 * cmdexec.c - send a command through the device interface and turn what
 * comes back into the one result (struct wipe_cmd_status).  ATA commands
 * travel as ATA PASS-THROUGH(16) through the scsi_cmd slot when the
 * device has no ata_passthru slot of its own: that is the SAT path Linux
 * (libata, USB bridges, SAS HBAs) offers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wipe/cmd.h"

/* An assumed status for a SATL that answered GOOD without registers. */
#define ATA_STATUS_GOOD (WIPE_ATA_ST_DRDY | (1 << 4))

static int
transport_errno(int ret)
{
	/* No SG_IO or no NVMe ioctl on this node: nothing to pass through. */
	if (ret == -ENOTTY || ret == -ENOSYS)
		return -EOPNOTSUPP;
	return ret;
}

static void
host_failure(struct wipe_cmd_status *st, const struct wipe_scsi_cmd *s)
{
	memset(st, 0, sizeof(*st));
	st->kind = WIPE_CMD_SCSI;
	snprintf(st->msg, sizeof(st->msg),
		 "transport failure: host status 0x%02x, driver status 0x%02x",
		 (unsigned)s->host_status, (unsigned)s->driver_status);
}

/* The answer of a SAT layer to ATA PASS-THROUGH(16). */
static int
sat_result(struct wipe_ata_cmd *c, const struct wipe_scsi_cmd *s)
{
	struct wipe_sense sn;

	if (s->host_status != 0) {
		host_failure(&c->st, s);
		return -EIO;
	}
	if (s->status == WIPE_SCSI_GOOD) {
		wipe_status_from_ata(&c->st, ATA_STATUS_GOOD, 0);
		return 0;
	}
	if (s->status != WIPE_SCSI_CHECK_CONDITION ||
	    wipe_sense_parse(s->sense, s->sense_len, &sn) != 0) {
		wipe_status_from_scsi(&c->st, s->status, s->sense,
				      s->sense_len);
		return -EIO;
	}
	if (sn.ata_valid) {
		c->out = sn.ata;
		c->out_valid = 1;
		wipe_status_from_ata(&c->st, sn.ata_status, sn.ata_error);
		return c->st.ok ? 0 : -EIO;
	}
	wipe_status_from_scsi(&c->st, s->status, s->sense, s->sense_len);
	/* No registers: a SCSI device or a bridge that refuses PT. */
	if (sn.key == WIPE_SK_ILLEGAL_REQUEST)
		return -EOPNOTSUPP;
	return c->st.ok ? 0 : -EIO;
}

static int
ata_via_sat(struct wipe_dev *d, struct wipe_ata_cmd *c)
{
	struct wipe_scsi_cmd s;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = wipe_ata_cdb16(c, s.cdb);
	if (ret != 0) {
		wipe_status_from_errno(&c->st, WIPE_CMD_ATA, ret);
		return ret;
	}
	s.cdb_len = WIPE_SAT_PT16_LEN;
	s.dir = c->proto == WIPE_ATA_PROTO_PIO_IN    ? WIPE_DIR_IN
		: c->proto == WIPE_ATA_PROTO_PIO_OUT ? WIPE_DIR_OUT
						     : WIPE_DIR_NONE;
	s.data = c->data;
	s.len = c->len;
	s.timeout_ms = c->timeout_ms;
	ret = d->ops->scsi_cmd(d, &s);
	if (ret < 0) {
		ret = transport_errno(ret);
		wipe_status_from_errno(&c->st, WIPE_CMD_ATA, ret);
		return ret;
	}
	return sat_result(c, &s);
}

int
wipe_dev_ata(struct wipe_dev *d, struct wipe_ata_cmd *c)
{
	int ret;

	c->out_valid = 0;
	if (d->ops->ata_passthru != NULL) {
		ret = d->ops->ata_passthru(d, c);
		if (ret < 0)
			wipe_status_from_errno(&c->st, WIPE_CMD_ATA, ret);
		else
			ret = c->st.ok ? 0 : -EIO;
		return ret;
	}
	if (d->ops->scsi_cmd != NULL)
		return ata_via_sat(d, c);
	wipe_status_from_errno(&c->st, WIPE_CMD_ATA, -EOPNOTSUPP);
	return -EOPNOTSUPP;
}

int
wipe_dev_scsi(struct wipe_dev *d, struct wipe_scsi_cmd *c)
{
	int ret;

	if (d->ops->scsi_cmd == NULL) {
		wipe_status_from_errno(&c->st, WIPE_CMD_SCSI, -EOPNOTSUPP);
		return -EOPNOTSUPP;
	}
	ret = d->ops->scsi_cmd(d, c);
	if (ret < 0) {
		ret = transport_errno(ret);
		wipe_status_from_errno(&c->st, WIPE_CMD_SCSI, ret);
		return ret;
	}
	if (c->host_status != 0) {
		host_failure(&c->st, c);
		return -EIO;
	}
	wipe_status_from_scsi(&c->st, c->status, c->sense, c->sense_len);
	return c->st.ok ? 0 : -EIO;
}

int
wipe_dev_nvme(struct wipe_dev *d, struct wipe_nvme_cmd *c)
{
	int ret;

	if (d->ops->nvme_admin == NULL) {
		wipe_status_from_errno(&c->st, WIPE_CMD_NVME, -EOPNOTSUPP);
		return -EOPNOTSUPP;
	}
	ret = d->ops->nvme_admin(d, c);
	if (ret < 0) {
		ret = transport_errno(ret);
		wipe_status_from_errno(&c->st, WIPE_CMD_NVME, ret);
		return ret;
	}
	wipe_status_from_nvme(&c->st, c->status);
	return c->st.ok ? 0 : -EIO;
}
