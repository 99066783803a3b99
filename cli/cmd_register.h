/*
 * cmd_register.h - what cmd_register.c and cmd_register_add.c share;
 * private to the `wipecert register` command.
 */
#ifndef WIPECERT_CLI_CMD_REGISTER_H
#define WIPECERT_CLI_CMD_REGISTER_H

#include <getopt.h>

#include "cli/cli.h"
#include "register/register.h"

/* Options every `register` subcommand takes. */
enum {
	ROPT_REGISTER = 300, ROPT_CONFIG, ROPT_KEY, ROPT_CERT, ROPT_CHAIN,
	ROPT_PASSFILE, ROPT_TZ, ROPT_FIRST_OWN,	/* subcommands go on here */
};

#define ROPT_COMMON_LONGOPTS                                              \
	{ "register", required_argument, NULL, ROPT_REGISTER },           \
	{ "config", required_argument, NULL, ROPT_CONFIG },               \
	{ "key", required_argument, NULL, ROPT_KEY },                     \
	{ "cert", required_argument, NULL, ROPT_CERT },                   \
	{ "chain", required_argument, NULL, ROPT_CHAIN },                 \
	{ "passphrase-file", required_argument, NULL, ROPT_PASSFILE },    \
	{ "timezone", required_argument, NULL, ROPT_TZ },                 \
	{ "help", no_argument, NULL, 'h' }

struct rcli {
	const char *register_opt;
	const char *config_opt;
	const char *key, *cert, *chain, *passfile, *tz;
	struct wc_config cfg;
	const char *path;		/* the register, once resolved */
};

/* 0 when c was a common option (stored), else -1. */
int rcli_common(struct rcli *r, int c, const char *arg);

/*
 * Load the configuration, set the time zone and resolve the register
 * path.  Returns CLI_OK or an exit status (message printed).
 */
int rcli_setup(struct rcli *r);
void rcli_release(struct rcli *r);

/*
 * Load the technician's key (options, then configuration) as a
 * register signer.  *cs must be freed with cert_signer_free and *s
 * released with reg_signer_release.  Returns CLI_OK or an exit status.
 */
int rcli_signer(struct rcli *r, struct cert_signer **cs,
		struct reg_signer *s);

/* Load the register for reading; a missing file is an empty register. */
int rcli_load(struct rcli *r, struct reg_log *log, int missing_ok);

/* An exit status and message for a failed append. */
int rcli_append_error(const struct rcli *r, int err);

int cmd_register_add(struct rcli *r, int argc, char **argv);

#endif
