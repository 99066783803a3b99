/*
 * fw.h - private to wipe/: what the firmware technique files share
 * (firmware.c: plans, sanitize, format; fwata.c: ATA security erase and
 * its password journal; fwwait.c: waiting for unstoppable commands).
 */
#ifndef WIPECERT_WIPE_FW_H
#define WIPECERT_WIPE_FW_H

#include "wipe/cmd.h"

/* Record one command and its answer in res (silently capped). */
void wipe_fw_step_ata(struct wipe_fw_result *res, const char *name,
		      const struct wipe_ata_cmd *c);
void wipe_fw_step_scsi(struct wipe_fw_result *res, const char *name,
		       const struct wipe_scsi_cmd *c);
void wipe_fw_step_nvme(struct wipe_fw_result *res, const char *name,
		       const struct wipe_nvme_cmd *c);

/*
 * Run a command that blocks until the drive has finished (SECURITY ERASE
 * UNIT, Format NVM) on a helper thread, and wait for it, checking *stop
 * and moving prog along the drive's estimate.  When stopped, the helper
 * thread is left to finish the command on its own copy and -EINTR is
 * returned: the drive goes on erasing.  Otherwise returns what
 * wipe_dev_ata() / wipe_dev_nvme() returned, with *c updated.
 */
int wipe_fw_wait_ata(struct wipe_dev *d, struct wipe_ata_cmd *c,
		     const struct wipe_fw_opts *o, struct wipe_progress *prog,
		     uint32_t estimate_s);
int wipe_fw_wait_nvme(struct wipe_dev *d, struct wipe_nvme_cmd *c,
		      const struct wipe_fw_opts *o, struct wipe_progress *prog,
		      uint32_t estimate_s);

/* Sleep o->poll_ms between status polls; -EINTR when *o->stop is set. */
int wipe_fw_sleep(const struct wipe_fw_opts *o);

/* Progress as a share of the device: done = size * num / den. */
void wipe_fw_progress(struct wipe_progress *prog, uint64_t size,
		      uint64_t num, uint64_t den);

/* Seconds to give a blocking erase, from the drive's estimate. */
uint32_t wipe_fw_timeout_s(uint32_t estimate_s, uint32_t floor_s);

/* ---- plans (wipe/firmware.c, for wipe/method.c) ---- */

/* 1 when name is a firmware method ("ata-sanitize-crypto", ...). */
int wipe_fw_is_method(const char *name);

/*
 * Fill plan for firmware method name on id (reason: why it was chosen,
 * NULL for "requested by the operator").  Returns 0, -EINVAL (not a
 * firmware method) or -EOPNOTSUPP (the drive does not report it; the
 * plan's reason says why).
 */
int wipe_fw_plan(const struct wipe_ident *id, const char *name,
		 const char *reason, struct wipe_plan *plan);

/*
 * auto per DESIGN §4: 1 and plan filled when a firmware Purge is the
 * choice, 0 when an overwrite must do (fallback then says why).
 */
int wipe_fw_auto(const struct wipe_ident *id, struct wipe_plan *plan,
		 char *fallback, size_t len);

/* ATA SECURITY ERASE UNIT, normal or enhanced (wipe/fwata.c). */
int wipe_fw_ata_security(struct wipe_dev *d, const struct wipe_plan *plan,
			 const struct wipe_fw_opts *o,
			 struct wipe_progress *prog,
			 struct wipe_fw_result *res);

/* Re-read IDENTIFY into d->id and a; records the step.  0 or -errno. */
int wipe_fw_reidentify(struct wipe_dev *d, struct wipe_fw_result *res,
		       struct wipe_ata_id *a);

#endif
