/*
 * fwwait.c - waiting for firmware erases: the helper thread for commands
 * that block until the drive has finished (they cannot be stopped: a
 * signal stops the waiting, the drive goes on), poll sleeps, progress,
 * timeouts, and the step log of a firmware erase.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wipe/fw.h"

#define WAIT_TICK_MS 200

void
wipe_fw_result_init(struct wipe_fw_result *r)
{
	memset(r, 0, sizeof(*r));
}

void
wipe_fw_opts_default(struct wipe_fw_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->poll_ms = 2000;
}

static struct wipe_fw_step *
next_step(struct wipe_fw_result *res, const char *name)
{
	struct wipe_fw_step *s;

	if (res->nsteps >= WIPE_FW_MAX_STEPS)
		return NULL;
	s = &res->steps[res->nsteps++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->at_unix = (uint64_t)time(NULL);
	return s;
}

void
wipe_fw_step_ata(struct wipe_fw_result *res, const char *name,
		 const struct wipe_ata_cmd *c)
{
	struct wipe_fw_step *s = next_step(res, name);

	if (s == NULL)
		return;
	wipe_ata_describe(c, s->params, sizeof(s->params));
	s->status = c->st;
}

void
wipe_fw_step_scsi(struct wipe_fw_result *res, const char *name,
		  const struct wipe_scsi_cmd *c)
{
	struct wipe_fw_step *s = next_step(res, name);
	size_t i, at = 0;

	if (s == NULL)
		return;
	at += (size_t)snprintf(s->params, sizeof(s->params), "cdb=");
	for (i = 0; i < c->cdb_len && at + 3 < sizeof(s->params); i++)
		at += (size_t)snprintf(s->params + at, sizeof(s->params) - at,
				       "%02x", c->cdb[i]);
	s->status = c->st;
}

void
wipe_fw_step_nvme(struct wipe_fw_result *res, const char *name,
		  const struct wipe_nvme_cmd *c)
{
	struct wipe_fw_step *s = next_step(res, name);

	if (s == NULL)
		return;
	wipe_nvme_describe(c, s->params, sizeof(s->params));
	s->status = c->st;
}

int
wipe_fw_sleep(const struct wipe_fw_opts *o)
{
	unsigned left = o->poll_ms;
	struct timespec ts;

	for (;;) {
		if (o->stop != NULL && *o->stop)
			return -EINTR;
		if (left == 0)
			return 0;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)WC_MIN(left, (unsigned)WAIT_TICK_MS) * 1000000L;
		left -= (unsigned)(ts.tv_nsec / 1000000L);
		nanosleep(&ts, NULL);
	}
}

void
wipe_fw_progress(struct wipe_progress *prog, uint64_t size, uint64_t num,
		 uint64_t den)
{
	if (prog == NULL || den == 0)
		return;
	if (num > den)
		num = den;
	prog->total = size;
	/* size * num / den without overflow for sizes up to 2^64 / 2^16. */
	prog->done = (size / den) * num + (size % den) * num / den;
}

uint32_t
wipe_fw_timeout_s(uint32_t estimate_s, uint32_t floor_s)
{
	uint64_t t;

	if (estimate_s == 0)
		return floor_s;
	/* Twice the estimate, and at least an hour beyond it. */
	t = WC_MAX((uint64_t)estimate_s * 2, (uint64_t)estimate_s + 3600);
	t = WC_MAX(t, floor_s);
	return t > UINT32_MAX / 1000 ? UINT32_MAX / 1000 : (uint32_t)t;
}

/* ---- the helper thread ------------------------------------------------ */

struct waiter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	int abandoned;		/* the waiting side left: the thread frees */
	int ret;
	struct wipe_dev *d;
	int is_nvme;
	struct wipe_ata_cmd ata;
	struct wipe_nvme_cmd nvme;
	uint8_t data[WIPE_ATA_SECTOR];	/* the command's own copy */
};

static void
waiter_free(struct waiter *w)
{
	explicit_bzero(w->data, sizeof(w->data));	/* a password */
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

static void *
waiter_run(void *arg)
{
	struct waiter *w = arg;
	int ret, abandoned;

	ret = w->is_nvme ? wipe_dev_nvme(w->d, &w->nvme)
			 : wipe_dev_ata(w->d, &w->ata);
	pthread_mutex_lock(&w->mu);
	w->ret = ret;
	w->done = 1;
	abandoned = w->abandoned;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (abandoned)
		waiter_free(w);
	return NULL;
}

static void
deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += (long)ms * 1000000L;
	while (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Wait for w; returns 1 when done, 0 when stopped (w abandoned). */
static int
waiter_wait(struct waiter *w, const struct wipe_fw_opts *o,
	    struct wipe_progress *prog, uint32_t estimate_s)
{
	uint64_t t0 = wc_mono_ns(), size = prog ? prog->total : 0;
	struct timespec ts;

	pthread_mutex_lock(&w->mu);
	while (!w->done) {
		if (o->stop != NULL && *o->stop) {
			w->abandoned = 1;
			pthread_mutex_unlock(&w->mu);
			return 0;
		}
		deadline_in(&ts, WAIT_TICK_MS);
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		/* The drive says nothing until it is done: time is all. */
		if (estimate_s > 0)
			wipe_fw_progress(prog, size,
					 WC_MIN((wc_mono_ns() - t0) / 1000000,
						(uint64_t)estimate_s * 990),
					 (uint64_t)estimate_s * 1000);
	}
	pthread_mutex_unlock(&w->mu);
	return 1;
}

static int
wait_common(struct waiter *w, const struct wipe_fw_opts *o,
	    struct wipe_progress *prog, uint32_t estimate_s)
{
	pthread_attr_t attr;
	pthread_t tid;
	int ret;

	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&tid, &attr, waiter_run, w);
	pthread_attr_destroy(&attr);
	if (ret != 0) {
		waiter_free(w);
		return -EAGAIN;
	}
	if (!waiter_wait(w, o, prog, estimate_s))
		return -EINTR;	/* w now belongs to the thread */
	return 1;
}

int
wipe_fw_wait_ata(struct wipe_dev *d, struct wipe_ata_cmd *c,
		 const struct wipe_fw_opts *o, struct wipe_progress *prog,
		 uint32_t estimate_s)
{
	struct waiter *w = calloc(1, sizeof(*w));
	int ret;

	if (w == NULL)
		return -ENOMEM;
	if (c->len > sizeof(w->data)) {
		free(w);
		return -EINVAL;
	}
	w->d = d;
	w->ata = *c;
	if (c->len > 0) {
		memcpy(w->data, c->data, c->len);
		w->ata.data = w->data;
	}
	ret = wait_common(w, o, prog, estimate_s);
	if (ret <= 0) {
		snprintf(c->st.msg, sizeof(c->st.msg), "%s",
			 ret == -EINTR ? "waiting stopped; the drive goes on"
				       : "cannot start a thread");
		return ret;
	}
	ret = w->ret;
	w->ata.data = c->data;
	*c = w->ata;
	waiter_free(w);
	return ret;
}

int
wipe_fw_wait_nvme(struct wipe_dev *d, struct wipe_nvme_cmd *c,
		  const struct wipe_fw_opts *o, struct wipe_progress *prog,
		  uint32_t estimate_s)
{
	struct waiter *w = calloc(1, sizeof(*w));
	int ret;

	if (w == NULL)
		return -ENOMEM;
	if (c->len != 0) {	/* Format NVM transfers nothing */
		free(w);
		return -EINVAL;
	}
	w->d = d;
	w->is_nvme = 1;
	w->nvme = *c;
	ret = wait_common(w, o, prog, estimate_s);
	if (ret <= 0) {
		snprintf(c->st.msg, sizeof(c->st.msg), "%s",
			 ret == -EINTR ? "waiting stopped; the drive goes on"
				       : "cannot start a thread");
		return ret;
	}
	ret = w->ret;
	*c = w->nvme;
	waiter_free(w);
	return ret;
}
