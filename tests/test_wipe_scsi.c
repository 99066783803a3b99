/*
 * test_wipe_scsi.c - SCSI CDBs byte for byte (INQUIRY, VPD, READ
 * CAPACITY(16), REQUEST SENSE, REPORT SUPPORTED OPERATION CODES, SANITIZE
 * with its overwrite parameter list), and the decoding of standard
 * INQUIRY and VPD pages 80h, 83h and 89h on the real responses of
 * ../shared/fixtures/scsi against sg3_utils' own decoding.
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

static void
assert_cdb(const struct wipe_scsi_cmd *c, const uint8_t *want, size_t n)
{
	size_t i;

	assert_int_equal(c->cdb_len, n);
	for (i = 0; i < n; i++)
		if (c->cdb[i] != want[i])
			fail_msg("cdb byte %zu: 0x%02x, want 0x%02x", i,
				 c->cdb[i], want[i]);
}

static void
test_cdbs(void **state)
{
	static const uint8_t inq[6] = { 0x12, 0, 0, 0, 0x60, 0 };
	static const uint8_t vpd[6] = { 0x12, 0x01, 0x80, 0, 0xfc, 0 };
	static const uint8_t rc16[16] = { 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0,
					  0, 0, 0, 0x20, 0, 0 };
	static const uint8_t rs[6] = { 0x03, 0, 0, 0, 0x40, 0 };
	static const uint8_t rsd[6] = { 0x03, 0x01, 0, 0, 0x12, 0 };
	static const uint8_t tur[6] = { 0 };
	static const uint8_t rsoc[12] = { 0xa3, 0x0c, 0x03, 0x48, 0x00, 0x03,
					  0, 0, 0, 0x20, 0, 0 };
	struct wipe_scsi_cmd c;
	uint8_t buf[256], rc[32];

	(void)state;
	wipe_scsi_inquiry(&c, 0, 0, buf, 96);
	assert_cdb(&c, inq, 6);
	assert_int_equal(c.dir, WIPE_DIR_IN);
	assert_int_equal(c.len, 96);
	wipe_scsi_inquiry(&c, 0x80, 1, buf, 252);
	assert_cdb(&c, vpd, 6);
	wipe_scsi_read_capacity16(&c, rc);
	assert_cdb(&c, rc16, 16);
	assert_int_equal(c.len, 32);
	wipe_scsi_request_sense(&c, buf, 64, 0);
	assert_cdb(&c, rs, 6);
	wipe_scsi_request_sense(&c, buf, 18, 1);
	assert_cdb(&c, rsd, 6);
	wipe_scsi_test_unit_ready(&c);
	assert_cdb(&c, tur, 6);
	assert_int_equal(c.dir, WIPE_DIR_NONE);
	wipe_scsi_report_opcode(&c, 0x48, 3, buf, 32);
	assert_cdb(&c, rsoc, 12);
}

static void
test_sanitize_cdbs(void **state)
{
	static const uint8_t cr[10] = { 0x48, 0x83, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t bl[10] = { 0x48, 0x82, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t bla[10] = { 0x48, 0xa2, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t ow[10] = { 0x48, 0x81, 0, 0, 0, 0, 0, 0, 0x08,
					0 };
	static const uint8_t owp[8] = { 0x01, 0x00, 0x00, 0x04, 0xde, 0xad,
					0xbe, 0xef };
	static const uint8_t ex[10] = { 0x48, 0x9f, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct wipe_scsi_cmd c;
	uint8_t param[8];

	(void)state;
	wipe_scsi_sanitize(&c, WIPE_SCSI_SAN_CRYPTO, 0, param, 0);
	assert_cdb(&c, cr, 10);
	assert_int_equal(c.dir, WIPE_DIR_NONE);
	assert_int_equal(c.len, 0);
	wipe_scsi_sanitize(&c, WIPE_SCSI_SAN_BLOCK, 0, param, 0);
	assert_cdb(&c, bl, 10);
	wipe_scsi_sanitize(&c, WIPE_SCSI_SAN_BLOCK, 1, param, 0);
	assert_cdb(&c, bla, 10);
	wipe_scsi_sanitize(&c, WIPE_SCSI_SAN_OVERWRITE, 0, param, 0xdeadbeef);
	assert_cdb(&c, ow, 10);
	assert_int_equal(c.dir, WIPE_DIR_OUT);
	assert_int_equal(c.len, 8);
	assert_ptr_equal(c.data, param);
	assert_memory_equal(param, owp, 8);
	wipe_scsi_sanitize(&c, WIPE_SCSI_SAN_EXIT_FAILURE, 0, param, 0);
	assert_cdb(&c, ex, 10);
}

static void
test_read_capacity_decode(void **state)
{
	uint8_t b[32] = { 0, 0, 0, 0, 0x1d, 0x1c, 0x59, 0x70, 0, 0, 0x02, 0,
			  0, 0x03, 0xc0, 0 };
	struct wipe_scsi_cap cap;
	int ok = -1;

	(void)state;
	assert_int_equal(wipe_scsi_read_capacity16_decode(b, 32, &cap), 0);
	assert_true(cap.last_lba == 0x1d1c5970);
	assert_int_equal(cap.block, 512);
	assert_int_equal(cap.physical, 4096);
	assert_true(cap.lbpme && cap.lbprz);
	b[10] = 0x03;		/* 768-byte blocks: not a power of two */
	assert_int_equal(wipe_scsi_read_capacity16_decode(b, 32, &cap),
			 -EINVAL);
	assert_int_equal(wipe_scsi_read_capacity16_decode(b, 8, &cap),
			 -EINVAL);
	b[1] = 0x03;
	assert_int_equal(wipe_scsi_report_opcode_decode(b, 4, &ok), 0);
	assert_true(ok);
	b[1] = 0x01;
	assert_int_equal(wipe_scsi_report_opcode_decode(b, 4, &ok), 0);
	assert_false(ok);
	b[1] = 0x05;
	assert_int_equal(wipe_scsi_report_opcode_decode(b, 4, &ok), 0);
	assert_true(ok);
}

/* ---- the real responses ------------------------------------------------- */

static const char *
field(struct json_object *e, const char *suffix)
{
	struct json_object *d = jpath(e, "decoded_fields");

	json_object_object_foreach(d, k, v) {
		size_t kl = strlen(k), sl = strlen(suffix);

		if (kl >= sl && strcmp(k + kl - sl, suffix) == 0)
			return json_object_get_string(v);
	}
	fail_msg("no field ending '%s'", suffix);
	return NULL;
}

static void
load(const char *name, uint8_t **buf, size_t *len, struct json_object **e)
{
	char file[256];

	snprintf(file, sizeof(file), "%s.bin", name);
	assert_int_equal(fixture_read("scsi", file, buf, len), 0);
	snprintf(file, sizeof(file), "%s.expected.json", name);
	*e = fixture_json("scsi", file);
	assert_non_null(*e);
}

static void
check_inquiry(const char *name, int removable)
{
	struct wipe_scsi_inq q;
	struct json_object *e;
	uint8_t *buf;
	size_t len;

	load(name, &buf, &len, &e);
	assert_int_equal(wipe_scsi_inquiry_decode(buf, len, &q), 0);
	assert_int_equal(q.pdt, 0);
	assert_int_equal(q.removable, removable);
	assert_string_equal(q.vendor, field(e, "Vendor identification"));
	assert_string_equal(q.product, field(e, "Product identification"));
	assert_string_equal(q.revision, field(e, "Product revision level"));
	assert_int_equal(wipe_scsi_inquiry_decode(buf, 20, &q), -EINVAL);
	json_object_put(e);
	free(buf);
}

static void
test_inquiry_fixtures(void **state)
{
	(void)state;
	if (!fixtures_present("scsi"))
		skip();
	check_inquiry("fwupd_inquiry_SanDisk_3.2Gen1_USB", 1);
	check_inquiry("infiasi_inquiry_ATA_Hitachi_HDP72505", 0);
}

static void
test_vpd80_fixture(void **state)
{
	struct json_object *e;
	char serial[64];
	uint8_t *buf;
	size_t len;

	(void)state;
	if (!fixtures_present("scsi"))
		skip();
	load("issue-openSeaChest114_vpd80_SAMSUNG_MZ7KH480HAHQ", &buf, &len,
	     &e);
	assert_int_equal(wipe_scsi_vpd80_decode(buf, len, serial,
						sizeof(serial)), 0);
	assert_string_equal(serial, field(e, "Unit serial number"));
	assert_int_equal(wipe_scsi_vpd80_decode(buf, 6, serial,
						sizeof(serial)), -EINVAL);
	json_object_put(e);
	free(buf);
}

static void
test_vpd83_fixtures(void **state)
{
	struct json_object *e;
	char wwn[64], *text;
	uint8_t *buf;
	size_t len, tlen;

	(void)state;
	if (!fixtures_present("scsi"))
		skip();
	load("sg3utils_vpd83_Seagate_SAS_NAA_5000c5003011cb2b", &buf, &len,
	     &e);
	assert_int_equal(wipe_scsi_vpd83_decode(buf, len, wwn, sizeof(wwn)),
			 0);
	/* The logical unit's NAA, not the target port's. */
	assert_string_equal(wwn, "5000c5003011cb2b");
	assert_int_equal(fixture_read("scsi", "sg3utils_vpd83_Seagate_SAS_NAA_"
				      "5000c5003011cb2b.sg_decode.txt",
				      (uint8_t **)&text, &tlen), 0);
	assert_non_null(strstr(text, "Addressed logical unit:\n    designator "
				     "type: NAA,  code set: Binary\n      "
				     "0x5000c5003011cb2b"));
	free(text);
	json_object_put(e);
	free(buf);
	/* Only a T10 vendor designator (ASCII): no WWN to give. */
	load("issue-openSeaChest229_vpd83_SKhynix_SC311_SAS3008", &buf, &len,
	     &e);
	assert_int_equal(wipe_scsi_vpd83_decode(buf, len, wwn, sizeof(wwn)),
			 0);
	assert_string_equal(wwn, "");
	assert_int_equal(wipe_scsi_vpd83_decode(buf, len, wwn, sizeof(wwn)) ==
				 0 &&
			 strcmp(field(e, "vendor id"), "ATA") == 0, 1);
	json_object_put(e);
	free(buf);
}

static void
check_vpd89(const char *name)
{
	struct wipe_scsi_vpd89 v;
	struct wipe_ata_id a;
	struct json_object *e;
	uint8_t *buf;
	size_t len;

	load(name, &buf, &len, &e);
	assert_int_equal(wipe_scsi_vpd89_decode(buf, len, &v), 0);
	assert_string_equal(v.sat_vendor, field(e, "SAT Vendor identification"));
	assert_string_equal(v.sat_product,
			    field(e, "SAT Product identification"));
	assert_string_equal(v.sat_revision,
			    field(e, "SAT Product revision level"));
	assert_int_equal(v.command, 0xec);
	assert_int_equal(wipe_ata_id_decode(v.identify, 512, &a), 0);
	assert_string_equal(a.model, field(e, "model"));
	assert_string_equal(a.serial, field(e, "serial number"));
	assert_string_equal(a.firmware, field(e, "firmware revision"));
	assert_int_equal(wipe_scsi_vpd89_decode(buf, 300, &v), -EINVAL);
	json_object_put(e);
	free(buf);
}

static void
test_vpd89_fixtures(void **state)
{
	(void)state;
	if (!fixtures_present("scsi"))
		skip();
	check_vpd89("infiasi_vpd89_Hitachi_HDE721010SLA330_libata");
	check_vpd89("infiasi_vpd89_Hitachi_HUA722010CLA330_LSI");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdbs),
		cmocka_unit_test(test_sanitize_cdbs),
		cmocka_unit_test(test_read_capacity_decode),
		cmocka_unit_test(test_inquiry_fixtures),
		cmocka_unit_test(test_vpd80_fixture),
		cmocka_unit_test(test_vpd83_fixtures),
		cmocka_unit_test(test_vpd89_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
