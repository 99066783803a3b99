/*
 * method.c - erase methods by name and the plan for one target.
 *
 * Overwrite schemes here; firmware techniques (ATA, NVMe, SCSI) are in
 * wipe/firmware.c, which also makes `auto`'s choice.  NIST SP 800-88 Rev. 2
 * and IEEE 2883 say one pass suffices; multi-pass schemes are here
 * because clients ask for them by name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wipe/fw.h"
#include "wipe/wipe.h"

/* A pass template: a byte pattern, or 'R' random, or 'C' complement of
 * the previous random pass. */
struct pass_tpl {
	char kind;		/* 'B', 'R', 'C' */
	uint8_t nbytes;
	uint8_t bytes[3];
};

#define B1(a) { 'B', 1, { a, 0, 0 } }
#define B3(a, b, c) { 'B', 3, { a, b, c } }
#define RND { 'R', 0, { 0, 0, 0 } }
#define CMP { 'C', 0, { 0, 0, 0 } }

struct method {
	const char *name;
	const char *standard;
	unsigned npasses;
	struct pass_tpl pass[WIPE_MAX_PASSES];
};

static const struct method methods[] = {
	{ "zero", "NIST SP 800-88 Clear: one pass of zeros", 1, { B1(0x00) } },
	{ "one", "NIST SP 800-88 Clear: one pass of ones (0xff)", 1,
	  { B1(0xff) } },
	{ "random", "NIST SP 800-88 Clear: one pass of AES-128-CTR data", 1,
	  { RND } },
	{ "dod-3pass", "DoD 5220.22-M (3 passes: 0x00, 0xff, random)", 3,
	  { B1(0x00), B1(0xff), RND } },
	{ "dod-7pass", "DoD 5220.22-M ECE (7 passes)", 7,
	  { B1(0x00), B1(0xff), RND, B1(0x96), B1(0x00), B1(0xff), RND } },
	{ "gutmann", "Gutmann (35 passes)", 35,
	  { RND, RND, RND, RND, B1(0x55), B1(0xaa),
	    B3(0x92, 0x49, 0x24), B3(0x49, 0x24, 0x92),
	    B3(0x24, 0x92, 0x49), B1(0x00), B1(0x11), B1(0x22), B1(0x33),
	    B1(0x44), B1(0x55), B1(0x66), B1(0x77), B1(0x88), B1(0x99),
	    B1(0xaa), B1(0xbb), B1(0xcc), B1(0xdd), B1(0xee), B1(0xff),
	    B3(0x92, 0x49, 0x24), B3(0x49, 0x24, 0x92),
	    B3(0x24, 0x92, 0x49), B3(0x6d, 0xb6, 0xdb),
	    B3(0xb6, 0xdb, 0x6d), B3(0xdb, 0x6d, 0xb6), RND, RND, RND,
	    RND } },
	{ "usb-2pass",
	  "flash media: random data, then its complement (2 passes)", 2,
	  { RND, CMP } },
};

const char *const wipe_method_names[] = {
	"auto", "zero", "one", "random", "dod-3pass", "dod-7pass", "gutmann",
	"usb-2pass", "ata-secure-erase", "ata-enhanced-erase",
	"ata-sanitize-crypto", "ata-sanitize-block", "ata-sanitize-overwrite",
	"nvme-format-user", "nvme-format-crypto", "nvme-sanitize-crypto",
	"nvme-sanitize-block", "nvme-sanitize-overwrite",
	"scsi-sanitize-crypto", "scsi-sanitize-block",
	"scsi-sanitize-overwrite", NULL,
};

const char *
wipe_nist_name(enum wipe_nist n)
{
	switch (n) {
	case WIPE_NIST_CLEAR:
		return "Clear";
	case WIPE_NIST_PURGE:
		return "Purge";
	case WIPE_NIST_DESTROY:
		return "Destroy";
	}
	return "unknown";
}

static const struct method *
method_find(const char *name)
{
	size_t i;

	for (i = 0; i < WC_ARRAY_SIZE(methods); i++)
		if (strcmp(methods[i].name, name) == 0)
			return &methods[i];
	return NULL;
}

static int
fill_passes(const struct method *m, struct wipe_plan *plan)
{
	const struct pass_tpl *t;
	struct wipe_pattern *p;
	unsigned i;

	plan->npasses = m->npasses;
	for (i = 0; i < m->npasses; i++) {
		t = &m->pass[i];
		p = &plan->pass[i];
		memset(p, 0, sizeof(*p));
		if (t->kind == 'B') {
			p->kind = WIPE_PAT_BYTES;
			p->nbytes = t->nbytes;
			memcpy(p->bytes, t->bytes, sizeof(p->bytes));
		} else if (t->kind == 'C' && i > 0) {
			/* The complement reuses the previous pass's seed. */
			p->kind = WIPE_PAT_RANDOM_INV;
			memcpy(p->key, plan->pass[i - 1].key, sizeof(p->key));
		} else {
			p->kind = WIPE_PAT_RANDOM;
			if (wc_random(p->key, sizeof(p->key)) != 0)
				return -EIO;
		}
	}
	return 0;
}

int
wipe_plan_make(const struct wipe_ident *id, const char *method,
	       int verify_all, struct wipe_plan *plan)
{
	const struct method *m;
	const char *reason = "requested by the operator";
	char fallback[192], why[256];
	int ret;

	memset(plan, 0, sizeof(*plan));
	if (wc_fmt(plan->requested, sizeof(plan->requested), "%s", method))
		return -EINVAL;
	if (wipe_fw_is_method(method))
		return wipe_fw_plan(id, method, NULL, plan);
	if (strcmp(method, "auto") == 0) {
		if (wipe_ident_is_usb_flash(id)) {
			method = "usb-2pass";
			reason = "USB flash media: two-pass overwrite (Clear); "
				 "flash has no Purge by overwrite, physical "
				 "destruction recommended";
		} else if (wipe_fw_auto(id, plan, fallback,
					sizeof(fallback)) == 1) {
			return 0;
		} else {
			method = "random";
			snprintf(why, sizeof(why), "%s: one random overwrite "
				 "pass (Clear)", fallback);
			reason = why;
		}
	}
	m = method_find(method);
	if (m == NULL)
		return -EINVAL;
	snprintf(plan->method, sizeof(plan->method), "%s", m->name);
	snprintf(plan->reason, sizeof(plan->reason), "%s", reason);
	snprintf(plan->standard, sizeof(plan->standard), "%s", m->standard);
	plan->nist = WIPE_NIST_CLEAR;
	plan->destroy_recommended = wipe_ident_is_usb_flash(id);
	ret = fill_passes(m, plan);
	if (ret != 0)
		return ret;
	plan->verify_mask = verify_all ? (m->npasses >= 64 ? ~0ULL :
					  (1ULL << m->npasses) - 1)
				       : 1ULL << (m->npasses - 1);
	return 0;
}
