/*
 * cmd_probe.c - `wipecert probe`: decode a saved identify dump without a
 * device (support requests, tests): ATA IDENTIFY DEVICE (512 bytes, or
 * the 256 hex words hdparm --Istdout prints) or NVMe Identify Controller
 * (4096 bytes, or hex bytes), optionally with its Identify Namespace.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define DUMP_MAX (64 * 1024)
#define ATA_LEN 512
#define NVME_LEN 4096

struct probe_opts {
	const char *ata;
	const char *ctrl;
	const char *ns;
	int json;
};

static void
probe_usage(FILE *f)
{
	fputs("usage: wipecert probe --ata-identify FILE [--json]\n"
	      "       wipecert probe --nvme-id-ctrl FILE [--nvme-id-ns FILE] "
	      "[--json]\n"
	      "Both take --config FILE.  FILE holds the raw data (512 or 4096 "
	      "bytes) or its hex dump.\n"
	      "See wipecert-probe(8).\n",
	      f);
}

/*
 * Hex text: either 4-digit words (hdparm --Istdout, little-endian words
 * of an ATA buffer) or 2-digit bytes.  Returns the byte count, or 0 when
 * text is not such a dump.
 */
static size_t
unhex(const char *text, size_t len, uint8_t *out, size_t cap)
{
	size_t i = 0, n = 0, digits;
	unsigned long v;
	char tok[8];

	while (i < len) {
		while (i < len && isspace((unsigned char)text[i]))
			i++;
		for (digits = 0; i < len && isxdigit((unsigned char)text[i]);
		     i++)
			if (digits < sizeof(tok) - 1)
				tok[digits++] = text[i];
			else
				return 0;
		if (i < len && !isspace((unsigned char)text[i]))
			return 0;
		if (digits == 0)
			continue;
		tok[digits] = '\0';
		v = strtoul(tok, NULL, 16);
		if ((digits != 2 && digits != 4) || n + digits / 2 > cap)
			return 0;
		out[n++] = (uint8_t)v;	/* a word is stored little-endian */
		if (digits == 4)
			out[n++] = (uint8_t)(v >> 8);
	}
	return n;
}

/* The dump in path, raw or hex, as exactly want bytes.  An exit status. */
static int
read_dump(const char *path, size_t want, uint8_t *out)
{
	char *text = NULL;
	size_t len, n;
	int ret;

	ret = wc_read_file(path, DUMP_MAX, &text, &len);
	if (ret != 0) {
		cli_err("cannot read '%s': %s", path, strerror(-ret));
		return CLI_IO;
	}
	if (len == want) {
		memcpy(out, text, want);
		n = want;
	} else {
		n = unhex(text, len, out, want);
	}
	free(text);
	if (n != want) {
		cli_err("'%s' is not a %zu-byte identify dump (raw, or hex "
			"words or bytes)", path, want);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static const char *
yes_no(enum wipe_tri t, const char *yes, const char *no)
{
	return t == WIPE_YES ? yes : t == WIPE_NO ? no : "unknown";
}

static void
print_caps(uint32_t caps)
{
	struct json_object *a = cert_caps_json(caps);
	size_t i, n = json_object_array_length(a);

	printf("  %-16s", "techniques");
	for (i = 0; i < n; i++)
		printf(" %s", json_object_get_string(
				      json_object_array_get_idx(a, i)));
	printf("%s\n", n ? "" : " none");
	json_object_put(a);
}

static void
print_auto(const struct wipe_ident *id)
{
	struct wipe_plan plan;

	if (wipe_plan_make(id, "auto", 0, &plan) != 0)
		return;
	printf("  %-16s %s (%s): %s\n", "auto would pick", plan.method,
	       wipe_nist_name(plan.nist), plan.reason);
}

static void
print_common(const struct wipe_ident *id)
{
	char size[32];

	wc_human_bytes(size, sizeof(size), id->size_bytes);
	printf("  %-16s %s\n  %-16s %s\n  %-16s %s\n", "model", id->model,
	       "serial", id->serial[0] ? id->serial : "-", "firmware",
	       id->firmware);
	if (id->wwn[0])
		printf("  %-16s %s\n", "wwn", id->wwn);
	if (id->size_bytes)
		printf("  %-16s %llu bytes (%s)\n", "capacity",
		       (unsigned long long)id->size_bytes, size);
	if (id->logical_sector)
		printf("  %-16s logical %u, physical %u\n", "sector size",
		       id->logical_sector, id->physical_sector);
}

static void
print_ata(const struct wipe_ident *id)
{
	const struct wipe_drive *d = &id->drive;
	const struct wipe_security *s = &id->security;

	printf("ATA IDENTIFY DEVICE, checksum %s\n",
	       yes_no(d->checksum_ok, "correct", "INCORRECT"));
	print_common(id);
	printf("  %-16s %llu\n", "user sectors",
	       (unsigned long long)d->user_sectors);
	if (d->rotation == 1)
		printf("  %-16s solid state\n", "rotation");
	else if (d->rotation >= 0x401 && d->rotation < 0xffff)
		printf("  %-16s %u rpm\n", "rotation", d->rotation);
	else
		printf("  %-16s not reported\n", "rotation");
	if (s->supported == WIPE_YES)
		printf("  %-16s supported, %s, %s, %s, %s\n", "security",
		       yes_no(s->enabled, "ENABLED", "not enabled"),
		       yes_no(s->locked, "LOCKED", "not locked"),
		       yes_no(s->frozen, "FROZEN", "not frozen"),
		       yes_no(s->expired, "EXPIRED", "not expired"));
	else
		printf("  %-16s not supported\n", "security");
	if (d->erase_min || d->enhanced_erase_min)
		printf("  %-16s %u min normal, %u min enhanced (0: not "
		       "given)\n", "erase estimate", d->erase_min,
		       d->enhanced_erase_min);
	printf("  %-16s HPA feature %s, DCO feature %s (the hidden size "
	       "needs a live drive)\n", "hidden areas",
	       yes_no(d->hpa_feature, "supported", "not supported"),
	       yes_no(d->dco_feature, "supported", "not supported"));
}

static void
print_nvme(const struct wipe_ident *id, int with_ns)
{
	const struct wipe_drive *d = &id->drive;

	printf("NVMe Identify Controller%s\n",
	       with_ns ? " and Namespace" : "");
	print_common(id);
	printf("  %-16s 0x%04x (Format NVM %s)\n", "oacs", d->oacs,
	       (d->oacs & 2) ? "supported" : "not supported");
	printf("  %-16s 0x%08x (crypto %s, block %s, overwrite %s)\n",
	       "sanicap", d->sanicap, (d->sanicap & 1) ? "yes" : "no",
	       (d->sanicap & 2) ? "yes" : "no",
	       (d->sanicap & 4) ? "yes" : "no");
	printf("  %-16s 0x%02x (format applies to all namespaces: %s; "
	       "secure erase to all: %s; crypto erase: %s)\n", "fna", d->fna,
	       (d->fna & 1) ? "yes" : "no", (d->fna & 2) ? "yes" : "no",
	       (d->fna & 4) ? "yes" : "no");
	printf("  %-16s %u\n  %-16s %llu bytes\n", "namespaces", d->nn,
	       "tnvmcap", (unsigned long long)d->tnvmcap);
	if (with_ns)
		printf("  %-16s %llu blocks\n", "nsze",
		       (unsigned long long)d->nsze);
}

static struct json_object *
tri_json(enum wipe_tri t)
{
	return t == WIPE_UNKNOWN ? NULL : json_object_new_boolean(t == WIPE_YES);
}

static void
print_json(const struct wipe_ident *id, const char *kind)
{
	struct json_object *o = json_object_new_object(), *s;
	struct wipe_plan plan;

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "model", json_object_new_string(id->model));
	json_object_object_add(o, "serial", json_object_new_string(id->serial));
	json_object_object_add(o, "firmware",
			       json_object_new_string(id->firmware));
	json_object_object_add(o, "wwn", id->wwn[0] ? json_object_new_string(
						       id->wwn) : NULL);
	json_object_object_add(o, "size_bytes",
			       json_object_new_int64((int64_t)id->size_bytes));
	json_object_object_add(o, "logical_sector_size",
			       json_object_new_int64(id->logical_sector));
	json_object_object_add(o, "physical_sector_size",
			       json_object_new_int64(id->physical_sector));
	s = json_object_new_object();
	json_object_object_add(s, "supported", tri_json(id->security.supported));
	json_object_object_add(s, "enabled", tri_json(id->security.enabled));
	json_object_object_add(s, "locked", tri_json(id->security.locked));
	json_object_object_add(s, "frozen", tri_json(id->security.frozen));
	json_object_object_add(s, "expired", tri_json(id->security.expired));
	json_object_object_add(o, "security", s);
	json_object_object_add(o, "drive_reported", cert_drive_json(id));
	if (wipe_plan_make(id, "auto", 0, &plan) == 0) {
		s = json_object_new_object();
		json_object_object_add(s, "method",
				       json_object_new_string(plan.method));
		json_object_object_add(s, "nist_category",
				       json_object_new_string(
					       wipe_nist_name(plan.nist)));
		json_object_object_add(s, "reason",
				       json_object_new_string(plan.reason));
		json_object_object_add(o, "auto", s);
	}
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int
probe_ata(const struct probe_opts *o)
{
	uint8_t buf[ATA_LEN];
	struct wipe_ident id;
	int st;

	st = read_dump(o->ata, sizeof(buf), buf);
	if (st != CLI_OK)
		return st;
	if (wipe_ident_from_ata(buf, sizeof(buf), &id) != 0) {
		cli_err("'%s' holds no ATA IDENTIFY DEVICE data", o->ata);
		return CLI_USAGE;
	}
	if (o->json) {
		print_json(&id, "ata-identify");
		return CLI_OK;
	}
	print_ata(&id);
	print_caps(id.caps);
	print_auto(&id);
	return CLI_OK;
}

static int
probe_nvme(const struct probe_opts *o)
{
	static uint8_t ctrl[NVME_LEN], ns[NVME_LEN];
	struct wipe_ident id;
	int st;

	st = read_dump(o->ctrl, sizeof(ctrl), ctrl);
	if (st == CLI_OK && o->ns != NULL)
		st = read_dump(o->ns, sizeof(ns), ns);
	if (st != CLI_OK)
		return st;
	if (wipe_ident_from_nvme(ctrl, sizeof(ctrl), o->ns ? ns : NULL,
				 sizeof(ns), &id) != 0) {
		cli_err("'%s' holds no NVMe Identify data", o->ctrl);
		return CLI_USAGE;
	}
	if (o->json) {
		print_json(&id, "nvme-identify");
		return CLI_OK;
	}
	print_nvme(&id, o->ns != NULL);
	print_caps(id.caps);
	print_auto(&id);
	return CLI_OK;
}

int
cmd_probe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ata-identify", required_argument, NULL, 'a' },
		{ "nvme-id-ctrl", required_argument, NULL, 'c' },
		{ "nvme-id-ns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_opts o = { NULL, NULL, NULL, 0 };
	const char *config = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o.ata = optarg; break;
		case 'c': o.ctrl = optarg; break;
		case 'n': o.ns = optarg; break;
		case 'j': o.json = 1; break;
		case 'C': config = optarg; break;
		case 'h':
			probe_usage(stdout);
			return CLI_OK;
		default:
			probe_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc || (o.ata == NULL) == (o.ctrl == NULL) ||
	    (o.ns != NULL && o.ctrl == NULL)) {
		probe_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_config_check(config) != CLI_OK)
		return CLI_KEYCONF;
	return o.ata ? probe_ata(&o) : probe_nvme(&o);
}
