/*
 * preflight.c - the checks of DESIGN §3 that run before any erase, so
 * that a long wipe cannot end uncertifiable: the key unlocks, the
 * configuration names what the certificate prints, the register is
 * intact and writable, the clock is not before its last entry; and the
 * custody check of a 管理番号 against its `received` entry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

/* What a certificate cannot go without, by configuration key. */
static const char *const required[] = {
	"contract", "contractor", "operator", NULL,
};

static int
config_complete(const struct issuer *iss)
{
	const struct wc_config *cfg = iss->cfg;
	const struct wc_config_key *k;
	size_t i;

	for (i = 0; required[i] != NULL; i++)
		for (k = wc_config_keys; k->name != NULL; k++) {
			const char *const *v;

			if (strcmp(k->name, required[i]) != 0)
				continue;
			v = (const char *const *)((const char *)cfg + k->offset);
			if (*v == NULL || **v == '\0') {
				cli_say(iss->msgs, CLI_MSG_ERR,
					"configuration incomplete: '%s' is not "
					"set (wipecert.conf or --%s); a "
					"certificate needs it", k->name,
					k->name);
				return CLI_KEYCONF;
			}
		}
	return CLI_OK;
}

static int
unlock(struct issuer *iss, time_t now)
{
	const struct wc_config *c = iss->cfg;
	int ret;

	if (c->certificate == NULL) {
		cli_say(iss->msgs, CLI_MSG_ERR, "configuration incomplete: "
			"'key' is set but 'certificate' is not");
		return CLI_KEYCONF;
	}
	ret = issuer_unlock(iss, now);
	if (ret == 0)
		return CLI_OK;
	switch (ret) {
	case -EACCES:
		cli_say(iss->msgs, CLI_MSG_ERR, "cannot unlock the key '%s': "
			"wrong passphrase", c->key);
		break;
	case -EKEYEXPIRED:
		cli_say(iss->msgs, CLI_MSG_ERR, "the signing certificate '%s' "
			"is expired or not yet valid", c->certificate);
		break;
	case -EPERM:
		cli_say(iss->msgs, CLI_MSG_ERR, "the key '%s' or its "
			"passphrase file '%s' is a link or can be read by "
			"others (chmod 600)", c->key,
			c->passphrase_file ? c->passphrase_file : "-");
		break;
	case -EKEYREJECTED:
		cli_say(iss->msgs, CLI_MSG_ERR, "the key '%s' does not match "
			"the certificate '%s'", c->key, c->certificate);
		break;
	default:
		cli_say(iss->msgs, CLI_MSG_ERR, "cannot load the signing key "
			"'%s': %s", c->key, strerror(-ret));
	}
	return CLI_KEYCONF;
}

static int
check_register(struct issuer *iss, time_t now)
{
	struct reg_head h;
	int ret;

	if (!iss->have_rs) {
		cli_say(iss->msgs, CLI_MSG_ERR, "the register '%s' needs a "
			"signing key (key in wipecert.conf)",
			iss->register_path);
		return CLI_KEYCONF;
	}
	ret = reg_head_read(iss->register_path, &h);
	if (ret == -ENOENT)
		return CLI_OK;	/* the first append creates it */
	if (ret == -EBADMSG) {
		cli_say(iss->msgs, CLI_MSG_ERR, "the register '%s' is damaged; "
			"run 'wipecert register verify'", iss->register_path);
		return CLI_TAMPERED;
	}
	if (ret != 0) {
		cli_say(iss->msgs, CLI_MSG_ERR, "cannot read the register '%s': %s",
			iss->register_path, strerror(-ret));
		return CLI_IO;
	}
	if (h.seq > 0 && now < h.when) {
		cli_say(iss->msgs, CLI_MSG_ERR, "the clock (%lld) is before "
			"the register's last entry (%s); set the clock first",
			(long long)now, h.time);
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

int
preflight_issuer(struct issuer *iss)
{
	time_t now = time(NULL);
	int st = CLI_OK;

	/* The configuration is loaded by now: its font wins. */
	if (iss->cfg->font != NULL)
		iss->font = iss->cfg->font;
	if (iss->cfg->key == NULL) {
		cli_say(iss->msgs, CLI_MSG_WARN, "no signing key configured "
			"('key' in wipecert.conf): records only, no "
			"certificates%s",
			iss->register_path ? "" : " and no register entries");
		if (iss->register_path != NULL) {
			cli_say(iss->msgs, CLI_MSG_ERR, "the register '%s' "
				"needs a signing key", iss->register_path);
			return CLI_KEYCONF;
		}
		return CLI_OK;
	}
	st = config_complete(iss);
	if (st == CLI_OK)
		st = unlock(iss, now);
	if (st == CLI_OK && iss->register_path != NULL)
		st = check_register(iss, now);
	return st;
}

int
preflight_custody(struct issuer *iss, struct job *j)
{
	struct reg_custody_result r;
	int ret;

	j->custody = NULL;
	if (iss->register_path == NULL || j->rec.asset_tag == NULL)
		return CLI_OK;
	ret = reg_custody_check_file(iss->register_path, j->rec.asset_tag,
				     j->dev->id.serial, &r);
	if (ret != 0) {
		cli_say(iss->msgs, CLI_MSG_ERR, "cannot check the custody of "
			"'%s': %s", j->rec.asset_tag, strerror(-ret));
		return CLI_IO;
	}
	j->custody = reg_custody_name(r.status);
	switch (r.status) {
	case REG_CUSTODY_SERIAL_MISMATCH:
		cli_say(iss->msgs, CLI_MSG_ERR, "refusing '%s': 管理番号 %s was "
			"received with serial '%s' (entry %llu), but the "
			"drive reports '%s'",
			j->target, j->rec.asset_tag, r.label_serial,
			(unsigned long long)r.received_seq, j->dev->id.serial);
		return CLI_REFUSED;
	case REG_CUSTODY_NOT_RECEIVED:
		cli_say(iss->msgs, CLI_MSG_WARN, "管理番号 %s has no 'received' "
			"entry in the register; the erasure entry will say "
			"so", j->rec.asset_tag);
		break;
	default:
		break;
	}
	return CLI_OK;
}
