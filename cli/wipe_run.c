/*
 * wipe_run.c - one wipe, shared by `wipecert wipe` and `wipecert tui`:
 * configuration, pre-flight, opening and planning a target, what the
 * confirmation shows, the parallel run and what became of each target.
 *
 * Messages go through struct cli_msgs: printed for the command line,
 * kept as strings by the text UI.  The erase itself is cli/job.c's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define MIN_FREE_BYTES (16 * WC_MIB)
#define PLAUSIBLE_EPOCH 1735689600	/* 2025-01-01: clock sanity */
#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6

int
wiperun_init(struct wiperun *r)
{
	memset(r, 0, sizeof(*r));
	wc_config_init(&r->cfg);
	if (issuer_init(&r->iss, &r->cfg) != 0)
		return CLI_IO;
	return CLI_OK;
}

void
wiperun_release(struct wiperun *r)
{
	if (r == NULL)
		return;
	issuer_release(&r->iss);
	wc_config_release(&r->cfg);
}

/* An option given wins over the file; the file fills what was not given. */
static int
merge(struct wc_config *cfg, const char *key, const char **opt)
{
	char **f = NULL;
	size_t i;

	for (i = 0; wc_config_keys[i].name != NULL; i++)
		if (strcmp(wc_config_keys[i].name, key) == 0)
			f = (char **)((char *)cfg + wc_config_keys[i].offset);
	if (f == NULL)
		return -EINVAL;
	if (*opt != NULL)
		return wc_config_set(cfg, key, *opt);
	*opt = *f;
	return 0;
}

int
wiperun_load_config(struct wiperun *r)
{
	const char *name = r->config ? r->config : getenv("WIPECERT_CONFIG");
	unsigned line = 0;
	int ret;

	if (name == NULL || *name == '\0')
		name = WC_CONFIG_DEFAULT;
	ret = wc_config_load(&r->cfg, r->config, &line);
	if (ret == -EINVAL && line > 0) {
		cli_say(r->msgs, CLI_MSG_ERR, "configuration '%s', line %u: "
			"unknown key, no '=', or a key given twice", name,
			line);
		return CLI_KEYCONF;
	}
	if (ret != 0) {
		cli_say(r->msgs, CLI_MSG_ERR, "cannot read the configuration "
			"'%s': %s", name, strerror(-ret));
		return CLI_KEYCONF;
	}
	if (merge(&r->cfg, "operator", &r->people.operator_name) ||
	    merge(&r->cfg, "witness", &r->people.witness) ||
	    merge(&r->cfg, "verifier", &r->people.verifier) ||
	    merge(&r->cfg, "contract", &r->contract.number) ||
	    merge(&r->cfg, "department", &r->contract.department) ||
	    merge(&r->cfg, "contractor", &r->contract.contractor) ||
	    merge(&r->cfg, "manager", &r->contract.manager) ||
	    merge(&r->cfg, "output_dir", &r->outdir) ||
	    merge(&r->cfg, "timezone", &r->tz) ||
	    merge(&r->cfg, "register", &r->register_path)) {
		cli_say(r->msgs, CLI_MSG_ERR, "out of memory");
		return CLI_IO;
	}
	if (r->outdir == NULL)
		r->outdir = ".";
	if (r->tz == NULL)
		r->tz = WC_DEFAULT_TZ;
	return CLI_OK;
}

int
wiperun_check_method(const struct wiperun *r, const char *method)
{
	size_t i;

	for (i = 0; wipe_method_names[i] != NULL; i++)
		if (strcmp(wipe_method_names[i], method) == 0)
			return CLI_OK;
	cli_say(r->msgs, CLI_MSG_ERR, "unknown method '%s' (see wipecert wipe "
		"--help)", method);
	return CLI_USAGE;
}

int
wiperun_set_tz(const struct wiperun *r)
{
	if (wc_tz_set(r->tz) == 0)
		return CLI_OK;
	cli_say(r->msgs, CLI_MSG_ERR, "unknown time zone '%s'", r->tz);
	return CLI_KEYCONF;
}

/* The output folder must take the records, and survive a reboot. */
static int
check_outdir(const struct wiperun *r)
{
	const char *d = r->outdir;
	struct statvfs vfs;
	struct statfs fs;
	struct stat st;

	if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_say(r->msgs, CLI_MSG_ERR, "output folder '%s' does not "
			"exist", d);
		return CLI_KEYCONF;
	}
	if (access(d, W_OK) != 0) {
		cli_say(r->msgs, CLI_MSG_ERR, "cannot write to output folder "
			"'%s': %s", d, strerror(errno));
		return CLI_KEYCONF;
	}
	if (statfs(d, &fs) == 0 &&
	    ((unsigned long)fs.f_type == TMPFS_MAGIC_ ||
	     (unsigned long)fs.f_type == RAMFS_MAGIC_)) {
		cli_say(r->msgs, CLI_MSG_ERR, "output folder '%s' is in memory "
			"(tmpfs) and would not survive a reboot", d);
		return CLI_KEYCONF;
	}
	if (statvfs(d, &vfs) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < MIN_FREE_BYTES) {
		cli_say(r->msgs, CLI_MSG_ERR, "output folder '%s' has less "
			"than 16 MiB free", d);
		return CLI_KEYCONF;
	}
	if (time(NULL) < PLAUSIBLE_EPOCH) {
		cli_say(r->msgs, CLI_MSG_ERR, "the system clock is not "
			"plausible; set it first");
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

int
wiperun_preflight(struct wiperun *r)
{
	int st = check_outdir(r);

	if (st != CLI_OK)
		return st;
	r->iss.register_path = r->register_path;
	r->iss.msgs = r->msgs;
	return preflight_issuer(&r->iss);
}

/*
 * Tests only: "sim:SPEC" is a simulated drive (wipe/simdrive.h), honoured
 * when WIPECERT_TEST_SIM=1 and never otherwise.  Returns -1 when path is
 * not one, else an exit status.
 */
static int
open_sim(const struct wiperun *r, struct job *j, const char *path)
{
	const char *env = getenv("WIPECERT_TEST_SIM");
	int ret;

	if (strncmp(path, "sim:", 4) != 0 || env == NULL ||
	    strcmp(env, "1") != 0)
		return -1;
	ret = wipe_sim_open(path + 4, &j->dev);
	j->fo.poll_ms = 20;	/* the simulation answers at once */
	if (ret == 0)
		ret = wipe_probe_contents(wipe_dev_fd(j->dev),
					  j->dev->id.size_bytes, &j->before);
	if (ret != 0) {
		cli_say(r->msgs, CLI_MSG_ERR, "cannot open the simulated drive "
			"'%s': %s", path, strerror(-ret));
		return ret == -EINVAL ? CLI_USAGE : CLI_IO;
	}
	return CLI_OK;
}

/* Identify, check and open one target.  Returns an exit status. */
/*
 * An image-file target must not be one of wipecert's own files: the
 * register, the key, its certificate, chain or passphrase.  Returns 0,
 * or 1 with why set.
 */
static int
own_file(const struct wiperun *r, const struct wipe_ident *id, char *why,
	 size_t len)
{
	const struct wc_config *c = &r->cfg;
	const char *const files[] = {
		c->register_path, c->key, c->certificate, c->chain,
		c->root_ca, c->passphrase_file,
	};
	struct stat st;
	size_t i;

	if (!id->is_file)
		return 0;
	for (i = 0; i < WC_ARRAY_SIZE(files); i++)
		if (files[i] != NULL && stat(files[i], &st) == 0 &&
		    st.st_dev == id->file_dev && st.st_ino == id->file_ino) {
			snprintf(why, len, "it is wipecert's own file '%s' "
				 "(from the configuration)", files[i]);
			return 1;
		}
	return 0;
}

static int
open_target(const struct wiperun *r, struct job *j, const char *path)
{
	const struct cli_msgs *m = r->msgs;
	struct wipe_ident id;
	char why[512];
	int ret;

	ret = open_sim(r, j, path);
	if (ret >= 0)
		return ret;
	ret = wipe_identify_path(path, &id);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		cli_say(m, CLI_MSG_ERR, "cannot open '%s': no such device or "
			"file", path);
		return CLI_IO;
	}
	if (ret == -ENOTBLK) {
		cli_say(m, CLI_MSG_ERR, "refusing '%s': neither a block device "
			"nor a regular file", path);
		return CLI_REFUSED;
	}
	if (ret == 0)
		ret = wipe_check_safety(&id, why, sizeof(why));
	if (ret == 0)
		ret = own_file(r, &id, why, sizeof(why));
	if (ret != 0) {
		cli_say(m, CLI_MSG_ERR, "refusing '%s': %s", path,
			ret > 0 ? why : strerror(-ret));
		return CLI_REFUSED;
	}
	ret = wipe_dev_open(path, WIPE_OPEN_WRITE | WIPE_OPEN_EXCL, &j->dev);
	if (ret == -EBUSY) {
		cli_say(m, CLI_MSG_ERR, "refusing '%s': in use (exclusive open "
			"failed)", path);
		return CLI_REFUSED;
	}
	if (ret != 0) {
		cli_say(m, CLI_MSG_ERR, "cannot open '%s' for writing: %s",
			path, strerror(-ret));
		return ret == -EROFS ? CLI_REFUSED : CLI_IO;
	}
	ret = wipe_probe_contents(wipe_dev_fd(j->dev), j->dev->id.size_bytes,
				  &j->before);
	if (ret != 0) {
		cli_say(m, CLI_MSG_ERR, "cannot read the contents of '%s': %s",
			path, strerror(-ret));
		return CLI_IO;
	}
	return CLI_OK;
}

int
wiperun_open(struct wiperun *r, struct job *j, const char *target,
	     const char *method, const char *asset)
{
	int st, ret;

	j->target = target;
	j->outdir = r->outdir;
	j->vmode = r->vmode;
	j->restore_hidden = r->restore_hidden;
	j->iss = &r->iss;
	st = open_target(r, j, target);
	if (st != CLI_OK)
		return st;
	ret = wipe_plan_make(&j->dev->id, method, r->verify_all, &j->plan);
	if (ret == -EOPNOTSUPP) {
		cli_say(r->msgs, CLI_MSG_ERR, "refusing '%s' for '%s': %s",
			method, j->target, j->plan.reason);
		return CLI_REFUSED;
	}
	if (ret != 0) {
		cli_say(r->msgs, CLI_MSG_ERR, "cannot plan '%s' for '%s': %s",
			method, j->target, strerror(-ret));
		return ret == -EIO ? CLI_IO : CLI_USAGE;
	}
	/* Only the markers read back prove that a drive's own erase did
	 * anything (DESIGN §5): a drive's word alone is not certified. */
	if (j->plan.tech != WIPE_TECH_OVERWRITE && j->vmode == VFY_NONE) {
		cli_say(r->msgs, CLI_MSG_ERR, "refusing '%s' for '%s' with "
			"--verify none: a drive's own erase is only certified "
			"after reading back (use sample or full)", j->plan.method,
			j->target);
		return CLI_USAGE;
	}
	j->rec.contract = r->contract;
	j->rec.people = r->people;
	j->rec.tool = r->tool;
	j->rec.timezone = r->tz;
	j->rec.asset_tag = asset;
	if (wc_uuid4(j->rec.id) != 0) {
		cli_say(r->msgs, CLI_MSG_ERR, "cannot draw a record id");
		return CLI_IO;
	}
	return CLI_OK;
}

const char *
wiperun_confirm_word(const struct job *j)
{
	return j->dev->id.serial[0] ? j->dev->id.serial : j->target;
}

const char *
wiperun_confirm_what(const struct job *j)
{
	return j->dev->id.serial[0] ? "the serial" : "the path";
}

int
wiperun_confirm_ok(const struct job *j, const char *typed)
{
	return strcmp(typed, wiperun_confirm_word(j)) == 0 ||
	       (!j->dev->id.serial[0] && strcmp(typed, j->dev->id.path) == 0);
}

/* What the drive itself said that matters before an erase. */
static void
describe_drive(FILE *f, const struct job *j)
{
	const struct wipe_ident *id = &j->dev->id;
	const struct wipe_hidden *h = &id->hidden;

	fprintf(f, "  identity  %s\n", wipe_ident_source_name(id->source));
	if (id->drive.passthru[0])
		fprintf(f, "  note      %s\n", id->drive.passthru);
	if (j->plan.scope[0])
		fprintf(f, "  reaches   %s\n", j->plan.scope);
	if (h->hpa_enabled == WIPE_YES || h->dco_present == WIPE_YES)
		fprintf(f, "  HIDDEN    visible max LBA %lld, native %lld, "
			"DCO %lld (-1: none): %s\n",
			(long long)h->visible_max_lba,
			(long long)h->native_max_lba,
			(long long)h->dco_max_lba,
			j->restore_hidden ? "will be RESTORED to the native "
					    "capacity, then erased"
					  : "left in place, so this erase "
					    "cannot be certified "
					    "(--restore-hidden)");
	if (id->security.locked == WIPE_YES)
		fprintf(f, "  LOCKED    ATA security: the password journal "
			"in the output folder will be used\n");
	else if (id->security.frozen == WIPE_YES)
		fprintf(f, "  frozen    ATA security is frozen "
			"(suspend/resume or hot-plug to unfreeze)\n");
}

char *
wiperun_describe(const struct job *j)
{
	const struct wipe_ident *id = &j->dev->id;
	char size[32], contents[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (f == NULL)
		return NULL;
	wc_human_bytes(size, sizeof(size), id->size_bytes);
	wipe_contents_summary(&j->before, contents, sizeof(contents));
	fprintf(f,
		"%s\n  model     %s\n  serial    %s\n  size      %s "
		"(%llu bytes)\n  transport %s\n  contents  %s\n  method    "
		"%s (%s, %u pass%s)\n  reason    %s\n",
		j->target, id->model[0] ? id->model : "-",
		id->serial[0] ? id->serial : "- (none)", size,
		(unsigned long long)id->size_bytes,
		wipe_transport_name(id->transport), contents, j->plan.method,
		wipe_nist_name(j->plan.nist), j->plan.npasses,
		j->plan.npasses == 1 ? "" : "es", j->plan.reason);
	describe_drive(f, j);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
wiperun_started(struct wiperun *r, struct job *j)
{
	int ret = issue_started(j->iss, j, r->contract.number);

	if (ret == 0)
		return CLI_OK;
	cli_say(r->msgs, CLI_MSG_ERR, "cannot append to the register '%s': %s",
		r->register_path, strerror(-ret));
	return CLI_IO;
}

int
wiperun_jobs(struct job *jobs, size_t n, const struct cli_msgs *m,
	     void (*tick)(void *ctx), void *ctx)
{
	pthread_t *tids;
	size_t i, started = 0;
	int st = CLI_OK, ret;

	tids = calloc(n, sizeof(*tids));
	if (tids == NULL)
		return CLI_IO;
	for (i = 0; i < n; i++) {
		ret = pthread_create(&tids[i], NULL, job_thread, &jobs[i]);
		if (ret != 0) {
			cli_say(m, CLI_MSG_ERR, "cannot start a thread: %s",
				strerror(ret));
			cli_stop = 1;
			st = CLI_IO;
			break;
		}
		started++;
	}
	/* Redraw every 200 ms; return as soon as the last job ends. */
	for (i = 0; i < started; i++) {
		for (;;) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 200000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(tids[i], NULL, &ts) == 0)
				break;
			if (tick != NULL)
				tick(ctx);
		}
	}
	free(tids);
	return st;
}

/* The record, the register entry and the document, on stdout. */
static void
report_files(const struct job *j, const struct cli_msgs *m)
{
	if (j->record_err != 0)
		cli_say(m, CLI_MSG_ERR, "cannot write the record of '%s' to "
			"'%s': %s", j->target, j->outdir,
			strerror(-j->record_err));
	else
		cli_say(m, CLI_MSG_OUT, "%s: %s\n  record %s\n  sha256 %s\n",
			j->target, cert_result_name(j->rec.result),
			j->record_path, j->record_sha256);
	if (j->reg_seq > 0)
		cli_say(m, CLI_MSG_OUT, "  register entry %lld hash %s\n",
			(long long)j->reg_seq, j->reg_hash);
	if (j->cert_path[0])
		cli_say(m, CLI_MSG_OUT, "  %s %s\n  sha256 %s\n",
			j->cert_kind == CERT_DOC_ERASURE ? "certificate"
							 : "failure report",
			j->cert_path, j->cert_sha256);
}

int
wiperun_report(const struct job *j, const struct cli_msgs *m)
{
	report_files(j, m);
	if (j->reg_err != 0)
		cli_say(m, CLI_MSG_ERR, "'%s': cannot append to the register: "
			"%s", j->target, strerror(-j->reg_err));
	if (j->cert_err != 0)
		cli_say(m, CLI_MSG_ERR, "'%s': cannot issue the %s: %s",
			j->target, j->rec.result == CERT_PASS
					   ? "certificate" : "failure report",
			strerror(-j->cert_err));
	if (j->rec.result == CERT_ABORTED && j->fw.still_erasing)
		cli_say(m, CLI_MSG_ERR, "'%s': aborted, drive still erasing; "
			"let it finish, then run the wipe again", j->target);
	else if (j->rec.result == CERT_ABORTED)
		cli_say(m, CLI_MSG_ERR, "'%s': interrupted; the device is NOT "
			"erased, run the wipe again", j->target);
	else if (j->rec.result == CERT_FAIL)
		cli_say(m, CLI_MSG_ERR, "'%s': erase FAILED (%s); see the "
			"record", j->target,
			j->rec.nerrors ? j->rec.errors[0].message : "");
	return j->status;
}

const char *
wiperun_stage(const struct job *j)
{
	switch (__atomic_load_n(&j->prog.phase, __ATOMIC_RELAXED)) {
	case WIPE_PHASE_IDLE:
		return "pre-flight";
	case WIPE_PHASE_PREFLIGHT:
		return "markers";	/* job_fw.c: before a firmware erase */
	case WIPE_PHASE_ERASE:
		return "erase";
	case WIPE_PHASE_VERIFY:
		return "verify";
	case WIPE_PHASE_RECORD:
		switch (__atomic_load_n(&j->issuing, __ATOMIC_RELAXED)) {
		case JOB_ISSUING_REGISTER:
			return "register";
		case JOB_ISSUING_CERTIFICATE:
			return "certificate";
		}
		return "record";
	case WIPE_PHASE_DONE:
		return "done";
	}
	return "waiting";
}
