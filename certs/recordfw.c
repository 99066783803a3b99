/*
 * recordfw.c - the parts of the record that come from the drive itself
 * (DESIGN §6): what it reported, its hidden areas before and after a
 * restore, the firmware erase with its exact commands and the drive's
 * completion status, and the markers that verified it.  Key order is
 * schema, as in record.c.
 */
#include <stdio.h>
#include <string.h>

#include "certs/certs.h"
#include "certs/jsonout.h"

static struct json_object *
boolean(int v)
{
	return json_object_new_boolean(v != 0);
}

static struct json_object *
time_or_null(uint64_t t)
{
	char buf[WC_RFC3339_LEN];

	if (t == 0 || wc_rfc3339(buf, sizeof(buf), (time_t)t) != 0)
		return NULL;
	return json_object_new_string(buf);
}

static const char *
kind_name(enum wipe_cmd_kind k)
{
	switch (k) {
	case WIPE_CMD_ATA:
		return "ata";
	case WIPE_CMD_SCSI:
		return "scsi";
	case WIPE_CMD_NVME:
		return "nvme";
	case WIPE_CMD_NONE:
		break;
	}
	return NULL;
}

struct json_object *
cert_cmd_status_json(const struct wipe_cmd_status *st)
{
	struct json_object *o;

	if (st->kind == WIPE_CMD_NONE && st->msg[0] == '\0')
		return NULL;
	o = json_object_new_object();
	put(o, "kind", str_or_null(kind_name(st->kind)));
	put(o, "ok", boolean(st->ok));
	put(o, "message", str_or_null(st->msg));
	put(o, "transport_errno", st->err ? json_object_new_string(
						    strerror(-st->err))
					  : NULL);
	if (st->kind == WIPE_CMD_ATA) {
		put(o, "ata_status", json_object_new_int(st->ata_status));
		put(o, "ata_error", json_object_new_int(st->ata_error));
	} else if (st->kind == WIPE_CMD_SCSI) {
		put(o, "scsi_status", json_object_new_int(st->scsi_status));
		put(o, "sense_key", json_object_new_int(st->sense_key));
		put(o, "asc", json_object_new_int(st->asc));
		put(o, "ascq", json_object_new_int(st->ascq));
	} else if (st->kind == WIPE_CMD_NVME) {
		put(o, "nvme_sct", json_object_new_int(st->nvme_sct));
		put(o, "nvme_sc", json_object_new_int(st->nvme_sc));
		put(o, "nvme_dnr", boolean(st->nvme_dnr));
	}
	return o;
}

static struct json_object *
steps_json(const struct wipe_fw_step *s, unsigned n)
{
	struct json_object *a = json_object_new_array(), *o;
	unsigned i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		put(o, "command", json_object_new_string(s[i].name));
		put(o, "parameters", str_or_null(s[i].params));
		put(o, "at", time_or_null(s[i].at_unix));
		put(o, "status", cert_cmd_status_json(&s[i].status));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
hidden_one(const struct wipe_hidden *h)
{
	struct json_object *o = json_object_new_object();

	put(o, "visible_max_lba", h->visible_max_lba < 0 ? NULL
			: json_object_new_int64(h->visible_max_lba));
	put(o, "native_max_lba", h->native_max_lba < 0 ? NULL
			: json_object_new_int64(h->native_max_lba));
	put(o, "dco_max_lba", h->dco_max_lba < 0 ? NULL
			: json_object_new_int64(h->dco_max_lba));
	put(o, "hpa_enabled", tri(h->hpa_enabled));
	put(o, "dco_present", tri(h->dco_present));
	return o;
}

struct json_object *
cert_hidden_json(const struct wipe_hidden_result *r)
{
	struct json_object *o = json_object_new_object();

	put(o, "checked", boolean(r->checked));
	put(o, "present", boolean(r->present));
	put(o, "restore_requested", boolean(r->restore_requested));
	put(o, "restored", boolean(r->restored));
	put(o, "before", hidden_one(&r->before));
	put(o, "after", hidden_one(&r->after));
	put(o, "size_bytes_before", u64(r->size_before));
	put(o, "size_bytes_after", u64(r->size_after));
	put(o, "message", str_or_null(r->message));
	put(o, "steps", steps_json(r->steps, r->nsteps));
	return o;
}

static const struct {
	uint32_t cap;
	const char *name;
} cap_names[] = {
	{ WIPE_CAP_OVERWRITE, "overwrite" },
	{ WIPE_CAP_DISCARD, "discard" },
	{ WIPE_CAP_ATA_SECURITY_ERASE, "ata-secure-erase" },
	{ WIPE_CAP_ATA_ENHANCED_ERASE, "ata-enhanced-erase" },
	{ WIPE_CAP_ATA_SANITIZE_CRYPTO, "ata-sanitize-crypto" },
	{ WIPE_CAP_ATA_SANITIZE_BLOCK, "ata-sanitize-block" },
	{ WIPE_CAP_ATA_SANITIZE_OVERWRITE, "ata-sanitize-overwrite" },
	{ WIPE_CAP_NVME_FORMAT_USER, "nvme-format-user" },
	{ WIPE_CAP_NVME_FORMAT_CRYPTO, "nvme-format-crypto" },
	{ WIPE_CAP_NVME_SANITIZE_CRYPTO, "nvme-sanitize-crypto" },
	{ WIPE_CAP_NVME_SANITIZE_BLOCK, "nvme-sanitize-block" },
	{ WIPE_CAP_NVME_SANITIZE_OVERWRITE, "nvme-sanitize-overwrite" },
	{ WIPE_CAP_SCSI_SANITIZE_CRYPTO, "scsi-sanitize-crypto" },
	{ WIPE_CAP_SCSI_SANITIZE_BLOCK, "scsi-sanitize-block" },
	{ WIPE_CAP_SCSI_SANITIZE_OVERWRITE, "scsi-sanitize-overwrite" },
};

struct json_object *
cert_caps_json(uint32_t caps)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (caps & cap_names[i].cap)
			json_object_array_add(a, json_object_new_string(
							 cap_names[i].name));
	return a;
}

static struct json_object *
nvme_json(const struct wipe_ident *id)
{
	const struct wipe_drive *d = &id->drive;
	struct json_object *o;

	if (id->source != WIPE_SRC_NVME_IDENTIFY)
		return NULL;
	o = json_object_new_object();
	put(o, "nsid", json_object_new_int64(d->nsid));
	put(o, "namespaces", json_object_new_int64(d->nn));
	put(o, "oacs", json_object_new_int(d->oacs));
	put(o, "sanicap", json_object_new_int64(d->sanicap));
	put(o, "fna", json_object_new_int(d->fna));
	put(o, "tnvmcap_bytes", u64(d->tnvmcap));
	put(o, "nsze_blocks", u64(d->nsze));
	return o;
}

struct json_object *
cert_drive_json(const struct wipe_ident *id)
{
	const struct wipe_drive *d = &id->drive;
	struct json_object *o = json_object_new_object();

	put(o, "capabilities", cert_caps_json(id->caps));
	put(o, "passthrough_refused", str_or_null(d->passthru));
	put(o, "identify_checksum_ok", tri(d->checksum_ok));
	put(o, "hpa_feature", tri(d->hpa_feature));
	put(o, "dco_feature", tri(d->dco_feature));
	put(o, "rotation_rate", d->rotation ? json_object_new_int(d->rotation)
					    : NULL);
	put(o, "user_sectors", d->user_sectors ? u64(d->user_sectors) : NULL);
	put(o, "erase_minutes", d->erase_min ? json_object_new_int(d->erase_min)
					     : NULL);
	put(o, "enhanced_erase_minutes",
	    d->enhanced_erase_min ? json_object_new_int(d->enhanced_erase_min)
				  : NULL);
	put(o, "nvme", nvme_json(id));
	return o;
}

static struct json_object *
password_json(const struct wipe_fw_result *fw)
{
	struct json_object *o = json_object_new_object();

	put(o, "set", boolean(fw->password_set));
	put(o, "cleared", boolean(fw->password_cleared));
	put(o, "recovered_from_journal", boolean(fw->recovered));
	put(o, "journal", str_or_null(fw->journal));
	return o;
}

struct json_object *
cert_fw_json(const struct wipe_fw_result *fw, int ata_security)
{
	struct json_object *o = json_object_new_object();

	put(o, "command", str_or_null(fw->command));
	put(o, "parameters", str_or_null(fw->params));
	put(o, "started", time_or_null(fw->start_unix));
	put(o, "ended", time_or_null(fw->end_unix));
	put(o, "timeout_s", fw->timeout_s ? u64(fw->timeout_s) : NULL);
	put(o, "drive_estimate_s", fw->estimate_s ? u64(fw->estimate_s) : NULL);
	put(o, "status_polls", json_object_new_int64(fw->polls));
	put(o, "progress_ppm", json_object_new_int64(fw->progress_ppm));
	put(o, "accepted", boolean(fw->started));
	put(o, "completed", boolean(fw->completed));
	put(o, "failure_mode", boolean(fw->failure_mode));
	put(o, "frozen", boolean(fw->frozen));
	put(o, "unsupported", boolean(fw->unsupported));
	put(o, "aborted", boolean(fw->aborted));
	put(o, "still_erasing", boolean(fw->still_erasing));
	put(o, "drive_status", cert_cmd_status_json(&fw->status));
	put(o, "completion", str_or_null(fw->completion));
	put(o, "password", ata_security || fw->recovered ? password_json(fw)
							 : NULL);
	put(o, "steps", steps_json(fw->steps, fw->nsteps));
	return o;
}

struct json_object *
cert_markers_json(const struct vfy_markers *m, const struct wipe_pattern *p)
{
	struct json_object *o = json_object_new_object();
	char desc[64];

	put(o, "digest", json_object_new_string("sha256"));
	put(o, "piece_bytes", json_object_new_int64(VFY_MARKER_PIECE));
	put(o, "pieces", u64(m->n));
	put(o, "bytes_written", u64(m->bytes));
	put(o, "unwritable", cert_ranges_json(&m->unwritable));
	if (p != NULL)
		wipe_pattern_describe(p, desc, sizeof(desc));
	put(o, "pattern_expected", p != NULL ? json_object_new_string(desc)
					     : NULL);
	return o;
}
