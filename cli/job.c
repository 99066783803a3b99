/*
 * job.c - the pipeline for one prepared target: erase passes, sampled
 * verification, signature probe, record.  No printing: the display reads
 * j->prog, the caller reads j->status and j->rec.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

void
job_init(struct job *j)
{
	unsigned i;

	memset(j, 0, sizeof(*j));
	for (i = 0; i < WIPE_MAX_PASSES; i++)
		wipe_pass_result_init(&j->passes[i]);
	vfy_result_init(&j->vres);
	for (i = 0; i < WIPE_MAX_PASSES; i++)
		vfy_result_init(&j->pass_vres[i]);
	wipe_engine_opts_default(&j->eo);
	j->eo.stop = &cli_stop;
	j->vmode = VFY_SAMPLE;
	/* Not run until job_run() decides: never a default "pass". */
	j->rec.result = CERT_ABORTED;
	j->status = CLI_INTERRUPTED;
	j->reg_seq = -1;
	wipe_fw_opts_default(&j->fo);
	j->fo.stop = &cli_stop;
	wipe_fw_result_init(&j->fw);
	vfy_markers_init(&j->markers);
}

void
job_release(struct job *j)
{
	unsigned i;

	if (j == NULL)
		return;
	for (i = 0; i < WIPE_MAX_PASSES; i++)
		wipe_pass_result_release(&j->passes[i]);
	vfy_result_release(&j->vres);
	for (i = 0; i < WIPE_MAX_PASSES; i++)
		vfy_result_release(&j->pass_vres[i]);
	vfy_plan_release(&j->vplan);
	vfy_markers_release(&j->markers);
	wipe_contents_release(&j->before);
	wipe_contents_release(&j->after);
	wipe_dev_close(j->dev);
	j->dev = NULL;
}

/* The sampling (or full) plan, drawn once for every read-back. */
static int
make_vplan(struct job *j)
{
	uint64_t seed;
	int ret;

	if (j->vmode == VFY_NONE)
		return 0;
	if (wc_random(&seed, sizeof(seed)) != 0)
		return -EIO;
	if (j->vmode == VFY_FULL)
		ret = vfy_plan_full(j->dev->id.size_bytes,
				    j->dev->id.logical_sector, &j->vplan);
	else
		ret = vfy_plan_sample(j->dev->id.size_bytes,
				      j->dev->id.logical_sector, seed,
				      &j->vplan);
	j->vplan.seed = seed;
	return ret;
}

/* Read back what pass i wrote.  Returns 0, -EINTR or -errno. */
static int
readback(struct job *j, unsigned i, struct vfy_result *r)
{
	int ret;

	j->prog.phase = WIPE_PHASE_VERIFY;
	/* The record shows a plan only once reading back has begun. */
	j->rec.vplan = &j->vplan;
	ret = vfy_readback(j->dev, &j->vplan, &j->plan.pass[i], &j->eo,
			   &j->prog, r);
	if (r->mismatch.sectors > 0)
		cert_job_error(&j->rec, "verify", 0,
			       "pass %u: %llu sectors differ from the pattern",
			       i + 1, (unsigned long long)r->mismatch.sectors);
	if (r->unreadable.sectors > 0)
		cert_job_error(&j->rec, "verify", EIO,
			       "pass %u: %llu sectors could not be read", i + 1,
			       (unsigned long long)r->unreadable.sectors);
	j->prog.phase = WIPE_PHASE_ERASE;
	return ret;
}

static int
want_readback(const struct job *j, unsigned i)
{
	return j->vmode != VFY_NONE && ((j->plan.verify_mask >> i) & 1);
}

/* Run every pass.  Returns 0, -EINTR, or -errno of a fatal failure. */
static int
run_passes(struct job *j)
{
	struct wipe_pass_result *r;
	unsigned i;
	int ret = 0;

	for (i = 0; i < j->plan.npasses; i++) {
		j->prog.pass = i + 1;
		r = &j->passes[i];
		ret = wipe_overwrite(j->dev, &j->plan.pass[i], &j->eo,
				     &j->prog, r);
		j->rec.passes_done = i + 1;
		if (r->bad.sectors > 0)
			cert_job_error(&j->rec, "erase", EIO,
				       "pass %u: %llu unwritable sectors", i + 1,
				       (unsigned long long)r->bad.sectors);
		if (r->sync_errno != 0)
			cert_job_error(&j->rec, "flush", r->sync_errno,
				       "pass %u: flush to the device failed",
				       i + 1);
		if (ret == 0 && i + 1 < j->plan.npasses && want_readback(j, i)) {
			ret = readback(j, i, &j->pass_vres[i]);
			j->rec.pass_vres[i] = &j->pass_vres[i];
		}
		if (ret != 0)
			break;
	}
	return ret;
}

/* Verify the last pass: what the device now holds. */
static int
run_verify(struct job *j)
{
	unsigned last = j->plan.npasses - 1;
	int ret;

	if (!want_readback(j, last))
		return 0;
	ret = readback(j, last, &j->vres);
	j->rec.vres = &j->vres;
	return ret;
}

static enum cert_result
decide(const struct job *j, int ret)
{
	unsigned i;
	int drive = job_decide_drive(j, ret);

	if (ret == -EINTR || cli_stop)
		return CERT_ABORTED;
	if (drive >= 0)
		return (enum cert_result)drive;
	/* Every error the pipeline records is a reason not to certify. */
	if (j->rec.nerrors > 0)
		return CERT_FAIL;
	if (ret != 0 || j->rec.passes_done != j->plan.npasses)
		return CERT_FAIL;
	for (i = 0; i < j->rec.passes_done; i++)
		if (j->passes[i].bad.sectors > 0 || j->passes[i].bad.truncated ||
		    j->passes[i].sync_errno != 0)
			return CERT_FAIL;
	if (j->rec.vres != NULL && !vfy_result_ok(j->rec.vres))
		return CERT_FAIL;
	for (i = 0; i < j->rec.passes_done; i++)
		if (j->rec.pass_vres[i] != NULL &&
		    !vfy_result_ok(j->rec.pass_vres[i]))
			return CERT_FAIL;
	if (j->rec.after == NULL || wipe_contents_found(j->rec.after))
		return CERT_FAIL;
	return CERT_PASS;
}

void
job_run(struct job *j)
{
	int ret;

	j->rec.started = time(NULL);
	j->rec.plan = &j->plan;
	j->rec.passes = j->passes;
	j->rec.ident = &j->dev->id;
	j->rec.before = &j->before;
	j->rec.io_mode = j->dev->io_mode;
	j->prog.npasses = j->plan.npasses;
	j->prog.phase = WIPE_PHASE_ERASE;
	ret = job_prepare_drive(j);
	if (ret == 0)
		ret = make_vplan(j);
	if (ret == 0)
		ret = j->plan.tech == WIPE_TECH_OVERWRITE ? run_passes(j)
							  : job_run_firmware(j);
	if (ret != 0 && ret != -EINTR)
		cert_job_error(&j->rec, "erase", -ret, "the erase stopped");
	if (ret == 0 && j->plan.tech == WIPE_TECH_OVERWRITE)
		ret = run_verify(j);
	if (ret != 0 && ret != -EINTR && j->rec.nerrors == 0)
		cert_job_error(&j->rec, "verify", -ret, "verification failed");
	if (ret == 0) {
		ret = vfy_probe_after(j->dev, &j->after);
		if (ret == 0)
			j->rec.after = &j->after;
		else
			cert_job_error(&j->rec, "probe", -ret,
				       "the signature probe failed");
		if (ret == 0 && wipe_contents_found(&j->after))
			cert_job_error(&j->rec, "probe", 0,
				       "signatures remain on the device");
	}
	j->rec.ended = time(NULL);
	j->rec.issued = j->rec.ended;
	j->rec.result = decide(j, ret);
	j->prog.phase = WIPE_PHASE_RECORD;
	j->record_err = cert_record_write(j->outdir, &j->rec, j->record_path,
					  sizeof(j->record_path),
					  j->record_sha256);
	if (j->record_err == 0)
		issue_after_record(j->iss, j);
	j->prog.phase = WIPE_PHASE_DONE;
	switch (j->rec.result) {
	case CERT_PASS:
		j->status = CLI_OK;
		break;
	case CERT_FAIL:
		j->status = CLI_FAILED;
		break;
	case CERT_ABORTED:
		j->status = CLI_INTERRUPTED;
		break;
	}
	if (j->record_err != 0 || j->reg_err != 0 || j->cert_err != 0)
		j->status = cli_worse(j->status, CLI_IO);
}

void *
job_thread(void *arg)
{
	job_run(arg);
	return NULL;
}
