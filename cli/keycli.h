/*
 * keycli.h - what `wipecert key` and `wipecert cert` share: the
 * configuration, the technician's signer, and the messages for key
 * errors.  Private to cli/cmd_key.c and cli/cmd_cert.c.
 */
#ifndef WIPECERT_CLI_KEYCLI_H
#define WIPECERT_CLI_KEYCLI_H

#include "certs/certs.h"
#include "certs/keys.h"
#include "cli/cli.h"

/*
 * Load the configuration (--config, else $WIPECERT_CONFIG, else the
 * default file) and set its time zone.  Returns CLI_OK or CLI_KEYCONF
 * (message printed).
 */
int kcli_config(const char *path, struct wc_config *cfg);

/*
 * Print why a key operation failed and return CLI_KEYCONF.  what names
 * the operation ("cannot load the signing key"), path the file.
 */
int kcli_error(int err, const char *what, const char *path);

/* The same for cert_passphrase_get() errors (file NULL: terminal). */
int kcli_pass_error(int err, const char *file);

/* Is path there?  Prints "missing" and returns CLI_KEYCONF when not. */
int kcli_need(const char *path, const char *role);

/*
 * Unlock the technician's key from cfg (key, certificate, chain,
 * passphrase_file), with a precise message on failure.  Returns CLI_OK
 * or CLI_KEYCONF.
 */
int kcli_signer(const struct wc_config *cfg, struct cert_signer **s);

/* "2025-12-01 17:24 +09:00" in the configured zone. */
void kcli_time(char *buf, size_t len, time_t t);

#endif
