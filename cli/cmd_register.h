/*
 * cmd_register.h - what the commands that read or write the register
 * share (cmd_register*.c, cmd_destroy.c, cmd_report.c): options, set-up,
 * the signer, appends, and signed documents.
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

/* Replace path with data (temporary file, fsync, rename); 0 or -errno. */
int rcli_write_replace(const char *path, const char *data, size_t len);

/* ---- signed documents (cmd_register_pdf.c) ---------------------------- */

/*
 * Render in's document and sign it with s; what names it in messages.
 * Returns CLI_OK and a malloc'd signed PDF, or an exit status (message
 * printed).
 */
int rcli_pdf(const struct cert_render_in *in, const struct cert_signer *s,
	     const char *what, uint8_t **out, size_t *len);
/* Write dir/name, never replacing a file: CLI_OK, CLI_REFUSED, CLI_IO. */
int rcli_write_new(const char *dir, const char *name, const void *data,
		   size_t len);
/* Append one entry to r->path: CLI_OK or rcli_append_error()'s status. */
int rcli_append(struct rcli *r, const struct reg_signer *s,
		enum reg_kind kind, struct json_object *body,
		struct reg_appended *out);
void rcli_sha256_hex(const void *data, size_t len, char hex[65]);
/* `register export --pdf FILE`: the signed 管理簿 of media m. */
int rcli_export_pdf(struct rcli *r, const struct reg_log *log,
		    const struct reg_media *m, const char *contract,
		    const char *file);

#endif
