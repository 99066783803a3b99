/*
 * job_fw.c - the drive's part of one job (cli/job.c): a drive a cut-short
 * wipe left locked, hidden areas (restored only with --restore-hidden),
 * and the firmware erase verified by markers.  No printing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* A drive locked by an ATA erase cut short: its journal unlocks it. */
static int
unlock_if_locked(struct job *j)
{
	int ret;

	if (j->dev->id.security.locked != WIPE_YES)
		return 0;
	ret = wipe_fw_recover_locked(j->dev, j->outdir, &j->fw);
	j->rec.fw = &j->fw;
	if (ret == 0)
		return 0;
	cert_job_error(&j->rec, "unlock", EACCES,
		       "the drive is locked (ATA security) and no password "
		       "journal in '%s' unlocks it", j->outdir);
	return -EACCES;
}

/*
 * NVMe: capacity outside the target namespace (other namespaces, or
 * unallocated capacity: TNVMCAP beyond the namespace) is a hidden area unless the technique reaches
 * the whole subsystem (Sanitize) or every namespace (Format with FNA).
 */
static int
check_nvme_capacity(struct job *j)
{
	const struct wipe_drive *dr = &j->dev->id.drive;
	int whole = strncmp(j->plan.method, "nvme-sanitize-", 14) == 0 ||
		    (strncmp(j->plan.method, "nvme-format-", 12) == 0 &&
		     (dr->fna & 1));

	if (j->dev->id.transport != WIPE_TR_NVME ||
	    j->dev->id.source != WIPE_SRC_NVME_IDENTIFY || whole)
		return 0;
	/* NN is the highest namespace id the controller supports, not how
	 * many exist (QEMU says 256 for one): the capacity tells. */
	if (dr->tnvmcap > 0 && dr->tnvmcap > j->dev->id.size_bytes)
		cert_job_error(&j->rec, "hidden", 0, "the drive's capacity "
			       "(%llu bytes) exceeds the namespace (%llu "
			       "bytes)", (unsigned long long)dr->tnvmcap,
			       (unsigned long long)j->dev->id.size_bytes);
	return 0;
}

int
job_prepare_drive(struct job *j)
{
	struct wipe_hidden_result *h = &j->hidden;
	int ret;

	ret = unlock_if_locked(j);
	if (ret != 0)
		return ret;
	ret = wipe_hidden_check(j->dev, h);
	if (ret == -EOPNOTSUPP)
		return check_nvme_capacity(j);
	j->rec.hidden = h;
	if (ret != 0 || !h->checked) {
		/* Said in the record (hidden_areas.restore.checked); a drive
		 * whose hidden areas are unknown is not certified. */
		snprintf(h->message, sizeof(h->message), "the native max "
			 "address could not be read: hidden areas unknown");
		cert_job_error(&j->rec, "hidden", ret < 0 ? -ret : 0, "%s",
			       h->message);
		return 0;
	}
	if (j->dev->id.drive.dco_feature == WIPE_YES &&
	    j->dev->id.hidden.dco_present == WIPE_UNKNOWN)
		cert_job_error(&j->rec, "hidden", 0, "the drive supports a "
			       "DCO but its state could not be read: hidden "
			       "areas unknown");
	if (!h->present)
		return 0;
	if (!j->restore_hidden) {
		cert_job_error(&j->rec, "hidden", 0,
			       "a hidden area is left in place (%s): run again "
			       "with --restore-hidden", h->message);
		return 0;
	}
	ret = wipe_hidden_restore(j->dev, h);
	if (ret != 0)
		cert_job_error(&j->rec, "hidden", -ret, "%s", h->message);
	return ret;
}

static int
check_markers(struct job *j)
{
	const struct wipe_pattern *expect = j->rec.fw_expect;
	struct vfy_result *r = &j->vres;
	int ret;

	j->prog.phase = WIPE_PHASE_VERIFY;
	j->rec.vplan = &j->vplan;
	ret = vfy_markers_check(j->dev, &j->vplan, &j->markers, expect,
				&j->eo, &j->prog, r);
	j->rec.vres = r;
	if (r->mismatch.sectors > 0)
		cert_job_error(&j->rec, "verify", 0,
			       "%llu sampled sectors %s",
			       (unsigned long long)r->mismatch.sectors,
			       expect ? "still hold their marker or not the "
					"promised pattern"
				      : "still hold their marker: not erased");
	if (r->unreadable.sectors > 0)
		cert_job_error(&j->rec, "verify", EIO,
			       "%llu sampled sectors could not be marked or "
			       "read back",
			       (unsigned long long)r->unreadable.sectors);
	return ret;
}

int
job_run_firmware(struct job *j)
{
	int ret;

	j->fo.journal_dir = j->outdir;
	j->fo.record_id = j->rec.id;
	j->rec.fw = &j->fw;
	if (wipe_fw_promised(&j->plan, &j->fw_expect))
		j->rec.fw_expect = &j->fw_expect;
	if (j->vmode != VFY_NONE) {
		j->prog.phase = WIPE_PHASE_PREFLIGHT;
		ret = vfy_markers_write(j->dev, &j->vplan, &j->eo, &j->prog,
					&j->markers);
		j->rec.markers = &j->markers;
		if (ret != 0) {
			cert_job_error(&j->rec, "markers", ret == -EINTR ? 0
								   : -ret,
				       "cannot write the verification markers");
			return ret;
		}
	}
	ret = wipe_fw_erase(j->dev, &j->plan, &j->fo, &j->prog, &j->fw);
	if (ret != 0) {
		cert_job_error(&j->rec, "erase", ret == -EINTR ? 0 : -ret,
			       "%s", j->fw.completion);
		return ret;
	}
	return j->vmode == VFY_NONE ? 0 : check_markers(j);
}

int
job_decide_drive(const struct job *j, int ret)
{
	(void)ret;
	if (j->plan.tech != WIPE_TECH_OVERWRITE && j->fw.aborted)
		return CERT_ABORTED;	/* a signal, or the drive went away */
	if (j->rec.hidden != NULL && j->hidden.present && !j->hidden.restored)
		return CERT_FAIL;
	if (j->plan.tech != WIPE_TECH_OVERWRITE && !j->fw.completed)
		return CERT_FAIL;
	return -1;
}
