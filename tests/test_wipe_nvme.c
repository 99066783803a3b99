/*
 * test_wipe_nvme.c - NVMe admin commands dword for dword (Identify,
 * Format NVM with SES, Sanitize with SANACT/AUSE/OWPASS/OIPBP/NDAS, Get
 * Log Page 81h), the Sanitize Status log, and Identify Controller and
 * Namespace decoding: on the real dumps of ../shared/fixtures/nvme, on
 * controllers rebuilt from published `nvme id-ctrl` values, and on what
 * `auto` then chooses.
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nvme/types.h>

#include "tests/fixtures.h"
#include "wipe/cmd.h"

/* ---- commands -------------------------------------------------------------- */

static void
test_identify_cmds(void **state)
{
	struct wipe_nvme_cmd c;
	uint8_t buf[4096];

	(void)state;
	wipe_nvme_identify_ctrl(&c, buf);
	assert_int_equal(c.opcode, 0x06);
	assert_int_equal(c.nsid, 0);
	assert_int_equal(c.cdw10, 0x00000001);
	assert_int_equal(c.cdw11, 0);
	assert_ptr_equal(c.data, buf);
	assert_int_equal(c.len, 4096);
	wipe_nvme_identify_ns(&c, 8, buf);
	assert_int_equal(c.opcode, 0x06);
	assert_int_equal(c.nsid, 8);
	assert_int_equal(c.cdw10, 0x00000000);
	assert_true(c.timeout_ms > 0);
}

static void
test_format_cmd(void **state)
{
	struct wipe_nvme_cmd c;

	(void)state;
	wipe_nvme_format(&c, 1, 0, 0, 0, 0, 1);
	assert_int_equal(c.opcode, 0x80);
	assert_int_equal(c.nsid, 1);
	assert_int_equal(c.cdw10, 0x00000200);	/* SES=1 */
	assert_null(c.data);
	assert_int_equal(c.len, 0);
	wipe_nvme_format(&c, 1, 0, 0, 0, 0, 2);
	assert_int_equal(c.cdw10, 0x00000400);	/* SES=2 */
	/* LBAF 5, MSET, PI 3, PIL, SES 2 */
	wipe_nvme_format(&c, 0xffffffff, 5, 1, 3, 1, 2);
	assert_int_equal(c.nsid, 0xffffffff);
	assert_int_equal(c.cdw10, 0x00000575);
	/* LBAF 17: the upper bits go to LBAFU (13:12). */
	wipe_nvme_format(&c, 1, 17, 0, 0, 0, 1);
	assert_int_equal(c.cdw10, 0x00001201);
	/* Out-of-range values cannot spill into other fields. */
	wipe_nvme_format(&c, 1, 0, 2, 8, 2, 8);
	assert_int_equal(c.cdw10, 0);
}

static void
test_sanitize_cmd(void **state)
{
	struct wipe_nvme_cmd c;

	(void)state;
	wipe_nvme_sanitize(&c, NVME_SANITIZE_SANACT_START_CRYPTO_ERASE, 0, 0,
			   0, 0, 0);
	assert_int_equal(c.opcode, 0x84);
	assert_int_equal(c.nsid, 0);
	assert_int_equal(c.cdw10, 0x00000004);
	assert_int_equal(c.cdw11, 0);
	wipe_nvme_sanitize(&c, NVME_SANITIZE_SANACT_START_BLOCK_ERASE, 0, 0, 0,
			   0, 0);
	assert_int_equal(c.cdw10, 0x00000002);
	wipe_nvme_sanitize(&c, NVME_SANITIZE_SANACT_START_OVERWRITE, 0, 1, 0,
			   0, 0xdeadbeef);
	assert_int_equal(c.cdw10, 0x00000013);
	assert_int_equal(c.cdw11, 0xdeadbeef);
	/* AUSE, OWPASS 15, OIPBP, NDAS */
	wipe_nvme_sanitize(&c, NVME_SANITIZE_SANACT_START_OVERWRITE, 1, 15, 1,
			   1, 0);
	assert_int_equal(c.cdw10, 0x000003fb);
	wipe_nvme_sanitize(&c, NVME_SANITIZE_SANACT_EXIT_FAILURE, 0, 0, 0, 0,
			   0);
	assert_int_equal(c.cdw10, 0x00000001);
}

static void
test_get_log_cmd(void **state)
{
	struct wipe_nvme_cmd c;
	uint8_t buf[512];
	char desc[128];

	(void)state;
	wipe_nvme_get_log_sanitize(&c, buf);
	assert_int_equal(c.opcode, 0x02);
	assert_int_equal(c.nsid, 0xffffffff);
	assert_int_equal(c.cdw10, 0x007f0081);	/* NUMDL 127, LID 81h */
	assert_int_equal(c.cdw11, 0);
	assert_int_equal(c.len, 512);
	wipe_nvme_describe(&c, desc, sizeof(desc));
	assert_string_equal(desc, "opcode=0x02 nsid=0xffffffff "
			    "cdw10=0x007f0081 cdw11=0x00000000");
}

static void
test_sanlog_decode(void **state)
{
	struct nvme_sanitize_log_page p;
	struct wipe_nvme_sanlog l;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.sprog = htole16(0x1234);
	p.sstat = htole16(2 | 3 << 3 | 1 << 8);
	p.scdw10 = htole32(4);
	p.eto = htole32(100);
	p.etbe = htole32(200);
	p.etce = htole32(0xffffffff);
	assert_int_equal(wipe_nvme_sanlog_decode((uint8_t *)&p, sizeof(p), &l),
			 0);
	assert_int_equal(l.sprog, 0x1234);
	assert_int_equal(l.status, NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS);
	assert_int_equal(l.passes, 3);
	assert_true(l.global_erased);
	assert_int_equal(l.scdw10, 4);
	assert_int_equal(l.eto, 100);
	assert_int_equal(l.etbe, 200);
	assert_int_equal(l.etce, 0xffffffff);
	assert_int_equal(wipe_nvme_sanlog_decode((uint8_t *)&p, 100, &l),
			 -EINVAL);
}

/* ---- Identify built from the specification ------------------------------- */

static void
fill_str(char *dst, size_t len, const char *s)
{
	size_t n = strlen(s);

	memset(dst, ' ', len);
	memcpy(dst, s, n < len ? n : len);
}

static void
test_ns_spec(void **state)
{
	struct nvme_id_ns ns;
	struct wipe_nvme_ns n;

	(void)state;
	memset(&ns, 0, sizeof(ns));
	ns.nsze = htole64(1000);
	ns.nlbaf = 1;
	ns.flbas = 0x11;		/* format 1, metadata at the end */
	ns.lbaf[0].ds = 9;
	ns.lbaf[1].ds = 12;
	ns.lbaf[1].ms = htole16(8);
	ns.dps = 0x09;
	assert_int_equal(wipe_nvme_ns_decode((uint8_t *)&ns, sizeof(ns), &n),
			 0);
	assert_int_equal(n.lbaf, 1);
	assert_int_equal(n.lba_bytes, 4096);
	assert_int_equal(n.ms, 8);
	assert_int_equal(n.dps, 9);
	/* 64 formats: flbas bits 6:5 extend the index. */
	ns.nlbaf = 20;
	ns.flbas = 0x21;		/* index 17 */
	ns.lbaf[17].ds = 9;
	assert_int_equal(wipe_nvme_ns_decode((uint8_t *)&ns, sizeof(ns), &n),
			 0);
	assert_int_equal(n.lbaf, 17);
	assert_int_equal(n.lba_bytes, 512);
	/* An index beyond the formats, or a silly size, is rejected. */
	ns.nlbaf = 0;
	ns.flbas = 0x01;
	assert_int_equal(wipe_nvme_ns_decode((uint8_t *)&ns, sizeof(ns), &n),
			 -EINVAL);
	ns.flbas = 0;
	ns.lbaf[0].ds = 40;
	assert_int_equal(wipe_nvme_ns_decode((uint8_t *)&ns, sizeof(ns), &n),
			 -EINVAL);
	assert_int_equal(wipe_nvme_ns_decode((uint8_t *)&ns, 512, &n),
			 -EINVAL);
}

static void
test_ctrl_spec_tnvmcap(void **state)
{
	struct nvme_id_ctrl id;
	struct wipe_nvme_ctrl c;
	struct wipe_ident ident;

	(void)state;
	memset(&id, 0, sizeof(id));
	assert_int_equal(wipe_nvme_ctrl_decode((uint8_t *)&id, sizeof(id), &c),
			 -EINVAL);
	fill_str(id.mn, sizeof(id.mn), "BIG");
	id.tnvmcap[8] = 1;		/* 2^64 bytes */
	assert_int_equal(wipe_nvme_ctrl_decode((uint8_t *)&id, sizeof(id), &c),
			 0);
	assert_true(c.tnvmcap_hi == 1 && c.tnvmcap_lo == 0);
	assert_int_equal(wipe_ident_from_nvme(&id, sizeof(id), NULL, 0,
					      &ident), 0);
	assert_true(ident.drive.tnvmcap == UINT64_MAX);
	assert_int_equal(ident.caps, WIPE_CAP_OVERWRITE);
	assert_int_equal(wipe_ident_from_nvme(&id, 100, NULL, 0, &ident),
			 -EINVAL);
}

/* ---- the real dumps -------------------------------------------------------- */

static uint64_t
jnum(struct json_object *o, const char *key)
{
	struct json_object *v = jpath(o, key);
	char buf[64], *p;
	size_t k = 0;

	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_int))
		return (uint64_t)json_object_get_int64(v);
	for (p = (char *)json_object_get_string(v); *p && k < 63; p++)
		if (*p != ',')
			buf[k++] = *p;
	buf[k] = '\0';
	return strtoull(buf, NULL, 0);
}

static void
test_ctrl_fixture_bin(void **state)
{
	struct json_object *e, *d;
	struct wipe_nvme_ctrl c;
	struct wipe_ident id;
	uint8_t *buf;
	size_t len;
	const char *name =
		"fwupd_TOSHIBA_THNSN5512GPU7--410557LA_REDACTED-SERIAL";
	char file[256];

	(void)state;
	if (!fixtures_present("nvme"))
		skip();
	snprintf(file, sizeof(file), "%s.id-ctrl.bin", name);
	assert_int_equal(fixture_read("nvme", file, &buf, &len), 0);
	snprintf(file, sizeof(file), "%s.expected.json", name);
	e = fixture_json("nvme", file);
	d = jpath(e, "decoded");
	assert_non_null(d);
	assert_int_equal(wipe_nvme_ctrl_decode(buf, len, &c), 0);
	assert_string_equal(c.mn, json_object_get_string(jpath(d, "mn")));
	assert_string_equal(c.sn, "37RSDEADBEEF");	/* trimmed */
	assert_string_equal(c.fr, json_object_get_string(jpath(d, "fr")));
	assert_int_equal(c.vid, jnum(d, "vid"));
	assert_int_equal(c.oacs, jnum(d, "oacs"));
	assert_int_equal(c.sanicap, jnum(d, "sanicap"));
	assert_int_equal(c.fna, jnum(d, "fna"));
	assert_int_equal(c.nn, jnum(d, "nn"));
	assert_true(c.tnvmcap_lo == jnum(d, "tnvmcap"));
	assert_int_equal(!!(c.oacs & NVME_CTRL_OACS_FORMAT),
			 json_object_get_boolean(jpath(d, "derived.oacs_format_nvm")));
	assert_int_equal(wipe_ident_from_nvme(buf, len, NULL, 0, &id), 0);
	assert_int_equal(id.caps, WIPE_CAP_OVERWRITE |
				  WIPE_CAP_NVME_FORMAT_USER);
	assert_int_equal(id.source, WIPE_SRC_NVME_IDENTIFY);
	assert_string_equal(id.model, "THNSN5512GPU7 TOSHIBA");
	json_object_put(e);
	free(buf);
}

static void
test_ns_fixture_bin(void **state)
{
	const char *name = "ecclesia_Intel_nsid8_4KiB_1GiB";
	struct json_object *e, *d;
	struct wipe_nvme_ns n;
	uint8_t *buf;
	size_t len;
	char file[256];

	(void)state;
	if (!fixtures_present("nvme"))
		skip();
	snprintf(file, sizeof(file), "%s.id-ns.bin", name);
	assert_int_equal(fixture_read("nvme", file, &buf, &len), 0);
	snprintf(file, sizeof(file), "%s.expected.json", name);
	e = fixture_json("nvme", file);
	d = jpath(e, "decoded");
	assert_int_equal(wipe_nvme_ns_decode(buf, len, &n), 0);
	assert_true(n.nsze == jnum(d, "nsze"));
	assert_true(n.ncap == jnum(d, "ncap"));
	assert_int_equal(n.flbas, jnum(d, "flbas"));
	assert_int_equal(n.lbaf, jnum(d, "derived.in_use_format_index"));
	assert_int_equal(n.lba_bytes, jnum(d, "derived.lba_size_bytes"));
	assert_true(n.nsze * n.lba_bytes == jnum(d, "derived.size_bytes"));
	json_object_put(e);
	free(buf);
}

/* A controller rebuilt from what `nvme id-ctrl` printed for it. */
static void
rebuild(struct json_object *f, struct nvme_id_ctrl *id)
{
	uint64_t cap = jnum(f, "tnvmcap");
	unsigned i;

	memset(id, 0, sizeof(*id));
	id->vid = htole16((uint16_t)jnum(f, "vid"));
	fill_str(id->mn, sizeof(id->mn),
		 json_object_get_string(jpath(f, "mn")));
	if (jpath(f, "sn") != NULL)
		fill_str(id->sn, sizeof(id->sn),
			 json_object_get_string(jpath(f, "sn")));
	fill_str(id->fr, sizeof(id->fr),
		 json_object_get_string(jpath(f, "fr")));
	id->oacs = htole16((uint16_t)jnum(f, "oacs"));
	id->sanicap = htole32((uint32_t)jnum(f, "sanicap"));
	id->fna = (uint8_t)jnum(f, "fna");
	id->nn = htole32((uint32_t)jnum(f, "nn"));
	for (i = 0; i < 8; i++)
		id->tnvmcap[i] = (uint8_t)(cap >> (8 * i));
}

static uint32_t
expected_caps(struct json_object *f)
{
	uint32_t caps = WIPE_CAP_OVERWRITE;
	uint64_t oacs = jnum(f, "oacs"), san = jnum(f, "sanicap");

	if (oacs & 2)
		caps |= WIPE_CAP_NVME_FORMAT_USER;
	if ((oacs & 2) && (jnum(f, "fna") & 4))
		caps |= WIPE_CAP_NVME_FORMAT_CRYPTO;
	if (san & 1)
		caps |= WIPE_CAP_NVME_SANITIZE_CRYPTO;
	if (san & 2)
		caps |= WIPE_CAP_NVME_SANITIZE_BLOCK;
	if (san & 4)
		caps |= WIPE_CAP_NVME_SANITIZE_OVERWRITE;
	return caps;
}

static void
check_text_fixture(const char *name)
{
	struct json_object *e, *f;
	struct nvme_id_ctrl id;
	struct wipe_ident ident;
	struct wipe_plan plan;
	char file[256];

	snprintf(file, sizeof(file), "%s.expected.json", name);
	e = fixture_json("nvme", file);
	f = jpath(e, "fields");
	if (f == NULL) {	/* a binary fixture, checked above */
		json_object_put(e);
		return;
	}
	print_message("  %s\n", name);
	rebuild(f, &id);
	assert_int_equal(wipe_ident_from_nvme(&id, sizeof(id), NULL, 0,
					      &ident), 0);
	assert_string_equal(ident.model, json_object_get_string(jpath(f, "mn")));
	assert_string_equal(ident.firmware,
			    json_object_get_string(jpath(f, "fr")));
	assert_true(ident.drive.tnvmcap == jnum(f, "tnvmcap"));
	assert_int_equal(ident.drive.nn, jnum(f, "nn"));
	assert_int_equal(ident.caps, expected_caps(f));
	/* auto: Sanitize crypto > block > Format SES=2 > SES=1 (§4). */
	assert_int_equal(wipe_plan_make(&ident, "auto", 0, &plan), 0);
	if (jnum(f, "sanicap") & 1)
		assert_string_equal(plan.method, "nvme-sanitize-crypto");
	else if (jnum(f, "sanicap") & 2)
		assert_string_equal(plan.method, "nvme-sanitize-block");
	else if ((jnum(f, "oacs") & 2) && (jnum(f, "fna") & 4))
		assert_string_equal(plan.method, "nvme-format-crypto");
	else if (jnum(f, "oacs") & 2)
		assert_string_equal(plan.method, "nvme-format-user");
	assert_int_equal(plan.nist, WIPE_NIST_PURGE);
	assert_int_equal(plan.npasses, 0);
	assert_true(strlen(plan.scope) > 0);
	json_object_put(e);
}

static void
test_ctrl_fixture_text(void **state)
{
	char **names;
	size_t n, i;

	(void)state;
	if (!fixtures_present("nvme"))
		skip();
	n = fixture_names("nvme", ".expected.json", &names);
	assert_true(n >= 5);
	for (i = 0; i < n; i++)
		check_text_fixture(names[i]);
	fixture_names_free(names, n);
}

/* FNA decides whether a Format reaches other namespaces: the plan says. */
static void
test_format_scope(void **state)
{
	struct nvme_id_ctrl id;
	struct wipe_ident ident;
	struct wipe_plan plan;

	(void)state;
	memset(&id, 0, sizeof(id));
	fill_str(id.mn, sizeof(id.mn), "SCOPE");
	id.oacs = htole16(NVME_CTRL_OACS_FORMAT);
	id.nn = htole32(4);
	id.fna = NVME_CTRL_FNA_SEC_ALL_NAMESPACES;
	assert_int_equal(wipe_ident_from_nvme(&id, sizeof(id), NULL, 0,
					      &ident), 0);
	ident.drive.nsid = 2;
	assert_int_equal(wipe_plan_make(&ident, "nvme-format-user", 0, &plan),
			 0);
	assert_non_null(strstr(plan.scope, "ALL 4 namespace"));
	ident.drive.fna = 0;
	assert_int_equal(wipe_plan_make(&ident, "nvme-format-user", 0, &plan),
			 0);
	assert_non_null(strstr(plan.scope, "namespace 2 only"));
	/* No crypto erase in FNA: SES=2 is not offered. */
	assert_int_equal(wipe_plan_make(&ident, "nvme-format-crypto", 0,
					&plan), -EOPNOTSUPP);
	assert_non_null(strstr(plan.reason, "not support"));
	assert_int_equal(wipe_plan_make(&ident, "nvme-sanitize-block", 0,
					&plan), -EOPNOTSUPP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify_cmds),
		cmocka_unit_test(test_format_cmd),
		cmocka_unit_test(test_sanitize_cmd),
		cmocka_unit_test(test_get_log_cmd),
		cmocka_unit_test(test_sanlog_decode),
		cmocka_unit_test(test_ns_spec),
		cmocka_unit_test(test_ctrl_spec_tnvmcap),
		cmocka_unit_test(test_ctrl_fixture_bin),
		cmocka_unit_test(test_ns_fixture_bin),
		cmocka_unit_test(test_ctrl_fixture_text),
		cmocka_unit_test(test_format_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
