/*
 * cmd_wipe.c - `wipecert wipe`: options, the typed confirmation and the
 * progress display; the wipe itself is cli/wipe_run.c's (shared with the
 * text UI) and cli/job.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

struct wipe_opts {
	struct wiperun run;	/* method, people, configuration, keys */
	int yes;
	const char **confirm;
	size_t nconfirm;
	const char **asset;
	size_t nasset;
	char **targets;
	size_t ntargets;
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
	case 'm': o->run.method = arg; break;
	case OPT_VERIFY:
		if (vfy_mode_parse(arg, &o->run.vmode) != 0) {
			cli_err("unknown verification mode '%s' "
				"(sample, full, none)", arg);
			return -1;
		}
		break;
	case OPT_VERIFY_ALL: o->run.verify_all = 1; break;
	case 'y': o->yes = 1; break;
	case OPT_CONFIRM: o->confirm[o->nconfirm++] = arg; break;
	case OPT_OPERATOR: o->run.people.operator_name = arg; break;
	case OPT_WITNESS: o->run.people.witness = arg; break;
	case OPT_CONTRACT: o->run.contract.number = arg; break;
	case OPT_DEPARTMENT: o->run.contract.department = arg; break;
	case OPT_CONTRACTOR: o->run.contract.contractor = arg; break;
	case OPT_MANAGER: o->run.contract.manager = arg; break;
	case OPT_ASSET: o->asset[o->nasset++] = arg; break;
	case 'o': o->run.outdir = arg; break;
	case OPT_TZ: o->run.tz = arg; break;
	case OPT_RESTORE_HIDDEN: o->run.restore_hidden = 1; break;
	case OPT_CONFIG: o->run.config = arg; break;
	case OPT_REGISTER: o->run.register_path = arg; break;
	default: return -1;
	}
	return 0;
}

/* Returns -1 to continue, else an exit status. */
static int
parse_args(struct wipe_opts *o, int argc, char **argv)
{
	int c;

	o->run.method = "auto";
	o->run.vmode = VFY_SAMPLE;
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

static int
check_args(const struct wipe_opts *o)
{
	if (o->ntargets == 0) {
		cli_err("no target given");
		return CLI_USAGE;
	}
	if (wiperun_check_method(&o->run, o->run.method) != CLI_OK)
		return CLI_USAGE;
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
	return wiperun_set_tz(&o->run);
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

static int
confirm_one(const struct job *j, const struct wipe_opts *o, size_t i)
{
	const char *want = wiperun_confirm_word(j);
	const char *what = wiperun_confirm_what(j);
	char line[512], *desc;
	size_t n;

	desc = wiperun_describe(j);
	if (desc == NULL) {
		cli_err("out of memory");
		return CLI_IO;
	}
	fprintf(stderr, "\n%s", desc);
	free(desc);
	if (o->yes) {
		if (wiperun_confirm_ok(j, o->confirm[i]))
			return CLI_OK;
		cli_err("refusing '%s': --confirm '%s' does not match %s '%s'",
			j->target, o->confirm[i], what, want);
		return CLI_REFUSED;
	}
	fprintf(stderr, "ALL DATA on %s will be destroyed.\nType %s '%s' "
		"to confirm: ", j->target, what, want);
	fflush(stderr);
	if (!isatty(STDIN_FILENO))
		fputc('\n', stderr);	/* the answer was not echoed */
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
prepare(struct job *jobs, struct wipe_opts *o)
{
	size_t i;
	int st;

	st = check_duplicates(o);
	for (i = 0; i < o->ntargets && st == CLI_OK; i++)
		st = wiperun_open(&o->run, &jobs[i], o->targets[i],
				  o->run.method, o->nasset ? o->asset[i] : NULL);
	for (i = 0; st == CLI_OK && i < o->ntargets; i++)
		st = preflight_custody(jobs[i].iss, &jobs[i]);
	for (i = 0; st == CLI_OK && i < o->ntargets; i++)
		st = confirm_one(&jobs[i], o, i);
	/* A wipe cut off by power loss still leaves a trace (DESIGN §1). */
	for (i = 0; st == CLI_OK && i < o->ntargets; i++)
		st = wiperun_started(&o->run, &jobs[i]);
	return st;
}

static void
tick(void *view)
{
	progress_tick(view);
}

static int
run_all(struct job *jobs, size_t n)
{
	struct progress_view *view;
	int st;

	cli_signals_install();
	view = progress_new(jobs, n);
	st = wiperun_jobs(jobs, n, NULL, tick, view);
	progress_finish(view);
	return st;
}

int
cmd_wipe(int argc, char **argv)
{
	struct wipe_opts o;
	struct job *jobs = NULL;
	size_t i;
	int st;

	memset(&o, 0, sizeof(o));
	if (wiperun_init(&o.run) != CLI_OK)
		return CLI_IO;
	st = parse_args(&o, argc, argv);
	if (st >= 0)
		goto out;
	st = wiperun_load_config(&o.run);
	if (st == CLI_OK)
		st = check_args(&o);
	if (st == CLI_OK)
		st = wiperun_preflight(&o.run);
	if (st != CLI_OK)
		goto out;
	if (cert_tool_fill(&o.run.tool) != 0)
		cli_warn("cannot hash the running binary");
	jobs = calloc(o.ntargets, sizeof(*jobs));
	if (jobs == NULL) {
		st = CLI_IO;
		goto out;
	}
	for (i = 0; i < o.ntargets; i++)
		job_init(&jobs[i]);
	st = prepare(jobs, &o);
	if (st != CLI_OK)
		goto out;
	st = run_all(jobs, o.ntargets);
	for (i = 0; i < o.ntargets; i++)
		st = cli_worse(st, wiperun_report(&jobs[i], NULL));
out:
	for (i = 0; jobs != NULL && i < o.ntargets; i++)
		job_release(&jobs[i]);
	free(jobs);
	free(o.confirm);
	free(o.asset);
	wiperun_release(&o.run);
	return st;
}
