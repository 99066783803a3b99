/*
 * engine.c - the overwrite engine.
 *
 * Generator threads fill chunk buffers with the pattern; writer threads
 * write them (several writes in flight) and hand the buffers back.  Memory
 * is the fixed pool of chunk buffers, whatever the device size.  A failed
 * write is retried one logical sector at a time so that the failing LBAs
 * can be recorded and the pass can go on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wipe/wipe.h"

struct slot {
	uint8_t *buf;
	uint64_t off;
	size_t len;
	int64_t phase;		/* pattern phase the buffer holds, -1 none */
	size_t filled;		/* bytes of that phase filled */
};

struct engine {
	struct wipe_dev *d;
	const struct wipe_pattern *p;
	const struct wipe_engine_opts *o;
	struct wipe_progress *prog;
	struct wipe_pass_result *res;
	uint64_t size;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot *slots;
	size_t nslots;
	struct slot **freeq;	/* stack of free slots */
	size_t nfree;
	struct slot **ready;	/* FIFO ring of filled slots */
	size_t rhead, nready;
	uint64_t next_off;
	unsigned gens_running;
	uint64_t since_sync;
	int fatal;		/* -errno that ends the pass */
};

void
wipe_engine_opts_default(struct wipe_engine_opts *o)
{
	memset(o, 0, sizeof(*o));
	/*
	 * 1 MiB I/Os, two in flight (the block layer splits each into
	 * several requests): measured on loop devices here, 4 MiB chunks
	 * or more threads only lost the data from the caches between the
	 * generator, the kernel's copy and the compare (bench/bench.sh).
	 */
	o->chunk = WC_MIB;
	o->writers = 2;
	o->generators = 2;
	/* Often enough that errors surface, and that a flush in progress
	 * when a signal arrives is short. */
	o->sync_every = 256 * WC_MIB;
}

void
wipe_pass_result_init(struct wipe_pass_result *r)
{
	memset(r, 0, sizeof(*r));
	wc_ranges_init(&r->bad);
}

void
wipe_pass_result_release(struct wipe_pass_result *r)
{
	if (r != NULL)
		wc_ranges_release(&r->bad);
}

static int
stopping(const struct engine *e)
{
	return (e->o->stop != NULL && *e->o->stop) || e->fatal != 0;
}

/* Wait on the engine's condition, waking often enough to see *stop. */
static void
engine_wait(struct engine *e)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&e->cv, &e->mu, &ts);
}

static void *
generator(void *arg)
{
	struct engine *e = arg;
	struct wipe_patgen *g = NULL;
	struct slot *s;
	int64_t phase;
	int ret;

	ret = wipe_patgen_new(e->p, &g);
	pthread_mutex_lock(&e->mu);
	if (ret != 0)
		e->fatal = ret;
	while (!stopping(e) && e->next_off < e->size) {
		if (e->nfree == 0) {
			engine_wait(e);
			continue;
		}
		s = e->freeq[--e->nfree];
		s->off = e->next_off;
		s->len = (size_t)WC_MIN((uint64_t)e->o->chunk,
					e->size - s->off);
		e->next_off += s->len;
		pthread_mutex_unlock(&e->mu);
		phase = e->p->kind == WIPE_PAT_BYTES
				? (int64_t)(s->off % e->p->nbytes) : -2;
		ret = 0;
		if (phase < 0 || phase != s->phase || s->filled < s->len) {
			ret = wipe_patgen_fill(g, s->off, s->buf, s->len);
			s->phase = phase;
			s->filled = s->len;
		}
		pthread_mutex_lock(&e->mu);
		if (ret != 0)
			e->fatal = ret;
		e->ready[(e->rhead + e->nready) % e->nslots] = s;
		e->nready++;
		pthread_cond_broadcast(&e->cv);
	}
	e->gens_running--;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	wipe_patgen_free(g);
	return NULL;
}

/* Write a chunk; on failure, sector by sector.  Returns bytes written. */
static uint64_t
write_chunk(struct engine *e, const struct slot *s, struct wc_ranges *bad)
{
	uint32_t sec = e->d->id.logical_sector ? e->d->id.logical_sector
					       : 512;
	ssize_t n;
	size_t at, step;
	uint64_t ok = 0;

	n = wipe_dev_pwrite(e->d, s->buf, s->len, s->off);
	if (n == (ssize_t)s->len)
		return s->len;
	for (at = 0; at < s->len; at += step) {
		if (e->o->stop != NULL && *e->o->stop)
			break;
		step = WC_MIN((size_t)sec, s->len - at);
		n = wipe_dev_pwrite(e->d, s->buf + at, step, s->off + at);
		if (n == (ssize_t)step)
			ok += step;
		else if (wc_ranges_add(bad, (s->off + at) / sec, 1) != 0)
			e->fatal = -ENOMEM;
	}
	return ok;
}

static void *
writer(void *arg)
{
	struct engine *e = arg;
	struct wc_ranges bad;
	struct slot *s;
	uint64_t done;
	int need_sync, ret;

	wc_ranges_init(&bad);
	pthread_mutex_lock(&e->mu);
	for (;;) {
		if (stopping(e))
			break;
		if (e->nready == 0) {
			if (e->gens_running == 0)
				break;
			engine_wait(e);
			continue;
		}
		s = e->ready[e->rhead];
		e->rhead = (e->rhead + 1) % e->nslots;
		e->nready--;
		pthread_mutex_unlock(&e->mu);

		done = write_chunk(e, s, &bad);
		if (e->prog != NULL)
			__atomic_fetch_add(&e->prog->done, s->len,
					   __ATOMIC_RELAXED);

		pthread_mutex_lock(&e->mu);
		e->res->bytes_written += done;
		e->freeq[e->nfree++] = s;
		e->since_sync += s->len;
		need_sync = e->since_sync >= e->o->sync_every;
		if (need_sync)
			e->since_sync = 0;
		if (wc_ranges_merge(&e->res->bad, &bad) != 0)
			e->fatal = -ENOMEM;
		wc_ranges_release(&bad);
		pthread_cond_broadcast(&e->cv);
		if (need_sync) {
			/* Surface write errors while the pass goes on. */
			pthread_mutex_unlock(&e->mu);
			ret = wipe_dev_flush(e->d);
			pthread_mutex_lock(&e->mu);
			if (ret != 0 && e->res->sync_errno == 0)
				e->res->sync_errno = -ret;
		}
	}
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	wc_ranges_release(&bad);
	return NULL;
}

static int
engine_setup(struct engine *e)
{
	size_t i;

	e->nslots = e->o->writers + e->o->generators + 1;
	e->slots = calloc(e->nslots, sizeof(*e->slots));
	e->freeq = calloc(e->nslots, sizeof(*e->freeq));
	e->ready = calloc(e->nslots, sizeof(*e->ready));
	if (e->slots == NULL || e->freeq == NULL || e->ready == NULL)
		return -ENOMEM;
	for (i = 0; i < e->nslots; i++) {
		e->slots[i].buf = wipe_alloc_aligned(e->d->align, e->o->chunk);
		if (e->slots[i].buf == NULL)
			return -ENOMEM;
		e->slots[i].phase = -1;
		e->freeq[e->nfree++] = &e->slots[i];
	}
	return 0;
}

static void
engine_release(struct engine *e)
{
	size_t i;

	if (e->slots != NULL)
		for (i = 0; i < e->nslots; i++)
			free(e->slots[i].buf);
	free(e->slots);
	free(e->freeq);
	free(e->ready);
}

/* Start the threads and wait for them.  Returns 0 or -errno. */
static int
engine_run(struct engine *e)
{
	pthread_t tids[64];
	unsigned n = 0, i, want = e->o->generators + e->o->writers;
	int ret = 0;

	e->gens_running = e->o->generators;
	for (i = 0; i < want && i < WC_ARRAY_SIZE(tids); i++) {
		ret = pthread_create(&tids[n], NULL,
				     i < e->o->generators ? generator : writer,
				     e);
		if (ret != 0) {
			pthread_mutex_lock(&e->mu);
			e->fatal = -ret;
			if (i < e->o->generators)
				e->gens_running -= e->o->generators - i;
			pthread_mutex_unlock(&e->mu);
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	return ret ? -ret : 0;
}

int
wipe_overwrite(struct wipe_dev *d, const struct wipe_pattern *p,
	       const struct wipe_engine_opts *o, struct wipe_progress *prog,
	       struct wipe_pass_result *res)
{
	struct engine e;
	uint64_t t0 = wc_mono_ns();
	int ret, fret;

	if (o->chunk == 0 || o->chunk % 4096 != 0 || o->writers == 0 ||
	    o->generators == 0 || o->writers + o->generators > 64)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.d = d;
	e.p = p;
	e.o = o;
	e.prog = prog;
	e.res = res;
	e.size = d->id.size_bytes;
	res->start_unix = (uint64_t)time(NULL);
	if (prog != NULL) {
		__atomic_store_n(&prog->done, 0, __ATOMIC_RELAXED);
		prog->total = e.size;
	}
	pthread_mutex_init(&e.mu, NULL);
	pthread_cond_init(&e.cv, NULL);
	ret = engine_setup(&e);
	if (ret == 0)
		ret = engine_run(&e);
	if (ret == 0)
		ret = e.fatal;
	if (ret == 0 && o->stop != NULL && *o->stop)
		ret = -EINTR;
	/* The final flush; after a stop the pass is void anyway, and a
	 * signal must end the run within a second. */
	fret = ret == -EINTR ? 0 : wipe_dev_flush(d);
	if (fret != 0 && res->sync_errno == 0)
		res->sync_errno = -fret;
	res->aborted = ret == -EINTR;
	res->elapsed_ns = wc_mono_ns() - t0;
	res->end_unix = (uint64_t)time(NULL);
	engine_release(&e);
	pthread_cond_destroy(&e.cv);
	pthread_mutex_destroy(&e.mu);
	return ret;
}
