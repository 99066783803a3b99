/*
 * record.c - build, serialise and write the record (DESIGN §6).
 *
 * The key order below is the record's schema: change it only with a new
 * schema version.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certs/certs.h"
#include "certs/jsonout.h"

#define TOOL_NAME "wipecert"

#ifndef WIPECERT_VERSION
#define WIPECERT_VERSION "0.0.0"
#endif

const char *
cert_result_name(enum cert_result r)
{
	switch (r) {
	case CERT_PASS:
		return "pass";
	case CERT_FAIL:
		return "fail";
	case CERT_ABORTED:
		return "aborted";
	}
	return "unknown";
}

void
cert_job_error(struct cert_job *job, const char *stage, int err,
	       const char *fmt, ...)
{
	struct cert_error *e;
	va_list ap;

	if (job->nerrors >= CERT_MAX_ERRORS)
		return;
	e = &job->errors[job->nerrors++];
	snprintf(e->stage, sizeof(e->stage), "%s", stage);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	e->err = err;
}

int
cert_tool_fill(struct cert_tool *tool)
{
	uint8_t sum[32];
	int ret;

	memset(tool, 0, sizeof(*tool));
	tool->name = TOOL_NAME;
	tool->version = WIPECERT_VERSION;
	if (gethostname(tool->host, sizeof(tool->host) - 1) != 0)
		tool->host[0] = '\0';
	ret = wc_sha256_file("/proc/self/exe", sum);
	if (ret == 0)
		wc_hex(tool->binary_sha256, sum, sizeof(sum));
	return ret;
}

/* ---- small builders ------------------------------------------------ */

static struct json_object *
i64_or_null(int64_t v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

static struct json_object *
time_str(time_t t)
{
	char buf[WC_RFC3339_LEN];

	if (t <= 0 || wc_rfc3339(buf, sizeof(buf), t) != 0)
		return NULL;
	return json_object_new_string(buf);
}

static struct json_object *
seed_str(const struct wipe_pattern *p)
{
	char hex[33];

	if (p->kind == WIPE_PAT_BYTES)
		return NULL;
	wc_hex(hex, p->key, sizeof(p->key));
	return json_object_new_string(hex);
}

static struct json_object *
pattern_str(const struct wipe_pattern *p)
{
	char buf[64];

	wipe_pattern_describe(p, buf, sizeof(buf));
	return json_object_new_string(buf);
}

struct json_object *
cert_ranges_json(const struct wc_ranges *r)
{
	struct json_object *o = json_object_new_object(), *a, *pair;
	size_t i;

	a = json_object_new_array();
	for (i = 0; i < r->n; i++) {
		pair = json_object_new_array();
		json_object_array_add(pair, u64(r->v[i].start));
		json_object_array_add(pair, u64(r->v[i].count));
		json_object_array_add(a, pair);
	}
	put(o, "sectors", u64(r->sectors));
	put(o, "ranges", a);
	put(o, "truncated", json_object_new_boolean(r->truncated));
	return o;
}

struct json_object *
cert_contents_json(const struct wipe_contents *c)
{
	struct json_object *o = json_object_new_object(), *a, *it;
	size_t i;

	a = json_object_new_array();
	for (i = 0; c != NULL && i < c->n; i++) {
		it = json_object_new_object();
		put(it, "partno", json_object_new_int(c->v[i].partno));
		put(it, "offset", u64(c->v[i].offset));
		put(it, "size", u64(c->v[i].size));
		put(it, "type", str_or_null(c->v[i].type));
		put(it, "label", str_or_null(c->v[i].label));
		put(it, "uuid", str_or_null(c->v[i].uuid));
		put(it, "part_name", str_or_null(c->v[i].part_name));
		json_object_array_add(a, it);
	}
	put(o, "probed", json_object_new_boolean(c != NULL && c->probed));
	put(o, "pttype", str_or_null(c ? c->pttype : NULL));
	put(o, "ptuuid", str_or_null(c ? c->ptuuid : NULL));
	put(o, "items", a);
	return o;
}

/* ---- sections ------------------------------------------------------ */

const char *
cert_media_type(const struct wipe_ident *id)
{
	if (id->is_file)
		return "image-file";
	if (id->transport == WIPE_TR_LOOP)
		return "loop-device";
	if (wipe_ident_is_usb_flash(id))
		return "usb-flash";
	if (id->transport == WIPE_TR_NVME)
		return "nvme-ssd";
	if (id->transport == WIPE_TR_MMC)
		return "sd-mmc";
	if (id->rotational == WIPE_YES)
		return "hdd";
	if (id->rotational == WIPE_NO)
		return "ssd";
	return "unknown";
}

static struct json_object *
media_json(const struct cert_job *job)
{
	const struct wipe_ident *id = job->ident;
	struct json_object *o = json_object_new_object(), *h, *s;

	put(o, "asset_tag", str_or_null(job->asset_tag));
	put(o, "type", json_object_new_string(cert_media_type(id)));
	put(o, "transport",
	    json_object_new_string(wipe_transport_name(id->transport)));
	put(o, "path", str_or_null(id->path));
	put(o, "vendor", str_or_null(id->vendor));
	put(o, "model", str_or_null(id->model));
	put(o, "serial", str_or_null(id->serial));
	put(o, "firmware", str_or_null(id->firmware));
	put(o, "wwn", str_or_null(id->wwn));
	put(o, "size_bytes", u64(id->size_bytes));
	put(o, "logical_sector_size", json_object_new_int64(id->logical_sector));
	put(o, "physical_sector_size",
	    json_object_new_int64(id->physical_sector));
	put(o, "rotational", tri(id->rotational));
	put(o, "removable", tri(id->removable));
	put(o, "identity_source",
	    json_object_new_string(wipe_ident_source_name(id->source)));
	h = json_object_new_object();
	put(h, "visible_max_lba", i64_or_null(id->hidden.visible_max_lba));
	put(h, "native_max_lba", i64_or_null(id->hidden.native_max_lba));
	put(h, "hpa_enabled", tri(id->hidden.hpa_enabled));
	put(h, "dco_present", tri(id->hidden.dco_present));
	put(h, "dco_max_lba", i64_or_null(id->hidden.dco_max_lba));
	put(h, "restore", job->hidden ? cert_hidden_json(job->hidden) : NULL);
	put(o, "hidden_areas", h);
	s = json_object_new_object();
	put(s, "supported", tri(id->security.supported));
	put(s, "enabled", tri(id->security.enabled));
	put(s, "locked", tri(id->security.locked));
	put(s, "frozen", tri(id->security.frozen));
	put(s, "expired", tri(id->security.expired));
	put(o, "security", s);
	put(o, "drive_reported", cert_drive_json(id));
	put(o, "contents_before", cert_contents_json(job->before));
	return o;
}

/* A pass counts as verified only when it was really read back. */
static int
pass_verified(const struct cert_job *job, unsigned i)
{
	if (job->pass_vres[i] != NULL)
		return 1;
	return i + 1 == job->plan->npasses && job->vres != NULL &&
	       ((job->plan->verify_mask >> i) & 1);
}

static struct json_object *
readback_json(const struct vfy_result *r)
{
	struct json_object *o = json_object_new_object();

	put(o, "bytes_read", u64(r->bytes_read));
	put(o, "mismatches", cert_ranges_json(&r->mismatch));
	put(o, "unreadable", cert_ranges_json(&r->unreadable));
	return o;
}

static struct json_object *
pass_json(const struct cert_job *job, unsigned i)
{
	const struct wipe_pass_result *r = &job->passes[i];
	const struct wipe_pattern *p = &job->plan->pass[i];
	struct json_object *o = json_object_new_object();

	put(o, "number", json_object_new_int((int)i + 1));
	put(o, "pattern", pattern_str(p));
	put(o, "seed", seed_str(p));
	put(o, "verified", json_object_new_boolean(pass_verified(job, i)));
	put(o, "readback", job->pass_vres[i] ? readback_json(job->pass_vres[i])
					     : NULL);
	put(o, "bytes_written", u64(r->bytes_written));
	put(o, "started", time_str((time_t)r->start_unix));
	put(o, "ended", time_str((time_t)r->end_unix));
	put(o, "elapsed_ms", u64(r->elapsed_ns / 1000000));
	put(o, "rate_bytes_per_sec",
	    u64(wc_avg_bps(r->bytes_written, r->elapsed_ns)));
	put(o, "aborted", json_object_new_boolean(r->aborted));
	put(o, "unwritable", cert_ranges_json(&r->bad));
	put(o, "sync_error", r->sync_errno ? json_object_new_string(
						     strerror(r->sync_errno))
					   : NULL);
	return o;
}

static struct json_object *
technique_json(const struct cert_job *job)
{
	const struct wipe_plan *pl = job->plan;
	struct json_object *o = json_object_new_object(), *a;
	unsigned i;

	put(o, "nist_category", json_object_new_string(wipe_nist_name(pl->nist)));
	put(o, "method", json_object_new_string(pl->method));
	put(o, "requested_method", json_object_new_string(pl->requested));
	put(o, "reason", str_or_null(pl->reason));
	put(o, "standard", str_or_null(pl->standard));
	put(o, "io_mode", json_object_new_string(
				  job->io_mode == WIPE_IO_DIRECT ? "direct"
								 : "buffered"));
	put(o, "destroy_recommended",
	    json_object_new_boolean(pl->destroy_recommended));
	put(o, "passes_planned", json_object_new_int((int)pl->npasses));
	put(o, "started", time_str(job->started));
	put(o, "ended", time_str(job->ended));
	a = json_object_new_array();
	for (i = 0; i < job->passes_done; i++)
		json_object_array_add(a, pass_json(job, i));
	put(o, "passes", a);
	put(o, "scope", str_or_null(pl->scope));
	put(o, "firmware", job->fw ? cert_fw_json(job->fw, pl->tech ==
						   WIPE_TECH_ATA_SECURITY)
				   : NULL);
	return o;
}

/* The pattern the verification compared against: the last verified pass. */
static const struct wipe_pattern *
verified_pattern(const struct cert_job *job)
{
	unsigned i = job->plan->npasses;

	while (i-- > 0)
		if ((job->plan->verify_mask >> i) & 1)
			return &job->plan->pass[i];
	return NULL;
}

static struct json_object *
plan_json(const struct vfy_plan *vp)
{
	struct json_object *o = json_object_new_object();
	char seed[17];

	snprintf(seed, sizeof(seed), "%016llx", (unsigned long long)vp->seed);
	put(o, "prng", json_object_new_string(VFY_PRNG_NAME));
	put(o, "seed", json_object_new_string(seed));
	put(o, "subsections", json_object_new_int64(vp->subsections));
	put(o, "extents", u64(vp->n));
	put(o, "sector_size", json_object_new_int64(vp->sector));
	put(o, "bytes_planned", u64(vp->bytes));
	return o;
}

struct json_object *
cert_verification_json(const struct vfy_plan *vp, const struct vfy_result *vr,
		       const struct wipe_pattern *p,
		       const struct wipe_contents *after)
{
	struct json_object *o = json_object_new_object(), *probe = NULL;

	put(o, "mode", json_object_new_string(vp ? vfy_mode_name(vp->mode)
						 : "none"));
	put(o, "pattern", vp && p ? pattern_str(p) : NULL);
	put(o, "seed", vp && p ? seed_str(p) : NULL);
	put(o, "plan", vp ? plan_json(vp) : NULL);
	put(o, "bytes_read", vr ? u64(vr->bytes_read) : NULL);
	put(o, "coverage_ppm",
	    vp && vr ? json_object_new_int64(wc_ppm(vr->bytes_read, vp->size))
		     : NULL);
	put(o, "elapsed_ms", vr ? u64(vr->elapsed_ns / 1000000) : NULL);
	put(o, "mismatches", vr ? cert_ranges_json(&vr->mismatch) : NULL);
	put(o, "unreadable", vr ? cert_ranges_json(&vr->unreadable) : NULL);
	if (after != NULL) {
		probe = json_object_new_object();
		put(probe, "tool", json_object_new_string("libblkid"));
		put(probe, "clean",
		    json_object_new_boolean(!wipe_contents_found(after)));
		put(probe, "found", cert_contents_json(after));
	}
	put(o, "signature_probe", probe);
	return o;
}

static struct json_object *
errors_json(const struct cert_job *job)
{
	struct json_object *a = json_object_new_array(), *e;
	unsigned i;

	for (i = 0; i < job->nerrors; i++) {
		e = json_object_new_object();
		put(e, "stage", json_object_new_string(job->errors[i].stage));
		put(e, "message", json_object_new_string(job->errors[i].message));
		put(e, "errno", job->errors[i].err
					? json_object_new_string(
						  strerror(job->errors[i].err))
					: NULL);
		json_object_array_add(a, e);
	}
	return a;
}

struct json_object *
cert_record_build(const struct cert_job *job)
{
	struct json_object *r = json_object_new_object(), *o;

	put(r, "schema", json_object_new_string(CERT_RECORD_SCHEMA));
	put(r, "id", json_object_new_string(job->id));
	put(r, "result", json_object_new_string(cert_result_name(job->result)));
	put(r, "issued", issued_json(job->issued, job->timezone));
	put(r, "contract", contract_json(&job->contract));
	o = json_object_new_object();
	put(o, "operator", str_or_null(job->people.operator_name));
	put(o, "witness", str_or_null(job->people.witness));
	put(o, "verifier", str_or_null(job->people.verifier));
	put(r, "people", o);
	put(r, "media", media_json(job));
	put(r, "technique", technique_json(job));
	o = cert_verification_json(job->vplan, job->vres,
				   job->fw ? job->fw_expect
					   : verified_pattern(job),
				   job->after);
	if (o != NULL && job->markers != NULL)
		put(o, "markers", cert_markers_json(job->markers,
						    job->fw_expect));
	put(r, "verification", o);
	put(r, "errors", errors_json(job));
	o = json_object_new_object();
	put(o, "name", json_object_new_string(job->tool.name ? job->tool.name
							     : TOOL_NAME));
	put(o, "version", str_or_null(job->tool.version));
	put(o, "binary_sha256", str_or_null(job->tool.binary_sha256));
	put(o, "host", str_or_null(job->tool.host));
	put(r, "tool", o);
	return r;
}

int
cert_record_serialise(struct json_object *rec, char **out, size_t *len)
{
	const char *s;
	size_t n;
	char *buf;

	s = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_SPACED |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL)
		return -ENOMEM;
	n = strlen(s);
	buf = malloc(n + 2);
	if (buf == NULL)
		return -ENOMEM;
	memcpy(buf, s, n);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	*out = buf;
	*len = n + 1;
	return 0;
}

int
cert_record_write(const char *dir, const struct cert_job *job, char *path,
		  size_t pathlen, char sha256_hex[65])
{
	struct json_object *rec;
	char name[64], *text = NULL;
	uint8_t sum[32];
	size_t len;
	int ret;

	rec = cert_record_build(job);
	if (rec == NULL)
		return -ENOMEM;
	ret = cert_record_serialise(rec, &text, &len);
	json_object_put(rec);
	if (ret != 0)
		return ret;
	snprintf(name, sizeof(name), "%s.json", job->id);
	ret = wc_fmt(path, pathlen, "%s/%s", dir, name);
	if (ret == 0)
		ret = wc_write_file_new(dir, name, text, len, 0644);
	if (ret == 0) {
		wc_sha256(text, len, sum);
		wc_hex(sha256_hex, sum, sizeof(sum));
	}
	free(text);
	return ret;
}
