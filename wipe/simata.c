/*
 * simata.c - the simulated drive's ATA side: IDENTIFY built from the
 * specification (ACS-3), the security state machine (passwords, frozen,
 * locked, attempt counter, expiry), HPA (READ NATIVE MAX / SET MAX) and
 * DCO, SANITIZE; answered through a SAT layer that builds sense data as
 * Linux 6.1's libata does (DESIGN §10).
 */
#include <errno.h>
#include <string.h>

#include "wipe/simdrive.h"

#define ST_OK (WIPE_ATA_ST_DRDY | (1 << 4))	/* 0x50 */
#define ST_ERR (ST_OK | WIPE_ATA_ST_ERR)	/* 0x51 */
#define ATTEMPTS 5
#define ERASE_MIN_WORD 2	/* "4 minutes" */
#define SAN_ERR_FAILED 1
#define SAN_ERR_UNSUPPORTED 2
#define SAN_ERR_FROZEN 3

struct ata_res {
	int ok;
	uint8_t error;
	struct wipe_ata_tf out;
};

static void
put_word(uint8_t *b, unsigned w, uint16_t v)
{
	b[2 * w] = (uint8_t)v;
	b[2 * w + 1] = (uint8_t)(v >> 8);
}

void
sim_put_ata_string(uint8_t *b, unsigned w, unsigned n, const char *str)
{
	size_t len = strlen(str);
	unsigned i;

	for (i = 0; i < 2 * n; i++) {
		char ch = i < len ? str[i] : ' ';

		/* The first character of a pair goes in the high byte. */
		b[2 * w + (i ^ 1)] = (uint8_t)ch;
	}
}

static void
put_checksum(uint8_t *b)
{
	unsigned sum = 0, i;

	b[510] = 0xa5;
	for (i = 0; i < 511; i++)
		sum += b[i];
	b[511] = (uint8_t)(0x100 - (sum & 0xff));
}

static uint16_t
security_word(const struct sim *s)
{
	uint16_t w = 0;

	if (!(s->spec.flags & WIPE_SIM_SECURITY))
		return 0;
	w |= 1 << 0;
	w |= (uint16_t)(s->sec_enabled << 1 | s->sec_locked << 2 |
			s->sec_frozen << 3 | s->sec_expired << 4);
	if (s->spec.flags & WIPE_SIM_ENHANCED)
		w |= 1 << 5;
	if (s->sec_enabled && s->sec_max)
		w |= 1 << 8;
	return w;
}

static uint16_t
sector_word(const struct sim *s)
{
	uint16_t w = 0x4000;
	uint32_t ratio = s->spec.physical / s->spec.logical;
	unsigned exp = 0;

	if (s->spec.logical > 512)
		w |= 1 << 12;
	while (ratio > 1) {
		ratio >>= 1;
		exp++;
	}
	if (exp > 0)
		w |= (uint16_t)(1 << 13 | exp);
	return w;
}

void
sim_ata_identify_data(const struct sim *s, uint8_t b[512])
{
	unsigned f = s->spec.flags, i;
	uint16_t san = 0;

	memset(b, 0, 512);
	put_word(b, 0, 0x0040);
	sim_put_ata_string(b, 10, 10, s->spec.serial);
	sim_put_ata_string(b, 23, 4, s->spec.firmware);
	sim_put_ata_string(b, 27, 20, s->spec.model);
	put_word(b, 49, 0x0300);
	if (f & (WIPE_SIM_SAN_CRYPTO | WIPE_SIM_SAN_BLOCK |
		 WIPE_SIM_SAN_OVERWRITE))
		san = 1 << 12;
	san |= (f & WIPE_SIM_SAN_CRYPTO) ? 1 << 13 : 0;
	san |= (f & WIPE_SIM_SAN_OVERWRITE) ? 1 << 14 : 0;
	san |= (f & WIPE_SIM_SAN_BLOCK) ? 1 << 15 : 0;
	put_word(b, 59, san);
	put_word(b, 60, (uint16_t)WC_MIN(s->visible, 0x0fffffffULL));
	put_word(b, 61, (uint16_t)(WC_MIN(s->visible, 0x0fffffffULL) >> 16));
	put_word(b, 80, 0x07f0);
	put_word(b, 82, (uint16_t)(1 << 10 | 1 << 0 |
				   ((f & WIPE_SIM_SECURITY) ? 1 << 1 : 0)));
	put_word(b, 83, (uint16_t)(0x4000 | 1 << 10 |
				   (s->spec.dco_sectors ? 1 << 11 : 0)));
	put_word(b, 84, 0x4000 | 1 << 8);
	put_word(b, 85, (uint16_t)(1 << 10 | 1 << 0 |
				   (s->sec_enabled ? 1 << 1 : 0)));
	put_word(b, 86, (uint16_t)(1 << 10 |
				   (s->spec.dco_sectors ? 1 << 11 : 0)));
	put_word(b, 87, 0x4000 | 1 << 8);
	if (f & WIPE_SIM_SECURITY) {
		put_word(b, 89, ERASE_MIN_WORD);
		put_word(b, 90, (f & WIPE_SIM_ENHANCED) ? ERASE_MIN_WORD : 0);
		put_word(b, 92, 0xfffe);
	}
	for (i = 0; i < 4; i++)
		put_word(b, 100 + i, (uint16_t)(s->visible >> (16 * i)));
	put_word(b, 106, sector_word(s));
	put_word(b, 108, 0x5001);
	put_word(b, 109, 0x4a5b);
	put_word(b, 110, 0x0000);
	put_word(b, 111, (uint16_t)(s->seed & 0xffff) | 1);
	put_word(b, 117, (uint16_t)(s->spec.logical / 2));
	put_word(b, 118, (uint16_t)(s->spec.logical / 2 >> 16));
	put_word(b, 128, security_word(s));
	put_word(b, 169, (f & WIPE_SIM_ROTATIONAL) ? 0 : 1);
	put_word(b, 217, (f & WIPE_SIM_ROTATIONAL) ? 7200 : 1);
	put_checksum(b);
}

static void
dco_identify_data(const struct sim *s, uint8_t b[512])
{
	unsigned i;

	memset(b, 0, 512);
	put_word(b, 0, 0x0002);
	for (i = 0; i < 4; i++)
		put_word(b, 3 + i, (uint16_t)((s->dco - 1) >> (16 * i)));
	put_checksum(b);
}

/* ---- commands -------------------------------------------------------------- */

static void
abort_cmd(struct ata_res *r)
{
	r->ok = 0;
	r->error = WIPE_ATA_ER_ABRT;
}

static int
pw_equal(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, WIPE_ATA_PASSWORD_LEN) == 0;
}

/* A wrong password costs an attempt; five, and the drive gives up. */
static int
pw_check(struct sim *s, const uint8_t *buf)
{
	const uint8_t *pw = buf + 2;
	int master = buf[0] & WIPE_ATA_PW_MASTER;

	if (s->sec_expired)
		return 0;
	if (master ? pw_equal(pw, s->master_pw)
		   : (s->sec_enabled && pw_equal(pw, s->user_pw)))
		return 1;
	if (s->attempts > 0 && --s->attempts == 0)
		s->sec_expired = 1;
	return 0;
}

static void
sec_set_password(struct sim *s, const uint8_t *buf, struct ata_res *r)
{
	if (s->sec_frozen || s->sec_locked) {
		abort_cmd(r);
		return;
	}
	if (buf[0] & WIPE_ATA_PW_MASTER) {
		memcpy(s->master_pw, buf + 2, WIPE_ATA_PASSWORD_LEN);
		return;
	}
	memcpy(s->user_pw, buf + 2, WIPE_ATA_PASSWORD_LEN);
	s->sec_enabled = 1;
	s->sec_max = (buf[1] & (WIPE_ATA_PW_LEVEL_MAX >> 8)) != 0;
}

static void
sec_unlock(struct sim *s, const uint8_t *buf, struct ata_res *r)
{
	if (s->sec_frozen || !pw_check(s, buf)) {
		abort_cmd(r);
		return;
	}
	s->sec_locked = 0;
}

static void
sec_disable(struct sim *s, const uint8_t *buf, struct ata_res *r)
{
	if (s->sec_frozen || s->sec_locked || !pw_check(s, buf)) {
		abort_cmd(r);
		return;
	}
	s->sec_enabled = 0;
	memset(s->user_pw, 0, sizeof(s->user_pw));
}

static void
sec_erase_unit(struct sim *s, const uint8_t *buf, struct ata_res *r)
{
	int enhanced = (buf[0] & WIPE_ATA_PW_ENHANCED) != 0;
	int prepared = s->erase_prepared;

	s->erase_prepared = 0;
	if (!prepared || s->sec_frozen || !s->sec_enabled ||
	    (enhanced && !(s->spec.flags & WIPE_SIM_ENHANCED)) ||
	    !pw_check(s, buf)) {
		abort_cmd(r);
		return;
	}
	if (sim_long_erase(s, s->visible, enhanced ? WIPE_FW_CRYPTO
						   : WIPE_FW_NORMAL, 0) != 0) {
		r->ok = -1;	/* power lost: no answer */
		return;
	}
	/* Done: security is disabled, the password gone (SEC1). */
	s->sec_enabled = s->sec_locked = 0;
	memset(s->user_pw, 0, sizeof(s->user_pw));
}

static void
security(struct sim *s, uint8_t op, const uint8_t *buf, struct ata_res *r)
{
	if (!(s->spec.flags & WIPE_SIM_SECURITY)) {
		abort_cmd(r);
		return;
	}
	switch (op) {
	case WIPE_ATA_SEC_SET_PASSWORD:
		sec_set_password(s, buf, r);
		break;
	case WIPE_ATA_SEC_UNLOCK:
		sec_unlock(s, buf, r);
		break;
	case WIPE_ATA_SEC_ERASE_PREPARE:
		if (s->sec_frozen)
			abort_cmd(r);
		else
			s->erase_prepared = 1;
		return;	/* keeps the prepared state */
	case WIPE_ATA_SEC_ERASE_UNIT:
		sec_erase_unit(s, buf, r);
		break;
	case WIPE_ATA_SEC_FREEZE_LOCK:
		if (s->sec_locked)
			abort_cmd(r);
		else
			s->sec_frozen = 1;
		break;
	case WIPE_ATA_SEC_DISABLE_PASSWORD:
		sec_disable(s, buf, r);
		break;
	}
	s->erase_prepared = 0;
}

static void
set_max(struct sim *s, const struct wipe_ata_cmd *a, struct ata_res *r)
{
	if (s->last_ata != WIPE_ATA_READ_NATIVE_MAX_EXT ||
	    a->tf.lba >= s->native) {
		abort_cmd(r);
		r->error |= WIPE_ATA_ER_IDNF;
		return;
	}
	s->visible = a->tf.lba + 1;
}

static void
dco(struct sim *s, const struct wipe_ata_cmd *a, uint8_t *buf,
    struct ata_res *r)
{
	if (!s->spec.dco_sectors) {
		abort_cmd(r);
		return;
	}
	switch (a->tf.feature & 0xff) {
	case WIPE_ATA_DCO_IDENTIFY:
		dco_identify_data(s, buf);
		return;
	case WIPE_ATA_DCO_RESTORE:
		/* Refused while an HPA is set, or once frozen. */
		if (s->dco_frozen || s->visible != s->native) {
			abort_cmd(r);
			return;
		}
		s->native = s->visible = s->dco;
		return;
	case WIPE_ATA_DCO_FREEZE_LOCK:
		s->dco_frozen = 1;
		return;
	}
	abort_cmd(r);
}

static unsigned
san_action(uint16_t feature)
{
	switch (feature) {
	case WIPE_ATA_SAN_CRYPTO:
		return WIPE_SIM_SAN_CRYPTO;
	case WIPE_ATA_SAN_BLOCK:
		return WIPE_SIM_SAN_BLOCK;
	case WIPE_ATA_SAN_OVERWRITE:
		return WIPE_SIM_SAN_OVERWRITE;
	}
	return 0;
}

static int
san_key_ok(const struct wipe_ata_cmd *a)
{
	switch (a->tf.feature) {
	case WIPE_ATA_SAN_CRYPTO:
		return a->tf.lba == WIPE_ATA_SAN_KEY_CRYPTO;
	case WIPE_ATA_SAN_BLOCK:
		return a->tf.lba == WIPE_ATA_SAN_KEY_BLOCK;
	case WIPE_ATA_SAN_OVERWRITE:
		return a->tf.lba >> 32 == WIPE_ATA_SAN_KEY_OVERWRITE;
	}
	return 0;
}

static void
san_status(struct sim *s, const struct wipe_ata_cmd *a, struct ata_res *r)
{
	if (s->san == SIM_SAN_RUNNING)
		sim_sanitize_poll(s);
	if (s->san == SIM_SAN_FAILED) {
		if ((a->tf.count & WIPE_ATA_SAN_CLEAR_FAILED) &&
		    s->san_failure_mode_ok) {
			s->san = SIM_SAN_IDLE;
			return;
		}
		abort_cmd(r);
		r->out.lba = SAN_ERR_FAILED;
		return;
	}
	if (s->san == SIM_SAN_RUNNING) {
		r->out.count = WIPE_ATA_SAN_ST_IN_PROGRESS;
		r->out.lba = (uint64_t)(s->spec.sanitize_polls - s->san_left) *
			     0xffff / (s->spec.sanitize_polls ? s->spec.sanitize_polls : 1);
	} else if (s->san_last_ok) {
		r->out.count = WIPE_ATA_SAN_ST_SUCCEEDED;
	}
	if (s->san_frozen)
		r->out.count |= WIPE_ATA_SAN_ST_FROZEN;
}

static void
sanitize(struct sim *s, const struct wipe_ata_cmd *a, struct ata_res *r)
{
	unsigned act = san_action(a->tf.feature);

	if (a->tf.feature == WIPE_ATA_SAN_STATUS) {
		san_status(s, a, r);
		return;
	}
	if (a->tf.feature == WIPE_ATA_SAN_FREEZE_LOCK) {
		s->san_frozen = 1;
		return;
	}
	if (act == 0 || !(s->spec.flags & act) || !san_key_ok(a)) {
		abort_cmd(r);
		r->out.lba = SAN_ERR_UNSUPPORTED;
		return;
	}
	if (s->san_frozen || s->sec_locked || s->san == SIM_SAN_RUNNING) {
		abort_cmd(r);
		r->out.lba = s->san_frozen ? SAN_ERR_FROZEN : 0;
		return;
	}
	s->san_failure_mode_ok = (a->tf.count & WIPE_ATA_SAN_FAILURE_MODE) != 0;
	sim_sanitize_start(s, act == WIPE_SIM_SAN_CRYPTO ? WIPE_FW_CRYPTO
			   : act == WIPE_SIM_SAN_BLOCK ? WIPE_FW_BLOCK
						       : WIPE_FW_OVERWRITE,
			   (uint32_t)a->tf.lba);
}

/* While a sanitize runs (or failed), only these are processed. */
static int
allowed_in_sanitize(uint8_t op)
{
	return op == WIPE_ATA_IDENTIFY || op == WIPE_ATA_SANITIZE;
}

static void
execute(struct sim *s, const struct wipe_ata_cmd *a, uint8_t *buf,
	struct ata_res *r)
{
	uint8_t op = a->tf.command;

	r->ok = 1;
	if (s->spec.fault == WIPE_SIM_FAULT_CMD && s->spec.fault_op == op) {
		abort_cmd(r);
		if (op == WIPE_ATA_SANITIZE)
			r->out.lba = SAN_ERR_UNSUPPORTED;
		return;
	}
	if (s->san != SIM_SAN_IDLE && !allowed_in_sanitize(op)) {
		abort_cmd(r);
		return;
	}
	switch (op) {
	case WIPE_ATA_IDENTIFY:
		sim_ata_identify_data(s, buf);
		break;
	case WIPE_ATA_READ_NATIVE_MAX_EXT:
		r->out.lba = s->native - 1;
		break;
	case WIPE_ATA_SET_MAX_EXT:
		set_max(s, a, r);
		break;
	case WIPE_ATA_DEVICE_CONFIG:
		dco(s, a, buf, r);
		break;
	case WIPE_ATA_SANITIZE:
		sanitize(s, a, r);
		break;
	case WIPE_ATA_SEC_SET_PASSWORD:
	case WIPE_ATA_SEC_UNLOCK:
	case WIPE_ATA_SEC_ERASE_PREPARE:
	case WIPE_ATA_SEC_ERASE_UNIT:
	case WIPE_ATA_SEC_FREEZE_LOCK:
	case WIPE_ATA_SEC_DISABLE_PASSWORD:
		security(s, op, buf, r);
		return;
	default:
		abort_cmd(r);
	}
	if (op != WIPE_ATA_SEC_ERASE_PREPARE)
		s->erase_prepared = 0;
}

/* ---- the SAT layer --------------------------------------------------------- */

static int
illegal(struct wipe_scsi_cmd *c, uint8_t asc)
{
	c->status = WIPE_SCSI_CHECK_CONDITION;
	c->sense_len = (uint8_t)wipe_sense_build_fixed(c->sense,
						       sizeof(c->sense),
						       WIPE_SK_ILLEGAL_REQUEST,
						       asc, 0);
	return 0;
}

/* The answer as libata gives it (DESIGN §10). */
static void
sat_answer(struct wipe_scsi_cmd *c, const struct wipe_ata_cmd *a,
	   struct ata_res *r)
{
	r->out.command = r->ok ? ST_OK : ST_ERR;
	r->out.device = a->tf.device;
	r->out.feature = r->error;
	if (!r->ok) {
		c->status = WIPE_SCSI_CHECK_CONDITION;
		c->sense_len = (uint8_t)wipe_sense_build_libata(
			c->sense, sizeof(c->sense), WIPE_SK_ABORTED_COMMAND, 0,
			0, &r->out, r->error, a->ext);
		return;
	}
	if (!a->ck_cond) {
		c->status = WIPE_SCSI_GOOD;
		return;
	}
	c->status = WIPE_SCSI_CHECK_CONDITION;
	c->sense_len = (uint8_t)wipe_sense_build_ata_desc(
		c->sense, sizeof(c->sense), WIPE_SK_RECOVERED, 0x00, 0x1d,
		&r->out, 0, a->ext);
}

int
sim_ata_pt(struct sim *s, struct wipe_scsi_cmd *c)
{
	uint8_t buf[512];
	struct wipe_ata_cmd a;
	struct ata_res r;
	size_t need;

	if (s->spec.kind == WIPE_SIM_USB)
		return illegal(c, 0x24);	/* the bridge says no */
	if (s->spec.kind != WIPE_SIM_ATA)
		return illegal(c, 0x20);	/* a SCSI disk */
	if (wipe_ata_cdb16_parse(c->cdb, c->cdb_len, &a) != 0)
		return illegal(c, 0x24);
	memset(&r, 0, sizeof(r));
	memset(buf, 0, sizeof(buf));
	need = a.proto == WIPE_ATA_PROTO_NONDATA ? 0 : 512;
	if (c->len != need || (need && c->data == NULL))
		return illegal(c, 0x24);
	if (a.proto == WIPE_ATA_PROTO_PIO_OUT)
		memcpy(buf, c->data, 512);
	if (s->hook != NULL)
		s->hook(a.tf.command, s->hook_arg);
	if (a.ck_cond && a.proto == WIPE_ATA_PROTO_PIO_IN)
		abort_cmd(&r);	/* libata: no data with CK_COND */
	else
		execute(s, &a, buf, &r);
	if (r.ok < 0)
		return -ENODEV;	/* the drive went away */
	s->last_ata = a.tf.command;
	if (r.ok && a.proto == WIPE_ATA_PROTO_PIO_IN)
		memcpy(c->data, buf, 512);
	else if (a.proto == WIPE_ATA_PROTO_PIO_IN)
		c->resid = 512;
	sat_answer(c, &a, &r);
	return 0;
}
