/*
 * test_wipe_sense.c - sense data in both formats, with the ATA registers
 * where SAT and libata put them (DESIGN §10: libata 6.1's fixed layout of
 * an aborted pass-through command, the ATA Status Return descriptor of a
 * CK_COND command, SAT's own fixed layout), sanitize progress, and the
 * one result with its human message for ATA, SCSI and NVMe.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wipe/cmd.h"

/* libata on Linux 6.1: SECURITY SET PASSWORD aborted by the drive. */
static const uint8_t libata_abort[20] = {
	0x70, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x0a, /* ABORTED COMMAND */
	0x04, 0x51, 0x40, 0x01,				/* err st dev cnt */
	0x00, 0x00, 0x00, 0x00,				/* ASC/ASCQ 00/00 */
	0x00, 0x00, 0x00, 0x00,				/* flags, LBA */
};

/* libata on Linux 6.1: READ NATIVE MAX EXT with CK_COND, success. */
static const uint8_t ck_cond_desc[22] = {
	0x72, 0x01, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x0e, /* RECOVERED 00/1D */
	0x09, 0x0c, 0x01, 0x00,				/* ext, error 0 */
	0x00, 0x00,					/* count */
	0x3a, 0xaf, 0x00, 0x12, 0x00, 0x38,		/* LBA */
	0x40, 0x50,					/* device, status */
};

static void
test_libata_aborted_fixed(void **state)
{
	struct wipe_ata_tf out = { 0, 1, 0, 0x40, 0x51 };
	struct wipe_cmd_status st;
	struct wipe_sense s;
	uint8_t b[64];

	(void)state;
	assert_int_equal(wipe_sense_parse(libata_abort, sizeof(libata_abort),
					  &s), 0);
	assert_false(s.descriptor);
	assert_int_equal(s.key, WIPE_SK_ABORTED_COMMAND);
	assert_int_equal(s.asc, 0);
	assert_int_equal(s.ascq, 0);
	assert_true(s.ata_valid);
	assert_int_equal(s.ata_error, 0x04);
	assert_int_equal(s.ata_status, 0x51);
	assert_int_equal(s.ata.device, 0x40);
	assert_int_equal(s.ata.count, 1);
	/* The simulated drive answers in exactly these bytes. */
	memset(b, 0xee, sizeof(b));
	assert_int_equal(wipe_sense_build_libata(b, sizeof(b),
						 WIPE_SK_ABORTED_COMMAND, 0, 0,
						 &out, 0x04, 0), 20);
	assert_memory_equal(b, libata_abort, 20);
	wipe_status_from_ata(&st, s.ata_status, s.ata_error);
	assert_false(st.ok);
	assert_non_null(strstr(st.msg, "ABRT"));
	assert_non_null(strstr(st.msg, "aborted"));
	wipe_status_from_scsi(&st, WIPE_SCSI_CHECK_CONDITION, libata_abort,
			      sizeof(libata_abort));
	assert_false(st.ok);
	assert_int_equal(st.sense_key, WIPE_SK_ABORTED_COMMAND);
	assert_non_null(strstr(st.msg, "ABORTED COMMAND"));
}

static void
test_libata_fixed_lba48(void **state)
{
	struct wipe_ata_tf out = { 0, 0x0102, 0x00aabbccddeeULL, 0x40, 0x51 };
	struct wipe_sense s;
	uint8_t b[64];

	(void)state;
	assert_int_equal(wipe_sense_build_libata(b, sizeof(b),
						 WIPE_SK_ABORTED_COMMAND, 0, 0,
						 &out, 0x10, 1), 20);
	assert_int_equal(b[16], 0x80 | 0x40 | 0x20);
	assert_int_equal(b[17], 0xee);
	assert_int_equal(b[18], 0xdd);
	assert_int_equal(b[19], 0xcc);
	assert_int_equal(wipe_sense_parse(b, 20, &s), 0);
	assert_true(s.ata_valid);
	assert_int_equal(s.ata_error, 0x10);
	assert_true(s.ata.lba == 0xccddee);	/* the low 24 bits only */
	/* Without bytes 17-19 the registers are still there. */
	assert_int_equal(wipe_sense_parse(b, 18, &s), 0);
	assert_true(s.ata_valid);
	assert_true(s.ata.lba == 0);
}

static void
test_ck_cond_descriptor(void **state)
{
	struct wipe_ata_tf out = { 0, 0, 0x3a3812afULL, 0x40, 0x50 };
	struct wipe_sense s;
	uint8_t b[64];

	(void)state;
	assert_int_equal(wipe_sense_parse(ck_cond_desc, sizeof(ck_cond_desc),
					  &s), 0);
	assert_true(s.descriptor);
	assert_int_equal(s.key, WIPE_SK_RECOVERED);
	assert_int_equal(s.asc, 0x00);
	assert_int_equal(s.ascq, 0x1d);
	assert_true(s.ata_valid);
	assert_true(s.ata.lba == 0x3a3812afULL);
	assert_int_equal(s.ata_status, 0x50);
	assert_int_equal(s.ata_error, 0);
	memset(b, 0xee, sizeof(b));
	assert_int_equal(wipe_sense_build_ata_desc(b, sizeof(b),
						   WIPE_SK_RECOVERED, 0, 0x1d,
						   &out, 0, 1),
			 sizeof(ck_cond_desc));
	assert_memory_equal(b, ck_cond_desc, sizeof(ck_cond_desc));
	/* 48 bits and a count in the upper byte. */
	out.lba = 0xa1b2c3d4e5f6ULL;
	out.count = 0xc000;
	wipe_sense_build_ata_desc(b, sizeof(b), WIPE_SK_RECOVERED, 0, 0x1d,
				  &out, 0, 1);
	assert_int_equal(wipe_sense_parse(b, 22, &s), 0);
	assert_true(s.ata.lba == 0xa1b2c3d4e5f6ULL);
	assert_int_equal(s.ata.count, 0xc000);
	/* Not extended: only the low bytes count. */
	wipe_sense_build_ata_desc(b, sizeof(b), WIPE_SK_RECOVERED, 0, 0x1d,
				  &out, 0, 0);
	assert_int_equal(wipe_sense_parse(b, 22, &s), 0);
	assert_true(s.ata.lba == 0xd4e5f6ULL);
	assert_int_equal(s.ata.count, 0x00);
	/* A descriptor cut short by the additional length is ignored. */
	memcpy(b, ck_cond_desc, sizeof(ck_cond_desc));
	b[7] = 8;
	assert_int_equal(wipe_sense_parse(b, sizeof(ck_cond_desc), &s), 0);
	assert_false(s.ata_valid);
}

static void
test_sat_fixed_ata_info(void **state)
{
	static const uint8_t sat[18] = {
		0xf0, 0x00, 0x01, 0x00, 0x50, 0x40, 0x12, 0x0a,
		0x80, 0x34, 0x56, 0x78, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00,
	};
	struct wipe_sense s;

	(void)state;
	assert_int_equal(wipe_sense_parse(sat, sizeof(sat), &s), 0);
	assert_int_equal(s.key, WIPE_SK_RECOVERED);
	assert_true(s.ata_valid);
	assert_int_equal(s.ata_error, 0x00);
	assert_int_equal(s.ata_status, 0x50);
	assert_int_equal(s.ata.device, 0x40);
	assert_int_equal(s.ata.count, 0x12);
	assert_true(s.ata.lba == 0x785634);
}

static void
test_progress(void **state)
{
	struct wipe_sense s;
	uint8_t b[64];
	size_t n;

	(void)state;
	n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_NOT_READY, 0x04, 0x1b);
	assert_int_equal(n, 18);
	wipe_sense_set_progress(b, &n, sizeof(b), 0x8000);
	assert_int_equal(b[15], 0x80);
	assert_int_equal(b[16], 0x80);
	assert_int_equal(b[17], 0x00);
	assert_int_equal(wipe_sense_parse(b, n, &s), 0);
	assert_true(s.progress_valid);
	assert_int_equal(s.progress, 0x8000);
	assert_string_equal(wipe_asc_name(s.asc, s.ascq),
			    "logical unit not ready, sanitize in progress");
	n = wipe_sense_build_desc(b, sizeof(b), WIPE_SK_NOT_READY, 0x04, 0x1b);
	assert_int_equal(n, 8);
	wipe_sense_set_progress(b, &n, sizeof(b), 0x1234);
	assert_int_equal(n, 16);
	assert_int_equal(b[7], 8);
	assert_int_equal(b[8], 0x02);
	assert_int_equal(wipe_sense_parse(b, n, &s), 0);
	assert_true(s.descriptor);
	assert_true(s.progress_valid);
	assert_int_equal(s.progress, 0x1234);
	/* No SKSV, no progress. */
	b[12] = 0;
	assert_int_equal(wipe_sense_parse(b, n, &s), 0);
	assert_false(s.progress_valid);
}

static void
test_plain_scsi_sense(void **state)
{
	struct wipe_cmd_status st;
	struct wipe_sense s;
	uint8_t b[64];
	size_t n;

	(void)state;
	n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_ILLEGAL_REQUEST, 0x20,
				   0);
	assert_int_equal(wipe_sense_parse(b, n, &s), 0);
	assert_false(s.ata_valid);	/* bytes 8-11 are no ATA status */
	wipe_status_from_scsi(&st, WIPE_SCSI_CHECK_CONDITION, b, n);
	assert_false(st.ok);
	assert_int_equal(st.asc, 0x20);
	assert_non_null(strstr(st.msg, "ILLEGAL REQUEST"));
	assert_non_null(strstr(st.msg, "invalid command operation code"));
	n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_MEDIUM_ERROR, 0x31, 3);
	wipe_status_from_scsi(&st, WIPE_SCSI_CHECK_CONDITION, b, n);
	assert_non_null(strstr(st.msg, "sanitize command failed"));
	/* An unknown ASC is still shown by number. */
	n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_HARDWARE_ERROR, 0x99,
				   0x42);
	wipe_status_from_scsi(&st, WIPE_SCSI_CHECK_CONDITION, b, n);
	assert_non_null(strstr(st.msg, "99/42"));
	wipe_status_from_scsi(&st, WIPE_SCSI_GOOD, NULL, 0);
	assert_true(st.ok);
	wipe_status_from_scsi(&st, 0x18, NULL, 0);	/* reservation */
	assert_false(st.ok);
	assert_non_null(strstr(st.msg, "0x18"));
	/* Descriptor format with an information descriptor, deferred. */
	memset(b, 0, sizeof(b));
	b[0] = 0x73;
	b[1] = WIPE_SK_MEDIUM_ERROR;
	b[2] = 0x11;
	b[7] = 12;
	b[8] = 0x00;
	b[9] = 0x0a;
	b[10] = 0x80;
	b[19] = 0x2a;
	assert_int_equal(wipe_sense_parse(b, 20, &s), 0);
	assert_true(s.deferred && s.descriptor);
	assert_true(s.info_valid);
	assert_true(s.info == 0x2a);
	/* Fixed, deferred, with the INFORMATION field. */
	n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_MEDIUM_ERROR, 0x11, 0);
	b[0] = 0xf1;
	b[6] = 0x07;
	assert_int_equal(wipe_sense_parse(b, n, &s), 0);
	assert_true(s.deferred && !s.descriptor && s.info_valid);
	assert_true(s.info == 7);
}

static void
test_bad_sense(void **state)
{
	static const uint8_t junk[4] = { 0x12, 0, 0, 0 };
	static const uint8_t short_fixed[3] = { 0x70, 0, 0x05 };
	struct wipe_sense s;

	(void)state;
	assert_int_equal(wipe_sense_parse(junk, 4, &s), -EINVAL);
	assert_int_equal(wipe_sense_parse(junk, 0, &s), -EINVAL);
	assert_int_equal(wipe_sense_parse(short_fixed, 3, &s), 0);
	assert_int_equal(s.key, WIPE_SK_ILLEGAL_REQUEST);
	assert_false(s.ata_valid);
	assert_string_equal(wipe_sense_key_name(WIPE_SK_NOT_READY),
			    "NOT READY");
	assert_null(wipe_asc_name(0xff, 0xff));
}

static void
test_ata_status(void **state)
{
	struct wipe_cmd_status st;

	(void)state;
	wipe_status_from_ata(&st, 0x50, 0);
	assert_true(st.ok);
	assert_int_equal(st.kind, WIPE_CMD_ATA);
	wipe_status_from_ata(&st, 0x51, 0x04);
	assert_false(st.ok);
	assert_string_equal(st.msg, "ATA status 0x51, error 0x04 (ABRT): "
			    "command aborted by the drive");
	wipe_status_from_ata(&st, 0x61, 0x00);
	assert_false(st.ok);
	assert_non_null(strstr(st.msg, "device fault"));
	wipe_status_from_ata(&st, 0x51, 0x54);
	assert_non_null(strstr(st.msg, "UNC IDNF ABRT"));
	wipe_status_from_errno(&st, WIPE_CMD_ATA, -ENODEV);
	assert_false(st.ok);
	assert_int_equal(st.err, -ENODEV);
	assert_non_null(strstr(st.msg, "not sent"));
}

static void
test_nvme_status(void **state)
{
	struct wipe_cmd_status st;

	(void)state;
	wipe_status_from_nvme(&st, 0);
	assert_true(st.ok);
	assert_int_equal(st.kind, WIPE_CMD_NVME);
	wipe_status_from_nvme(&st, 0x0001);
	assert_false(st.ok);
	assert_int_equal(st.nvme_sct, 0);
	assert_int_equal(st.nvme_sc, 1);
	assert_string_equal(st.msg, "NVMe status SCT 0x0 SC 0x01: invalid "
			    "command opcode");
	wipe_status_from_nvme(&st, 0x4002);
	assert_true(st.nvme_dnr);
	assert_non_null(strstr(st.msg, "invalid field in command (do not "
					"retry)"));
	wipe_status_from_nvme(&st, 0x001c);
	assert_non_null(strstr(st.msg, "sanitize failed"));
	wipe_status_from_nvme(&st, 0x001d);
	assert_non_null(strstr(st.msg, "sanitize in progress"));
	wipe_status_from_nvme(&st, 0x010a);
	assert_int_equal(st.nvme_sct, 1);
	assert_non_null(strstr(st.msg, "invalid format"));
	wipe_status_from_nvme(&st, 0x0281);
	assert_int_equal(st.nvme_sct, 2);
	assert_non_null(strstr(st.msg, "unrecovered read error"));
	wipe_status_from_nvme(&st, 0x07ff);
	assert_non_null(strstr(st.msg, "unknown status"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libata_aborted_fixed),
		cmocka_unit_test(test_libata_fixed_lba48),
		cmocka_unit_test(test_ck_cond_descriptor),
		cmocka_unit_test(test_sat_fixed_ata_info),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_plain_scsi_sense),
		cmocka_unit_test(test_bad_sense),
		cmocka_unit_test(test_ata_status),
		cmocka_unit_test(test_nvme_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
