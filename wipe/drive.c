/*
 * drive.c - identity from the drive itself (ATA IDENTIFY through SAT,
 * NVMe Identify, SCSI INQUIRY and VPD) and its hidden areas: READ NATIVE
 * MAX ADDRESS EXT, DEVICE CONFIGURATION IDENTIFY, and their restore.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wipe/cmd.h"

#define INQ_LEN 96
#define VPD_LEN 252

/* Keep what the block layer said about size; the drive fills gaps. */
struct geometry {
	uint64_t size;
	uint32_t logical;
	uint32_t physical;
};

static void
geometry_save(const struct wipe_ident *id, struct geometry *g)
{
	g->size = id->size_bytes;
	g->logical = id->logical_sector;
	g->physical = id->physical_sector;
}

static void
geometry_restore(struct wipe_ident *id, const struct geometry *g)
{
	if (g->size == 0)
		return;
	id->size_bytes = g->size;
	id->logical_sector = g->logical;
	id->physical_sector = g->physical;
}

/* Strings the drive left empty keep their sysfs value. */
static void
keep_string(char *dst, size_t len, const char *old)
{
	if (dst[0] == '\0' && old[0] != '\0')
		snprintf(dst, len, "%s", old);
}

static void
keep_strings(struct wipe_ident *id, const struct wipe_ident *old)
{
	keep_string(id->model, sizeof(id->model), old->model);
	keep_string(id->serial, sizeof(id->serial), old->serial);
	keep_string(id->firmware, sizeof(id->firmware), old->firmware);
	keep_string(id->wwn, sizeof(id->wwn), old->wwn);
}

/* ---- ATA --------------------------------------------------------------- */

/* READ NATIVE MAX ADDRESS EXT and DCO IDENTIFY: the hidden areas. */
static void
ata_hidden(struct wipe_dev *d, const struct wipe_ata_id *a)
{
	struct wipe_hidden *h = &d->id.hidden;
	struct wipe_ata_cmd c;
	uint8_t buf[WIPE_ATA_SECTOR];
	uint64_t dco;

	h->native_max_lba = -1;
	h->dco_max_lba = -1;
	h->hpa_enabled = h->dco_present = WIPE_UNKNOWN;
	if (a->hpa_supported && a->lba48) {
		wipe_ata_read_native_max_ext(&c);
		if (wipe_dev_ata(d, &c) == 0 && c.out_valid) {
			h->native_max_lba = (int64_t)c.out.lba;
			h->hpa_enabled = h->native_max_lba > h->visible_max_lba
						 ? WIPE_YES : WIPE_NO;
		}
	} else if (!a->hpa_supported) {
		h->native_max_lba = h->visible_max_lba;
		h->hpa_enabled = WIPE_NO;
	}
	if (!a->dco_supported) {
		h->dco_present = WIPE_NO;
		return;
	}
	wipe_ata_dco_identify(&c, buf);
	if (wipe_dev_ata(d, &c) != 0 || wipe_ata_dco_decode(buf, sizeof(buf),
							    &dco) != 0)
		return;
	h->dco_max_lba = (int64_t)dco;
	if (h->native_max_lba >= 0)
		h->dco_present = (int64_t)dco > h->native_max_lba ? WIPE_YES
								  : WIPE_NO;
}

static int
identify_ata(struct wipe_dev *d)
{
	struct wipe_ident old = d->id;
	struct wipe_ata_cmd c;
	struct wipe_ata_id a;
	struct geometry g;
	uint8_t buf[WIPE_ATA_SECTOR];
	int ret;

	memset(buf, 0, sizeof(buf));
	wipe_ata_identify(&c, buf);
	ret = wipe_dev_ata(d, &c);
	if (ret == 0 && wipe_ata_id_decode(buf, sizeof(buf), &a) != 0) {
		snprintf(c.st.msg, sizeof(c.st.msg),
			 "no IDENTIFY data came back");
		ret = -EOPNOTSUPP;
	}
	if (ret != 0) {
		wipe_msg(d->id.drive.passthru, sizeof(d->id.drive.passthru),
			 "%s refuses ATA pass-through: %s",
			 d->id.transport == WIPE_TR_USB ? "the USB bridge"
							: "the device",
			 c.st.msg);
		return ret == -EIO ? -EOPNOTSUPP : ret;
	}
	geometry_save(&d->id, &g);
	d->id.caps = 0;
	wipe_ata_id_to_ident(&a, &d->id);
	geometry_restore(&d->id, &g);
	keep_strings(&d->id, &old);
	d->id.drive.passthru[0] = '\0';
	ata_hidden(d, &a);
	return 0;
}

/* ---- NVMe --------------------------------------------------------------- */

static int
identify_nvme(struct wipe_dev *d)
{
	struct wipe_ident old = d->id;
	struct wipe_nvme_cmd c;
	struct wipe_nvme_ctrl ctrl;
	struct wipe_nvme_ns ns;
	struct geometry g;
	uint8_t *buf;
	uint32_t nsid = d->id.drive.nsid ? d->id.drive.nsid : 1;
	int ret;

	buf = wipe_alloc_aligned(4096, 2 * WIPE_NVME_ID_LEN);
	if (buf == NULL)
		return -ENOMEM;
	memset(buf, 0, 2 * WIPE_NVME_ID_LEN);
	wipe_nvme_identify_ctrl(&c, buf);
	ret = wipe_dev_nvme(d, &c);
	if (ret == 0)
		ret = wipe_nvme_ctrl_decode(buf, WIPE_NVME_ID_LEN, &ctrl);
	if (ret == 0) {
		wipe_nvme_identify_ns(&c, nsid, buf + WIPE_NVME_ID_LEN);
		ret = wipe_dev_nvme(d, &c);
	}
	if (ret == 0)
		ret = wipe_nvme_ns_decode(buf + WIPE_NVME_ID_LEN,
					  WIPE_NVME_ID_LEN, &ns);
	if (ret != 0) {
		wipe_msg(d->id.drive.passthru, sizeof(d->id.drive.passthru),
			 "NVMe Identify failed: %s", c.st.msg);
		free(buf);
		return ret == -EIO ? -EOPNOTSUPP : ret;
	}
	geometry_save(&d->id, &g);
	d->id.caps = 0;
	wipe_nvme_to_ident(&ctrl, &ns, &d->id);
	d->id.drive.nsid = nsid;
	geometry_restore(&d->id, &g);
	keep_strings(&d->id, &old);
	d->id.drive.passthru[0] = '\0';
	free(buf);
	return 0;
}

/* ---- SCSI --------------------------------------------------------------- */

static int
scsi_sanitize_supported(struct wipe_dev *d, uint8_t sa)
{
	struct wipe_scsi_cmd c;
	uint8_t buf[32];
	int ok = 0;

	memset(buf, 0, sizeof(buf));
	wipe_scsi_report_opcode(&c, WIPE_SCSI_SANITIZE, sa, buf, sizeof(buf));
	if (wipe_dev_scsi(d, &c) != 0 ||
	    wipe_scsi_report_opcode_decode(buf, sizeof(buf), &ok) != 0)
		return 0;
	return ok;
}

static void
scsi_vpd(struct wipe_dev *d, struct wipe_ident *id)
{
	struct wipe_scsi_cmd c;
	uint8_t buf[VPD_LEN];

	memset(buf, 0, sizeof(buf));
	wipe_scsi_inquiry(&c, 0x80, 1, buf, sizeof(buf));
	if (wipe_dev_scsi(d, &c) == 0)
		(void)wipe_scsi_vpd80_decode(buf, sizeof(buf) - c.resid,
					     id->serial, sizeof(id->serial));
	memset(buf, 0, sizeof(buf));
	wipe_scsi_inquiry(&c, 0x83, 1, buf, sizeof(buf));
	if (wipe_dev_scsi(d, &c) == 0)
		(void)wipe_scsi_vpd83_decode(buf, sizeof(buf) - c.resid,
					     id->wwn, sizeof(id->wwn));
}

static int
identify_scsi(struct wipe_dev *d)
{
	struct wipe_ident old = d->id;
	struct wipe_scsi_cmd c;
	struct wipe_scsi_inq q;
	struct wipe_scsi_cap cap;
	uint8_t buf[INQ_LEN], rc[32];
	int ret;

	memset(buf, 0, sizeof(buf));
	wipe_scsi_inquiry(&c, 0, 0, buf, sizeof(buf));
	ret = wipe_dev_scsi(d, &c);
	if (ret == 0)
		ret = wipe_scsi_inquiry_decode(buf, sizeof(buf) - c.resid, &q);
	if (ret != 0)
		return ret;
	d->id.model[0] = d->id.serial[0] = d->id.wwn[0] = '\0';
	snprintf(d->id.vendor, sizeof(d->id.vendor), "%s", q.vendor);
	snprintf(d->id.model, sizeof(d->id.model), "%s", q.product);
	snprintf(d->id.firmware, sizeof(d->id.firmware), "%s", q.revision);
	scsi_vpd(d, &d->id);
	memset(rc, 0, sizeof(rc));
	wipe_scsi_read_capacity16(&c, rc);
	if (d->id.size_bytes == 0 && wipe_dev_scsi(d, &c) == 0 &&
	    wipe_scsi_read_capacity16_decode(rc, sizeof(rc), &cap) == 0) {
		d->id.logical_sector = cap.block;
		d->id.physical_sector = cap.physical;
		d->id.size_bytes = (cap.last_lba + 1) * cap.block;
	}
	keep_strings(&d->id, &old);
	d->id.source = WIPE_SRC_SCSI_INQUIRY;
	d->id.caps |= WIPE_CAP_OVERWRITE;
	if (scsi_sanitize_supported(d, WIPE_SCSI_SAN_CRYPTO))
		d->id.caps |= WIPE_CAP_SCSI_SANITIZE_CRYPTO;
	if (scsi_sanitize_supported(d, WIPE_SCSI_SAN_BLOCK))
		d->id.caps |= WIPE_CAP_SCSI_SANITIZE_BLOCK;
	if (scsi_sanitize_supported(d, WIPE_SCSI_SAN_OVERWRITE))
		d->id.caps |= WIPE_CAP_SCSI_SANITIZE_OVERWRITE;
	return 0;
}

int
wipe_drive_identify(struct wipe_dev *d)
{
	int ret;

	switch (d->id.transport) {
	case WIPE_TR_NVME:
		return identify_nvme(d);
	case WIPE_TR_SATA:
	case WIPE_TR_SAS:
	case WIPE_TR_SCSI:
	case WIPE_TR_USB:
		ret = identify_ata(d);
		if (ret == 0)
			return 0;
		/*
		 * A SCSI disk answers INQUIRY itself.  Behind a USB bridge
		 * that refuses pass-through, sysfs already has the bridge's
		 * INQUIRY and the USB serial: keep it, say why.
		 */
		if (d->id.transport == WIPE_TR_USB)
			return ret;
		return identify_scsi(d) == 0 ? 0 : ret;
	default:
		snprintf(d->id.drive.passthru, sizeof(d->id.drive.passthru),
			 "no drive commands on the %s transport",
			 wipe_transport_name(d->id.transport));
		return -EOPNOTSUPP;
	}
}

/* ---- hidden areas ------------------------------------------------------ */

static void
hidden_step(struct wipe_hidden_result *r, const char *name,
	    const struct wipe_ata_cmd *c)
{
	struct wipe_fw_step *s;

	if (r->nsteps >= WC_ARRAY_SIZE(r->steps))
		return;
	s = &r->steps[r->nsteps++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	wipe_ata_describe(c, s->params, sizeof(s->params));
	s->status = c->st;
	s->at_unix = (uint64_t)time(NULL);
}

static int
hidden_present(const struct wipe_hidden *h)
{
	return h->hpa_enabled == WIPE_YES || h->dco_present == WIPE_YES;
}

static void
hidden_describe(const struct wipe_hidden *h, char *buf, size_t len)
{
	char dco[32] = "none";

	if (h->dco_max_lba >= 0)
		snprintf(dco, sizeof(dco), "%lld", (long long)h->dco_max_lba);
	snprintf(buf, len,
		 "visible max LBA %lld, native max LBA %lld, DCO max LBA %s%s%s",
		 (long long)h->visible_max_lba, (long long)h->native_max_lba,
		 dco, h->hpa_enabled == WIPE_YES ? "; an HPA hides sectors" : "",
		 h->dco_present == WIPE_YES ? "; a DCO hides sectors" : "");
}

int
wipe_hidden_check(struct wipe_dev *d, struct wipe_hidden_result *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	if (d->id.source != WIPE_SRC_ATA_IDENTIFY)
		return -EOPNOTSUPP;
	ret = identify_ata(d);
	if (ret != 0)
		return ret;
	r->before = r->after = d->id.hidden;
	r->size_before = r->size_after = d->id.size_bytes;
	r->checked = d->id.hidden.native_max_lba >= 0;
	r->present = hidden_present(&d->id.hidden);
	hidden_describe(&d->id.hidden, r->message, sizeof(r->message));
	return 0;
}

/* SET MAX ADDRESS EXT must come right after READ NATIVE MAX EXT. */
static int
restore_hpa(struct wipe_dev *d, struct wipe_hidden_result *r)
{
	struct wipe_ata_cmd c;
	uint64_t native;
	int ret;

	wipe_ata_read_native_max_ext(&c);
	ret = wipe_dev_ata(d, &c);
	hidden_step(r, "READ NATIVE MAX ADDRESS EXT", &c);
	if (ret != 0 || !c.out_valid)
		return ret ? ret : -EIO;
	native = c.out.lba;
	wipe_ata_set_max_ext(&c, native, 0);
	ret = wipe_dev_ata(d, &c);
	hidden_step(r, "SET MAX ADDRESS EXT", &c);
	return ret;
}

static int
restore_dco(struct wipe_dev *d, struct wipe_hidden_result *r)
{
	struct wipe_ata_cmd c;
	int ret;

	wipe_ata_dco_restore(&c);
	ret = wipe_dev_ata(d, &c);
	hidden_step(r, "DEVICE CONFIGURATION RESTORE", &c);
	/* Aborted: frozen by DCO FREEZE LOCK, typically from the BIOS. */
	return ret == -EIO ? -EACCES : ret;
}

/* Make the kernel see the new size, then read it back. */
static int
hidden_reread(struct wipe_dev *d, struct wipe_hidden_result *r)
{
	const struct wipe_hidden *h;
	int ret;

	ret = wipe_dev_rescan(d);
	if (ret != 0 && ret != -EOPNOTSUPP)
		return ret;
	ret = identify_ata(d);
	if (ret != 0)
		return ret;
	h = &d->id.hidden;
	r->after = *h;
	r->size_after = d->id.size_bytes;
	r->restored = !hidden_present(h) &&
		      h->visible_max_lba == h->native_max_lba &&
		      r->size_after == (uint64_t)(h->native_max_lba + 1) *
					       d->id.logical_sector;
	return r->restored ? 0 : -EIO;
}

int
wipe_hidden_restore(struct wipe_dev *d, struct wipe_hidden_result *r)
{
	char what[160];
	int ret = 0;

	r->restore_requested = 1;
	if (r->before.hpa_enabled == WIPE_YES ||
	    r->before.dco_present == WIPE_YES)
		ret = restore_hpa(d, r);
	if (ret == 0 && r->before.dco_present == WIPE_YES) {
		ret = restore_dco(d, r);
		/* The restored factory size may be hidden by an HPA again. */
		if (ret == 0)
			ret = restore_hpa(d, r);
	}
	if (ret == 0)
		ret = hidden_reread(d, r);
	hidden_describe(&r->after, what, sizeof(what));
	snprintf(r->message, sizeof(r->message), "%s: %s (kernel size %llu)",
		 ret == 0 ? "native capacity restored"
		 : ret == -EACCES ? "restore refused (frozen)"
				  : "restore failed",
		 what, (unsigned long long)r->size_after);
	return ret;
}
