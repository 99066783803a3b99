/*
 * test_wipe_simdrive.c - the firmware techniques end to end against the
 * simulated drive (wipe/simdrive.h), through the library calls the CLI's
 * job uses: locked-drive recovery, hidden-area check and restore, plan,
 * markers, the erase, the markers check, the libblkid probe, the record.
 * Covers success for every transport, a frozen drive, power loss during
 * SECURITY ERASE UNIT (drive locked, then unlocked with the journalled
 * password), an erase that fails (password disabled again), unsupported
 * commands, sanitize failure mode, HPA/DCO restore, a signal during an
 * erase that cannot be stopped, and a drive that lies about erasing.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "certs/certs.h"
#include "verify/verify.h"
#include "wipe/simdrive.h"

#define SIZE (16 * WC_MIB)
#define SECTOR 512

/* One wipe, as cli/job.c runs it. */
struct run {
	struct wipe_dev *d;
	struct wipe_plan plan;
	struct vfy_plan vp;
	struct vfy_markers m;
	struct vfy_result vr;
	struct wipe_fw_result fw;
	struct wipe_hidden_result hid;
	struct wipe_contents after;
	struct wipe_pattern expect;
	struct wipe_engine_opts eo;
	struct wipe_fw_opts fo;
	struct wipe_progress prog;
	struct cert_job rec;
	int restore_hidden;
	int ret;
	enum cert_result result;
	volatile sig_atomic_t stop;
};

static char g_dir[256];	/* the records' (and journals') folder */

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "build/tests/simdrive.XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		snprintf(g_dir, sizeof(g_dir), "/tmp/simdrive.XXXXXX");
		if (mkdtemp(g_dir) == NULL)
			return -1;
	}
	return 0;
}

static int
teardown_dir(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct wipe_dev *
sim(const char *text)
{
	struct wipe_sim_spec spec;
	struct wipe_dev *d = NULL;

	wipe_sim_spec_default(&spec);
	assert_int_equal(wipe_sim_parse(text, &spec), 0);
	assert_int_equal(wipe_sim_new(&spec, "sim:test", &d), 0);
	return d;
}

/* A swap signature libblkid finds: something to be destroyed. */
static void
put_swap(struct wipe_dev *d)
{
	uint8_t page[4096];
	uint32_t last = (uint32_t)(d->id.size_bytes / 4096 - 1);
	struct wipe_contents c;

	memset(page, 0, sizeof(page));
	page[1024] = 1;				/* version 1 */
	memcpy(page + 1028, &last, 4);
	memcpy(page + 4086, "SWAPSPACE2", 10);
	assert_int_equal(wipe_dev_pwrite(d, page, sizeof(page), 0), 4096);
	assert_int_equal(wipe_probe_contents(wipe_dev_fd(d), d->id.size_bytes,
					     &c), 0);
	assert_true(wipe_contents_found(&c));
	wipe_contents_release(&c);
}

static void
run_init(struct run *r, struct wipe_dev *d)
{
	memset(r, 0, sizeof(*r));
	r->d = d;
	vfy_markers_init(&r->m);
	vfy_result_init(&r->vr);
	wipe_fw_result_init(&r->fw);
	wipe_engine_opts_default(&r->eo);
	r->eo.stop = &r->stop;
	wipe_fw_opts_default(&r->fo);
	r->fo.stop = &r->stop;
	r->fo.poll_ms = 0;
	r->fo.journal_dir = g_dir;
	assert_int_equal(wc_uuid4(r->rec.id), 0);
	r->fo.record_id = r->rec.id;
}

static void
run_release(struct run *r)
{
	vfy_markers_release(&r->m);
	vfy_result_release(&r->vr);
	vfy_plan_release(&r->vp);
	wipe_contents_release(&r->after);
}

static void
drive_part(struct run *r)
{
	if (r->d->id.security.locked == WIPE_YES)
		r->ret = wipe_fw_recover_locked(r->d, g_dir, &r->fw);
	if (r->ret == 0 && wipe_hidden_check(r->d, &r->hid) == 0) {
		r->rec.hidden = &r->hid;
		if (r->hid.present && r->restore_hidden)
			r->ret = wipe_hidden_restore(r->d, &r->hid);
	}
}

static void
erase_part(struct run *r)
{
	const struct wipe_pattern *expect = NULL;

	r->ret = vfy_plan_sample(r->d->id.size_bytes, r->d->id.logical_sector,
				 0x5eed, &r->vp);
	if (r->ret == 0)
		r->ret = vfy_markers_write(r->d, &r->vp, &r->eo, NULL, &r->m);
	if (r->ret != 0)
		return;
	r->rec.markers = &r->m;
	r->ret = wipe_fw_erase(r->d, &r->plan, &r->fo, &r->prog, &r->fw);
	if (r->ret != 0)
		return;
	if (wipe_fw_promised(&r->plan, &r->expect))
		expect = &r->expect;
	r->rec.fw_expect = expect;
	r->ret = vfy_markers_check(r->d, &r->vp, &r->m, expect, &r->eo, NULL,
				   &r->vr);
	r->rec.vplan = &r->vp;
	r->rec.vres = &r->vr;
	if (r->ret == 0)
		r->ret = vfy_probe_after(r->d, &r->after);
	if (r->ret == 0)
		r->rec.after = &r->after;
}

/* The verdict, as cli/job.c decides it. */
static enum cert_result
decide(const struct run *r)
{
	if (r->ret == -EINTR || r->fw.aborted)
		return CERT_ABORTED;
	if (r->ret != 0 || !r->fw.completed)
		return CERT_FAIL;
	if (r->hid.present && !r->hid.restored)
		return CERT_FAIL;
	if (!vfy_result_ok(&r->vr) || r->rec.after == NULL ||
	    wipe_contents_found(&r->after))
		return CERT_FAIL;
	return CERT_PASS;
}

/* Plan method (or auto) and run it; returns the plan's error, if any. */
static int
run(struct run *r, const char *method)
{
	int ret;

	drive_part(r);
	if (r->ret != 0) {
		r->result = CERT_FAIL;
		return 0;
	}
	ret = wipe_plan_make(&r->d->id, method, 0, &r->plan);
	if (ret != 0)
		return ret;
	if (r->plan.tech == WIPE_TECH_OVERWRITE)
		return -ENOTSUP;	/* not this test's business */
	r->prog.total = r->d->id.size_bytes;
	erase_part(r);
	r->result = decide(r);
	return 0;
}

/* The record's JSON, for a look at what it says. */
static struct json_object *
record(struct run *r)
{
	r->rec.plan = &r->plan;
	r->rec.ident = &r->d->id;
	r->rec.fw = &r->fw;
	r->rec.result = r->result;
	r->rec.issued = r->rec.started = r->rec.ended = time(NULL);
	return cert_record_build(&r->rec);
}

static const char *
jstr(struct json_object *o, const char *path)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o;
	     tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			return NULL;
	return o ? json_object_get_string(o) : NULL;
}

static int
journals(void)
{
	char cmd[512];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c '\\.ata-password$'",
		 g_dir);
	p = popen(cmd, "r");
	if (p != NULL && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p != NULL)
		pclose(p);
	return n;
}

static void
clear_journals(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -f '%s'/*.ata-password", g_dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- success, per transport ------------------------------------------------ */

static void
test_ata_sanitize_crypto(void **state)
{
	struct wipe_sim_state st;
	struct json_object *j;
	struct run r;
	struct wipe_dev *d = sim("ata,ssd,sanitize=crypto+block,size=16M");

	(void)state;
	put_swap(d);
	run_init(&r, d);
	assert_int_equal(run(&r, "auto"), 0);
	assert_string_equal(r.plan.method, "ata-sanitize-crypto");
	assert_int_equal(r.plan.nist, WIPE_NIST_PURGE);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.result, CERT_PASS);
	assert_true(r.fw.completed && r.fw.started);
	assert_true(r.fw.polls >= 3);
	assert_int_equal(r.fw.progress_ppm, 1000000);
	assert_true(r.prog.done == r.prog.total);
	assert_int_equal(r.vr.mismatch.sectors, 0);
	assert_true(r.vr.bytes_read > SIZE / 10);
	wipe_sim_get_state(d, &st);
	assert_true(st.drop_caches >= 1);	/* before reading back */
	j = record(&r);
	assert_string_equal(jstr(j, "result"), "pass");
	assert_string_equal(jstr(j, "technique.nist_category"), "Purge");
	assert_string_equal(jstr(j, "technique.firmware.command"),
			    "ATA SANITIZE CRYPTO SCRAMBLE EXT");
	assert_string_equal(jstr(j, "technique.firmware.parameters"),
			    "command=0xb4 feature=0x0011 count=0x0000 "
			    "lba=0x000043727970 device=0x40");
	assert_string_equal(jstr(j, "technique.firmware.drive_status.ok"),
			    "true");
	assert_string_equal(jstr(j, "media.identity_source"), "ata-identify");
	assert_string_equal(jstr(j, "verification.markers.digest"), "sha256");
	assert_string_equal(jstr(j, "verification.signature_probe.clean"),
			    "true");
	json_object_put(j);
	run_release(&r);
	wipe_dev_close(d);
}

static int g_journal_seen = -1;

static void
on_command(unsigned op, void *arg)
{
	(void)arg;
	/* The password must be on disk before SET PASSWORD reaches it. */
	if (op == WIPE_ATA_SEC_SET_PASSWORD)
		g_journal_seen = journals();
}

static void
test_ata_security_enhanced(void **state)
{
	struct wipe_sim_state st;
	struct json_object *j;
	struct run r;
	struct wipe_dev *d = sim("ata,hdd,enhanced,size=16M");

	(void)state;
	clear_journals();
	put_swap(d);
	wipe_sim_set_hook(d, on_command, NULL);
	run_init(&r, d);
	assert_int_equal(run(&r, "auto"), 0);
	assert_string_equal(r.plan.method, "ata-enhanced-erase");
	assert_int_equal(r.plan.nist, WIPE_NIST_PURGE);	/* HDD */
	assert_int_equal(r.result, CERT_PASS);
	assert_int_equal(g_journal_seen, 1);
	assert_int_equal(journals(), 0);	/* removed once disabled */
	assert_true(r.fw.password_set && r.fw.password_cleared);
	assert_true(r.fw.estimate_s == 4 * 60);
	assert_true(r.fw.timeout_s >= r.fw.estimate_s + 3600);
	wipe_sim_get_state(d, &st);
	assert_false(st.sec_enabled);
	assert_false(st.sec_locked);
	j = record(&r);
	assert_string_equal(jstr(j, "technique.firmware.password.set"), "true");
	assert_string_equal(jstr(j, "technique.firmware.password.cleared"),
			    "true");
	json_object_put(j);
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_ata_secure_erase_ssd_is_clear(void **state)
{
	struct run r;
	struct wipe_dev *d = sim("ata,ssd,security,size=16M");

	(void)state;
	run_init(&r, d);
	/* auto on an SSD without SANITIZE: an overwrite, not this. */
	assert_int_equal(run(&r, "auto"), -ENOTSUP);
	assert_non_null(strstr(r.plan.reason, "ATA SSD without a firmware"));
	run_release(&r);
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	assert_int_equal(r.plan.nist, WIPE_NIST_CLEAR);
	assert_int_equal(r.result, CERT_PASS);
	assert_non_null(r.rec.fw_expect);	/* normal erase: zeros */
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_nvme_format_and_sanitize(void **state)
{
	struct json_object *j;
	struct run r;
	struct wipe_dev *d = sim("nvme,format,format-crypto,sanitize=crypto+"
				 "block,nn=3,fna=0x2,size=16M");

	(void)state;
	assert_int_equal(d->id.source, WIPE_SRC_NVME_IDENTIFY);
	put_swap(d);
	run_init(&r, d);
	assert_int_equal(run(&r, "nvme-format-user"), 0);
	assert_non_null(strstr(r.plan.scope, "ALL 3 namespace"));
	assert_int_equal(r.result, CERT_PASS);
	j = record(&r);
	assert_string_equal(jstr(j, "technique.firmware.parameters"),
			    "opcode=0x80 nsid=0x00000001 cdw10=0x00000200 "
			    "cdw11=0x00000000");
	assert_string_equal(jstr(j, "media.drive_reported.nvme.namespaces"),
			    "3");
	json_object_put(j);
	run_release(&r);
	put_swap(d);
	run_init(&r, d);
	assert_int_equal(run(&r, "auto"), 0);
	assert_string_equal(r.plan.method, "nvme-sanitize-crypto");
	assert_int_equal(r.result, CERT_PASS);
	assert_int_equal(r.fw.estimate_s, 10);	/* from the log page */
	run_release(&r);
	run_init(&r, d);
	assert_int_equal(run(&r, "nvme-sanitize-block"), 0);
	assert_int_equal(r.result, CERT_PASS);	/* and zeros, as promised */
	assert_non_null(r.rec.fw_expect);
	run_release(&r);
	run_init(&r, d);
	assert_int_equal(run(&r, "nvme-format-crypto"), 0);
	assert_int_equal(r.result, CERT_PASS);
	assert_null(r.rec.fw_expect);
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_scsi_sanitize(void **state)
{
	struct run r;
	struct wipe_dev *d = sim("scsi,sanitize=overwrite,size=16M");

	(void)state;
	assert_int_equal(d->id.source, WIPE_SRC_SCSI_INQUIRY);
	assert_string_equal(d->id.serial, "SIM-0001");
	put_swap(d);
	run_init(&r, d);
	assert_int_equal(run(&r, "auto"), 0);
	assert_string_equal(r.plan.method, "scsi-sanitize-overwrite");
	assert_int_equal(r.result, CERT_PASS);
	assert_true(r.fw.polls >= 3);
	assert_non_null(r.rec.fw_expect);	/* zeros, checked */
	run_release(&r);
	wipe_dev_close(d);
}

/* ---- refusals and failures ------------------------------------------------- */

static void
test_frozen(void **state)
{
	struct wipe_sim_state st;
	struct run r;
	struct wipe_dev *d = sim("ata,hdd,enhanced,frozen,size=16M");

	(void)state;
	clear_journals();
	assert_int_equal(d->id.security.frozen, WIPE_YES);
	run_init(&r, d);
	/* auto knows: frozen security is no choice. */
	assert_int_equal(run(&r, "auto"), -ENOTSUP);
	assert_non_null(strstr(r.plan.reason, "suspend/resume or hot-plug"));
	run_release(&r);
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-enhanced-erase"), 0);
	assert_int_equal(r.ret, -EACCES);
	assert_true(r.fw.frozen);
	assert_false(r.fw.password_set);
	assert_non_null(strstr(r.fw.completion, "suspend and resume"));
	assert_non_null(strstr(r.fw.completion, "hot-plug"));
	assert_int_equal(r.result, CERT_FAIL);
	assert_int_equal(journals(), 0);
	wipe_sim_get_state(d, &st);
	assert_false(st.sec_enabled);
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_power_loss_then_recovered(void **state)
{
	struct wipe_sim_state st;
	struct run r;
	uint8_t buf[SECTOR];
	struct wipe_dev *d = sim("ata,hdd,security,fault=power-loss,size=16M");

	(void)state;
	clear_journals();
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	assert_int_equal(r.ret, -ENODEV);
	assert_true(r.fw.aborted);
	assert_int_equal(r.result, CERT_ABORTED);
	assert_true(r.fw.password_set);
	assert_false(r.fw.password_cleared);
	assert_non_null(strstr(r.fw.completion, "journal"));
	assert_int_equal(journals(), 1);	/* the way back in */
	run_release(&r);
	/* Power comes back: the drive is locked with our password. */
	wipe_sim_set_fault(d, WIPE_SIM_FAULT_NONE, 0);
	wipe_sim_power_cycle(d);
	wipe_sim_get_state(d, &st);
	assert_true(st.sec_locked);
	assert_int_equal(wipe_dev_pread(d, buf, SECTOR, 0), -EIO);
	assert_int_equal(wipe_drive_identify(d), 0);
	assert_int_equal(d->id.security.locked, WIPE_YES);
	/* The next wipe unlocks it with the journal, then erases. */
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	assert_true(r.fw.recovered);
	assert_int_equal(r.result, CERT_PASS);
	assert_int_equal(journals(), 0);
	wipe_sim_get_state(d, &st);
	assert_false(st.sec_enabled || st.sec_locked);
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_locked_without_journal(void **state)
{
	struct wipe_sim_state st;
	struct run r;
	struct wipe_dev *d = sim("ata,hdd,security,fault=power-loss,size=16M");

	(void)state;
	clear_journals();
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	run_release(&r);
	clear_journals();	/* lost: nothing can unlock it now */
	wipe_sim_set_fault(d, WIPE_SIM_FAULT_NONE, 0);
	wipe_sim_power_cycle(d);
	assert_int_equal(wipe_drive_identify(d), 0);
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	assert_int_equal(r.ret, -ENOENT);
	assert_int_equal(r.result, CERT_FAIL);
	wipe_sim_get_state(d, &st);
	assert_true(st.sec_locked);
	assert_int_equal(st.attempts, 5);	/* no password guessed */
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_erase_fails_password_disabled(void **state)
{
	struct wipe_sim_state st;
	struct run r;
	struct wipe_dev *d = sim("ata,hdd,security,fault=cmd:0xf4,size=16M");

	(void)state;
	clear_journals();
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	assert_int_equal(r.ret, -EIO);
	assert_int_equal(r.result, CERT_FAIL);
	assert_true(r.fw.password_set);
	assert_true(r.fw.password_cleared);	/* never left locked */
	assert_int_equal(journals(), 0);
	assert_string_equal(r.fw.steps[r.fw.nsteps - 2].name,
			    "SECURITY DISABLE PASSWORD");
	wipe_sim_get_state(d, &st);
	assert_false(st.sec_enabled);
	wipe_sim_power_cycle(d);
	wipe_sim_get_state(d, &st);
	assert_false(st.sec_locked);
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_unsupported(void **state)
{
	struct wipe_plan plan;
	struct run r;
	struct wipe_dev *d = sim("ata,ssd,size=16M");

	(void)state;
	assert_int_equal(wipe_plan_make(&d->id, "ata-sanitize-crypto", 0,
					&plan), -EOPNOTSUPP);
	assert_non_null(strstr(plan.reason, "not support"));
	assert_int_equal(wipe_plan_make(&d->id, "nvme-format-user", 0, &plan),
			 -EOPNOTSUPP);
	wipe_dev_close(d);
	/* Claims SANITIZE, then rejects it. */
	d = sim("ata,ssd,sanitize=crypto,fault=cmd:0xb4,size=16M");
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-sanitize-crypto"), 0);
	assert_int_equal(r.ret, -EOPNOTSUPP);
	assert_true(r.fw.unsupported);
	assert_int_equal(r.result, CERT_FAIL);
	run_release(&r);
	wipe_dev_close(d);
	d = sim("nvme,sanitize=block,fault=cmd:0x84,size=16M");
	run_init(&r, d);
	assert_int_equal(run(&r, "nvme-sanitize-block"), 0);
	assert_int_equal(r.ret, -EOPNOTSUPP);
	assert_non_null(strstr(r.fw.completion, "invalid command opcode"));
	run_release(&r);
	wipe_dev_close(d);
	/* A USB bridge refuses pass-through: said, and overwrite it is. */
	d = sim("usb,size=16M");
	assert_int_equal(d->id.source, WIPE_SRC_SYSFS);
	assert_non_null(strstr(d->id.drive.passthru, "USB bridge"));
	assert_int_equal(wipe_plan_make(&d->id, "ata-secure-erase", 0, &plan),
			 -EOPNOTSUPP);
	assert_non_null(strstr(plan.reason, "pass-through"));
	assert_int_equal(wipe_plan_make(&d->id, "auto", 0, &plan), 0);
	assert_string_equal(plan.method, "random");
	assert_int_equal(plan.nist, WIPE_NIST_CLEAR);
	assert_non_null(strstr(plan.reason, "pass-through"));
	wipe_dev_close(d);
}

static void
test_sanitize_failure_mode(void **state)
{
	static const char *const specs[] = {
		"ata,ssd,sanitize=crypto,fault=sanitize-fail,size=16M",
		"scsi,sanitize=crypto,fault=sanitize-fail,size=16M",
		"nvme,sanitize=crypto,fault=sanitize-fail,size=16M",
	};
	struct wipe_sim_state st;
	uint8_t buf[SECTOR];
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < WC_ARRAY_SIZE(specs); i++) {
		struct wipe_dev *d = sim(specs[i]);

		run_init(&r, d);
		assert_int_equal(run(&r, "auto"), 0);
		assert_int_equal(r.ret, -EIO);
		assert_true(r.fw.failure_mode);
		assert_non_null(strstr(r.fw.completion, "ail"));
		assert_int_equal(r.result, CERT_FAIL);
		wipe_sim_get_state(d, &st);
		assert_true(st.sanitize_failed);
		assert_int_equal(wipe_dev_pread(d, buf, SECTOR, 0), -EIO);
		run_release(&r);
		/*
		 * A sanitize that succeeds leaves the failure state; but no
		 * marker could be written into a drive in it, so that run
		 * cannot be certified either.  The next one can.
		 */
		wipe_sim_set_fault(d, WIPE_SIM_FAULT_NONE, 0);
		run_init(&r, d);
		assert_int_equal(run(&r, "auto"), 0);
		assert_int_equal(r.ret, 0);
		assert_true(r.fw.completed);
		assert_true(r.m.unwritable.sectors > 0);
		assert_int_equal(r.result, CERT_FAIL);
		run_release(&r);
		wipe_sim_get_state(d, &st);
		assert_false(st.sanitize_failed);
		run_init(&r, d);
		assert_int_equal(run(&r, "auto"), 0);
		if (r.result != CERT_PASS)
			fail_msg("%s: again: ret %d, %s", specs[i], r.ret,
				 r.fw.completion);
		run_release(&r);
		wipe_dev_close(d);
	}
}

static void
test_lying_drive(void **state)
{
	struct run r;
	struct wipe_dev *d = sim("ata,ssd,sanitize=block,fault=noop,size=16M");

	(void)state;
	put_swap(d);
	run_init(&r, d);
	assert_int_equal(run(&r, "auto"), 0);
	assert_true(r.fw.completed);		/* it says so... */
	assert_true(r.vr.mismatch.sectors > 0);	/* ...the markers disagree */
	assert_int_equal(r.result, CERT_FAIL);
	run_release(&r);
	wipe_dev_close(d);
}

/* ---- hidden areas ---------------------------------------------------------- */

static void
test_hidden_hpa(void **state)
{
	struct wipe_sim_state st;
	struct json_object *j;
	uint64_t bytes;
	uint8_t *media;
	struct run r;
	struct wipe_dev *d = sim("ata,hdd,security,hpa=2048,size=16M");

	(void)state;
	clear_journals();
	assert_int_equal(d->id.hidden.hpa_enabled, WIPE_YES);
	assert_int_equal(d->id.hidden.native_max_lba, 32768 + 2048 - 1);
	/* Data in the hidden area, out of the host's reach. */
	media = wipe_sim_media(d, &bytes);
	memset(media + SIZE, 0xa5, 2048 * SECTOR);
	run_init(&r, d);
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	assert_true(r.hid.present);
	assert_false(r.hid.restored);
	assert_int_equal(r.result, CERT_FAIL);	/* not certified */
	assert_int_equal(media[SIZE], 0xa5);	/* the HPA kept its data */
	run_release(&r);
	run_init(&r, d);
	r.restore_hidden = 1;
	assert_int_equal(run(&r, "ata-secure-erase"), 0);
	assert_true(r.hid.restored);
	assert_true(r.hid.size_after == SIZE + 2048 * SECTOR);
	assert_true(d->id.size_bytes == SIZE + 2048 * SECTOR);	/* rescanned */
	assert_int_equal(r.result, CERT_PASS);
	assert_int_equal(media[SIZE], 0x00);	/* now erased */
	wipe_sim_get_state(d, &st);
	assert_true(st.visible == st.native);
	j = record(&r);
	assert_string_equal(jstr(j, "media.hidden_areas.restore.before."
				    "visible_max_lba"), "32767");
	assert_string_equal(jstr(j, "media.hidden_areas.restore.after."
				    "visible_max_lba"), "34815");
	assert_string_equal(jstr(j, "media.hidden_areas.restore.restored"),
			    "true");
	json_object_put(j);
	run_release(&r);
	wipe_dev_close(d);
}

static void
test_hidden_dco_and_rescan(void **state)
{
	struct wipe_hidden_result h;
	struct wipe_ata_cmd c;
	struct wipe_dev *d = sim("ata,ssd,hpa=1024,dco=2048,size=16M");

	(void)state;
	assert_int_equal(d->id.hidden.dco_present, WIPE_YES);
	assert_int_equal(d->id.hidden.dco_max_lba, 32768 + 1024 + 2048 - 1);
	/* SET MAX must follow READ NATIVE MAX; the kernel's size changes
	 * only on a rescan. */
	wipe_ata_set_max_ext(&c, 32768 + 1024 - 1, 0);
	assert_int_equal(wipe_dev_ata(d, &c), -EIO);
	assert_true(c.st.ata_error & WIPE_ATA_ER_ABRT);
	assert_int_equal(wipe_hidden_check(d, &h), 0);
	assert_true(h.present);
	assert_int_equal(wipe_hidden_restore(d, &h), 0);
	assert_true(h.restored);
	assert_int_equal(h.after.visible_max_lba, 32768 + 1024 + 2048 - 1);
	assert_int_equal(h.after.dco_present, WIPE_NO);
	assert_true(d->id.size_bytes == (32768ULL + 3072) * SECTOR);
	assert_true(h.nsteps >= 4);
	assert_string_equal(h.steps[2].name, "DEVICE CONFIGURATION RESTORE");
	wipe_dev_close(d);
}

/* ---- a signal during an erase that cannot be stopped ----------------------- */

static void
test_signal_still_erasing(void **state)
{
	static const char *const specs[] = {
		"ata,hdd,security,erase-ms=1500,size=16M",
		"nvme,format,erase-ms=1500,size=16M",
	};
	static const char *const methods[] = { "ata-secure-erase",
					       "nvme-format-user" };
	struct run r;
	uint64_t t0;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct wipe_dev *d = sim(specs[i]);

		clear_journals();
		run_init(&r, d);
		wipe_sim_set_stop(d, &r.stop);	/* ^C as the erase starts */
		t0 = wc_mono_ns();
		assert_int_equal(run(&r, methods[i]), 0);
		assert_int_equal(r.ret, -EINTR);
		/* Back well before the drive is done. */
		assert_true(wc_mono_ns() - t0 < 1200000000ULL);
		assert_true(r.fw.aborted && r.fw.still_erasing);
		assert_non_null(strstr(r.fw.completion,
				       "aborted, drive still erasing"));
		assert_int_equal(r.result, CERT_ABORTED);
		run_release(&r);
		/* Closing waits for the drive; the erase then completes. */
		wipe_dev_close(d);
	}
}

/* ---- the security state machine itself ----------------------------------- */

static void
test_attempt_counter(void **state)
{
	static const uint8_t pw[32] = "right-password..................";
	static const uint8_t bad[32] = "wrong-password..................";
	struct wipe_sim_state st;
	struct wipe_ata_cmd c;
	uint8_t buf[512];
	int i;
	struct wipe_dev *d = sim("ata,security,size=16M");

	(void)state;
	wipe_ata_sec_set_password(&c, buf, pw, 0, 0);
	assert_int_equal(wipe_dev_ata(d, &c), 0);
	wipe_sim_power_cycle(d);
	wipe_sim_get_state(d, &st);
	assert_true(st.sec_locked);
	for (i = 0; i < 5; i++) {
		wipe_ata_sec_unlock(&c, buf, bad, 0);
		assert_int_equal(wipe_dev_ata(d, &c), -EIO);
		assert_true(c.out_valid);	/* libata's fixed layout */
		assert_int_equal(c.st.ata_status, 0x51);
	}
	wipe_sim_get_state(d, &st);
	assert_true(st.sec_expired);
	wipe_ata_sec_unlock(&c, buf, pw, 0);	/* expired: even the right one */
	assert_int_equal(wipe_dev_ata(d, &c), -EIO);
	assert_int_equal(wipe_drive_identify(d), 0);
	assert_int_equal(d->id.security.expired, WIPE_YES);
	wipe_sim_power_cycle(d);
	wipe_ata_sec_unlock(&c, buf, pw, 0);
	assert_int_equal(wipe_dev_ata(d, &c), 0);
	wipe_ata_sec_disable_password(&c, buf, pw, 0);
	assert_int_equal(wipe_dev_ata(d, &c), 0);
	wipe_sim_get_state(d, &st);
	assert_false(st.sec_enabled);
	/* ERASE UNIT without PREPARE right before it is refused. */
	wipe_ata_sec_set_password(&c, buf, pw, 0, 0);
	assert_int_equal(wipe_dev_ata(d, &c), 0);
	wipe_ata_sec_erase_unit(&c, buf, pw, 0, 0);
	assert_int_equal(wipe_dev_ata(d, &c), -EIO);
	wipe_dev_close(d);
}

static void
test_sat_rules(void **state)
{
	struct wipe_scsi_cmd s;
	struct wipe_ata_cmd c;
	uint8_t buf[512];
	struct wipe_dev *d = sim("ata,size=16M");

	(void)state;
	/* CK_COND on PIO data-in: libata aborts it and sends no data. */
	wipe_ata_identify(&c, buf);
	assert_int_equal(wipe_ata_cdb16(&c, s.cdb), 0);
	s.cdb[2] |= WIPE_SAT_CK_COND;
	s.cdb_len = 16;
	s.dir = WIPE_DIR_IN;
	s.data = buf;
	s.len = 512;
	s.timeout_ms = 1000;
	assert_int_equal(d->ops->scsi_cmd(d, &s), 0);
	assert_int_equal(s.status, WIPE_SCSI_CHECK_CONDITION);
	assert_int_equal(s.resid, 512);
	/* READ NATIVE MAX answers in descriptor sense (CK_COND). */
	wipe_ata_read_native_max_ext(&c);
	assert_int_equal(wipe_dev_ata(d, &c), 0);
	assert_true(c.out_valid);
	assert_true(c.out.lba == 32767);
	wipe_dev_close(d);
}

static void
test_spec_parse(void **state)
{
	struct wipe_sim_spec s;

	(void)state;
	wipe_sim_spec_default(&s);
	assert_int_equal(wipe_sim_parse("nvme,size=1G,lba=4096,fna=4,nn=2", &s),
			 0);
	assert_int_equal(s.kind, WIPE_SIM_NVME);
	assert_int_equal(s.logical, 4096);
	assert_true(s.sectors == WC_GIB / 4096);
	assert_int_equal(s.fna, 4);
	wipe_sim_spec_default(&s);
	assert_int_equal(wipe_sim_parse("bogus", &s), -EINVAL);
	assert_int_equal(wipe_sim_parse("size=12Q", &s), -EINVAL);
	assert_int_equal(wipe_sim_parse("fault=cmd:0x1ff", &s), -EINVAL);
	assert_int_equal(wipe_sim_parse("sanitize=crypto+magic", &s), -EINVAL);
	assert_int_equal(wipe_sim_parse("size=0", &s), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_parse),
		cmocka_unit_test(test_sat_rules),
		cmocka_unit_test(test_ata_sanitize_crypto),
		cmocka_unit_test(test_ata_security_enhanced),
		cmocka_unit_test(test_ata_secure_erase_ssd_is_clear),
		cmocka_unit_test(test_nvme_format_and_sanitize),
		cmocka_unit_test(test_scsi_sanitize),
		cmocka_unit_test(test_frozen),
		cmocka_unit_test(test_power_loss_then_recovered),
		cmocka_unit_test(test_locked_without_journal),
		cmocka_unit_test(test_erase_fails_password_disabled),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_sanitize_failure_mode),
		cmocka_unit_test(test_lying_drive),
		cmocka_unit_test(test_hidden_hpa),
		cmocka_unit_test(test_hidden_dco_and_rescan),
		cmocka_unit_test(test_signal_still_erasing),
		cmocka_unit_test(test_attempt_counter),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
