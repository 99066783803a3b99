/*
 * tui_setup.c - from the selection to the erase: the set-up form
 * (operator, witness, contract; per drive the 管理番号, the technique and
 * the verification), pre-flight, opening each drive, and the typed
 * confirmation of each serial.  Every check is wipe_run.c's, the same
 * as `wipecert wipe`'s; nothing is written before every confirmation
 * matched.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/tui.h"

#define LABEL_X 3
#define VALUE_X 20

void
tui_form_free(struct tui_form *f)
{
	free(f->rows);
	memset(f, 0, sizeof(*f));
}

static struct tui_row *
row_add(struct tui_form *f, enum tui_row_kind kind, const char *label)
{
	struct tui_row *r;

	r = realloc(f->rows, (f->n + 1) * sizeof(*r));
	if (r == NULL)
		return NULL;
	f->rows = r;
	r = &f->rows[f->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	tui_fmt(r->label, sizeof(r->label), "%s", label);
	return r;
}

static int
focusable(const struct tui_row *r)
{
	return r->kind == TUI_ROW_TEXT || r->kind == TUI_ROW_CHOICE ||
	       r->kind == TUI_ROW_BUTTON;
}

static int
add_drive(struct tui_form *f, struct tui_drive *d)
{
	struct tui_row *r;
	char head[256], size[32];

	wc_human_bytes(size, sizeof(size), d->id.size_bytes);
	tui_fmt(head, sizeof(head), "%.64s  %s  %s  model %.40s  serial "
		 "%.40s",
		 d->id.path, size, wipe_transport_name(d->id.transport),
		 d->id.model[0] ? d->id.model : "-",
		 d->id.serial[0] ? d->id.serial : "-");
	if (row_add(f, TUI_ROW_HEAD, head) == NULL ||
	    (r = row_add(f, TUI_ROW_TEXT, "管理番号")) == NULL)
		return -1;
	r->text = d->asset;
	if ((r = row_add(f, TUI_ROW_CHOICE, "Technique")) == NULL)
		return -1;
	r->choices = d->methods;
	r->nchoices = d->nmethods;
	r->choice = &d->method;
	if ((r = row_add(f, TUI_ROW_NOTE, "")) == NULL)
		return -1;
	r->drive = d;
	if ((r = row_add(f, TUI_ROW_CHOICE, "Verification")) == NULL)
		return -1;
	r->choices = tui_vmode_names;
	r->nchoices = 3;
	r->choice = &d->vmode;
	return 0;
}

void
tui_setup_enter(struct tui *t)
{
	struct tui_form *f = &t->form;
	struct tui_row *r;
	size_t i;
	int bad = 0;

	tui_form_free(f);
	bad |= row_add(f, TUI_ROW_HEAD, "People and contract (prefilled from "
		       "the configuration)") == NULL;
	if (!bad && (r = row_add(f, TUI_ROW_TEXT, "Operator")) != NULL)
		r->text = t->operator_name;
	if (!bad && (r = row_add(f, TUI_ROW_TEXT, "Witness")) != NULL)
		r->text = t->witness;
	if (!bad && (r = row_add(f, TUI_ROW_TEXT, "Contract")) != NULL)
		r->text = t->contract;
	for (i = 0; !bad && i < t->ndrives; i++)
		if (t->drives[i]->selected)
			bad |= add_drive(f, t->drives[i]) != 0;
	bad |= row_add(f, TUI_ROW_BUTTON, "Continue: confirm each drive") ==
	       NULL;
	if (bad || f->n < 5) {
		tui_form_free(f);
		tui_status(t, "out of memory");
		return;
	}
	f->focus = 1;
	f->top = 0;
	tui_msgs_clear(&t->status);
	t->screen = TUI_SETUP;
}

/* Rows a form row takes on screen. */
static int
row_height(const struct tui_row *r)
{
	return r->kind == TUI_ROW_NOTE ? 2 : 1;
}

struct note_ctx {
	int y;
	int left;
};

static void
note_line(void *ctx, const char *s)
{
	struct note_ctx *c = ctx;

	if (c->left-- > 0)
		tui_put(c->y++, VALUE_X, COLS - VALUE_X - 2, s, 0);
}

static void
draw_value(const struct tui_row *r, int y, int focus)
{
	char buf[160];
	int x;

	if (r->kind == TUI_ROW_TEXT) {
		mvaddch(y, VALUE_X, '[');
		if (focus)
			attron(A_REVERSE);
		tui_wput(y, VALUE_X + 1, COLS - VALUE_X - 5, r->text, 1);
		attroff(A_REVERSE);
		addch(']');
		if (focus) {	/* where typing goes */
			move(y, VALUE_X + 1 + WC_MIN(wcswidth(r->text,
							       TUI_TEXT_MAX),
						     COLS - VALUE_X - 6));
		}
	} else if (r->kind == TUI_ROW_CHOICE) {
		tui_fmt(buf, sizeof(buf), "< %s >   (%zu of %zu; Left/Right "
			 "to change)", r->choices[*r->choice],
			 *r->choice + 1, r->nchoices);
		if (focus)
			attron(A_REVERSE);
		tui_put(y, VALUE_X, tui_width(r->choices[*r->choice]) + 4,
			buf, 0);
		attroff(A_REVERSE);
		x = VALUE_X + tui_width(r->choices[*r->choice]) + 4;
		tui_put(y, x, COLS - 2 - x,
			buf + strlen(r->choices[*r->choice]) + 4, 0);
	}
}

static void
draw_row(const struct tui_row *r, int y, int focus, int rows_left)
{
	struct note_ctx nc = { y, WC_MIN(rows_left, 2) };

	if (focus)
		mvaddch(y, 1, '>');
	switch (r->kind) {
	case TUI_ROW_HEAD:
		attron(A_BOLD);
		tui_put(y, 2, COLS - 4, r->label, 0);
		attroff(A_BOLD);
		break;
	case TUI_ROW_NOTE:
		tui_wrap(r->drive->notes[r->drive->method], COLS - VALUE_X - 2,
			 2, note_line, &nc);
		break;
	case TUI_ROW_BUTTON:
		if (focus)
			attron(A_REVERSE);
		tui_put(y, VALUE_X, tui_width(r->label) + 4, "", 0);
		mvaddstr(y, VALUE_X, "[ ");
		tui_put(y, VALUE_X + 2, tui_width(r->label), r->label, 0);
		addstr(" ]");
		attroff(A_REVERSE);
		break;
	default:
		tui_put(y, LABEL_X, VALUE_X - LABEL_X - 1, r->label, 0);
		draw_value(r, y, focus);
	}
}

void
tui_draw_setup(struct tui *t)
{
	struct tui_form *f = &t->form;
	int top, rows, y, used, cy = -1, cx = 0;
	size_t i;

	tui_frame(t, "Set up the wipe: people, 管理番号, technique, "
		  "verification", " Up/Down field  Left/Right change  "
		  "type to edit  Enter next  Esc back", &top, &rows);
	/* Scroll so that the focused row shows, with its heading. */
	if (f->focus < f->top)
		f->top = f->focus > 0 ? f->focus - 1 : 0;
	for (;;) {
		for (used = 0, i = f->top; i <= f->focus && i < f->n; i++)
			used += row_height(&f->rows[i]);
		if (used <= rows || f->top >= f->focus)
			break;
		f->top++;
	}
	y = top;
	for (i = f->top; i < f->n && y < top + rows; i++) {
		draw_row(&f->rows[i], y, i == f->focus, top + rows - y);
		if (i == f->focus)
			getyx(stdscr, cy, cx);
		y += row_height(&f->rows[i]);
	}
	if (cy >= 0 && f->rows[f->focus].kind == TUI_ROW_TEXT) {
		move(cy, cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
}

static void
focus_move(struct tui_form *f, int dir)
{
	size_t i = f->focus;

	for (;;) {
		if (dir < 0 && i == 0)
			return;
		if (dir > 0 && i + 1 >= f->n)
			return;
		i = dir < 0 ? i - 1 : i + 1;
		if (focusable(&f->rows[i])) {
			f->focus = i;
			return;
		}
	}
}

static void
choice_move(struct tui_row *r, int dir)
{
	if (r->nchoices == 0)
		return;
	if (dir < 0)
		*r->choice = *r->choice == 0 ? r->nchoices - 1
					      : *r->choice - 1;
	else
		*r->choice = (*r->choice + 1) % r->nchoices;
}

static void
batch_alloc(struct tui_batch *b, size_t n)
{
	b->n = n;
	b->jobs = calloc(n, sizeof(*b->jobs));
	b->targets = calloc(n, sizeof(*b->targets));
	b->assets = calloc(n, sizeof(*b->assets));
	b->methods = calloc(n, sizeof(*b->methods));
	b->jmsgs = calloc(n, sizeof(*b->jmsgs));
	b->rate = calloc(n, sizeof(*b->rate));
	b->last_phase = calloc(n, sizeof(*b->last_phase));
	b->last_pass = calloc(n, sizeof(*b->last_pass));
}

void
tui_batch_free(struct tui_batch *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		if (b->jobs != NULL)
			job_release(&b->jobs[i]);
		if (b->targets != NULL)
			free(b->targets[i]);
		if (b->assets != NULL)
			free(b->assets[i]);
		if (b->jmsgs != NULL)
			tui_msgs_clear(&b->jmsgs[i]);
	}
	free(b->jobs);
	free(b->targets);
	free(b->assets);
	free(b->methods);
	free(b->jmsgs);
	free(b->rate);
	free(b->last_phase);
	free(b->last_pass);
	if (b->have_run)
		wiperun_release(&b->run);
	free(b);
}

/* Configuration, people, pre-flight (the key unlocks).  Exit status. */
static int
batch_preflight(struct tui *t, struct tui_batch *b)
{
	struct wiperun *r = &b->run;
	int st;

	if (wiperun_init(r) != CLI_OK)
		return CLI_IO;
	b->have_run = 1;
	r->msgs = &b->sink;
	r->config = t->config;
	r->outdir = t->outdir;
	r->register_path = t->register_path;
	r->method = "auto";
	r->vmode = VFY_SAMPLE;
	tui_utf8(b->operator_name, t->operator_name);
	tui_utf8(b->witness, t->witness);
	tui_utf8(b->contract, t->contract);
	/* What was typed wins over the file, even when cleared. */
	r->people.operator_name = b->operator_name;
	r->people.witness = b->witness;
	r->contract.number = b->contract;
	st = wiperun_load_config(r);
	if (st == CLI_OK)
		st = wiperun_set_tz(r);
	if (st != CLI_OK)
		return st;
	if (r->cfg.key != NULL && r->cfg.passphrase_file == NULL) {
		tui_suspend();	/* the passphrase is asked on the terminal */
		st = wiperun_preflight(r);
		tui_resume();
	} else {
		st = wiperun_preflight(r);
	}
	if (st == CLI_OK && cert_tool_fill(&r->tool) != 0)
		cli_say(&b->sink, CLI_MSG_WARN, "cannot hash the running "
			"binary");
	return st;
}

/* Open every selected drive (O_EXCL) and plan it.  Exit status. */
static int
batch_open(struct tui *t, struct tui_batch *b)
{
	struct tui_drive *d;
	size_t i, k = 0;
	int st = CLI_OK;

	for (i = 0; i < b->n; i++)
		job_init(&b->jobs[i]);
	for (i = 0; st == CLI_OK && i < t->ndrives; i++) {
		char asset[TUI_UTF8_MAX];

		d = t->drives[i];
		if (!d->selected)
			continue;
		tui_utf8(asset, d->asset);
		b->targets[k] = strdup(d->id.path);
		b->assets[k] = asset[0] ? strdup(asset) : NULL;
		b->methods[k] = d->methods[d->method];
		if (b->targets[k] == NULL || (asset[0] && !b->assets[k])) {
			cli_say(&b->sink, CLI_MSG_ERR, "out of memory");
			return CLI_IO;
		}
		vfy_mode_parse(tui_vmode_names[d->vmode], &b->run.vmode);
		st = wiperun_open(&b->run, &b->jobs[k], b->targets[k],
				  b->methods[k], b->assets[k]);
		k++;
	}
	for (i = 0; st == CLI_OK && i < b->n; i++)
		st = preflight_custody(b->jobs[i].iss, &b->jobs[i]);
	return st;
}

/* Back to the list: nothing was erased. */
static void
batch_cancel(struct tui *t)
{
	tui_batch_free(t->b);
	t->b = NULL;
	t->screen = TUI_LIST;
	tui_scan(t);
}

static void
batch_start(struct tui *t)
{
	struct tui_batch *b = calloc(1, sizeof(*b));
	size_t n = tui_selected(t);
	int st;

	tui_msgs_clear(&t->status);
	if (b != NULL)
		batch_alloc(b, n);
	if (b == NULL || !b->jobs || !b->targets || !b->assets ||
	    !b->methods || !b->jmsgs || !b->rate || !b->last_phase ||
	    !b->last_pass) {
		tui_batch_free(b);
		tui_status(t, "out of memory");
		return;
	}
	b->sink = tui_msgs_sink(&t->status);
	t->b = b;
	st = batch_preflight(t, b);
	if (st != CLI_OK) {	/* stay here: people or configuration */
		tui_batch_free(b);
		t->b = NULL;
		return;
	}
	st = batch_open(t, b);
	if (st != CLI_OK) {
		cli_say(&b->sink, CLI_MSG_ERR, "nothing was erased");
		batch_cancel(t);
		return;
	}
	b->confirming = 0;
	t->screen = TUI_CONFIRM;
	curs_set(0);
}

void
tui_key_setup(struct tui *t, int is_key, wint_t ch)
{
	struct tui_form *f = &t->form;
	struct tui_row *r = &f->rows[f->focus];

	if (is_key) {
		switch (ch) {
		case KEY_UP: case KEY_BTAB: focus_move(f, -1); return;
		case KEY_DOWN: focus_move(f, 1); return;
		case KEY_HOME: f->focus = 1; return;
		case KEY_END: f->focus = f->n - 1; return;	/* Continue */
		case KEY_LEFT:
		case KEY_RIGHT:
			if (r->kind == TUI_ROW_CHOICE)
				choice_move(r, ch == KEY_LEFT ? -1 : 1);
			return;
		case KEY_ENTER: goto enter;
		}
	} else {
		switch (ch) {
		case 27:	/* Esc */
			curs_set(0);
			t->screen = TUI_LIST;
			tui_status(t, "set-up kept; nothing was erased");
			tui_scan(t);
			return;
		case '\t': focus_move(f, 1); return;
		case '\n': case '\r': goto enter;
		case ' ':
			if (r->kind == TUI_ROW_CHOICE) {
				choice_move(r, 1);
				return;
			}
			break;
		}
	}
	if (r->kind == TUI_ROW_TEXT)
		tui_edit(r->text, is_key, ch);
	return;
enter:
	if (r->kind == TUI_ROW_BUTTON)
		batch_start(t);
	else
		focus_move(f, 1);
}

void
tui_draw_confirm(struct tui *t)
{
	struct tui_batch *b = t->b;
	struct job *j = &b->jobs[b->confirming];
	struct tui_lines l = { 0 };
	char title[256], *desc = wiperun_describe(j);
	int top, rows, y;
	size_t scroll = 0;

	tui_fmt(title, sizeof(title), "Confirm %zu of %zu: ALL DATA on %s "
		 "will be destroyed", b->confirming + 1, b->n, j->target);
	tui_frame(t, title, " type, then Enter to confirm  Esc cancel "
		  "(nothing is erased)", &top, &rows);
	tui_lines_add(&l, 0, 12, "%s", desc ? desc : "(out of memory)");
	free(desc);
	tui_lines_draw(&l, top, rows - 3, &scroll);
	tui_lines_free(&l);
	y = top + rows - 2;
	tui_fmt(title, sizeof(title), "Type %s '%s' to confirm:",
		 wiperun_confirm_what(j), wiperun_confirm_word(j));
	attron(A_BOLD);
	tui_put(y, 2, COLS - 4, title, 0);
	attroff(A_BOLD);
	mvaddstr(y + 1, 2, "> ");
	attron(A_REVERSE);
	tui_wput(y + 1, 4, COLS - 8, b->typed, 1);
	attroff(A_REVERSE);
	move(y + 1, 4 + WC_MIN(wcswidth(b->typed, TUI_TEXT_MAX), COLS - 9));
	curs_set(1);
}

/* Every drive confirmed: the `started` entries, then the erase. */
static void
all_confirmed(struct tui *t)
{
	struct tui_batch *b = t->b;
	size_t i;
	int st = CLI_OK;

	curs_set(0);
	for (i = 0; st == CLI_OK && i < b->n; i++)
		st = wiperun_started(&b->run, &b->jobs[i]);
	if (st != CLI_OK) {
		cli_say(&b->sink, CLI_MSG_ERR, "nothing was erased");
		batch_cancel(t);
		return;
	}
	tui_run(t);
}

void
tui_key_confirm(struct tui *t, int is_key, wint_t ch)
{
	struct tui_batch *b = t->b;
	struct job *j = &b->jobs[b->confirming];
	char typed[TUI_UTF8_MAX];

	if (!is_key && ch == 27) {
		curs_set(0);
		tui_status(t, "cancelled; nothing was erased");
		batch_cancel(t);
		return;
	}
	if (!(is_key && ch == KEY_ENTER) && !(!is_key && (ch == '\n' ||
							  ch == '\r'))) {
		tui_edit(b->typed, is_key, ch);
		return;
	}
	tui_utf8(typed, b->typed);
	b->typed[0] = L'\0';
	if (!wiperun_confirm_ok(j, typed)) {
		curs_set(0);
		tui_status(t, "refusing '%s': confirmation does not match %s; "
			   "nothing was erased", j->target,
			   wiperun_confirm_what(j));
		batch_cancel(t);
		return;
	}
	tui_msgs_clear(&t->status);
	if (++b->confirming == b->n)
		all_confirmed(t);
}
