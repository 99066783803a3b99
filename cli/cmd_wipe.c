/*
 * cmd_wipe.c - `wipecert wipe`: check, confirm, erase in parallel,
 * verify, record.
 */
#include <errno.h>
#include <getopt.h>
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

struct wipe_opts {
	const char *method;
	enum vfy_mode vmode;
	int verify_all;
	int restore_hidden;
	int yes;
	const char **confirm;
	size_t nconfirm;
	const char **asset;
	size_t nasset;
	const char *outdir;
	const char *tz;
	const char *config;
	const char *register_path;
	struct cert_people people;
	struct cert_contract contract;
	char **targets;
	size_t ntargets;
	struct wc_config cfg;
	struct issuer iss;
};

static void
wipe_usage(FILE *f)
{
	size_t i;

	fputs("usage: wipecert wipe TARGET... [--method M] "
	      "[--verify sample|full|none]\n"
	      "         [--verify-all-passes] [--yes --confirm S ...] "
	      "[--asset-tag TAG ...]\n"
	      "         [--operator NAME] [--witness NAME] [--contract ID]\n"
	      "         [--department NAME] [--contractor NAME] "
	      "[--manager NAME]\n"
	      "         [--output-dir DIR] [--timezone ZONE] "
	      "[--restore-hidden]\n"
	      "         [--config FILE] [--register FILE]\n"
	      "methods:",
	      f);
	for (i = 0; wipe_method_names[i] != NULL; i++)
		fprintf(f, " %s", wipe_method_names[i]);
	fputs("\nSee wipecert-wipe(8).\n", f);
}

enum {
	OPT_VERIFY = 256, OPT_VERIFY_ALL, OPT_CONFIRM, OPT_OPERATOR,
	OPT_WITNESS, OPT_CONTRACT, OPT_DEPARTMENT, OPT_CONTRACTOR,
	OPT_MANAGER, OPT_ASSET, OPT_TZ, OPT_RESTORE_HIDDEN, OPT_CONFIG,
	OPT_REGISTER,
};

static const struct option wipe_longopts[] = {
	{ "method", required_argument, NULL, 'm' },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "verify-all-passes", no_argument, NULL, OPT_VERIFY_ALL },
	{ "yes", no_argument, NULL, 'y' },
	{ "confirm", required_argument, NULL, OPT_CONFIRM },
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "witness", required_argument, NULL, OPT_WITNESS },
	{ "contract", required_argument, NULL, OPT_CONTRACT },
	{ "department", required_argument, NULL, OPT_DEPARTMENT },
	{ "contractor", required_argument, NULL, OPT_CONTRACTOR },
	{ "manager", required_argument, NULL, OPT_MANAGER },
	{ "asset-tag", required_argument, NULL, OPT_ASSET },
	{ "output-dir", required_argument, NULL, 'o' },
	{ "timezone", required_argument, NULL, OPT_TZ },
	{ "restore-hidden", no_argument, NULL, OPT_RESTORE_HIDDEN },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "register", required_argument, NULL, OPT_REGISTER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
set_option(struct wipe_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'm': o->method = arg; break;
	case OPT_VERIFY:
		if (vfy_mode_parse(arg, &o->vmode) != 0) {
			cli_err("unknown verification mode '%s' "
				"(sample, full, none)", arg);
			return -1;
		}
		break;
	case OPT_VERIFY_ALL: o->verify_all = 1; break;
	case 'y': o->yes = 1; break;
	case OPT_CONFIRM: o->confirm[o->nconfirm++] = arg; break;
	case OPT_OPERATOR: o->people.operator_name = arg; break;
	case OPT_WITNESS: o->people.witness = arg; break;
	case OPT_CONTRACT: o->contract.number = arg; break;
	case OPT_DEPARTMENT: o->contract.department = arg; break;
	case OPT_CONTRACTOR: o->contract.contractor = arg; break;
	case OPT_MANAGER: o->contract.manager = arg; break;
	case OPT_ASSET: o->asset[o->nasset++] = arg; break;
	case 'o': o->outdir = arg; break;
	case OPT_TZ: o->tz = arg; break;
	case OPT_RESTORE_HIDDEN: o->restore_hidden = 1; break;
	case OPT_CONFIG: o->config = arg; break;
	case OPT_REGISTER: o->register_path = arg; break;
	default: return -1;
	}
	return 0;
}

/* Returns -1 to continue, else an exit status. */
static int
parse_args(struct wipe_opts *o, int argc, char **argv)
{
	int c;

	o->method = "auto";
	o->vmode = VFY_SAMPLE;
	o->confirm = calloc((size_t)argc + 1, sizeof(*o->confirm));
	o->asset = calloc((size_t)argc + 1, sizeof(*o->asset));
	if (o->confirm == NULL || o->asset == NULL) {
		cli_err("out of memory");
		return CLI_IO;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:yo:h", wipe_longopts,
				NULL)) != -1) {
		if (c == 'h') {
			wipe_usage(stdout);
			return CLI_OK;
		}
		if (set_option(o, c, optarg) != 0) {
			wipe_usage(stderr);
			return CLI_USAGE;
		}
	}
	o->targets = argv + optind;
	o->ntargets = (size_t)(argc - optind);
	return -1;
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

static int
load_config(struct wipe_opts *o)
{
	const char *name = o->config ? o->config : getenv("WIPECERT_CONFIG");
	unsigned line = 0;
	int ret;

	if (name == NULL || *name == '\0')
		name = WC_CONFIG_DEFAULT;
	ret = wc_config_load(&o->cfg, o->config, &line);
	if (ret == -EINVAL && line > 0) {
		cli_err("configuration '%s', line %u: unknown key, no '=', or "
			"a key given twice", name, line);
		return CLI_KEYCONF;
	}
	if (ret != 0) {
		cli_err("cannot read the configuration '%s': %s", name,
			strerror(-ret));
		return CLI_KEYCONF;
	}
	if (merge(&o->cfg, "operator", &o->people.operator_name) ||
	    merge(&o->cfg, "witness", &o->people.witness) ||
	    merge(&o->cfg, "verifier", &o->people.verifier) ||
	    merge(&o->cfg, "contract", &o->contract.number) ||
	    merge(&o->cfg, "department", &o->contract.department) ||
	    merge(&o->cfg, "contractor", &o->contract.contractor) ||
	    merge(&o->cfg, "manager", &o->contract.manager) ||
	    merge(&o->cfg, "output_dir", &o->outdir) ||
	    merge(&o->cfg, "timezone", &o->tz) ||
	    merge(&o->cfg, "register", &o->register_path)) {
		cli_err("out of memory");
		return CLI_IO;
	}
	if (o->outdir == NULL)
		o->outdir = ".";
	if (o->tz == NULL)
		o->tz = WC_DEFAULT_TZ;
	return CLI_OK;
}

static int
check_args(const struct wipe_opts *o)
{
	size_t i;

	if (o->ntargets == 0) {
		cli_err("no target given");
		return CLI_USAGE;
	}
	for (i = 0; wipe_method_names[i] != NULL; i++)
		if (strcmp(wipe_method_names[i], o->method) == 0)
			break;
	if (wipe_method_names[i] == NULL) {
		cli_err("unknown method '%s' (see wipecert wipe --help)",
			o->method);
		return CLI_USAGE;
	}
	if (o->nconfirm > 0 && !o->yes) {
		cli_err("--confirm is only used with --yes");
		return CLI_USAGE;
	}
	if (o->yes && o->nconfirm != o->ntargets) {
		cli_err("--yes needs one --confirm per target (%zu given, "
			"%zu targets)", o->nconfirm, o->ntargets);
		return CLI_USAGE;
	}
	if (o->nasset > 0 && o->nasset != o->ntargets) {
		cli_err("--asset-tag must be given once per target (%zu given, "
			"%zu targets)", o->nasset, o->ntargets);
		return CLI_USAGE;
	}
	if (wc_tz_set(o->tz) != 0) {
		cli_err("unknown time zone '%s'", o->tz);
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

/* The output folder must take the records, and survive a reboot. */
static int
preflight(const struct wipe_opts *o)
{
	struct statvfs vfs;
	struct statfs fs;
	struct stat st;

	if (stat(o->outdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_err("output folder '%s' does not exist", o->outdir);
		return CLI_KEYCONF;
	}
	if (access(o->outdir, W_OK) != 0) {
		cli_err("cannot write to output folder '%s': %s", o->outdir,
			strerror(errno));
		return CLI_KEYCONF;
	}
	if (statfs(o->outdir, &fs) == 0 &&
	    ((unsigned long)fs.f_type == TMPFS_MAGIC_ ||
	     (unsigned long)fs.f_type == RAMFS_MAGIC_)) {
		cli_err("output folder '%s' is in memory (tmpfs) and would not "
			"survive a reboot", o->outdir);
		return CLI_KEYCONF;
	}
	if (statvfs(o->outdir, &vfs) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < MIN_FREE_BYTES) {
		cli_err("output folder '%s' has less than 16 MiB free",
			o->outdir);
		return CLI_KEYCONF;
	}
	if (time(NULL) < PLAUSIBLE_EPOCH) {
		cli_err("the system clock is not plausible; set it first");
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

/*
 * Tests only: "sim:SPEC" is a simulated drive (wipe/simdrive.h), honoured
 * when WIPECERT_TEST_SIM=1 and never otherwise.  Returns -1 when path is
 * not one, else an exit status.
 */
static int
open_sim(struct job *j, const char *path)
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
		cli_err("cannot open the simulated drive '%s': %s", path,
			strerror(-ret));
		return ret == -EINVAL ? CLI_USAGE : CLI_IO;
	}
	return CLI_OK;
}

/* Identify, check and open one target.  Returns an exit status. */
static int
open_target(struct job *j, const char *path)
{
	struct wipe_ident id;
	char why[512];
	int ret;

	ret = open_sim(j, path);
	if (ret >= 0)
		return ret;
	ret = wipe_identify_path(path, &id);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		cli_err("cannot open '%s': no such device or file", path);
		return CLI_IO;
	}
	if (ret == -ENOTBLK) {
		cli_err("refusing '%s': neither a block device nor a regular "
			"file", path);
		return CLI_REFUSED;
	}
	if (ret == 0)
		ret = wipe_check_safety(&id, why, sizeof(why));
	if (ret != 0) {
		cli_err("refusing '%s': %s", path,
			ret > 0 ? why : strerror(-ret));
		return CLI_REFUSED;
	}
	ret = wipe_dev_open(path, WIPE_OPEN_WRITE | WIPE_OPEN_EXCL, &j->dev);
	if (ret == -EBUSY) {
		cli_err("refusing '%s': in use (exclusive open failed)", path);
		return CLI_REFUSED;
	}
	if (ret != 0) {
		cli_err("cannot open '%s' for writing: %s", path,
			strerror(-ret));
		return ret == -EROFS ? CLI_REFUSED : CLI_IO;
	}
	ret = wipe_probe_contents(wipe_dev_fd(j->dev), j->dev->id.size_bytes,
				  &j->before);
	if (ret != 0) {
		cli_err("cannot read the contents of '%s': %s", path,
			strerror(-ret));
		return CLI_IO;
	}
	return CLI_OK;
}

static int
same_target(const struct wipe_ident *a, const struct wipe_ident *b)
{
	if (a->is_file != b->is_file)
		return 0;
	if (a->is_file)
		return a->file_dev == b->file_dev && a->file_ino == b->file_ino;
	return a->devno == b->devno;
}

/* The string the operator must type: the serial, else the path. */
static const char *
confirm_word(const struct job *j)
{
	return j->dev->id.serial[0] ? j->dev->id.serial : j->target;
}

/* What the drive itself said that matters before an erase. */
static void
show_drive(const struct job *j)
{
	const struct wipe_ident *id = &j->dev->id;
	const struct wipe_hidden *h = &id->hidden;

	fprintf(stderr, "  identity  %s\n", wipe_ident_source_name(id->source));
	if (id->drive.passthru[0])
		fprintf(stderr, "  note      %s\n", id->drive.passthru);
	if (j->plan.scope[0])
		fprintf(stderr, "  reaches   %s\n", j->plan.scope);
	if (h->hpa_enabled == WIPE_YES || h->dco_present == WIPE_YES)
		fprintf(stderr, "  HIDDEN    visible max LBA %lld, native %lld, "
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
		fprintf(stderr, "  LOCKED    ATA security: the password journal "
			"in the output folder will be used\n");
	else if (id->security.frozen == WIPE_YES)
		fprintf(stderr, "  frozen    ATA security is frozen "
			"(suspend/resume or hot-plug to unfreeze)\n");
}

static void
show_target(const struct job *j)
{
	const struct wipe_ident *id = &j->dev->id;
	char size[32], contents[512];

	wc_human_bytes(size, sizeof(size), id->size_bytes);
	wipe_contents_summary(&j->before, contents, sizeof(contents));
	fprintf(stderr,
		"\n%s\n  model     %s\n  serial    %s\n  size      %s "
		"(%llu bytes)\n  transport %s\n  contents  %s\n  method    "
		"%s (%s, %u pass%s)\n  reason    %s\n",
		j->target, id->model[0] ? id->model : "-",
		id->serial[0] ? id->serial : "- (none)", size,
		(unsigned long long)id->size_bytes,
		wipe_transport_name(id->transport), contents, j->plan.method,
		wipe_nist_name(j->plan.nist), j->plan.npasses,
		j->plan.npasses == 1 ? "" : "es", j->plan.reason);
	show_drive(j);
}

static int
confirm_one(const struct job *j, const struct wipe_opts *o, size_t i)
{
	const char *want = confirm_word(j);
	char line[512];
	size_t n;

	show_target(j);
	if (o->yes) {
		if (strcmp(o->confirm[i], want) == 0 ||
		    (!j->dev->id.serial[0] &&
		     strcmp(o->confirm[i], j->dev->id.path) == 0))
			return CLI_OK;
		cli_err("refusing '%s': --confirm '%s' does not match %s '%s'",
			j->target, o->confirm[i],
			j->dev->id.serial[0] ? "the serial" : "the path", want);
		return CLI_REFUSED;
	}
	fprintf(stderr, "ALL DATA on %s will be destroyed.\nType %s '%s' "
		"to confirm: ", j->target,
		j->dev->id.serial[0] ? "the serial" : "the path", want);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		cli_err("refusing '%s': no confirmation given", j->target);
		return CLI_REFUSED;
	}
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (strcmp(line, want) != 0) {
		cli_err("refusing '%s': confirmation does not match",
			j->target);
		return CLI_REFUSED;
	}
	return CLI_OK;
}

/* The same device or file named twice (under any path) is a mistake. */
static int
check_duplicates(const struct wipe_opts *o)
{
	struct wipe_ident *ids;
	size_t i, k;
	int st = CLI_OK;

	ids = calloc(o->ntargets, sizeof(*ids));
	if (ids == NULL)
		return CLI_IO;
	for (i = 0; i < o->ntargets && st == CLI_OK; i++) {
		if (wipe_identify_path(o->targets[i], &ids[i]) != 0)
			continue;	/* open_target() says why */
		for (k = 0; k < i; k++)
			if (ids[k].path[0] && same_target(&ids[k], &ids[i])) {
				cli_err("'%s' is given twice", o->targets[i]);
				st = CLI_USAGE;
				break;
			}
	}
	free(ids);
	return st;
}

/* Everything before the erase.  Returns an exit status. */
static int
prepare(struct job *jobs, const struct wipe_opts *o, struct cert_tool *tool)
{
	size_t i;
	int st, ret;

	st = check_duplicates(o);
	for (i = 0; i < o->ntargets && st == CLI_OK; i++) {
		struct job *j = &jobs[i];

		j->target = o->targets[i];
		j->outdir = o->outdir;
		j->vmode = o->vmode;
		j->restore_hidden = o->restore_hidden;
		j->iss = (struct issuer *)&o->iss;
		st = open_target(j, j->target);
		if (st != CLI_OK)
			break;
		ret = wipe_plan_make(&j->dev->id, o->method, o->verify_all,
				     &j->plan);
		if (ret == -EOPNOTSUPP) {
			cli_err("refusing '%s' for '%s': %s", o->method,
				j->target, j->plan.reason);
			st = CLI_REFUSED;
			break;
		}
		if (ret != 0) {
			cli_err("cannot plan '%s' for '%s': %s", o->method,
				j->target, strerror(-ret));
			st = ret == -EIO ? CLI_IO : CLI_USAGE;
			break;
		}
		j->rec.contract = o->contract;
		j->rec.people = o->people;
		j->rec.tool = *tool;
		j->rec.timezone = o->tz;
		j->rec.asset_tag = o->nasset ? o->asset[i] : NULL;
		if (wc_uuid4(j->rec.id) != 0) {
			cli_err("cannot draw a record id");
			st = CLI_IO;
		}
	}
	for (i = 0; st == CLI_OK && i < o->ntargets; i++)
		st = preflight_custody(jobs[i].iss, &jobs[i]);
	for (i = 0; st == CLI_OK && i < o->ntargets; i++)
		st = confirm_one(&jobs[i], o, i);
	/* A wipe cut off by power loss still leaves a trace (DESIGN §1). */
	for (i = 0; st == CLI_OK && i < o->ntargets; i++) {
		ret = issue_started(jobs[i].iss, &jobs[i], o->contract.number);
		if (ret != 0) {
			cli_err("cannot append to the register '%s': %s",
				o->register_path, strerror(-ret));
			st = CLI_IO;
		}
	}
	return st;
}

static int
run_all(struct job *jobs, size_t n)
{
	struct progress_view *view;
	pthread_t *tids;
	size_t i, started = 0;
	int st = CLI_OK, ret;

	tids = calloc(n, sizeof(*tids));
	if (tids == NULL)
		return CLI_IO;
	cli_signals_install();
	view = progress_new(jobs, n);
	for (i = 0; i < n; i++) {
		ret = pthread_create(&tids[i], NULL, job_thread, &jobs[i]);
		if (ret != 0) {
			cli_err("cannot start a thread: %s", strerror(ret));
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
			progress_tick(view);
		}
	}
	progress_finish(view);
	free(tids);
	return st;
}

static int
report(const struct job *jobs, size_t n)
{
	size_t i;
	int st = CLI_OK;

	for (i = 0; i < n; i++) {
		const struct job *j = &jobs[i];

		if (j->record_err != 0)
			cli_err("cannot write the record of '%s' to '%s': %s",
				j->target, j->outdir, strerror(-j->record_err));
		else
			printf("%s: %s\n  record %s\n  sha256 %s\n", j->target,
			       cert_result_name(j->rec.result), j->record_path,
			       j->record_sha256);
		if (j->reg_seq > 0)
			printf("  register entry %lld hash %s\n",
			       (long long)j->reg_seq, j->reg_hash);
		if (j->cert_path[0])
			printf("  %s %s\n  sha256 %s\n",
			       j->cert_kind == CERT_DOC_ERASURE ? "certificate"
							       : "failure report",
			       j->cert_path, j->cert_sha256);
		if (j->reg_err != 0)
			cli_err("'%s': cannot append to the register: %s",
				j->target, strerror(-j->reg_err));
		if (j->cert_err != 0)
			cli_err("'%s': cannot issue the %s: %s", j->target,
				j->rec.result == CERT_PASS ? "certificate"
							   : "failure report",
				strerror(-j->cert_err));
		if (j->rec.result == CERT_ABORTED && j->fw.still_erasing)
			cli_err("'%s': aborted, drive still erasing; let it "
				"finish, then run the wipe again", j->target);
		else if (j->rec.result == CERT_ABORTED)
			cli_err("'%s': interrupted; the device is NOT erased, "
				"run the wipe again", j->target);
		else if (j->rec.result == CERT_FAIL)
			cli_err("'%s': erase FAILED (%s); see the record",
				j->target,
				j->rec.nerrors ? j->rec.errors[0].message : "");
		st = cli_worse(st, j->status);
	}
	return st;
}

int
cmd_wipe(int argc, char **argv)
{
	struct wipe_opts o;
	struct cert_tool tool;
	struct job *jobs = NULL;
	size_t i;
	int st;

	memset(&o, 0, sizeof(o));
	wc_config_init(&o.cfg);
	if (issuer_init(&o.iss, &o.cfg) != 0)
		return CLI_IO;
	st = parse_args(&o, argc, argv);
	if (st >= 0)
		goto out;
	st = load_config(&o);
	if (st == CLI_OK)
		st = check_args(&o);
	if (st == CLI_OK)
		st = preflight(&o);
	if (st == CLI_OK) {
		o.iss.register_path = o.register_path;
		st = preflight_issuer(&o.iss);
	}
	if (st != CLI_OK)
		goto out;
	if (cert_tool_fill(&tool) != 0)
		cli_warn("cannot hash the running binary");
	jobs = calloc(o.ntargets, sizeof(*jobs));
	if (jobs == NULL) {
		st = CLI_IO;
		goto out;
	}
	for (i = 0; i < o.ntargets; i++)
		job_init(&jobs[i]);
	st = prepare(jobs, &o, &tool);
	if (st != CLI_OK)
		goto out;
	st = run_all(jobs, o.ntargets);
	st = cli_worse(st, report(jobs, o.ntargets));
out:
	for (i = 0; jobs != NULL && i < o.ntargets; i++)
		job_release(&jobs[i]);
	free(jobs);
	free(o.confirm);
	free(o.asset);
	issuer_release(&o.iss);
	wc_config_release(&o.cfg);
	return st;
}
