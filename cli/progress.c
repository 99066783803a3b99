/*
 * progress.c - one progress bar per target on a terminal, plain periodic
 * lines otherwise.  The arithmetic (rate, ETA, ppm) is lib/'s; this file
 * only draws.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define PLAIN_EVERY_NS (5ULL * 1000000000ULL)
#define BAR_WIDTH 24

struct progress_view {
	struct job *jobs;
	size_t n;
	int tty;
	int drawn;		/* lines drawn last time (terminal) */
	uint64_t last_plain;
	struct wc_rate *rate;
	int *last_phase;
	unsigned *last_pass;
};

static const char *
phase_name(int phase)
{
	switch (phase) {
	case WIPE_PHASE_PREFLIGHT:
		return "pre-flight";
	case WIPE_PHASE_ERASE:
		return "erase";
	case WIPE_PHASE_VERIFY:
		return "verify";
	case WIPE_PHASE_RECORD:
		return "record";
	case WIPE_PHASE_DONE:
		return "done";
	}
	return "waiting";
}

struct progress_view *
progress_new(struct job *jobs, size_t n)
{
	struct progress_view *v = calloc(1, sizeof(*v));
	uint64_t now = wc_mono_ns();
	size_t i;

	if (v == NULL)
		return NULL;
	v->rate = calloc(n, sizeof(*v->rate));
	v->last_phase = calloc(n, sizeof(*v->last_phase));
	v->last_pass = calloc(n, sizeof(*v->last_pass));
	if (v->rate == NULL || v->last_phase == NULL || v->last_pass == NULL) {
		progress_finish(v);
		return NULL;
	}
	v->jobs = jobs;
	v->n = n;
	v->tty = isatty(STDERR_FILENO);
	v->last_plain = now;
	for (i = 0; i < n; i++)
		wc_rate_init(&v->rate[i], now, 0);
	return v;
}

/* One line describing job i, without newline. */
static void
format_line(struct progress_view *v, size_t i, char *buf, size_t len)
{
	const struct job *j = &v->jobs[i];
	uint64_t done = __atomic_load_n(&j->prog.done, __ATOMIC_RELAXED);
	uint64_t total = j->prog.total;
	uint32_t ppm = wc_ppm(done, total);
	char d[24], t[24], eta[24], bar[BAR_WIDTH + 1], pass[24] = "";
	char seg[BAR_WIDTH + 4] = "", rate[32] = "-- MB/s";
	unsigned k, fill = (unsigned)((uint64_t)ppm * BAR_WIDTH / 1000000);
	uint64_t bps = v->rate[i].bps;

	if (j->prog.phase == WIPE_PHASE_DONE) {
		snprintf(buf, len, "%-16.16s done    %s%s",
			 j->dev ? j->dev->id.name : j->target,
			 cert_result_name(j->rec.result),
			 j->record_err ? " (record NOT written)" : "");
		return;
	}
	wc_human_bytes(d, sizeof(d), done);
	wc_human_bytes(t, sizeof(t), total);
	wc_human_duration(eta, sizeof(eta),
			  wc_eta_sec(total > done ? total - done : 0, bps));
	for (k = 0; k < BAR_WIDTH; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	if (v->tty)
		snprintf(seg, sizeof(seg), "[%s] ", bar);
	if (j->prog.phase == WIPE_PHASE_ERASE && j->prog.npasses > 1)
		snprintf(pass, sizeof(pass), " pass %u/%u", j->prog.pass,
			 j->prog.npasses);
	if (bps > 0)
		snprintf(rate, sizeof(rate), "%llu MB/s",
			 (unsigned long long)(bps / 1000000));
	snprintf(buf, len, "%-16.16s %-7s%s %s%3u%% %s/%s %s ETA %s",
		 j->dev ? j->dev->id.name : j->target,
		 phase_name(j->prog.phase), pass, seg, ppm / 10000, d, t, rate,
		 eta);
}

static void
sample_rates(struct progress_view *v, uint64_t now)
{
	size_t i;
	uint64_t done;

	for (i = 0; i < v->n; i++) {
		done = __atomic_load_n(&v->jobs[i].prog.done, __ATOMIC_RELAXED);
		if (v->jobs[i].prog.phase != v->last_phase[i] ||
		    v->jobs[i].prog.pass != v->last_pass[i])
			wc_rate_init(&v->rate[i], now, done);
		else
			wc_rate_update(&v->rate[i], now, done);
	}
}

void
progress_tick(struct progress_view *v)
{
	uint64_t now = wc_mono_ns();
	char line[256];
	size_t i;
	int changed = 0;

	if (v == NULL)
		return;
	sample_rates(v, now);
	for (i = 0; i < v->n; i++)
		changed |= v->jobs[i].prog.phase != v->last_phase[i] ||
			    v->jobs[i].prog.pass != v->last_pass[i];
	if (v->tty) {
		if (v->drawn > 0)
			fprintf(stderr, "\033[%dA", v->drawn);
		for (i = 0; i < v->n; i++) {
			format_line(v, i, line, sizeof(line));
			fprintf(stderr, "\r%s\033[K\n", line);
		}
		v->drawn = (int)v->n;
	} else if (changed || now - v->last_plain >= PLAIN_EVERY_NS) {
		for (i = 0; i < v->n; i++) {
			format_line(v, i, line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		v->last_plain = now;
	}
	for (i = 0; i < v->n; i++) {
		v->last_phase[i] = v->jobs[i].prog.phase;
		v->last_pass[i] = v->jobs[i].prog.pass;
	}
	fflush(stderr);
}

void
progress_finish(struct progress_view *v)
{
	if (v == NULL)
		return;
	if (v->jobs != NULL && v->tty)
		progress_tick(v);
	free(v->rate);
	free(v->last_phase);
	free(v->last_pass);
	free(v);
}
