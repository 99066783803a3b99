/*
 * cli.h - the command line: the only code that prints, exits or reads
 * options.  Exit statuses are DESIGN §3's, for every command.
 */
#ifndef WIPECERT_CLI_H
#define WIPECERT_CLI_H

#include <signal.h>

#include <pthread.h>

#include "certs/certs.h"
#include "register/register.h"
#include "verify/verify.h"
#include "wipe/wipe.h"

enum cli_exit {
	CLI_OK = 0,
	CLI_FAILED = 1,		/* erase or verification failed */
	CLI_USAGE = 2,
	CLI_REFUSED = 3,		/* refused for safety */
	CLI_IO = 4,		/* device or I/O error */
	CLI_INTERRUPTED = 5,
	CLI_TAMPERED = 6,
	CLI_UNTRUSTED = 7,
	CLI_KEYCONF = 8,		/* key or configuration problem */
};

/* The one piece of global mutable state: set by SIGINT/SIGTERM. */
extern volatile sig_atomic_t cli_stop;

/* Install the SIGINT/SIGTERM handlers that set cli_stop. */
void cli_signals_install(void);

/* "wipecert: <message>\n" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The worse of two exit statuses (interrupted > refused > I/O > ...). */
int cli_worse(int a, int b);

/*
 * --config for commands that use nothing but its validity and time zone
 * (list, verify, probe): load path (NULL: $WIPECERT_CONFIG, else the
 * default file if present).  Returns an exit status; messages printed.
 */
int cli_config_check(const char *path);

/*
 * Where the messages of shared code go: NULL prints them (text to
 * stdout, errors and warnings as cli_err/cli_warn do); the text UI
 * passes a function that keeps them as strings (one message, without
 * "wipecert: " or a newline, except CLI_MSG_OUT text, printed as is).
 */
enum cli_msg_kind { CLI_MSG_OUT = 0, CLI_MSG_ERR, CLI_MSG_WARN };

struct cli_msgs {
	void (*fn)(void *ctx, enum cli_msg_kind kind, const char *text);
	void *ctx;
};

void cli_say(const struct cli_msgs *m, enum cli_msg_kind kind,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int cmd_list(int argc, char **argv);
int cmd_wipe(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_register(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_tui(int argc, char **argv);

/* ---- one wipe of one target (cli/job.c): no printing ---------------- */

struct job {
	const char *target;		/* as the operator gave it */
	const char *outdir;
	enum vfy_mode vmode;
	struct wipe_dev *dev;
	struct wipe_contents before;
	struct wipe_contents after;
	struct wipe_plan plan;
	struct wipe_pass_result passes[WIPE_MAX_PASSES];
	struct vfy_plan vplan;
	struct vfy_result vres;		/* of the last pass */
	struct vfy_result pass_vres[WIPE_MAX_PASSES];	/* earlier passes */
	struct wipe_engine_opts eo;
	struct wipe_progress prog;
	/* the drive's part (cli/job_fw.c) */
	int restore_hidden;		/* --restore-hidden */
	struct wipe_fw_opts fo;
	struct wipe_fw_result fw;
	struct wipe_hidden_result hidden;
	struct vfy_markers markers;
	struct wipe_pattern fw_expect;
	struct cert_job rec;
	char record_path[4096];
	char record_sha256[65];
	int record_err;			/* -errno writing the record */
	/* what was issued after the record (cli/issue.c) */
	struct issuer *iss;		/* NULL: record only */
	const char *custody;		/* reg_custody_name(), or NULL */
	int64_t reg_seq;		/* the erasure entry, -1 none */
	char reg_hash[65];
	int reg_err;			/* -errno appending to the register */
	char cert_path[4096];		/* "" when none */
	char cert_sha256[65];
	enum cert_doc cert_kind;
	int cert_err;			/* -errno issuing the certificate */
	int status;			/* this target's exit status */
	int issuing;			/* display only: enum job_issuing */
};

/* What issue_after_record() is doing (the text UI's phase column). */
enum job_issuing { JOB_ISSUING_RECORD = 0, JOB_ISSUING_REGISTER,
		   JOB_ISSUING_CERTIFICATE };

/* ---- certificates and register entries of a wipe (cli/issue.c) ------ */

struct issuer {
	struct wc_config *cfg;
	struct cert_signer *signer;	/* NULL: no certificates */
	struct reg_signer rs;
	int have_rs;
	const char *register_path;	/* NULL: no register */
	const char *font;
	pthread_mutex_t mu;		/* one PDF rendered at a time */
	const struct cli_msgs *msgs;	/* pre-flight messages; NULL: stderr */
};

/* Returns 0 or -errno (mutex). */
int issuer_init(struct issuer *iss, struct wc_config *cfg);
void issuer_release(struct issuer *iss);
/* Unlock the configured key.  Returns cert_signer_load()'s codes. */
int issuer_unlock(struct issuer *iss, time_t now);
/* The `started` entry, before the erase.  Returns 0 or -errno. */
int issue_started(struct issuer *iss, struct job *j, const char *contract);
/* Erasure entry, certificate or failure report, certificate entry. */
void issue_after_record(struct issuer *iss, struct job *j);

/* Pre-flight (cli/preflight.c): exit statuses, messages printed. */
int preflight_issuer(struct issuer *iss);
int preflight_custody(struct issuer *iss, struct job *j);

/* Set up a job; the device is opened and probed by the caller. */
void job_init(struct job *j);
void job_release(struct job *j);

/*
 * Run the erase, verification, probe and record of a prepared job
 * (dev open, plan made, rec filled with people and contract).  Sets
 * j->status.  Suitable as a thread body through job_thread().
 */
void job_run(struct job *j);
void *job_thread(void *arg);

/*
 * The drive's part of a job (cli/job_fw.c).  job_prepare_drive(): unlock
 * a drive a cut-short wipe left locked, check hidden areas and restore
 * them when j->restore_hidden; 0 or -errno (errors go to j->rec).
 * job_run_firmware(): markers, the firmware erase, the markers check;
 * 0, -EINTR or -errno.  job_decide_drive(): the verdict the drive's
 * part forces (enum cert_result), or -1 when it adds nothing.
 */
int job_prepare_drive(struct job *j);
int job_run_firmware(struct job *j);
int job_decide_drive(const struct job *j, int ret);

/* ---- a wipe, shared by `wipe` and `tui` (cli/wipe_run.c) ------------ */

/* What every target of one wipe shares: options, configuration, keys. */
struct wiperun {
	const char *method;		/* `wipe --method`; tui: per target */
	enum vfy_mode vmode;
	int verify_all;
	int restore_hidden;
	const char *outdir;
	const char *tz;
	const char *config;		/* --config, or NULL */
	const char *register_path;
	struct cert_people people;
	struct cert_contract contract;
	struct wc_config cfg;
	struct issuer iss;
	struct cert_tool tool;
	const struct cli_msgs *msgs;	/* NULL: print */
};

/* Returns 0, or CLI_IO (no mutex).  Release with wiperun_release(). */
int wiperun_init(struct wiperun *r);
void wiperun_release(struct wiperun *r);
/*
 * Read the configuration (r->config, $WIPECERT_CONFIG or the default
 * file); options already set in r win over it.  Returns an exit status.
 */
int wiperun_load_config(struct wiperun *r);
/* Is method a known name?  Returns CLI_OK or CLI_USAGE (said). */
int wiperun_check_method(const struct wiperun *r, const char *method);
/* Set the time zone of records.  Returns CLI_OK or CLI_KEYCONF (said). */
int wiperun_set_tz(const struct wiperun *r);
/*
 * Pre-flight (DESIGN §3): the output folder, the clock, the key, the
 * configuration and the register.  Returns an exit status (said).
 */
int wiperun_preflight(struct wiperun *r);
/*
 * Identify, check for safety, open (O_EXCL) and probe one target, plan
 * method for it, and fill the record's people and contract.  j was set
 * up with job_init(); asset may be NULL.  Returns an exit status (said).
 */
int wiperun_open(struct wiperun *r, struct job *j, const char *target,
		 const char *method, const char *asset);
/* The string to type to confirm (the serial, else the path), and what
 * it is ("the serial", "the path"). */
const char *wiperun_confirm_word(const struct job *j);
const char *wiperun_confirm_what(const struct job *j);
/* Does typed confirm j (the serial; the path for a target without)? */
int wiperun_confirm_ok(const struct job *j, const char *typed);
/*
 * What is about to be destroyed, as the confirmation shows it: lines
 * ending in '\n', the first the target.  Returns a string the caller
 * frees, or NULL (no memory).
 */
char *wiperun_describe(const struct job *j);
/* The register's `started` entry.  Returns an exit status (said). */
int wiperun_started(struct wiperun *r, struct job *j);
/*
 * Run prepared jobs in parallel, one thread each, calling tick(ctx)
 * every 200 ms until the last one ends.  Signals are the caller's.
 * Returns CLI_OK, or CLI_IO when a thread could not start (said; the
 * others are stopped through cli_stop).
 */
int wiperun_jobs(struct job *jobs, size_t n, const struct cli_msgs *m,
		 void (*tick)(void *ctx), void *ctx);
/* What became of j: the record, entries, documents, what went wrong
 * (said through m).  Returns j's exit status. */
int wiperun_report(const struct job *j, const struct cli_msgs *m);
/* The stage of a job as the text UI names it ("erase", "register"). */
const char *wiperun_stage(const struct job *j);

/* ---- one device of a discovery (cli/cmd_list.c) --------------------- */

struct list_entry {
	const struct wipe_ident *id;
	struct wipe_contents contents;
	int probe_err;
	char refused[512];	/* "" when it may be erased */
};

/*
 * Fill e for id: ask the drive itself when ask_drive (read-only
 * commands; updates *id), probe its contents read-only, and check its
 * safety.  Release e->contents with wipe_contents_release().
 */
void list_entry_fill(struct list_entry *e, struct wipe_ident *id,
		     int ask_drive);

/* ---- progress display (cli/progress.c) ------------------------------ */

struct progress_view;

/* Display for n jobs on stderr: bars on a terminal, lines otherwise. */
struct progress_view *progress_new(struct job *jobs, size_t n);
/* Redraw (terminal) or print a line when due (plain). */
void progress_tick(struct progress_view *v);
/* Final state, then free. */
void progress_finish(struct progress_view *v);

#endif
