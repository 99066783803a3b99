/*
 * test_wipe_ata.c - ATA commands byte for byte (the ATA PASS-THROUGH(16)
 * CDB of every command wipecert sends, and the password block), and
 * IDENTIFY DEVICE decoding: on every real dump in ../shared/fixtures/ata
 * against hdparm's own decoding (expected.json), and on buffers built
 * here from ACS-3 for what the dumps lack (sanitize, locked and expired
 * security, 4 KiB sectors, extended erase times).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/fixtures.h"
#include "wipe/cmd.h"

static const uint8_t PW[32] = "0123456789abcdef0123456789ABCDEF";

static void
assert_cdb(const struct wipe_ata_cmd *c, const uint8_t want[16])
{
	uint8_t cdb[16];
	int i;

	assert_int_equal(wipe_ata_cdb16(c, cdb), 0);
	for (i = 0; i < 16; i++)
		if (cdb[i] != want[i])
			fail_msg("cdb byte %d: 0x%02x, want 0x%02x", i, cdb[i],
				 want[i]);
}

/* ---- CDBs -------------------------------------------------------------- */

static void
test_cdb_identify(void **state)
{
	static const uint8_t want[16] = { 0x85, 0x08, 0x0e, 0, 0, 0, 0x01, 0,
					  0, 0, 0, 0, 0, 0, 0xec, 0 };
	struct wipe_ata_cmd c, p;
	uint8_t buf[512], cdb[16];

	(void)state;
	wipe_ata_identify(&c, buf);
	assert_cdb(&c, want);
	assert_ptr_equal(c.data, buf);
	assert_int_equal(c.len, 512);
	/* Never CK_COND on PIO data-in: libata would abort it, no data. */
	assert_int_equal(want[2] & WIPE_SAT_CK_COND, 0);
	c.ck_cond = 1;
	assert_int_equal(wipe_ata_cdb16(&c, cdb), -EINVAL);
	c.ck_cond = 0;
	c.len = 100;
	assert_int_equal(wipe_ata_cdb16(&c, cdb), -EINVAL);
	/* The SAT side reads back what was sent. */
	assert_int_equal(wipe_ata_cdb16_parse(want, 16, &p), 0);
	assert_int_equal(p.proto, WIPE_ATA_PROTO_PIO_IN);
	assert_int_equal(p.tf.command, 0xec);
	assert_int_equal(p.tf.count, 1);
	assert_false(p.ck_cond);
	assert_int_equal(wipe_ata_cdb16_parse(want, 12, &p), -EINVAL);
}

static void
test_cdb_native_max_and_set_max(void **state)
{
	static const uint8_t rnm[16] = { 0x85, 0x07, 0x20, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0x40, 0x27, 0 };
	static const uint8_t smx[16] = { 0x85, 0x07, 0x20, 0, 0, 0, 0x00,
					 0x56, 0xbc, 0x34, 0x9a, 0x12, 0x78,
					 0x40, 0x37, 0 };
	static const uint8_t smv[16] = { 0x85, 0x07, 0x20, 0, 0, 0, 0x01,
					 0x56, 0xbc, 0x34, 0x9a, 0x12, 0x78,
					 0x40, 0x37, 0 };
	struct wipe_ata_cmd c, p;

	(void)state;
	wipe_ata_read_native_max_ext(&c);
	assert_cdb(&c, rnm);
	assert_true(c.ck_cond);		/* the LBA comes back in sense */
	wipe_ata_set_max_ext(&c, 0x123456789abcULL, 0);
	assert_cdb(&c, smx);
	wipe_ata_set_max_ext(&c, 0xff123456789abcULL, 1);	/* 48 bits */
	assert_cdb(&c, smv);
	assert_int_equal(wipe_ata_cdb16_parse(smx, 16, &p), 0);
	assert_true(p.ext);
	assert_true(p.ck_cond);
	assert_true(p.tf.lba == 0x123456789abcULL);
}

static void
test_cdb_dco(void **state)
{
	static const uint8_t id[16] = { 0x85, 0x08, 0x0e, 0, 0xc2, 0, 0x01,
					0, 0, 0, 0, 0, 0, 0, 0xb1, 0 };
	static const uint8_t rs[16] = { 0x85, 0x06, 0x20, 0, 0xc0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0xb1, 0 };
	struct wipe_ata_cmd c;
	uint8_t buf[512];

	(void)state;
	wipe_ata_dco_identify(&c, buf);
	assert_cdb(&c, id);
	wipe_ata_dco_restore(&c);
	assert_cdb(&c, rs);
}

static void
check_pw_block(const uint8_t *buf, uint16_t control)
{
	unsigned i;

	assert_int_equal(buf[0] | buf[1] << 8, control);
	assert_memory_equal(buf + 2, PW, 32);
	for (i = 34; i < 512; i++)
		assert_int_equal(buf[i], 0);
}

static void
test_cdb_security(void **state)
{
	static uint8_t want[16] = { 0x85, 0x0a, 0x06, 0, 0, 0, 0x01, 0, 0, 0,
				    0, 0, 0, 0, 0, 0 };
	static const uint8_t prep[16] = { 0x85, 0x06, 0x20, 0, 0, 0, 0, 0, 0,
					  0, 0, 0, 0, 0, 0xf3, 0 };
	struct wipe_ata_cmd c;
	uint8_t buf[512];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	wipe_ata_sec_set_password(&c, buf, PW, 0, 0);
	want[14] = 0xf1;
	assert_cdb(&c, want);
	check_pw_block(buf, 0x0000);		/* user, high */
	wipe_ata_sec_set_password(&c, buf, PW, 1, 1);
	check_pw_block(buf, 0x0101);		/* master, maximum */
	wipe_ata_sec_unlock(&c, buf, PW, 0);
	want[14] = 0xf2;
	assert_cdb(&c, want);
	check_pw_block(buf, 0x0000);
	wipe_ata_sec_erase_prepare(&c);
	assert_cdb(&c, prep);
	wipe_ata_sec_erase_unit(&c, buf, PW, 0, 0);
	want[14] = 0xf4;
	assert_cdb(&c, want);
	check_pw_block(buf, 0x0000);		/* normal */
	wipe_ata_sec_erase_unit(&c, buf, PW, 0, 1);
	check_pw_block(buf, 0x0002);		/* enhanced */
	wipe_ata_sec_disable_password(&c, buf, PW, 0);
	want[14] = 0xf6;
	assert_cdb(&c, want);
	check_pw_block(buf, 0x0000);
	assert_int_equal(c.proto, WIPE_ATA_PROTO_PIO_OUT);
	assert_false(c.ck_cond);
}

static void
test_cdb_sanitize(void **state)
{
	static const uint8_t cr[16] = { 0x85, 0x07, 0x20, 0, 0x11, 0, 0,
					0x43, 0x70, 0, 0x79, 0, 0x72, 0x40,
					0xb4, 0 };
	static const uint8_t be[16] = { 0x85, 0x07, 0x20, 0, 0x12, 0, 0,
					0x42, 0x72, 0, 0x45, 0, 0x6b, 0x40,
					0xb4, 0 };
	static const uint8_t ow[16] = { 0x85, 0x07, 0x20, 0, 0x14, 0, 0x01, 0,
					0, 0x57, 0, 0x4f, 0, 0x40, 0xb4, 0 };
	static const uint8_t ow2[16] = { 0x85, 0x07, 0x20, 0, 0x14, 0, 0x90,
					 0xde, 0xef, 0x57, 0xbe, 0x4f, 0xad,
					 0x40, 0xb4, 0 };
	static const uint8_t st[16] = { 0x85, 0x07, 0x20, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0x40, 0xb4, 0 };
	static const uint8_t stc[16] = { 0x85, 0x07, 0x20, 0, 0, 0, 0x01, 0,
					 0, 0, 0, 0, 0, 0x40, 0xb4, 0 };
	static const uint8_t crf[16] = { 0x85, 0x07, 0x20, 0, 0x11, 0, 0x10,
					 0x43, 0x70, 0, 0x79, 0, 0x72, 0x40,
					 0xb4, 0 };
	struct wipe_ata_cmd c;

	(void)state;
	wipe_ata_sanitize_crypto(&c, 0);
	assert_cdb(&c, cr);
	wipe_ata_sanitize_crypto(&c, 1);
	assert_cdb(&c, crf);
	wipe_ata_sanitize_block(&c, 0);
	assert_cdb(&c, be);
	wipe_ata_sanitize_overwrite(&c, 0, 1, 0, 0);
	assert_cdb(&c, ow);
	/* 16 passes is 0; invert, failure mode, a pattern. */
	wipe_ata_sanitize_overwrite(&c, 0xdeadbeef, 16, 1, 1);
	assert_cdb(&c, ow2);
	wipe_ata_sanitize_status(&c, 0);
	assert_cdb(&c, st);
	wipe_ata_sanitize_status(&c, 1);
	assert_cdb(&c, stc);
}

static void
test_sanitize_status_decode(void **state)
{
	struct wipe_ata_san_status s;
	struct wipe_ata_cmd c;

	(void)state;
	wipe_ata_sanitize_status(&c, 0);
	assert_int_equal(wipe_ata_sanitize_status_decode(&c, &s), -EINVAL);
	c.out_valid = 1;
	c.out.count = 0x4000;
	c.out.lba = 0x8000;
	wipe_status_from_ata(&c.st, 0x50, 0);
	assert_int_equal(wipe_ata_sanitize_status_decode(&c, &s), 0);
	assert_true(s.in_progress);
	assert_false(s.succeeded);
	assert_int_equal(s.progress, 0x8000);
	c.out.count = 0x8000 | 0x2000;
	assert_int_equal(wipe_ata_sanitize_status_decode(&c, &s), 0);
	assert_true(s.succeeded);
	assert_true(s.frozen);
	/* Aborted: the reason is LBA 7:0. */
	c.out.count = 0;
	c.out.lba = WIPE_ATA_SAN_ERR_FAILED;
	wipe_status_from_ata(&c.st, 0x51, 0x04);
	assert_int_equal(wipe_ata_sanitize_status_decode(&c, &s), 0);
	assert_true(s.failed);
	assert_int_equal(s.reason, 1);
}

/* ---- IDENTIFY built from the specification ------------------------------ */

static void
put_w(uint8_t *b, unsigned w, uint16_t v)
{
	b[2 * w] = (uint8_t)v;
	b[2 * w + 1] = (uint8_t)(v >> 8);
}

static void
put_s(uint8_t *b, unsigned w, unsigned n, const char *s)
{
	unsigned i;
	size_t len = strlen(s);

	for (i = 0; i < 2 * n; i++)
		b[2 * w + (i ^ 1)] = (uint8_t)(i < len ? s[i] : ' ');
}

static void
seal(uint8_t *b)
{
	unsigned sum = 0, i;

	b[510] = 0xa5;
	for (i = 0; i < 511; i++)
		sum += b[i];
	b[511] = (uint8_t)-sum;
}

static void
spec_buffer(uint8_t *b)
{
	memset(b, 0, 512);
	put_w(b, 0, 0x0040);
	put_s(b, 10, 10, "  SER-42");
	put_s(b, 23, 4, "FW1");
	put_s(b, 27, 20, "SPEC DRIVE 4K");
	put_w(b, 83, 0x4000 | 1 << 10 | 1 << 11);
	put_w(b, 82, 1 << 10 | 1 << 1);
	put_w(b, 85, 1 << 10);
	put_w(b, 86, 1 << 11);
	put_w(b, 84, 0x4000 | 1 << 8);
	put_w(b, 87, 0x4000 | 1 << 8);
	put_w(b, 108, 0x5000);
	put_w(b, 109, 0xc500);
	put_w(b, 110, 0x1234);
	put_w(b, 111, 0x5678);
	put_w(b, 100, 0x0000);
	put_w(b, 101, 0x0001);		/* 65536 sectors */
	put_w(b, 60, 0xffff);
	put_w(b, 61, 0x0fff);
}

static void
test_identify_spec_sanitize_4k(void **state)
{
	struct wipe_ata_id a;
	struct wipe_ident id;
	uint8_t b[512];

	(void)state;
	spec_buffer(b);
	put_w(b, 59, 0xf000);		/* sanitize: all three */
	put_w(b, 106, 0x4000 | 1 << 13 | 3);	/* 8 logical per physical */
	put_w(b, 217, 0x1c20);		/* 7200 rpm */
	seal(b);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_string_equal(a.model, "SPEC DRIVE 4K");
	assert_string_equal(a.serial, "SER-42");
	assert_string_equal(a.firmware, "FW1");
	assert_string_equal(a.wwn, "5000c50012345678");
	assert_true(a.lba48);
	assert_true(a.sectors == 65536);
	assert_int_equal(a.logical, 512);
	assert_int_equal(a.physical, 4096);
	assert_true(a.san_supported && a.san_crypto && a.san_block &&
		    a.san_overwrite);
	assert_true(a.hpa_supported && a.hpa_enabled);
	assert_true(a.dco_supported && a.dco_enabled);
	assert_true(a.checksum_present && a.checksum_ok);
	assert_int_equal(a.rotation, 7200);
	assert_int_equal(wipe_ident_from_ata(b, 512, &id), 0);
	assert_int_equal(id.source, WIPE_SRC_ATA_IDENTIFY);
	assert_int_equal(id.rotational, WIPE_YES);
	assert_true(id.size_bytes == 65536ULL * 512);
	assert_true(id.caps & WIPE_CAP_ATA_SANITIZE_CRYPTO);
	assert_true(id.caps & WIPE_CAP_ATA_SANITIZE_BLOCK);
	assert_true(id.caps & WIPE_CAP_ATA_SANITIZE_OVERWRITE);
	assert_false(id.caps & WIPE_CAP_ATA_SECURITY_ERASE);
	assert_int_equal(id.hidden.visible_max_lba, 65535);
	/* Bit 12 alone: the feature set, no command. */
	put_w(b, 59, 0x1000);
	seal(b);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_true(a.san_supported);
	assert_false(a.san_crypto || a.san_block || a.san_overwrite);
	/* Bits 13-15 without 12 mean nothing. */
	put_w(b, 59, 0xe000);
	seal(b);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_false(a.san_crypto);
}

static void
test_identify_spec_4k_logical(void **state)
{
	struct wipe_ata_id a;
	uint8_t b[512];

	(void)state;
	spec_buffer(b);
	put_w(b, 106, 0x4000 | 1 << 12);	/* long logical sectors */
	put_w(b, 117, 2048);			/* words: 4096 bytes */
	put_w(b, 118, 0);
	put_w(b, 217, 1);
	seal(b);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_int_equal(a.logical, 4096);
	assert_int_equal(a.physical, 4096);
	assert_int_equal(a.rotation, 1);
	/* Word 106 not valid (bit 14 clear): 512. */
	put_w(b, 106, 1 << 12);
	seal(b);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_int_equal(a.logical, 512);
	assert_false(a.sector_info);
}

static void
test_identify_spec_security(void **state)
{
	struct wipe_ata_id a;
	struct wipe_ident id;
	uint8_t b[512];

	(void)state;
	spec_buffer(b);
	/* supported, enabled, locked, expired, enhanced, maximum level */
	put_w(b, 128, 1 << 0 | 1 << 1 | 1 << 2 | 1 << 4 | 1 << 5 | 1 << 8);
	put_w(b, 89, 0x8000 | 300);		/* extended: 600 min */
	put_w(b, 90, 0x00ff);			/* ">508 min": 510 */
	seal(b);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_true(a.sec_supported && a.sec_enabled && a.sec_locked);
	assert_false(a.sec_frozen);
	assert_true(a.sec_expired && a.sec_enhanced && a.sec_level_max);
	assert_int_equal(a.erase_min, 600);
	assert_int_equal(a.enhanced_erase_min, 510);
	assert_int_equal(wipe_ident_from_ata(b, 512, &id), 0);
	assert_int_equal(id.security.locked, WIPE_YES);
	assert_int_equal(id.security.expired, WIPE_YES);
	assert_int_equal(id.security.frozen, WIPE_NO);
	assert_true(id.caps & WIPE_CAP_ATA_ENHANCED_ERASE);
	/* frozen, not enabled */
	put_w(b, 128, 1 << 0 | 1 << 3);
	seal(b);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_true(a.sec_frozen);
	assert_false(a.sec_enabled || a.sec_locked || a.sec_expired);
	assert_int_equal(wipe_ata_erase_minutes(0), 0);
	assert_int_equal(wipe_ata_erase_minutes(2), 4);
	assert_int_equal(wipe_ata_erase_minutes(0x1234), 0x34 * 2);
}

static void
test_identify_spec_bad(void **state)
{
	struct wipe_ata_id a;
	uint8_t b[512];

	(void)state;
	memset(b, 0, sizeof(b));
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), -EINVAL);
	assert_int_equal(wipe_ata_id_decode(b, 256, &a), -EINVAL);
	spec_buffer(b);
	put_w(b, 0, 0x85c0);			/* ATAPI */
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), -EINVAL);
	spec_buffer(b);
	seal(b);
	b[100] ^= 1;				/* a flipped bit */
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_true(a.checksum_present);
	assert_false(a.checksum_ok);
	b[511] = a.checksum_expected;		/* what it should have been */
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_true(a.checksum_ok);
	b[510] = 0;				/* no signature: no checksum */
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_false(a.checksum_present);
	/* No LBA48: words 60-61. */
	spec_buffer(b);
	put_w(b, 83, 0x4000);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_false(a.lba48);
	assert_true(a.sectors == 0x0fffffff);
	/* A zero WWN is no WWN. */
	spec_buffer(b);
	put_w(b, 108, 0);
	put_w(b, 109, 0);
	put_w(b, 110, 0);
	put_w(b, 111, 0);
	assert_int_equal(wipe_ata_id_decode(b, 512, &a), 0);
	assert_string_equal(a.wwn, "");
}

static void
test_dco_decode(void **state)
{
	uint8_t b[512];
	uint64_t max = 0;

	(void)state;
	memset(b, 0, sizeof(b));
	assert_int_equal(wipe_ata_dco_decode(b, 512, &max), -EINVAL);
	put_w(b, 0, 2);
	put_w(b, 3, 0xbeef);
	put_w(b, 4, 0x0012);
	put_w(b, 5, 0x0001);
	assert_int_equal(wipe_ata_dco_decode(b, 512, &max), 0);
	assert_true(max == 0x10012beefULL);
}

/* ---- IDENTIFY: the real dumps, against hdparm ---------------------------- */

static int
jbool(struct json_object *o, const char *path)
{
	struct json_object *v = jpath(o, path);

	if (v == NULL)
		fail_msg("expected.json lacks %s", path);
	return json_object_get_boolean(v);
}

static int
minutes(struct json_object *o, const char *path)
{
	struct json_object *v = jpath(o, path);

	return v ? atoi(json_object_get_string(v)) : 0;
}

static void
check_security(const char *name, struct json_object *h,
	       const struct wipe_ata_id *a)
{
	if (jpath(h, "security") == NULL) {
		assert_false(a->sec_supported);
		return;
	}
	if (a->sec_supported != jbool(h, "security.supported") ||
	    a->sec_enabled != jbool(h, "security.enabled") ||
	    a->sec_locked != jbool(h, "security.locked") ||
	    a->sec_frozen != jbool(h, "security.frozen") ||
	    a->sec_expired != jbool(h, "security.count_expired") ||
	    a->sec_enhanced != jbool(h, "security.enhanced_erase_supported"))
		fail_msg("%s: security word differs from hdparm", name);
	if (a->erase_min != minutes(h, "security.erase_time"))
		fail_msg("%s: erase %u min, hdparm %d", name, a->erase_min,
			 minutes(h, "security.erase_time"));
	if (a->enhanced_erase_min != minutes(h, "security.enhanced_erase_time"))
		fail_msg("%s: enhanced erase %u min, hdparm %d", name,
			 a->enhanced_erase_min,
			 minutes(h, "security.enhanced_erase_time"));
}

static void
check_features(const char *name, struct json_object *h,
	       const struct wipe_ata_id *a)
{
	struct json_object *v;

	if (a->hpa_supported != jbool(h, "key_features.hpa.listed") ||
	    a->dco_supported != jbool(h, "key_features.dco.listed") ||
	    a->san_supported != jbool(h, "key_features.sanitize.listed"))
		fail_msg("%s: HPA/DCO/sanitize support differs", name);
	if (a->hpa_supported && a->hpa_enabled !=
					jbool(h, "key_features.hpa.star"))
		fail_msg("%s: HPA enabled differs", name);
	if (a->dco_supported && a->dco_enabled !=
					jbool(h, "key_features.dco.star"))
		fail_msg("%s: DCO enabled differs", name);
	v = jpath(h, "rotation_rate");
	if (v != NULL && json_object_is_type(v, json_type_int))
		assert_int_equal(a->rotation, json_object_get_int(v));
	else if (v != NULL)
		assert_int_equal(a->rotation, 1);	/* solid state */
	else
		assert_true(a->rotation != 1 && (a->rotation < 0x401 ||
						 a->rotation == 0xffff));
	v = jpath(h, "wwn");
	if (v != NULL && strcmp(json_object_get_string(v),
				"0000000000000000") != 0)
		assert_string_equal(a->wwn, json_object_get_string(v));
	else
		assert_string_equal(a->wwn, "");
}

static void
check_geometry(const char *name, struct json_object *h,
	       const struct wipe_ata_id *a)
{
	struct json_object *v = jpath(h, "lba48_user_sectors");

	if (v == NULL)
		v = jpath(h, "lba28_user_sectors");
	if ((int64_t)a->sectors != json_object_get_int64(v))
		fail_msg("%s: %llu sectors, hdparm %lld", name,
			 (unsigned long long)a->sectors,
			 (long long)json_object_get_int64(v));
	v = jpath(h, "logical_sector_size");
	if (v != NULL)
		assert_int_equal(a->logical, json_object_get_int(v));
	v = jpath(h, "physical_sector_size");
	if (v != NULL)
		assert_int_equal(a->physical, json_object_get_int(v));
}

static void
check_one(const char *name)
{
	char file[512];
	uint8_t *buf;
	size_t len;
	struct json_object *e, *h;
	struct wipe_ata_id a;
	const char *ck;

	snprintf(file, sizeof(file), "%s.bin", name);
	assert_int_equal(fixture_read("ata", file, &buf, &len), 0);
	snprintf(file, sizeof(file), "%s.expected.json", name);
	e = fixture_json("ata", file);
	assert_non_null(e);
	h = jpath(e, "hdparm");
	assert_int_equal(wipe_ata_id_decode(buf, len, &a), 0);
	assert_string_equal(a.model, json_object_get_string(jpath(h, "model")));
	assert_string_equal(a.serial,
			    json_object_get_string(jpath(h, "serial")));
	assert_string_equal(a.firmware,
			    json_object_get_string(jpath(h, "firmware")));
	check_geometry(name, h, &a);
	check_security(name, h, &a);
	check_features(name, h, &a);
	ck = json_object_get_string(jpath(h, "checksum"));
	if (strcmp(ck, "correct") == 0)
		assert_true(a.checksum_present && a.checksum_ok);
	else if (strncmp(ck, "incorrect", 9) == 0)
		assert_true(a.checksum_present && !a.checksum_ok);
	json_object_put(e);
	free(buf);
}

static void
test_identify_fixtures(void **state)
{
	char **names;
	size_t n, i, bad = 0;

	(void)state;
	if (!fixtures_present("ata"))
		skip();
	n = fixture_names("ata", ".bin", &names);
	assert_true(n >= 20);
	for (i = 0; i < n; i++) {
		print_message("  %s\n", names[i]);
		check_one(names[i]);
	}
	/* The two published with a bad checksum are flagged, no others. */
	for (i = 0; i < n; i++) {
		char file[512];
		uint8_t *buf;
		size_t len;
		struct wipe_ata_id a;

		snprintf(file, sizeof(file), "%s.bin", names[i]);
		assert_int_equal(fixture_read("ata", file, &buf, &len), 0);
		assert_int_equal(wipe_ata_id_decode(buf, len, &a), 0);
		if (a.checksum_present && !a.checksum_ok) {
			bad++;
			assert_true(strstr(names[i], "dswarbrick_Samsung") ||
				    strstr(names[i], "infiasi_Hitachi"));
		}
		free(buf);
	}
	assert_int_equal(bad, 2);
	fixture_names_free(names, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdb_identify),
		cmocka_unit_test(test_cdb_native_max_and_set_max),
		cmocka_unit_test(test_cdb_dco),
		cmocka_unit_test(test_cdb_security),
		cmocka_unit_test(test_cdb_sanitize),
		cmocka_unit_test(test_sanitize_status_decode),
		cmocka_unit_test(test_identify_spec_sanitize_4k),
		cmocka_unit_test(test_identify_spec_4k_logical),
		cmocka_unit_test(test_identify_spec_security),
		cmocka_unit_test(test_identify_spec_bad),
		cmocka_unit_test(test_dco_decode),
		cmocka_unit_test(test_identify_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
