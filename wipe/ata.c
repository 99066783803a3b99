/*
 * ata.c - ATA commands: taskfiles for the commands wipecert sends, the
 * ATA PASS-THROUGH(16) CDB that carries them (SAT-3), and the decoding
 * of IDENTIFY DEVICE, DEVICE CONFIGURATION IDENTIFY and SANITIZE STATUS
 * EXT.  Pure functions; see wipe/cmd.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wipe/cmd.h"

#define QUICK_TIMEOUT_MS (30 * 1000)	/* identify, status, set max */

/* IDENTIFY DEVICE word numbers (ACS-3 table 45). */
enum {
	W_CONFIG = 0,
	W_SERIAL = 10,
	W_FIRMWARE = 23,
	W_MODEL = 27,
	W_SANITIZE = 59,
	W_LBA28 = 60,
	W_CMDSET1 = 82,		/* 82, 83, 84: supported */
	W_CMDSET2 = 83,
	W_CMDSET3 = 84,
	W_ENABLED1 = 85,	/* 85, 86, 87: enabled */
	W_ENABLED2 = 86,
	W_ENABLED3 = 87,
	W_ERASE_TIME = 89,
	W_ENH_ERASE_TIME = 90,
	W_LBA48 = 100,
	W_SECTOR_SIZE = 106,
	W_WWN = 108,
	W_LOGICAL_SIZE = 117,
	W_SECURITY = 128,
	W_DSM = 169,
	W_ROTATION = 217,
	W_INTEGRITY = 255,
};

/* Word 128 bits. */
#define SEC_SUPPORTED (1 << 0)
#define SEC_ENABLED (1 << 1)
#define SEC_LOCKED (1 << 2)
#define SEC_FROZEN (1 << 3)
#define SEC_EXPIRED (1 << 4)
#define SEC_ENHANCED (1 << 5)
#define SEC_LEVEL_MAX (1 << 8)

/* Word 59 bits. */
#define SAN_SUPPORTED (1 << 12)
#define SAN_CRYPTO (1 << 13)
#define SAN_OVERWRITE (1 << 14)
#define SAN_BLOCK (1 << 15)

/* Word 106 bits. */
#define SSZ_VALID_MASK 0xc000
#define SSZ_VALID 0x4000
#define SSZ_MULTI (1 << 13)	/* several logical per physical */
#define SSZ_LONG (1 << 12)	/* logical sector longer than 256 words */
#define SSZ_EXP_MASK 0xf

/* Words 83/84/87 carry "valid" in bits 15:14 = 01. */
#define WORD_VALID_MASK 0xc000
#define WORD_VALID 0x4000
#define CMD2_LBA48 (1 << 10)
#define CMD2_DCO (1 << 11)
#define CMD1_HPA (1 << 10)
#define CMD3_WWN (1 << 8)

#define ERASE_EXTENDED (1 << 15)
#define ERASE_EXT_MASK 0x7fff
#define ERASE_NORMAL_MASK 0xff

static uint16_t
word(const uint8_t *buf, unsigned w)
{
	return (uint16_t)(buf[2 * w] | (buf[2 * w + 1] << 8));
}

static int
word_valid(const uint8_t *buf, unsigned w)
{
	return (word(buf, w) & WORD_VALID_MASK) == WORD_VALID;
}

/* ---- the CDB -------------------------------------------------------- */

static uint8_t
cdb_flags(const struct wipe_ata_cmd *c)
{
	uint8_t f = 0;

	if (c->proto == WIPE_ATA_PROTO_NONDATA) {
		if (c->ck_cond)
			f |= WIPE_SAT_CK_COND;
		return f | WIPE_SAT_TLEN_NONE;
	}
	if (c->proto == WIPE_ATA_PROTO_PIO_IN)
		f |= WIPE_SAT_T_DIR_IN;
	/* Length in 512-byte blocks (T_TYPE 0), given in the count field. */
	return f | WIPE_SAT_BYT_BLOK | WIPE_SAT_TLEN_COUNT;
}

int
wipe_ata_cdb16(const struct wipe_ata_cmd *c, uint8_t cdb[16])
{
	const struct wipe_ata_tf *t = &c->tf;
	int ext = c->ext != 0;

	if (c->proto != WIPE_ATA_PROTO_NONDATA &&
	    c->proto != WIPE_ATA_PROTO_PIO_IN &&
	    c->proto != WIPE_ATA_PROTO_PIO_OUT)
		return -EINVAL;
	if (c->proto == WIPE_ATA_PROTO_NONDATA ? c->len != 0
	    : (c->len == 0 || c->len % WIPE_ATA_SECTOR != 0 ||
	       c->ck_cond))
		return -EINVAL;
	memset(cdb, 0, 16);
	cdb[0] = WIPE_SAT_PT16;
	cdb[1] = (uint8_t)(((unsigned)c->proto & WIPE_SAT_PROTO_MASK)
			   << WIPE_SAT_PROTO_SHIFT);
	if (ext)
		cdb[1] |= WIPE_SAT_EXTEND;
	cdb[2] = cdb_flags(c);
	cdb[3] = ext ? (uint8_t)(t->feature >> 8) : 0;
	cdb[4] = (uint8_t)t->feature;
	cdb[5] = ext ? (uint8_t)(t->count >> 8) : 0;
	cdb[6] = (uint8_t)t->count;
	cdb[7] = ext ? (uint8_t)(t->lba >> 24) : 0;
	cdb[8] = (uint8_t)t->lba;
	cdb[9] = ext ? (uint8_t)(t->lba >> 32) : 0;
	cdb[10] = (uint8_t)(t->lba >> 8);
	cdb[11] = ext ? (uint8_t)(t->lba >> 40) : 0;
	cdb[12] = (uint8_t)(t->lba >> 16);
	cdb[13] = t->device;
	cdb[14] = t->command;
	return 0;
}

int
wipe_ata_cdb16_parse(const uint8_t *cdb, size_t len, struct wipe_ata_cmd *c)
{
	unsigned proto;
	int ext;

	if (len < WIPE_SAT_PT16_LEN || cdb[0] != WIPE_SAT_PT16)
		return -EINVAL;
	proto = (cdb[1] >> WIPE_SAT_PROTO_SHIFT) & WIPE_SAT_PROTO_MASK;
	if (proto != WIPE_ATA_PROTO_NONDATA && proto != WIPE_ATA_PROTO_PIO_IN &&
	    proto != WIPE_ATA_PROTO_PIO_OUT)
		return -EINVAL;
	ext = cdb[1] & WIPE_SAT_EXTEND;
	memset(&c->tf, 0, sizeof(c->tf));
	c->proto = (enum wipe_ata_proto)proto;
	c->ext = ext != 0;
	c->ck_cond = (cdb[2] & WIPE_SAT_CK_COND) != 0;
	c->tf.feature = (uint16_t)((ext ? cdb[3] << 8 : 0) | cdb[4]);
	c->tf.count = (uint16_t)((ext ? cdb[5] << 8 : 0) | cdb[6]);
	c->tf.lba = (uint64_t)cdb[8] | (uint64_t)cdb[10] << 8 |
		    (uint64_t)cdb[12] << 16;
	if (ext)
		c->tf.lba |= (uint64_t)cdb[7] << 24 | (uint64_t)cdb[9] << 32 |
			     (uint64_t)cdb[11] << 40;
	c->tf.device = cdb[13];
	c->tf.command = cdb[14];
	return 0;
}

/* ---- taskfiles ------------------------------------------------------ */

static void
tf_reset(struct wipe_ata_cmd *c, uint8_t command, enum wipe_ata_proto proto,
	 int ext)
{
	memset(c, 0, sizeof(*c));
	c->tf.command = command;
	c->proto = proto;
	c->ext = ext;
	c->tf.device = ext ? WIPE_ATA_DEV_LBA : 0;
	c->timeout_ms = QUICK_TIMEOUT_MS;
	/* Non-data commands return their registers: status, LBA output. */
	c->ck_cond = proto == WIPE_ATA_PROTO_NONDATA;
}

static void
tf_data(struct wipe_ata_cmd *c, uint8_t *buf)
{
	c->data = buf;
	c->len = WIPE_ATA_SECTOR;
	c->tf.count = 1;
}

void
wipe_ata_identify(struct wipe_ata_cmd *c, uint8_t buf[512])
{
	tf_reset(c, WIPE_ATA_IDENTIFY, WIPE_ATA_PROTO_PIO_IN, 0);
	tf_data(c, buf);
}

void
wipe_ata_read_native_max_ext(struct wipe_ata_cmd *c)
{
	tf_reset(c, WIPE_ATA_READ_NATIVE_MAX_EXT, WIPE_ATA_PROTO_NONDATA, 1);
}

void
wipe_ata_set_max_ext(struct wipe_ata_cmd *c, uint64_t max_lba,
		     int volatile_value)
{
	tf_reset(c, WIPE_ATA_SET_MAX_EXT, WIPE_ATA_PROTO_NONDATA, 1);
	c->tf.lba = max_lba & 0xffffffffffffULL;
	c->tf.count = volatile_value ? WIPE_ATA_SET_MAX_VOLATILE : 0;
}

void
wipe_ata_dco_identify(struct wipe_ata_cmd *c, uint8_t buf[512])
{
	tf_reset(c, WIPE_ATA_DEVICE_CONFIG, WIPE_ATA_PROTO_PIO_IN, 0);
	c->tf.feature = WIPE_ATA_DCO_IDENTIFY;
	tf_data(c, buf);
}

void
wipe_ata_dco_restore(struct wipe_ata_cmd *c)
{
	tf_reset(c, WIPE_ATA_DEVICE_CONFIG, WIPE_ATA_PROTO_NONDATA, 0);
	c->tf.feature = WIPE_ATA_DCO_RESTORE;
}

void
wipe_ata_sec_erase_prepare(struct wipe_ata_cmd *c)
{
	tf_reset(c, WIPE_ATA_SEC_ERASE_PREPARE, WIPE_ATA_PROTO_NONDATA, 0);
}

/* A security command with its 512-byte password block. */
static void
sec_pw(struct wipe_ata_cmd *c, uint8_t command, uint8_t *buf,
       const uint8_t pw[32], uint16_t control)
{
	tf_reset(c, command, WIPE_ATA_PROTO_PIO_OUT, 0);
	memset(buf, 0, WIPE_ATA_SECTOR);
	buf[0] = (uint8_t)control;
	buf[1] = (uint8_t)(control >> 8);
	memcpy(buf + 2, pw, WIPE_ATA_PASSWORD_LEN);
	tf_data(c, buf);
}

void
wipe_ata_sec_set_password(struct wipe_ata_cmd *c, uint8_t buf[512],
			  const uint8_t pw[32], int master, int level_max)
{
	sec_pw(c, WIPE_ATA_SEC_SET_PASSWORD, buf, pw,
	       (master ? WIPE_ATA_PW_MASTER : 0) |
		       (level_max ? WIPE_ATA_PW_LEVEL_MAX : 0));
}

void
wipe_ata_sec_unlock(struct wipe_ata_cmd *c, uint8_t buf[512],
		    const uint8_t pw[32], int master)
{
	sec_pw(c, WIPE_ATA_SEC_UNLOCK, buf, pw,
	       master ? WIPE_ATA_PW_MASTER : 0);
}

void
wipe_ata_sec_erase_unit(struct wipe_ata_cmd *c, uint8_t buf[512],
			const uint8_t pw[32], int master, int enhanced)
{
	sec_pw(c, WIPE_ATA_SEC_ERASE_UNIT, buf, pw,
	       (master ? WIPE_ATA_PW_MASTER : 0) |
		       (enhanced ? WIPE_ATA_PW_ENHANCED : 0));
}

void
wipe_ata_sec_disable_password(struct wipe_ata_cmd *c, uint8_t buf[512],
			      const uint8_t pw[32], int master)
{
	sec_pw(c, WIPE_ATA_SEC_DISABLE_PASSWORD, buf, pw,
	       master ? WIPE_ATA_PW_MASTER : 0);
}

static void
sanitize(struct wipe_ata_cmd *c, uint16_t feature, uint64_t key,
	 uint16_t count)
{
	tf_reset(c, WIPE_ATA_SANITIZE, WIPE_ATA_PROTO_NONDATA, 1);
	c->tf.feature = feature;
	c->tf.lba = key;
	c->tf.count = count;
}

void
wipe_ata_sanitize_crypto(struct wipe_ata_cmd *c, int failure_mode)
{
	sanitize(c, WIPE_ATA_SAN_CRYPTO, WIPE_ATA_SAN_KEY_CRYPTO,
		 failure_mode ? WIPE_ATA_SAN_FAILURE_MODE : 0);
}

void
wipe_ata_sanitize_block(struct wipe_ata_cmd *c, int failure_mode)
{
	sanitize(c, WIPE_ATA_SAN_BLOCK, WIPE_ATA_SAN_KEY_BLOCK,
		 failure_mode ? WIPE_ATA_SAN_FAILURE_MODE : 0);
}

void
wipe_ata_sanitize_overwrite(struct wipe_ata_cmd *c, uint32_t pattern,
			    unsigned passes, int invert, int failure_mode)
{
	uint16_t count = (uint16_t)(passes & WIPE_ATA_SAN_OW_PASSES_MASK);

	if (failure_mode)
		count |= WIPE_ATA_SAN_FAILURE_MODE;
	if (invert)
		count |= WIPE_ATA_SAN_OW_INVERT;
	sanitize(c, WIPE_ATA_SAN_OVERWRITE,
		 WIPE_ATA_SAN_KEY_OVERWRITE << WIPE_ATA_SAN_KEY_OVERWRITE_SHIFT |
			 pattern,
		 count);
}

void
wipe_ata_sanitize_status(struct wipe_ata_cmd *c, int clear_failed)
{
	sanitize(c, WIPE_ATA_SAN_STATUS, 0,
		 clear_failed ? WIPE_ATA_SAN_CLEAR_FAILED : 0);
}

int
wipe_ata_sanitize_status_decode(const struct wipe_ata_cmd *c,
				struct wipe_ata_san_status *s)
{
	memset(s, 0, sizeof(*s));
	if (!c->out_valid)
		return -EINVAL;
	s->succeeded = (c->out.count & WIPE_ATA_SAN_ST_SUCCEEDED) != 0;
	s->in_progress = (c->out.count & WIPE_ATA_SAN_ST_IN_PROGRESS) != 0;
	s->frozen = (c->out.count & WIPE_ATA_SAN_ST_FROZEN) != 0;
	s->antifreeze = (c->out.count & WIPE_ATA_SAN_ST_ANTIFREEZE) != 0;
	s->progress = (uint16_t)(c->out.lba & WIPE_ATA_SAN_PROGRESS_MASK);
	if (c->st.ata_status & WIPE_ATA_ST_ERR) {
		s->failed = 1;
		s->reason = (uint8_t)c->out.lba;
	}
	return 0;
}

void
wipe_ata_describe(const struct wipe_ata_cmd *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 "command=0x%02x feature=0x%04x count=0x%04x lba=0x%012llx "
		 "device=0x%02x",
		 c->tf.command, c->tf.feature, c->tf.count,
		 (unsigned long long)c->tf.lba, c->tf.device);
}

/* ---- IDENTIFY DEVICE ------------------------------------------------- */

void
wipe_cmd_trim_copy(char *out, size_t len, const char *in, size_t n)
{
	size_t i, k = 0;

	while (n > 0 && (in[0] == ' ' || in[0] == '\0')) {
		in++;
		n--;
	}
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\0'))
		n--;
	for (i = 0; i < n && k + 1 < len; i++) {
		unsigned char ch = (unsigned char)in[i];

		out[k++] = (ch < 0x20 || ch >= 0x7f) ? '?' : (char)ch;
	}
	if (len > 0)
		out[k] = '\0';
}

void
wipe_ata_string(const uint8_t *buf, unsigned w, unsigned n, char *out,
		size_t len)
{
	char tmp[80];
	unsigned i;

	if (n > sizeof(tmp) / 2)
		n = sizeof(tmp) / 2;
	/* Each word holds two characters, the first in the high byte. */
	for (i = 0; i < n; i++) {
		tmp[2 * i] = (char)buf[2 * (w + i) + 1];
		tmp[2 * i + 1] = (char)buf[2 * (w + i)];
	}
	wipe_cmd_trim_copy(out, len, tmp, 2 * n);
}

uint16_t
wipe_ata_erase_minutes(uint16_t w)
{
	if (w & ERASE_EXTENDED)
		return (uint16_t)((w & ERASE_EXT_MASK) * 2);
	return (uint16_t)((w & ERASE_NORMAL_MASK) * 2);
}

static void
decode_capacity(const uint8_t *b, struct wipe_ata_id *id)
{
	uint16_t ssz = word(b, W_SECTOR_SIZE);
	uint64_t s48 = 0;
	unsigned i;

	id->lba48 = word_valid(b, W_CMDSET2) &&
		    (word(b, W_CMDSET2) & CMD2_LBA48);
	for (i = 0; i < 4; i++)
		s48 |= (uint64_t)word(b, W_LBA48 + i) << (16 * i);
	id->sectors = (uint64_t)word(b, W_LBA28) |
		      (uint64_t)word(b, W_LBA28 + 1) << 16;
	if (id->lba48 && s48 != 0)
		id->sectors = s48;
	id->logical = id->physical = WIPE_ATA_SECTOR;
	id->sector_info = (ssz & SSZ_VALID_MASK) == SSZ_VALID;
	if (!id->sector_info)
		return;
	if (ssz & SSZ_LONG) {
		uint32_t words = (uint32_t)word(b, W_LOGICAL_SIZE) |
				 (uint32_t)word(b, W_LOGICAL_SIZE + 1) << 16;

		if (words >= 256 && words <= 0x8000)
			id->logical = words * 2;
	}
	id->physical = id->logical;
	if (ssz & SSZ_MULTI)
		id->physical = id->logical << (ssz & SSZ_EXP_MASK);
}

static void
decode_security(const uint8_t *b, struct wipe_ata_id *id)
{
	uint16_t s = word(b, W_SECURITY);

	id->sec_supported = (s & SEC_SUPPORTED) != 0;
	if (!id->sec_supported)
		return;
	id->sec_enabled = (s & SEC_ENABLED) != 0;
	id->sec_locked = (s & SEC_LOCKED) != 0;
	id->sec_frozen = (s & SEC_FROZEN) != 0;
	id->sec_expired = (s & SEC_EXPIRED) != 0;
	id->sec_enhanced = (s & SEC_ENHANCED) != 0;
	id->sec_level_max = (s & SEC_LEVEL_MAX) != 0;
	id->erase_min = wipe_ata_erase_minutes(word(b, W_ERASE_TIME));
	if (id->sec_enhanced)
		id->enhanced_erase_min =
			wipe_ata_erase_minutes(word(b, W_ENH_ERASE_TIME));
}

static void
decode_features(const uint8_t *b, struct wipe_ata_id *id)
{
	uint16_t san = word(b, W_SANITIZE);
	int v2 = word_valid(b, W_CMDSET2), v3 = word_valid(b, W_CMDSET3);
	int v87 = word_valid(b, W_ENABLED3);

	id->san_supported = (san & SAN_SUPPORTED) != 0;
	if (id->san_supported) {
		id->san_crypto = (san & SAN_CRYPTO) != 0;
		id->san_overwrite = (san & SAN_OVERWRITE) != 0;
		id->san_block = (san & SAN_BLOCK) != 0;
	}
	if (v2) {
		id->hpa_supported = (word(b, W_CMDSET1) & CMD1_HPA) != 0;
		id->hpa_enabled = (word(b, W_ENABLED1) & CMD1_HPA) != 0;
		id->dco_supported = (word(b, W_CMDSET2) & CMD2_DCO) != 0;
		id->dco_enabled = (word(b, W_ENABLED2) & CMD2_DCO) != 0;
	}
	id->trim = (word(b, W_DSM) & 1) != 0;
	id->rotation = word(b, W_ROTATION);
	if ((v3 && (word(b, W_CMDSET3) & CMD3_WWN)) ||
	    (v87 && (word(b, W_ENABLED3) & CMD3_WWN))) {
		uint16_t w[4];
		unsigned i;

		for (i = 0; i < 4; i++)
			w[i] = word(b, W_WWN + i);
		if (w[0] | w[1] | w[2] | w[3])
			snprintf(id->wwn, sizeof(id->wwn),
				 "%04x%04x%04x%04x", w[0], w[1], w[2], w[3]);
	}
}

static void
decode_checksum(const uint8_t *b, struct wipe_ata_id *id)
{
	unsigned sum = 0, i;

	id->checksum_present = b[2 * W_INTEGRITY] == 0xa5;
	if (!id->checksum_present)
		return;
	for (i = 0; i < WIPE_ATA_SECTOR - 1; i++)
		sum += b[i];
	id->checksum_expected = (uint8_t)(0x100 - (sum & 0xff));
	id->checksum_ok = ((sum + b[WIPE_ATA_SECTOR - 1]) & 0xff) == 0;
}

int
wipe_ata_id_decode(const uint8_t *b, size_t len, struct wipe_ata_id *id)
{
	size_t i;

	memset(id, 0, sizeof(*id));
	if (len != WIPE_ATA_SECTOR)
		return -EINVAL;
	for (i = 0; i < len && b[i] == 0; i++)
		;
	if (i == len || (word(b, W_CONFIG) & 0x8000))
		return -EINVAL;	/* nothing there, or ATAPI */
	wipe_ata_string(b, W_MODEL, 20, id->model, sizeof(id->model));
	wipe_ata_string(b, W_SERIAL, 10, id->serial, sizeof(id->serial));
	wipe_ata_string(b, W_FIRMWARE, 4, id->firmware, sizeof(id->firmware));
	decode_capacity(b, id);
	decode_security(b, id);
	decode_features(b, id);
	decode_checksum(b, id);
	return 0;
}

int
wipe_ata_dco_decode(const uint8_t *b, size_t len, uint64_t *max_lba)
{
	uint64_t v = 0;
	unsigned i;

	if (len != WIPE_ATA_SECTOR)
		return -EINVAL;
	for (i = 0; i < 4; i++)
		v |= (uint64_t)word(b, 3 + i) << (16 * i);
	if (v == 0)
		return -EINVAL;
	*max_lba = v;
	return 0;
}

static enum wipe_tri
tri(int v)
{
	return v ? WIPE_YES : WIPE_NO;
}

void
wipe_ata_id_to_ident(const struct wipe_ata_id *a, struct wipe_ident *id)
{
	snprintf(id->model, sizeof(id->model), "%s", a->model);
	snprintf(id->serial, sizeof(id->serial), "%s", a->serial);
	snprintf(id->firmware, sizeof(id->firmware), "%s", a->firmware);
	snprintf(id->wwn, sizeof(id->wwn), "%s", a->wwn);
	id->source = WIPE_SRC_ATA_IDENTIFY;
	id->logical_sector = a->logical;
	id->physical_sector = a->physical;
	if (a->sectors > 0)
		id->size_bytes = a->sectors * a->logical;
	if (a->rotation == 1)
		id->rotational = WIPE_NO;
	else if (a->rotation >= 0x401 && a->rotation <= 0xfffe)
		id->rotational = WIPE_YES;
	id->security.supported = tri(a->sec_supported);
	id->security.enabled = tri(a->sec_enabled);
	id->security.locked = tri(a->sec_locked);
	id->security.frozen = tri(a->sec_frozen);
	id->security.expired = tri(a->sec_expired);
	id->hidden.visible_max_lba = a->sectors > 0 ? (int64_t)a->sectors - 1
						    : -1;
	id->drive.checksum_ok = a->checksum_present ? tri(a->checksum_ok)
						    : WIPE_UNKNOWN;
	id->drive.hpa_feature = tri(a->hpa_supported);
	id->drive.dco_feature = tri(a->dco_supported);
	id->drive.rotation = a->rotation;
	id->drive.user_sectors = a->sectors;
	id->drive.erase_min = a->erase_min;
	id->drive.enhanced_erase_min = a->enhanced_erase_min;
	id->caps |= WIPE_CAP_OVERWRITE;
	if (a->sec_supported)
		id->caps |= WIPE_CAP_ATA_SECURITY_ERASE;
	if (a->sec_supported && a->sec_enhanced)
		id->caps |= WIPE_CAP_ATA_ENHANCED_ERASE;
	if (a->san_crypto)
		id->caps |= WIPE_CAP_ATA_SANITIZE_CRYPTO;
	if (a->san_block)
		id->caps |= WIPE_CAP_ATA_SANITIZE_BLOCK;
	if (a->san_overwrite)
		id->caps |= WIPE_CAP_ATA_SANITIZE_OVERWRITE;
	if (a->trim)
		id->caps |= WIPE_CAP_DISCARD;
}

int
wipe_ident_from_ata(const void *buf, size_t len, struct wipe_ident *id)
{
	struct wipe_ata_id a;
	int ret;

	ret = wipe_ata_id_decode(buf, len, &a);
	if (ret != 0)
		return ret;
	wipe_ident_init(id);
	wipe_ata_id_to_ident(&a, id);
	id->transport = WIPE_TR_SATA;
	return 0;
}
