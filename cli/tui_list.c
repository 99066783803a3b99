/*
 * tui_list.c - the drive list of the text UI: discovery (re-run every
 * TUI_SCAN_MS while this screen shows, so drives plugged in or removed
 * appear without a restart), what each holds and supports, refusals,
 * and selection.  Discovery, probing and safety are cmd_list.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/tui.h"

#define ROWS_PER_DRIVE 2
#define DETAIL_ROWS 5

const char *const tui_vmode_names[] = { "sample", "full", "none", NULL };

static int
same_drive(const struct wipe_ident *a, const struct wipe_ident *b)
{
	return a->devno == b->devno && a->size_bytes == b->size_bytes &&
	       strcmp(a->path, b->path) == 0 &&
	       strcmp(a->serial, b->serial) == 0 &&
	       strcmp(a->model, b->model) == 0;
}

static struct tui_drive *
find_old(const struct tui *t, const struct wipe_ident *seen)
{
	size_t i;

	for (i = 0; i < t->ndrives; i++)
		if (same_drive(&t->drives[i]->seen, seen))
			return t->drives[i];
	return NULL;
}

/* What each valid method does here; `auto` with its reason. */
static void
fill_methods(struct tui_drive *d)
{
	struct wipe_plan plan;
	const char *name;
	size_t i;

	d->nmethods = 0;
	for (i = 0; (name = wipe_method_names[i]) != NULL; i++) {
		if (d->nmethods == TUI_MAX_METHODS ||
		    wipe_plan_make(&d->id, name, 0, &plan) != 0)
			continue;
		d->methods[d->nmethods] = name;
		if (strcmp(name, "auto") == 0)
			tui_fmt(d->notes[d->nmethods], TUI_NOTE_MAX,
				 "auto chooses %s (%s): %s", plan.method,
				 wipe_nist_name(plan.nist), plan.reason);
		else if (plan.tech != WIPE_TECH_OVERWRITE)
			tui_fmt(d->notes[d->nmethods], TUI_NOTE_MAX,
				 "%s, firmware command%s%s",
				 wipe_nist_name(plan.nist),
				 plan.scope[0] ? ": " : "", plan.scope);
		else
			tui_fmt(d->notes[d->nmethods], TUI_NOTE_MAX,
				 "%s, %u pass%s: %s", wipe_nist_name(plan.nist),
				 plan.npasses, plan.npasses == 1 ? "" : "es",
				 plan.standard);
		d->nmethods++;
	}
}

static void
fill_supports(struct tui_drive *d)
{
	struct json_object *caps = cert_caps_json(d->id.caps);
	size_t i, n = json_object_array_length(caps), len;
	char *s = d->supports;

	tui_fmt(s, sizeof(d->supports), "%s", n ? "" : "overwrite");
	for (i = 0; i < n; i++) {
		len = strlen(s);
		tui_fmt(s + len, sizeof(d->supports) - len, "%s%s",
			i ? ", " : "", json_object_get_string(
				json_object_array_get_idx(caps, i)));
	}
	json_object_put(caps);
	len = strlen(s);
	if (d->id.drive.passthru[0])
		tui_fmt(s + len, sizeof(d->supports) - len, " (%s)",
			d->id.drive.passthru);
}

/* A new row for seen: the drive is asked only when it is new. */
static struct tui_drive *
drive_new(const struct tui *t, const struct wipe_ident *seen)
{
	struct tui_drive *d = calloc(1, sizeof(*d)), *old;

	if (d == NULL)
		return NULL;
	old = find_old(t, seen);
	d->seen = *seen;
	d->id = old ? old->id : *seen;
	list_entry_fill(&d->e, &d->id, old == NULL);
	if (d->e.probe_err != 0)
		tui_fmt(d->contents, sizeof(d->contents), "unreadable: %s",
			 strerror(-d->e.probe_err));
	else
		wipe_contents_summary(&d->e.contents, d->contents,
				      sizeof(d->contents));
	if (old != NULL) {
		memcpy(d->supports, old->supports, sizeof(d->supports));
		memcpy(d->methods, old->methods, sizeof(d->methods));
		memcpy(d->notes, old->notes, sizeof(d->notes));
		d->nmethods = old->nmethods;
		d->selected = old->selected;
		wcscpy(d->asset, old->asset);
		d->method = old->method;
		d->vmode = old->vmode;
	} else {
		fill_supports(d);
		fill_methods(d);
	}
	if (d->e.refused[0] || d->nmethods == 0)
		d->selected = 0;
	return d;
}

static void
drive_free(struct tui_drive *d)
{
	if (d == NULL)
		return;
	wipe_contents_release(&d->e.contents);
	free(d);
}

void
tui_drives_free(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->ndrives; i++)
		drive_free(t->drives[i]);
	free(t->drives);
	t->drives = NULL;
	t->ndrives = 0;
}

void
tui_scan(struct tui *t)
{
	struct wipe_devlist list = { 0 };
	struct tui_drive **v;
	dev_t at = t->ndrives ? t->drives[t->cursor]->seen.devno : 0;
	size_t i, n = 0, hidden = 0;
	int ret;

	t->next_scan = wc_mono_ns() + TUI_SCAN_MS * 1000000ULL;
	ret = wipe_discover(&list);
	if (ret != 0) {
		tui_status(t, "cannot list block devices: %s", strerror(-ret));
		return;
	}
	v = calloc(list.n ? list.n : 1, sizeof(*v));
	for (i = 0; v != NULL && i < list.n; i++) {
		/* Empty loop devices and card readers: nothing to erase. */
		if (list.v[i].size_bytes == 0) {
			hidden++;
			continue;
		}
		v[n] = drive_new(t, &list.v[i]);
		if (v[n] != NULL)
			n++;
	}
	wipe_devlist_release(&list);
	if (v == NULL)
		return;
	tui_drives_free(t);
	t->drives = v;
	t->ndrives = n;
	t->nhidden = hidden;
	t->cursor = 0;
	for (i = 0; i < n; i++)
		if (v[i]->seen.devno == at)
			t->cursor = i;
}

size_t
tui_selected(const struct tui *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->ndrives; i++)
		n += t->drives[i]->selected != 0;
	return n;
}

static void
draw_row(const struct tui *t, size_t i, int y)
{
	const struct tui_drive *d = t->drives[i];
	const struct wipe_ident *id = &d->id;
	char size[32], line[600];

	wc_human_bytes(size, sizeof(size), id->size_bytes);
	tui_fmt(line, sizeof(line), "%c %s %-13s %-7s %9s  ",
		 i == t->cursor ? '>' : ' ',
		 d->e.refused[0] ? "[-]" : d->selected ? "[x]" : "[ ]", id->path,
		 wipe_transport_name(id->transport), size);
	if (i == t->cursor)
		attron(A_REVERSE);
	tui_put(y, 1, 39, line, 1);
	tui_put(y, 40, 20, id->model[0] ? id->model : "-", 1);
	tui_put(y, 61, COLS - 62, id->serial[0] ? id->serial : "-", 1);
	attroff(A_REVERSE);
	if (d->e.refused[0])
		tui_fmt(line, sizeof(line), "REFUSED: %s", d->e.refused);
	else
		tui_fmt(line, sizeof(line), "%s", d->contents);
	tui_put(y + 1, 7, COLS - 8, line, 0);
}

static void
draw_details(const struct tui_drive *d, int y)
{
	const struct wipe_ident *id = &d->id;
	char line[1024], size[32];
	int w = COLS - 4;

	wc_human_bytes(size, sizeof(size), id->size_bytes);
	tui_fmt(line, sizeof(line), "%s  %s  %s (%llu bytes)  sectors %u/%u"
		 "  %s", id->path, wipe_transport_name(id->transport), size,
		 (unsigned long long)id->size_bytes, id->logical_sector,
		 id->physical_sector, id->rotational == WIPE_YES ? "rotational"
		 : id->rotational == WIPE_NO ? "non-rotational" : "");
	tui_put(y, 2, w, line, 0);
	tui_fmt(line, sizeof(line), "model %s  serial %s  firmware %s",
		 id->model[0] ? id->model : "-",
		 id->serial[0] ? id->serial : "- (confirm with the path)",
		 id->firmware[0] ? id->firmware : "-");
	tui_put(y + 1, 2, w, line, 0);
	tui_fmt(line, sizeof(line), "contents  %s", d->contents);
	tui_put(y + 2, 2, w, line, 0);
	tui_fmt(line, sizeof(line), "supports  %s", d->supports);
	tui_put(y + 3, 2, w, line, 0);
	if (d->e.refused[0])
		tui_fmt(line, sizeof(line), "REFUSED   %s (cannot be "
			 "selected)", d->e.refused);
	else
		tui_fmt(line, sizeof(line), "technique %s",
			 d->nmethods ? d->notes[0] : "none available");
	tui_put(y + 4, 2, w, line, 0);
}

void
tui_draw_list(struct tui *t)
{
	char title[160];
	int top, rows, listrows, vis, y;
	size_t i;

	tui_fmt(title, sizeof(title), "Drives: %zu found, %zu selected "
		 "(%zu without media not shown)", t->ndrives, tui_selected(t),
		 t->nhidden);
	tui_frame(t, title, " Up/Down move  Space select  Enter set up "
		  "the wipe  r rescan  q quit", &top, &rows);
	listrows = rows - 2 - DETAIL_ROWS;
	vis = WC_MAX(listrows / ROWS_PER_DRIVE, 1);
	if (t->cursor < t->top)
		t->top = t->cursor;
	if (t->cursor >= t->top + (size_t)vis)
		t->top = t->cursor - (size_t)vis + 1;
	tui_fmt(title, sizeof(title), "  %-3s %-13s %-7s %9s  %-20s %s", "Sel",
		 "Device", "Bus", "Size", "Model", "Serial");
	attron(A_BOLD);
	tui_put(top, 1, COLS - 2, title, 1);
	attroff(A_BOLD);
	y = top + 1;
	for (i = t->top; i < t->ndrives && i < t->top + (size_t)vis; i++) {
		draw_row(t, i, y);
		y += ROWS_PER_DRIVE;
	}
	if (t->ndrives == 0)
		tui_put(top + 1, 2, COLS - 4, "no drives found; plug one in "
			"(the list refreshes every 2 s)", 0);
	tui_rule(top + 1 + listrows);
	if (t->ndrives > 0)
		draw_details(t->drives[t->cursor], top + 2 + listrows);
}

static void
toggle(struct tui *t)
{
	struct tui_drive *d = t->drives[t->cursor];

	if (d->e.refused[0]) {
		tui_status(t, "cannot select %s: %s", d->id.path,
			   d->e.refused);
		return;
	}
	if (d->nmethods == 0) {
		tui_status(t, "cannot select %s: no technique is available",
			   d->id.path);
		return;
	}
	d->selected = !d->selected;
	tui_status(t, "%s %s", d->id.path,
		   d->selected ? "selected" : "no longer selected");
}

static void
move_cursor(struct tui *t, long by)
{
	long c = (long)t->cursor + by;

	if (t->ndrives == 0)
		return;
	if (c < 0)
		c = 0;
	if (c >= (long)t->ndrives)
		c = (long)t->ndrives - 1;
	t->cursor = (size_t)c;
}

void
tui_key_list(struct tui *t, int is_key, wint_t ch)
{
	if (is_key) {
		switch (ch) {
		case KEY_UP: move_cursor(t, -1); break;
		case KEY_DOWN: move_cursor(t, 1); break;
		case KEY_PPAGE: move_cursor(t, -5); break;
		case KEY_NPAGE: move_cursor(t, 5); break;
		case KEY_HOME: move_cursor(t, -(long)t->ndrives); break;
		case KEY_END: move_cursor(t, (long)t->ndrives); break;
		case KEY_ENTER: goto setup;
		}
		return;
	}
	switch (ch) {
	case 'k': move_cursor(t, -1); return;
	case 'j': move_cursor(t, 1); return;
	case 'g': move_cursor(t, -(long)t->ndrives); return;
	case 'G': move_cursor(t, (long)t->ndrives); return;
	case ' ':
		if (t->ndrives > 0)
			toggle(t);
		return;
	case 'r':
		tui_scan(t);
		tui_status(t, "rescanned: %zu drives", t->ndrives);
		return;
	case 'q': t->screen = TUI_QUIT; return;
	case '\n': case '\r': case 'w': goto setup;
	}
	return;
setup:
	if (tui_selected(t) == 0) {
		tui_status(t, "select a drive with Space first");
		return;
	}
	tui_setup_enter(t);
}
