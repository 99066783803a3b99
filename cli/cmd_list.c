/*
 * cmd_list.c - `wipecert list`: every block device, what it holds, and
 * whether wipecert would refuse it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static void
list_usage(FILE *f)
{
	fputs("usage: wipecert list [--json] [--config FILE]\nSee wipecert-list(8).\n", f);
}

/* Read-only probe; a device without media simply shows nothing. */
static void
probe(struct list_entry *e)
{
	int fd;

	memset(&e->contents, 0, sizeof(e->contents));
	if (e->id->size_bytes == 0) {
		e->probe_err = 0;
		return;
	}
	fd = open(e->id->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e->probe_err = -errno;
		return;
	}
	e->probe_err = wipe_probe_contents(fd, e->id->size_bytes, &e->contents);
	close(fd);
}

/*
 * Ask the drive itself (read-only commands: IDENTIFY, INQUIRY, NVMe
 * Identify) on transports that carry them; sysfs stays otherwise.
 */
static void
drive_query(struct wipe_ident *id)
{
	struct wipe_dev *d;

	switch (id->transport) {
	case WIPE_TR_SATA:
	case WIPE_TR_SAS:
	case WIPE_TR_SCSI:
	case WIPE_TR_USB:
	case WIPE_TR_NVME:
		break;
	default:
		return;
	}
	if (id->is_partition || id->size_bytes == 0 ||
	    wipe_dev_open(id->path, 0, &d) != 0)
		return;
	*id = d->id;
	wipe_dev_close(d);
}

static void
check(struct list_entry *e)
{
	int ret = wipe_check_safety(e->id, e->refused, sizeof(e->refused));

	if (ret == 0)
		e->refused[0] = '\0';
	else if (ret < 0)
		snprintf(e->refused, sizeof(e->refused),
			 "safety could not be checked: %s", strerror(-ret));
}

void
list_entry_fill(struct list_entry *e, struct wipe_ident *id, int ask_drive)
{
	if (ask_drive)
		drive_query(id);
	e->id = id;
	probe(e);
	check(e);
}

static struct json_object *
tri_json(enum wipe_tri t)
{
	return t == WIPE_UNKNOWN ? NULL : json_object_new_boolean(t == WIPE_YES);
}

static struct json_object *
str_json(const char *s)
{
	return *s ? json_object_new_string(s) : NULL;
}

static struct json_object *
security_json(const struct wipe_ident *id)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "supported", tri_json(id->security.supported));
	json_object_object_add(o, "enabled", tri_json(id->security.enabled));
	json_object_object_add(o, "locked", tri_json(id->security.locked));
	json_object_object_add(o, "frozen", tri_json(id->security.frozen));
	json_object_object_add(o, "expired", tri_json(id->security.expired));
	return o;
}

static struct json_object *
lba_json(int64_t v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

static struct json_object *
hidden_json(const struct wipe_ident *id)
{
	const struct wipe_hidden *h = &id->hidden;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "visible_max_lba",
			       lba_json(h->visible_max_lba));
	json_object_object_add(o, "native_max_lba", lba_json(h->native_max_lba));
	json_object_object_add(o, "dco_max_lba", lba_json(h->dco_max_lba));
	json_object_object_add(o, "hpa_enabled", tri_json(h->hpa_enabled));
	json_object_object_add(o, "dco_present", tri_json(h->dco_present));
	return o;
}

static struct json_object *
entry_json(const struct list_entry *e)
{
	const struct wipe_ident *id = e->id;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "path", str_json(id->path));
	json_object_object_add(o, "name", str_json(id->name));
	json_object_object_add(o, "kind", str_json(id->kind));
	json_object_object_add(o, "vendor", str_json(id->vendor));
	json_object_object_add(o, "model", str_json(id->model));
	json_object_object_add(o, "serial", str_json(id->serial));
	json_object_object_add(o, "firmware", str_json(id->firmware));
	json_object_object_add(o, "wwn", str_json(id->wwn));
	json_object_object_add(o, "size_bytes",
			       json_object_new_int64((int64_t)id->size_bytes));
	json_object_object_add(o, "logical_sector_size",
			       json_object_new_int64(id->logical_sector));
	json_object_object_add(o, "physical_sector_size",
			       json_object_new_int64(id->physical_sector));
	json_object_object_add(o, "transport", json_object_new_string(
			       wipe_transport_name(id->transport)));
	json_object_object_add(o, "identity_source", json_object_new_string(
			       wipe_ident_source_name(id->source)));
	json_object_object_add(o, "rotational", tri_json(id->rotational));
	json_object_object_add(o, "removable", tri_json(id->removable));
	json_object_object_add(o, "readonly", tri_json(id->readonly));
	json_object_object_add(o, "contents", cert_contents_json(&e->contents));
	json_object_object_add(o, "probe_error", e->probe_err ?
			       json_object_new_string(strerror(-e->probe_err))
			       : NULL);
	json_object_object_add(o, "refused", str_json(e->refused));
	json_object_object_add(o, "security", security_json(id));
	json_object_object_add(o, "hidden_areas", hidden_json(id));
	json_object_object_add(o, "drive_reported", cert_drive_json(id));
	return o;
}

static void
print_json(const struct list_entry *e, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, entry_json(&e[i]));
	puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
}

/* What the drive said about itself, when it was asked. */
static void
print_drive(const struct wipe_ident *id)
{
	struct json_object *caps;
	const struct wipe_hidden *h = &id->hidden;
	size_t i, n;

	if (id->drive.passthru[0])
		printf("%-14s %s\n", "", id->drive.passthru);
	if (id->source != WIPE_SRC_ATA_IDENTIFY &&
	    id->source != WIPE_SRC_NVME_IDENTIFY &&
	    id->source != WIPE_SRC_SCSI_INQUIRY)
		return;
	caps = cert_caps_json(id->caps);
	n = json_object_array_length(caps);
	printf("%-14s %s:", "", wipe_ident_source_name(id->source));
	for (i = 0; i < n; i++)
		printf(" %s", json_object_get_string(
				      json_object_array_get_idx(caps, i)));
	json_object_put(caps);
	if (id->security.supported == WIPE_YES)
		printf("; security %s%s%s",
		       id->security.enabled == WIPE_YES ? "enabled" : "off",
		       id->security.locked == WIPE_YES ? ", LOCKED" : "",
		       id->security.frozen == WIPE_YES ? ", frozen" : "");
	if (h->hpa_enabled == WIPE_YES || h->dco_present == WIPE_YES)
		printf("; HIDDEN AREA: max LBA %lld of %lld",
		       (long long)h->visible_max_lba,
		       (long long)WC_MAX(h->native_max_lba, h->dco_max_lba));
	printf("\n");
}

static void
print_table(const struct list_entry *e, size_t n)
{
	char size[32], contents[512];
	const struct wipe_ident *id;
	size_t i;

	printf("%-14s %-9s %-24s %-20s %10s %-9s %s\n", "PATH", "TRANSPORT",
	       "MODEL", "SERIAL", "SIZE", "SECTORS", "CONTENTS / STATUS");
	for (i = 0; i < n; i++) {
		char sectors[24];

		id = e[i].id;
		wc_human_bytes(size, sizeof(size), id->size_bytes);
		snprintf(sectors, sizeof(sectors), "%u/%u", id->logical_sector,
			 id->physical_sector);
		if (e[i].probe_err != 0)
			snprintf(contents, sizeof(contents), "unreadable: %s",
				 strerror(-e[i].probe_err));
		else
			wipe_contents_summary(&e[i].contents, contents,
					      sizeof(contents));
		printf("%-14s %-9s %-24.24s %-20.20s %10s %-9s %s\n", id->path,
		       wipe_transport_name(id->transport),
		       id->model[0] ? id->model : "-",
		       id->serial[0] ? id->serial : "-", size, sectors,
		       contents);
		printf("%-14s firmware %s, %s, %s%s%s\n", "",
		       id->firmware[0] ? id->firmware : "-",
		       id->rotational == WIPE_YES ? "rotational"
		       : id->rotational == WIPE_NO ? "non-rotational"
						   : "rotation unknown",
		       id->removable == WIPE_YES ? "removable" : "fixed",
		       e[i].refused[0] ? "; REFUSED: " : "; may be erased",
		       e[i].refused);
		print_drive(id);
	}
}

int
cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wipe_devlist list = { 0 };
	struct list_entry *e = NULL;
	int json = 0, c, ret, st = CLI_OK;
	const char *config = NULL;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		if (c == 'h') {
			list_usage(stdout);
			return CLI_OK;
		}
		if (c == 'C') {
			config = optarg;
			continue;
		}
		if (c != 'j') {
			list_usage(stderr);
			return CLI_USAGE;
		}
		json = 1;
	}
	if (optind != argc) {
		cli_err("list takes no arguments");
		return CLI_USAGE;
	}
	st = cli_config_check(config);
	if (st != CLI_OK)
		return st;
	ret = wipe_discover(&list);
	if (ret != 0) {
		cli_err("cannot list block devices: %s", strerror(-ret));
		return CLI_IO;
	}
	e = calloc(list.n ? list.n : 1, sizeof(*e));
	if (e == NULL) {
		st = CLI_IO;
		goto out;
	}
	for (i = 0; i < list.n; i++)
		list_entry_fill(&e[i], &list.v[i], 1);
	if (json)
		print_json(e, list.n);
	else
		print_table(e, list.n);
out:
	for (i = 0; e != NULL && i < list.n; i++)
		wipe_contents_release(&e[i].contents);
	free(e);
	wipe_devlist_release(&list);
	return st;
}
