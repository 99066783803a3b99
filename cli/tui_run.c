/*
 * tui_run.c - the wipe running and its end: one row per drive with its
 * stage, a progress bar, rate and ETA (from struct wipe_progress and
 * lib's wc_rate, as the command line's display), Ctrl-C asking before
 * it aborts, and the final screen with each result and certificate.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/tui.h"

#define ROWS_PER_JOB 2

static void
sample_rates(struct tui_batch *b, uint64_t now)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct job *j = &b->jobs[i];
		uint64_t done = __atomic_load_n(&j->prog.done,
						__ATOMIC_RELAXED);
		int phase = __atomic_load_n(&j->prog.phase, __ATOMIC_RELAXED);
		unsigned pass = __atomic_load_n(&j->prog.pass,
						__ATOMIC_RELAXED);

		if (phase != b->last_phase[i]) {
			wc_rate_init(&b->rate[i], now, done);
		} else if (pass != b->last_pass[i]) {
			/* A new pass starts at 0 bytes; the rate goes on. */
			uint64_t bps = b->rate[i].bps;

			wc_rate_init(&b->rate[i], now, done);
			b->rate[i].bps = bps;
		} else
			wc_rate_update(&b->rate[i], now, done);
		b->last_phase[i] = phase;
		b->last_pass[i] = pass;
	}
}

/* "erase 2/3", "verify", "certificate". */
static void
stage_text(const struct job *j, char *buf, size_t len)
{
	const char *s = wiperun_stage(j);

	if (strcmp(s, "erase") == 0 && j->prog.npasses > 1)
		tui_fmt(buf, len, "erase %u/%u", j->prog.pass,
			 j->prog.npasses);
	else
		tui_fmt(buf, len, "%s", s);
}

static void
draw_job(const struct tui_batch *b, size_t i, int y)
{
	const struct job *j = &b->jobs[i];
	uint64_t done = __atomic_load_n(&j->prog.done, __ATOMIC_RELAXED);
	uint64_t total = j->prog.total, bps = b->rate[i].bps;
	int phase = __atomic_load_n(&j->prog.phase, __ATOMIC_RELAXED);
	uint32_t ppm = phase == WIPE_PHASE_DONE ? 1000000 : wc_ppm(done, total);
	char stage[32], rate[24] = "", eta[24] = "", line[512];

	stage_text(j, stage, sizeof(stage));
	if (phase == WIPE_PHASE_ERASE && j->plan.tech != WIPE_TECH_OVERWRITE)
		tui_fmt(rate, sizeof(rate), "drive");	/* ppm, not bytes */
	else if (bps > 0 && phase != WIPE_PHASE_DONE)
		tui_fmt(rate, sizeof(rate), "%llu MB/s",
			 (unsigned long long)(bps / 1000000));
	else if (phase != WIPE_PHASE_DONE)
		tui_fmt(rate, sizeof(rate), "-- MB/s");
	if (phase != WIPE_PHASE_DONE && phase != WIPE_PHASE_RECORD)
		wc_human_duration(eta, sizeof(eta), wc_eta_sec(total > done ?
							       total - done
							       : 0, bps));
	tui_fmt(line, sizeof(line), "%-13s %-12s", j->target, stage);
	tui_put(y, 2, 27, line, 1);
	tui_bar(y, 29, 26, ppm);
	tui_fmt(line, sizeof(line), "%3u%% %9s %7s", ppm / 10000, rate, eta);
	tui_put(y, 56, COLS - 57, line, 0);
	if (phase == WIPE_PHASE_DONE)
		tui_fmt(line, sizeof(line), "%s (%s) - %s", j->plan.method,
			 wipe_nist_name(j->plan.nist),
			 cert_result_name(j->rec.result));
	else
		tui_fmt(line, sizeof(line), "%s (%s)  管理番号 %s  serial %s",
			 j->plan.method, wipe_nist_name(j->plan.nist),
			 j->rec.asset_tag ? j->rec.asset_tag : "-",
			 j->dev->id.serial[0] ? j->dev->id.serial : "-");
	tui_put(y + 1, 4, COLS - 6, line, 0);
}

static void
draw_abort_question(void)
{
	int w = 56, h = 6, y = (LINES - h) / 2, x = (COLS - w) / 2, i;

	for (i = 0; i < h; i++)
		tui_put(y + i, x, w, "", 1);
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attron(A_BOLD);
	tui_put(y + 1, x + 2, w - 4, "Abort the wipe?", 0);
	attroff(A_BOLD);
	tui_put(y + 2, x + 2, w - 4, "Drives not finished are NOT erased; "
		"each gets an", 0);
	tui_put(y + 3, x + 2, w - 4, "'aborted' record and must be wiped "
		"again.", 0);
	attron(A_REVERSE);
	tui_put(y + 4, x + 2, w - 4, " y: abort now     n: go on wiping ", 0);
	attroff(A_REVERSE);
}

void
tui_draw_run(struct tui *t)
{
	struct tui_batch *b = t->b;
	char title[160];
	int top, rows, vis;
	size_t i;

	tui_fmt(title, sizeof(title), "Wiping %zu drive%s: do not unplug "
		 "them", b->n, b->n == 1 ? "" : "s");
	tui_frame(t, title, cli_stop ? " aborting: waiting for the drives "
		  "to stop" : " Ctrl-C abort (asks first)  Up/Down scroll",
		  &top, &rows);
	tui_fmt(title, sizeof(title), "%-13s %-12s %-26s %4s %9s %7s",
		 "Device", "Stage", "Progress", "%", "Rate", "ETA");
	attron(A_BOLD);
	tui_put(top, 2, COLS - 4, title, 0);
	attroff(A_BOLD);
	vis = WC_MAX((rows - 1) / ROWS_PER_JOB, 1);
	if (t->scroll + (size_t)vis > b->n)
		t->scroll = b->n > (size_t)vis ? b->n - (size_t)vis : 0;
	for (i = t->scroll; i < b->n && i < t->scroll + (size_t)vis; i++)
		draw_job(b, i, top + 1 + (int)(i - t->scroll) * ROWS_PER_JOB);
	if (t->asking_abort)
		draw_abort_question();
}

static void
run_key(struct tui *t, int is_key, wint_t ch)
{
	if (t->asking_abort) {
		if (!is_key && (ch == 'y' || ch == 'Y')) {
			cli_stop = 1;
			t->asking_abort = 0;
			tui_status(t, "aborting: drives not finished are NOT "
				   "erased");
		} else if (!is_key && (ch == 'n' || ch == 'N' || ch == 27)) {
			t->asking_abort = 0;
			tui_status(t, "going on wiping");
		}
		return;
	}
	if (is_key && ch == KEY_UP && t->scroll > 0)
		t->scroll--;
	else if (is_key && ch == KEY_DOWN)
		t->scroll++;
}

/* Every 200 ms while the jobs run: signals, keys, redraw. */
static void
run_tick(void *ctx)
{
	struct tui *t = ctx;
	wint_t ch;
	int r;

	tui_signals(t);
	while ((r = tui_getkey(&ch)) != ERR)
		run_key(t, r == KEY_CODE_YES, ch);
	sample_rates(t->b, wc_mono_ns());
	if (tui_size_ok()) {
		tui_draw_run(t);
		refresh();
	}
}

void
tui_run(struct tui *t)
{
	struct tui_batch *b = t->b;
	struct cli_msgs m;
	uint64_t now = wc_mono_ns();
	size_t i;

	t->screen = TUI_RUN;
	t->scroll = 0;
	t->asking_abort = 0;
	tui_msgs_clear(&t->status);
	for (i = 0; i < b->n; i++) {
		wc_rate_init(&b->rate[i], now, 0);
		b->last_phase[i] = WIPE_PHASE_IDLE;
	}
	cli_stop = 0;	/* an earlier wipe may have been aborted */
	run_tick(t);
	b->status = wiperun_jobs(b->jobs, b->n, &b->sink, run_tick, t);
	for (i = 0; i < b->n; i++) {
		m = tui_msgs_sink(&b->jmsgs[i]);
		b->status = cli_worse(b->status, wiperun_report(&b->jobs[i],
								&m));
	}
	t->exit_status = cli_worse(t->exit_status, b->status);
	t->asking_abort = 0;
	t->scroll = 0;
	t->screen = t->hangup ? TUI_QUIT : TUI_DONE;
}

/* What became of job i, as lines of the final screen. */
static void
done_lines(const struct tui_batch *b, size_t i, struct tui_lines *l)
{
	const struct job *j = &b->jobs[i];
	size_t k;

	tui_lines_add(l, 1, 4, "%s  %s  %s (%s)  管理番号 %s", j->target,
		      cert_result_name(j->rec.result), j->plan.method,
		      wipe_nist_name(j->plan.nist),
		      j->rec.asset_tag ? j->rec.asset_tag : "-");
	if (j->cert_path[0])
		tui_lines_add(l, 0, 4, "  %s %s",
			      j->cert_kind == CERT_DOC_ERASURE
				      ? "certificate" : "failure report",
			      j->cert_path);
	else if (j->rec.result != CERT_ABORTED && b->run.iss.signer == NULL)
		tui_lines_add(l, 0, 4, "  no certificate: no signing key "
			      "configured");
	if (j->record_err == 0)
		tui_lines_add(l, 0, 4, "  record %s", j->record_path);
	if (j->reg_seq > 0)
		tui_lines_add(l, 0, 4, "  register entry %lld",
			      (long long)j->reg_seq);
	for (k = 0; k < b->jmsgs[i].n; k++)
		tui_lines_add(l, 0, 4, "  %s", b->jmsgs[i].v[k]);
	tui_lines_add(l, 0, 0, "%s", "");
}

void
tui_draw_done(struct tui *t)
{
	struct tui_batch *b = t->b;
	struct tui_lines l = { 0 };
	size_t i, n[3] = { 0, 0, 0 };
	char title[160];
	int top, rows;

	for (i = 0; i < b->n; i++)
		n[b->jobs[i].rec.result == CERT_PASS ? 0
		  : b->jobs[i].rec.result == CERT_FAIL ? 1 : 2]++;
	tui_fmt(title, sizeof(title), "Finished: %zu pass, %zu fail, %zu "
		 "aborted", n[0], n[1], n[2]);
	tui_frame(t, title, " Enter back to the drive list  Up/Down scroll  "
		  "q quit", &top, &rows);
	for (i = 0; i < b->n; i++)
		done_lines(b, i, &l);
	tui_lines_add(&l, 0, 2, "Records and certificates are in %s",
		      b->run.outdir);
	tui_lines_draw(&l, top, rows, &t->scroll);
	tui_lines_free(&l);
}

void
tui_key_done(struct tui *t, int is_key, wint_t ch)
{
	size_t i;

	if (is_key && ch == KEY_UP && t->scroll > 0) {
		t->scroll--;
	} else if (is_key && ch == KEY_DOWN) {
		t->scroll++;
	} else if (!is_key && ch == 'q') {
		t->screen = TUI_QUIT;
	} else if ((is_key && ch == KEY_ENTER) ||
		   (!is_key && (ch == '\n' || ch == '\r'))) {
		tui_batch_free(t->b);
		t->b = NULL;
		/* Each 管理番号 belonged to the medium just wiped. */
		for (i = 0; i < t->ndrives; i++) {
			t->drives[i]->selected = 0;
			t->drives[i]->asset[0] = L'\0';
		}
		tui_msgs_clear(&t->status);
		t->screen = TUI_LIST;
		tui_scan(t);
	}
}
