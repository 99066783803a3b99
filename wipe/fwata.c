/*
 * fwata.c - ATA Security Erase (SECURITY ERASE UNIT, normal or enhanced)
 * that never leaves a drive locked: a random user password is written to
 * a journal on persistent storage (beside the record, fsynced) before
 * SECURITY SET PASSWORD is sent; IDENTIFY is read again after every step
 * (hdparm reports success after an aborted command: the drive's security
 * word is the truth); any failure after the password is set ends with
 * SECURITY DISABLE PASSWORD.  A drive found locked later (power loss) is
 * unlocked with its journalled password.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wipe/fw.h"

#define JOURNAL_SUFFIX ".ata-password"
#define JOURNAL_MAGIC "wipecert ata-password journal 1"
#define JOURNAL_MAX 4096
#define RECOVER_TRIES 2		/* the drive allows five attempts */
#define MIN 60U
#define HOUR 3600U
#define ERASE_UNKNOWN_S (24 * HOUR)
#define ERASE_LONG_S (48 * HOUR)	/* ">508 minutes" */
#define ERASE_FLOOR_S HOUR

struct journal {
	char model[128];
	char serial[128];
	uint8_t pw[WIPE_ATA_PASSWORD_LEN];
	char path[4096];
};

int
wipe_fw_reidentify(struct wipe_dev *d, struct wipe_fw_result *res,
		   struct wipe_ata_id *a)
{
	struct wipe_ata_cmd c;
	struct wipe_ident old = d->id;
	uint8_t buf[WIPE_ATA_SECTOR];
	int ret;

	memset(buf, 0, sizeof(buf));
	wipe_ata_identify(&c, buf);
	ret = wipe_dev_ata(d, &c);
	if (ret == 0 && wipe_ata_id_decode(buf, sizeof(buf), a) != 0)
		ret = -EIO;
	if (res != NULL)
		wipe_fw_step_ata(res, "IDENTIFY DEVICE", &c);
	if (ret != 0)
		return ret;
	wipe_ata_id_to_ident(a, &d->id);
	/* The block layer's view of the size stays what it was. */
	d->id.size_bytes = old.size_bytes ? old.size_bytes : d->id.size_bytes;
	d->id.logical_sector = old.logical_sector ? old.logical_sector
						  : d->id.logical_sector;
	d->id.physical_sector = old.physical_sector ? old.physical_sector
						    : d->id.physical_sector;
	return 0;
}

/* ---- the journal --------------------------------------------------------- */

static int
new_password(uint8_t pw[WIPE_ATA_PASSWORD_LEN])
{
	uint8_t rnd[WIPE_ATA_PASSWORD_LEN / 2];
	char hex[WIPE_ATA_PASSWORD_LEN + 1];

	if (wc_random(rnd, sizeof(rnd)) != 0)
		return -EIO;
	/* Printable, so that hdparm can use it by hand if need be. */
	wc_hex(hex, rnd, sizeof(rnd));
	memcpy(pw, hex, WIPE_ATA_PASSWORD_LEN);
	explicit_bzero(rnd, sizeof(rnd));
	explicit_bzero(hex, sizeof(hex));
	return 0;
}

static int
journal_write(const struct wipe_fw_opts *o, const struct wipe_ident *id,
	      const uint8_t pw[WIPE_ATA_PASSWORD_LEN],
	      struct wipe_fw_result *res)
{
	char name[96], text[1024], when[WC_RFC3339_LEN] = "";
	int n, ret;

	if (o->journal_dir == NULL || o->record_id == NULL)
		return -EINVAL;
	(void)wc_rfc3339(when, sizeof(when), time(NULL));
	snprintf(name, sizeof(name), "%s%s", o->record_id, JOURNAL_SUFFIX);
	n = snprintf(text, sizeof(text),
		     "%s\nmodel=%s\nserial=%s\nidentifier=user\nlevel=high\n"
		     "password=%.32s\nwritten=%s\n",
		     JOURNAL_MAGIC, id->model, id->serial, (const char *)pw,
		     when);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -ENAMETOOLONG;
	ret = wc_write_file_new(o->journal_dir, name, text, (size_t)n, 0600);
	explicit_bzero(text, sizeof(text));
	if (ret == 0)
		ret = wc_fmt(res->journal, sizeof(res->journal), "%s/%s",
			     o->journal_dir, name);
	return ret;
}

/* Remove a journal whose password the drive no longer has. */
static void
journal_remove(const char *path)
{
	char dir[4096], *slash;
	int fd;

	if (path[0] == '\0' || unlink(path) != 0)
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

static const char *
field(const char *text, const char *key, size_t *len)
{
	const char *p = text;
	size_t k = strlen(key);

	while (p != NULL && *p) {
		if (strncmp(p, key, k) == 0 && p[k] == '=') {
			*len = strcspn(p + k + 1, "\n");
			return p + k + 1;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/* Parse one journal; 0 when it is this drive's. */
static int
journal_read(const char *path, const struct wipe_ident *id,
	     struct journal *j)
{
	const char *v;
	char *text = NULL;
	size_t len, n;
	int ret = -ENOENT;

	if (wc_read_file(path, JOURNAL_MAX, &text, &len) != 0)
		return -EIO;
	if (strncmp(text, JOURNAL_MAGIC "\n", strlen(JOURNAL_MAGIC) + 1) != 0)
		goto out;
	v = field(text, "model", &n);
	if (v == NULL || n != strlen(id->model) || memcmp(v, id->model, n))
		goto out;
	v = field(text, "serial", &n);
	if (v == NULL || n != strlen(id->serial) || memcmp(v, id->serial, n))
		goto out;
	v = field(text, "password", &n);
	if (v == NULL || n != WIPE_ATA_PASSWORD_LEN)
		goto out;
	memcpy(j->pw, v, n);
	snprintf(j->path, sizeof(j->path), "%s", path);
	ret = 0;
out:
	explicit_bzero(text, len);
	free(text);
	return ret;
}

/* ---- security commands ------------------------------------------------- */

static int
sec_cmd(struct wipe_dev *d, struct wipe_fw_result *res, uint8_t op,
	const uint8_t pw[WIPE_ATA_PASSWORD_LEN])
{
	uint8_t buf[WIPE_ATA_SECTOR];
	struct wipe_ata_cmd c;
	const char *name;
	int ret;

	if (op == WIPE_ATA_SEC_UNLOCK) {
		wipe_ata_sec_unlock(&c, buf, pw, 0);
		name = "SECURITY UNLOCK";
	} else if (op == WIPE_ATA_SEC_DISABLE_PASSWORD) {
		wipe_ata_sec_disable_password(&c, buf, pw, 0);
		name = "SECURITY DISABLE PASSWORD";
	} else {
		wipe_ata_sec_set_password(&c, buf, pw, 0, 0);
		name = "SECURITY SET PASSWORD";
	}
	ret = wipe_dev_ata(d, &c);
	explicit_bzero(buf, sizeof(buf));
	wipe_fw_step_ata(res, name, &c);
	return ret;
}

/* UNLOCK (when locked) and DISABLE PASSWORD; 0 when security is off. */
static int
sec_release(struct wipe_dev *d, struct wipe_fw_result *res,
	    const uint8_t pw[WIPE_ATA_PASSWORD_LEN])
{
	struct wipe_ata_id a;
	int ret;

	ret = wipe_fw_reidentify(d, res, &a);
	if (ret != 0)
		return ret;
	if (!a.sec_enabled)
		return 0;
	if (a.sec_locked)
		(void)sec_cmd(d, res, WIPE_ATA_SEC_UNLOCK, pw);
	(void)sec_cmd(d, res, WIPE_ATA_SEC_DISABLE_PASSWORD, pw);
	ret = wipe_fw_reidentify(d, res, &a);
	if (ret != 0)
		return ret;
	return a.sec_enabled ? -EACCES : 0;
}

static int
is_journal_name(const char *name)
{
	size_t n = strlen(name), k = strlen(JOURNAL_SUFFIX);

	return n > k && strcmp(name + n - k, JOURNAL_SUFFIX) == 0;
}

int
wipe_fw_recover_locked(struct wipe_dev *d, const char *dir,
		       struct wipe_fw_result *res)
{
	struct journal j;
	struct dirent *de;
	char path[4096];
	unsigned tries = 0;
	DIR *dp;
	int ret = -ENOENT;

	if (dir == NULL || (dp = opendir(dir)) == NULL)
		return -ENOENT;
	while (ret != 0 && tries < RECOVER_TRIES && (de = readdir(dp))) {
		if (!is_journal_name(de->d_name) ||
		    wc_fmt(path, sizeof(path), "%s/%s", dir, de->d_name) != 0 ||
		    journal_read(path, &d->id, &j) != 0)
			continue;
		tries++;
		ret = sec_release(d, res, j.pw);
		explicit_bzero(j.pw, sizeof(j.pw));
		if (ret == 0) {
			res->recovered = 1;
			res->password_cleared = 1;
			journal_remove(j.path);
		}
	}
	closedir(dp);
	return ret;
}

/* ---- the erase ----------------------------------------------------------- */

static int
refuse(struct wipe_fw_result *res, int ret, const char *why)
{
	snprintf(res->completion, sizeof(res->completion), "%s", why);
	return ret;
}

static int
preflight(struct wipe_dev *d, struct wipe_ata_id *a, int enhanced,
	  const struct wipe_fw_opts *o, struct wipe_fw_result *res)
{
	int ret;

	if (!a->sec_supported || (enhanced && !a->sec_enhanced)) {
		res->unsupported = 1;
		return refuse(res, -EOPNOTSUPP, enhanced
			      ? "the drive does not support enhanced "
				"SECURITY ERASE UNIT"
			      : "the drive has no ATA Security feature set");
	}
	if (a->sec_enabled || a->sec_locked) {
		ret = wipe_fw_recover_locked(d, o->journal_dir, res);
		if (ret != 0)
			return refuse(res, -EACCES,
				      a->sec_locked
				      ? "the drive is LOCKED with a password "
					"wipecert has no journal for"
				      : "ATA security is enabled with a "
					"password wipecert did not set");
		ret = wipe_fw_reidentify(d, res, a);
		if (ret != 0)
			return ret;
	}
	if (a->sec_expired)
		return refuse(res, -EACCES, "the security attempt counter has "
			      "expired: power-cycle the drive, then run again");
	if (a->sec_frozen) {
		res->frozen = 1;
		return refuse(res, -EACCES,
			      "ATA security is FROZEN (SECURITY FREEZE LOCK, "
			      "usually sent by the BIOS): suspend and resume "
			      "the machine, or hot-plug the drive, then run "
			      "again");
	}
	return 0;
}

static int
set_password(struct wipe_dev *d, const uint8_t pw[WIPE_ATA_PASSWORD_LEN],
	     struct wipe_fw_result *res, struct wipe_ata_id *a)
{
	struct wipe_cmd_status st;
	int ret, r2;

	ret = sec_cmd(d, res, WIPE_ATA_SEC_SET_PASSWORD, pw);
	st = res->steps[res->nsteps ? res->nsteps - 1 : 0].status;
	r2 = wipe_fw_reidentify(d, res, a);
	if (r2 != 0)
		return r2;
	res->password_set = a->sec_enabled;
	if (!a->sec_enabled) {
		res->status = st;
		return refuse(res, ret ? ret : -EIO,
			      "SECURITY SET PASSWORD did not enable security "
			      "(the drive's IDENTIFY says so)");
	}
	return ret;
}

static uint32_t
erase_estimate_s(const struct wipe_ata_id *a, int enhanced)
{
	return (uint32_t)(enhanced ? a->enhanced_erase_min : a->erase_min) *
	       MIN;
}

static int
erase_unit(struct wipe_dev *d, const uint8_t pw[WIPE_ATA_PASSWORD_LEN],
	   int enhanced, const struct wipe_fw_opts *o,
	   struct wipe_progress *prog, struct wipe_fw_result *res,
	   struct wipe_ata_id *a)
{
	uint8_t buf[WIPE_ATA_SECTOR];
	struct wipe_ata_cmd c;
	uint32_t est = erase_estimate_s(a, enhanced);
	int ret;

	/* PREPARE must come right before ERASE UNIT: no IDENTIFY between. */
	wipe_ata_sec_erase_prepare(&c);
	ret = wipe_dev_ata(d, &c);
	wipe_fw_step_ata(res, "SECURITY ERASE PREPARE", &c);
	if (ret != 0)
		return ret;
	wipe_ata_sec_erase_unit(&c, buf, pw, 0, enhanced);
	res->estimate_s = est;
	res->timeout_s = wipe_fw_timeout_s(est, est == 0 ? ERASE_UNKNOWN_S
					   : est >= 510 * MIN ? ERASE_LONG_S
							      : ERASE_FLOOR_S);
	c.timeout_ms = res->timeout_s * 1000;
	wipe_ata_describe(&c, res->params, sizeof(res->params));
	res->started = 1;
	ret = wipe_fw_wait_ata(d, &c, o, prog, est);
	explicit_bzero(buf, sizeof(buf));
	if (ret == -EINTR)
		return ret;
	wipe_fw_step_ata(res, "SECURITY ERASE UNIT", &c);
	res->status = c.st;
	if (ret != 0)
		return ret;
	ret = wipe_fw_reidentify(d, res, a);
	if (ret != 0)
		return ret;
	/* A completed erase leaves security disabled (SEC1). */
	if (a->sec_enabled)
		return refuse(res, -EIO, "SECURITY ERASE UNIT reported success "
			      "but security is still enabled: no erase");
	res->password_cleared = 1;
	res->progress_ppm = 1000000;
	wipe_fw_progress(prog, d->id.size_bytes, 1, 1);
	snprintf(res->completion, sizeof(res->completion),
		 "SECURITY ERASE UNIT completed without error; IDENTIFY "
		 "shows security disabled again (password cleared)");
	return 0;
}

/* After a failure: never leave the drive with our password. */
static void
cleanup(struct wipe_dev *d, const uint8_t pw[WIPE_ATA_PASSWORD_LEN],
	struct wipe_fw_result *res)
{
	char why[sizeof(res->completion)];

	if (sec_release(d, res, pw) == 0) {
		res->password_cleared = 1;
		journal_remove(res->journal);
		return;
	}
	snprintf(why, sizeof(why), "%s", res->completion);
	wipe_msg(res->completion, sizeof(res->completion),
		 "%s%sSECURITY IS STILL ENABLED and the drive may be locked: "
		 "its password is in the journal %s", why, why[0] ? "; " : "",
		 res->journal);
}

int
wipe_fw_ata_security(struct wipe_dev *d, const struct wipe_plan *plan,
		     const struct wipe_fw_opts *o, struct wipe_progress *prog,
		     struct wipe_fw_result *res)
{
	uint8_t pw[WIPE_ATA_PASSWORD_LEN];
	struct wipe_ata_id a;
	int enhanced = plan->action == WIPE_FW_ENHANCED;
	int ret;

	ret = wipe_fw_reidentify(d, res, &a);
	if (ret == 0)
		ret = preflight(d, &a, enhanced, o, res);
	if (ret != 0)
		return ret;
	ret = new_password(pw);
	if (ret == 0)
		ret = journal_write(o, &d->id, pw, res);
	if (ret != 0) {
		explicit_bzero(pw, sizeof(pw));
		return refuse(res, ret, "cannot write the password journal to "
			      "persistent storage: no password was set");
	}
	ret = set_password(d, pw, res, &a);
	if (ret == 0)
		ret = erase_unit(d, pw, enhanced, o, prog, res, &a);
	if (ret == 0) {
		res->completed = 1;
		journal_remove(res->journal);
	} else if (ret == -EINTR && res->password_set) {
		/* The drive clears the password itself when it is done. */
		wipe_msg(res->completion, sizeof(res->completion),
			 "aborted, drive still erasing: waiting was stopped by "
			 "a signal; until the drive finishes, its password is "
			 "in the journal %s", res->journal);
	} else if (ret != -EINTR && res->password_set) {
		cleanup(d, pw, res);
	} else if (!res->password_set) {
		journal_remove(res->journal);
	}
	explicit_bzero(pw, sizeof(pw));
	return ret;
}
