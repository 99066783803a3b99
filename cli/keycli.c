/*
 * keycli.c - configuration, signer and key error messages shared by
 * `wipecert key` and `wipecert cert`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/keycli.h"

int
kcli_config(const char *path, struct wc_config *cfg)
{
	unsigned line = 0;
	int ret;

	wc_config_init(cfg);
	ret = wc_config_load(cfg, path, &line);
	if (ret == -EINVAL) {
		cli_err("%s:%u: unknown key, missing '=', or a key given twice",
			cfg->source[0] ? cfg->source : path ? path
				: "configuration", line);
		return CLI_KEYCONF;
	}
	if (ret != 0) {
		cli_err("cannot read configuration '%s': %s",
			path ? path : WC_CONFIG_DEFAULT, strerror(-ret));
		return CLI_KEYCONF;
	}
	if (wc_tz_set(cfg->timezone ? cfg->timezone : WC_DEFAULT_TZ) != 0) {
		cli_err("unknown time zone '%s'", cfg->timezone);
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

int
kcli_error(int err, const char *what, const char *path)
{
	const char *p = path ? path : "(terminal)";

	switch (err) {
	case -EACCES:
		cli_err("%s: wrong passphrase for '%s'", what, p);
		break;
	case -EKEYEXPIRED:
		cli_err("%s: certificate '%s' is expired or not yet valid",
			what, p);
		break;
	case -EKEYREJECTED:
		cli_err("%s: '%s' does not match its certificate", what, p);
		break;
	case -EPERM:
		cli_err("%s: '%s' may be read by group or others: chmod 600 "
			"it", what, p);
		break;
	case -ELOOP:
		cli_err("%s: '%s' is a symbolic link", what, p);
		break;
	case -EEXIST:
		cli_err("%s: '%s' exists: refusing to overwrite it", what, p);
		break;
	case -ENOTTY:
		cli_err("%s: no terminal to ask for the passphrase: give "
			"--passphrase-file", what);
		break;
	default:
		cli_err("%s: '%s': %s", what, p,
			err == -EINVAL ? "malformed or empty" : strerror(-err));
	}
	return CLI_KEYCONF;
}

int
kcli_pass_error(int err, const char *file)
{
	switch (err) {
	case -EKEYREJECTED:
		cli_err("the two passphrases differ");
		break;
	case -EINVAL:
		cli_err("empty passphrase%s%s%s", file ? " in '" : "",
			file ? file : "", file ? "'" : "");
		break;
	case -ENAMETOOLONG:
		cli_err("passphrase longer than %d bytes", CERT_PASS_MAX - 1);
		break;
	case -EINTR:
		cli_err("interrupted");
		break;
	default:
		return kcli_error(err, "cannot read the passphrase", file);
	}
	return CLI_KEYCONF;
}

int
kcli_need(const char *path, const char *role)
{
	if (access(path, R_OK) == 0)
		return CLI_OK;
	cli_err("%s '%s': %s", role, path, strerror(errno));
	return CLI_KEYCONF;
}

void
kcli_time(char *buf, size_t len, time_t t)
{
	struct tm tm;
	char zone[24];
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
		 labs(off) / 60, labs(off) % 60);
	if (strftime(buf, len, "%Y-%m-%d %H:%M ", &tm) == 0 ||
	    wc_fmt(buf + strlen(buf), len - strlen(buf), "%s", zone) != 0)
		wc_fmt(buf, len, "%lld", (long long)t);
}

/* The certificate's validity, for an expired-or-not-yet message. */
static void
explain_validity(const char *cert)
{
	struct cert_key_info *info = NULL;
	char nb[64], na[64];
	size_t n = 0;

	if (cert_key_describe_file(cert, &info, &n) != 0 || n == 0)
		return;
	kcli_time(nb, sizeof(nb), info->not_before);
	kcli_time(na, sizeof(na), info->not_after);
	cli_err("certificate '%s' is valid from %s to %s; it is %s", cert, nb,
		na, time(NULL) < info->not_before ? "not valid yet"
						   : "expired");
	free(info);
}

int
kcli_signer(const struct wc_config *cfg, struct cert_signer **s)
{
	int ret;

	if (cfg->key == NULL || cfg->certificate == NULL) {
		cli_err("no signing key: set key and certificate in the "
			"configuration or give --key and --cert");
		return CLI_KEYCONF;
	}
	if (kcli_need(cfg->key, "key") ||
	    kcli_need(cfg->certificate, "certificate") ||
	    (cfg->chain && kcli_need(cfg->chain, "chain")) ||
	    (cfg->passphrase_file &&
	     kcli_need(cfg->passphrase_file, "passphrase file")))
		return CLI_KEYCONF;
	ret = cert_signer_load(cfg->key, cfg->certificate, cfg->chain,
			       cfg->passphrase_file, time(NULL), s);
	if (ret == -EKEYEXPIRED) {
		explain_validity(cfg->certificate);
		return CLI_KEYCONF;
	}
	if (ret == -EKEYREJECTED) {
		cli_err("key '%s' does not match certificate '%s'", cfg->key,
			cfg->certificate);
		return CLI_KEYCONF;
	}
	if (ret == -EINVAL) {
		cli_err("cannot load the signing key: '%s', '%s' or the "
			"passphrase is malformed or empty", cfg->key,
			cfg->certificate);
		return CLI_KEYCONF;
	}
	if (ret != 0)
		return kcli_error(ret, "cannot load the signing key", cfg->key);
	return CLI_OK;
}
