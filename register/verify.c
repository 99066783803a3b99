/*
 * verify.c - walk the register: parse, sequence, chain, signatures,
 * signers' certificates, an expected head.  The first problem found is
 * named, with the entry and the reason; a failure is looked at once
 * more to tell an inserted line from an edited one, and a missing entry
 * from one that moved.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "register/internal.h"

struct signer_rec {
	char fpr[REG_HEX_LEN];
	X509 *cert;
	EVP_PKEY *pkey;		/* borrowed from cert */
	int trusted;
};

struct walk {
	const char *text;
	size_t len;
	size_t at;			/* start of the next line */
	size_t lineno;			/* of the current line */
	uint64_t expected;
	char prev[REG_HEX_LEN];		/* hash of the last good line */
	char prevprev[REG_HEX_LEN];	/* and of the one before it */
	X509_STORE *store;
	struct signer_rec *signers;
	size_t nsigners;
	int first_untrusted;
	struct reg_verify_result *r;
	const struct reg_verify_opts *o;
	char head_found[REG_HEX_LEN];	/* hash of the expected head */
	int defer;			/* collect signatures in jobs */
	struct reg_sigjob *jobs;
	size_t njobs, capjobs;
};

static const char *const problem_names[] = {
	[REG_OK] = "ok",
	[REG_MALFORMED] = "malformed",
	[REG_EDITED] = "edited",
	[REG_DELETED] = "deleted",
	[REG_REORDERED] = "reordered",
	[REG_INSERTED] = "inserted",
	[REG_TRUNCATED] = "truncated",
	[REG_REWRITTEN] = "rewritten",
	[REG_BAD_SIGNATURE] = "bad signature",
	[REG_UNKNOWN_SIGNER] = "unknown signer",
	[REG_UNTRUSTED] = "untrusted",
};

const char *
reg_problem_name(enum reg_problem p)
{
	if ((unsigned)p >= WC_ARRAY_SIZE(problem_names))
		return "unknown";
	return problem_names[p];
}

/* Record the first problem; returns 1 so callers can `return fail(...)`. */
static int
fail(struct walk *w, enum reg_problem p, uint64_t seq, size_t line,
     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
fail(struct walk *w, enum reg_problem p, uint64_t seq, size_t line,
     const char *fmt, ...)
{
	va_list ap;

	w->r->problem = p;
	w->r->seq = seq;
	w->r->line = line;
	va_start(ap, fmt);
	/* A reason longer than the buffer is cut, which is acceptable. */
	(void)vsnprintf(w->r->reason, sizeof(w->r->reason), fmt, ap);
	va_end(ap);
	return 1;
}

/* The complete line starting at *at; 0 at the end or at a torn tail. */
static int
line_at(const struct walk *w, size_t at, size_t *len)
{
	const char *nl;

	if (at >= w->len)
		return 0;
	nl = memchr(w->text + at, '\n', w->len - at);
	if (nl == NULL)
		return 0;
	*len = (size_t)(nl - w->text) - at;
	return 1;
}

/* Parse the line at `at` into e (released by the caller). */
static int
parse_at(const struct walk *w, size_t at, struct reg_entry *e)
{
	const char *why;
	size_t len;

	memset(e, 0, sizeof(*e));
	if (!line_at(w, at, &len))
		return -ENOENT;
	return reg_line_parse(w->text + at, len, e, &why);
}

/*
 * Is the current line (ending before `next`) one that does not belong?
 * It is when the line after it names the last good line as its
 * previous one: two lines cannot both follow the same entry, and the
 * current one is the one that failed.
 */
static int
inserted_here(const struct walk *w, size_t next)
{
	struct reg_entry e;
	int yes;

	yes = parse_at(w, next, &e) == 0 && strcmp(e.prev, w->prev) == 0;
	reg_entry_release(&e);
	return yes;
}

/* Line number of the line holding seq, searching from `at`; 0 none. */
static size_t
find_seq(const struct walk *w, size_t at, size_t lineno, uint64_t seq)
{
	struct reg_entry e;
	size_t len;
	int hit;

	while (line_at(w, at, &len)) {
		lineno++;
		hit = parse_at(w, at, &e) == 0 && e.seq == seq;
		reg_entry_release(&e);
		if (hit)
			return lineno;
		at += len + 1;
	}
	return 0;
}

/* Does e name the line at `next` as its previous one (a swap)? */
static int
follows_next(const struct walk *w, const struct reg_entry *e, size_t next)
{
	struct reg_entry n;
	int yes;

	yes = parse_at(w, next, &n) == 0 && strcmp(e->prev, n.hash) == 0;
	reg_entry_release(&n);
	return yes;
}

static int
seq_problem(struct walk *w, const struct reg_entry *e, size_t next)
{
	uint64_t want = w->expected;
	size_t at;

	if (strcmp(e->hash, w->prev) == 0)
		return fail(w, REG_INSERTED, e->seq, w->lineno,
			    "line %zu repeats entry %llu: an inserted copy",
			    w->lineno, (unsigned long long)e->seq);
	if (want > 1 && e->seq < want && strcmp(e->prev, w->prevprev) == 0)
		return fail(w, REG_INSERTED, want - 1, w->lineno - 1,
			    "line %zu (entry %llu) was inserted: the line "
			    "after it chains to the entry before it",
			    w->lineno - 1, (unsigned long long)(want - 1));
	at = find_seq(w, next, w->lineno, want);
	if ((at == 0 || at == w->lineno + 1) && !follows_next(w, e, next) &&
	    inserted_here(w, next))
		return fail(w, REG_INSERTED, e->seq, w->lineno,
			    "line %zu (entry %llu) was inserted: the line "
			    "after it follows entry %llu", w->lineno,
			    (unsigned long long)e->seq,
			    (unsigned long long)(want - 1));
	if (at != 0)
		return fail(w, REG_REORDERED, want, at,
			    "entry %llu is at line %zu, after entry %llu "
			    "(line %zu): reordered",
			    (unsigned long long)want, at,
			    (unsigned long long)e->seq, w->lineno);
	if (e->seq == want + 1)
		return fail(w, REG_DELETED, want, w->lineno,
			    "entry %llu is missing before entry %llu "
			    "(line %zu): deleted", (unsigned long long)want,
			    (unsigned long long)e->seq, w->lineno);
	if (e->seq > want)
		return fail(w, REG_DELETED, want, w->lineno,
			    "entries %llu-%llu are missing before entry %llu "
			    "(line %zu): deleted", (unsigned long long)want,
			    (unsigned long long)(e->seq - 1),
			    (unsigned long long)e->seq, w->lineno);
	return fail(w, REG_REORDERED, e->seq, w->lineno,
		    "line %zu holds entry %llu again after entry %llu: "
		    "reordered or duplicated",
		    w->lineno, (unsigned long long)e->seq,
		    (unsigned long long)(want - 1));
}

static void
signers_release(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->nsigners; i++)
		X509_free(w->signers[i].cert);
	free(w->signers);
}

static int
chain_ok(X509_STORE *store, X509 *cert, time_t when)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;

	if (ctx == NULL)
		return 0;
	if (X509_STORE_CTX_init(ctx, store, cert, NULL) == 1) {
		X509_STORE_CTX_set_time(ctx, 0, when);
		ok = X509_verify_cert(ctx) == 1;
	}
	X509_STORE_CTX_free(ctx);
	return ok;
}

/* A signer's embedded certificate, checked against its fingerprint. */
static int
cert_from_entry(const struct reg_entry *e, X509 **out)
{
	const unsigned char *p;
	uint8_t *der = NULL, sum[32];
	char hex[REG_HEX_LEN];
	size_t n;
	int ret;

	*out = NULL;
	ret = reg_b64_decode(e->cert_b64, strlen(e->cert_b64), &der, &n);
	if (ret != 0)
		return ret;
	wc_sha256(der, n, sum);
	wc_hex(hex, sum, sizeof(sum));
	p = der;
	if (strcmp(hex, e->signer) != 0)
		ret = -EKEYREJECTED;
	else if ((*out = d2i_X509(NULL, &p, (long)n)) == NULL ||
		 p != der + n)
		ret = -EINVAL;
	if (ret != 0) {
		X509_free(*out);
		*out = NULL;
	}
	free(der);
	return ret;
}

static struct signer_rec *
signer_find(struct walk *w, const char *fpr)
{
	size_t i;

	for (i = 0; i < w->nsigners; i++)
		if (strcmp(w->signers[i].fpr, fpr) == 0)
			return &w->signers[i];
	return NULL;
}

static int
signer_add(struct walk *w, const struct reg_entry *e, X509 *cert,
	   struct signer_rec **out)
{
	struct signer_rec *v, *s;

	v = realloc(w->signers, (w->nsigners + 1) * sizeof(*v));
	if (v == NULL) {
		X509_free(cert);
		return -ENOMEM;
	}
	w->signers = v;
	s = &v[w->nsigners++];
	memset(s, 0, sizeof(*s));
	memcpy(s->fpr, e->signer, REG_HEX_LEN);
	s->cert = cert;
	s->pkey = X509_get0_pubkey(cert);
	s->trusted = w->store != NULL && chain_ok(w->store, cert, e->when);
	if (s->pkey == NULL)
		return -EINVAL;
	*out = s;
	return 0;
}

/* The signer of e, from earlier entries or from e's certificate. */
static int
resolve_signer(struct walk *w, const struct reg_entry *e, size_t next,
	       struct signer_rec **out)
{
	X509 *cert;
	int ret;

	*out = signer_find(w, e->signer);
	if (*out != NULL)
		return 0;
	if (e->cert_b64 == NULL) {
		if (inserted_here(w, next))
			return fail(w, REG_INSERTED, e->seq, w->lineno,
				    "line %zu (entry %llu) was inserted: "
				    "unknown signer", w->lineno,
				    (unsigned long long)e->seq);
		return fail(w, REG_UNKNOWN_SIGNER, e->seq, w->lineno,
			    "entry %llu (line %zu): unknown signer %.16s..., "
			    "whose certificate is in no earlier entry",
			    (unsigned long long)e->seq, w->lineno, e->signer);
	}
	ret = cert_from_entry(e, &cert);
	if (ret == -ENOMEM)
		return ret;
	if (ret == 0)
		ret = signer_add(w, e, cert, out);
	else
		X509_free(cert);
	if (ret == -ENOMEM)
		return ret;
	if (ret != 0)
		return fail(w, REG_UNKNOWN_SIGNER, e->seq, w->lineno,
			    "entry %llu (line %zu): its certificate is not "
			    "that of its signer", (unsigned long long)e->seq,
			    w->lineno);
	return 0;
}

/* Defer a signature check to reg_sigjobs_check(). */
static int
defer_sig(struct walk *w, const struct reg_entry *e, const char *line,
	  EVP_PKEY *pkey)
{
	struct reg_sigjob *v;
	size_t cap;

	if (w->njobs == w->capjobs) {
		cap = w->capjobs ? w->capjobs * 2 : 1024;
		v = realloc(w->jobs, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		w->jobs = v;
		w->capjobs = cap;
	}
	w->jobs[w->njobs++] = (struct reg_sigjob){ line, e->len,
						   e->signed_len, pkey };
	return 0;
}

/* The signature and the signer's standing. */
static int
check_sig(struct walk *w, const struct reg_entry *e, const char *line,
	  size_t next, const struct signer_rec *s)
{
	int ret = w->defer ? defer_sig(w, e, line, s->pkey) :
		reg_entry_check_sig(e, line, s->pkey);

	if (ret == -ENOMEM)
		return ret;
	if (ret != 0 && inserted_here(w, next))
		return fail(w, REG_INSERTED, e->seq, w->lineno,
			    "line %zu (entry %llu) was inserted: its "
			    "signature does not verify", w->lineno,
			    (unsigned long long)e->seq);
	if (ret == -EINVAL)
		return fail(w, REG_BAD_SIGNATURE, e->seq, w->lineno,
			    "entry %llu (line %zu): bad signature (not an "
			    "ECDSA signature)", (unsigned long long)e->seq,
			    w->lineno);
	if (ret != 0)
		return fail(w, REG_EDITED, e->seq, w->lineno,
			    "entry %llu (line %zu) was edited: its signature "
			    "does not match its content",
			    (unsigned long long)e->seq, w->lineno);
	if (w->store == NULL || s->trusted)
		return 0;
	/* A wrong CA fails every signer: that is "untrusted", not forged. */
	if (!w->signers[0].trusted) {
		w->first_untrusted = 1;
		return 0;
	}
	if (inserted_here(w, next))
		return fail(w, REG_INSERTED, e->seq, w->lineno,
			    "line %zu (entry %llu) was inserted: signer "
			    "%.16s... is not issued by the given CA",
			    w->lineno, (unsigned long long)e->seq, e->signer);
	return fail(w, REG_UNKNOWN_SIGNER, e->seq, w->lineno,
		    "entry %llu (line %zu): signer %.16s... is not issued by "
		    "the given CA (forged or inserted)",
		    (unsigned long long)e->seq, w->lineno, e->signer);
}

static int
chain_problem(struct walk *w, const struct reg_entry *e, const char *line,
	      size_t next)
{
	struct signer_rec *s;
	int ret;

	if (w->expected > 1 && strcmp(e->prev, w->prevprev) == 0)
		return fail(w, REG_INSERTED, w->expected - 1, w->lineno - 1,
			    "line %zu (entry %llu) was inserted: the line "
			    "after it chains to the entry before it",
			    w->lineno - 1,
			    (unsigned long long)(w->expected - 1));
	s = signer_find(w, e->signer);
	if (s != NULL && reg_entry_check_sig(e, line, s->pkey) != 0) {
		ret = check_sig(w, e, line, next, s);
		if (ret != 0)
			return ret;
	}
	if (w->expected == 1)
		return fail(w, REG_EDITED, e->seq, w->lineno,
			    "entry 1 (line %zu) does not start the chain: "
			    "its prev is not 64 zeros", w->lineno);
	return fail(w, REG_EDITED, w->expected - 1, w->lineno - 1,
		    "entry %llu (line %zu) was replaced or edited: entry "
		    "%llu names a different previous entry",
		    (unsigned long long)(w->expected - 1), w->lineno - 1,
		    (unsigned long long)e->seq);
}

/* Check one parsed line.  0: good; 1: a problem recorded; <0: error. */
static int
check_entry(struct walk *w, const struct reg_entry *e, const char *line,
	    size_t next)
{
	struct signer_rec *s;
	int ret;

	if (e->seq != w->expected)
		return seq_problem(w, e, next);
	if (strcmp(e->prev, w->prev) != 0)
		return chain_problem(w, e, line, next);
	ret = resolve_signer(w, e, next, &s);
	if (ret != 0)
		return ret;
	return check_sig(w, e, line, next, s);
}

static void
advance(struct walk *w, const struct reg_entry *e)
{
	struct reg_head *h = &w->r->head;

	memcpy(w->prevprev, w->prev, REG_HEX_LEN);
	memcpy(w->prev, e->hash, REG_HEX_LEN);
	w->expected++;
	w->r->entries++;
	if (e->kind == REG_RECOVERED)
		w->r->recovered++;
	if (w->o->have_head && e->seq == w->o->head_seq)
		memcpy(w->head_found, e->hash, REG_HEX_LEN);
	h->seq = e->seq;
	memcpy(h->hash, e->hash, REG_HEX_LEN);
	memcpy(h->time, e->time, sizeof(h->time));
	h->when = e->when;
}

/* One line; 0 to go on, 1 to stop (problem recorded), <0 error. */
static int
walk_line(struct walk *w, size_t len)
{
	const char *line = w->text + w->at, *why;
	size_t next = w->at + len + 1;
	struct reg_entry e;
	int ret;

	w->lineno++;
	ret = reg_line_parse(line, len, &e, &why);
	e.len = len;
	if (ret == -ENOMEM) {
		reg_entry_release(&e);
		return ret;
	}
	if (ret != 0) {
		reg_entry_release(&e);
		if (inserted_here(w, next))
			return fail(w, REG_INSERTED, w->expected, w->lineno,
				    "line %zu was inserted: not an entry (%s)",
				    w->lineno, why);
		return fail(w, REG_MALFORMED, w->expected, w->lineno,
			    "line %zu (entry %llu expected) is not an entry: "
			    "%s (edited or damaged)", w->lineno,
			    (unsigned long long)w->expected, why);
	}
	ret = check_entry(w, &e, line, next);
	if (ret == 0)
		advance(w, &e);
	reg_entry_release(&e);
	w->at = next;
	return ret;
}

static void
check_head(struct walk *w)
{
	const struct reg_verify_opts *o = w->o;
	const struct reg_head *h = &w->r->head;

	if (!o->have_head || w->r->problem != REG_OK)
		return;
	if (h->seq < o->head_seq)
		fail(w, REG_TRUNCATED, o->head_seq, 0,
		     "the register ends at entry %llu, but entry %llu was "
		     "expected: truncated",
		     (unsigned long long)h->seq,
		     (unsigned long long)o->head_seq);
	else if (strcmp(w->head_found, o->head_hash) != 0)
		fail(w, REG_REWRITTEN, o->head_seq, 0,
		     "entry %llu has hash %s, but %s was expected: "
		     "rewritten", (unsigned long long)o->head_seq,
		     w->head_found, o->head_hash);
}

/* One pass over the text; signatures checked inline or deferred. */
static int
walk_all(const char *text, size_t len, X509_STORE *store,
	 const struct reg_verify_opts *o, struct reg_verify_result *r,
	 struct walk *w)
{
	size_t n;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	memcpy(r->head.hash, REG_ZERO_HASH, REG_HEX_LEN);
	w->text = text;
	w->len = len;
	w->expected = 1;
	w->store = store;
	w->r = r;
	w->o = o;
	memcpy(w->prev, REG_ZERO_HASH, REG_HEX_LEN);
	memcpy(w->prevprev, REG_ZERO_HASH, REG_HEX_LEN);
	r->ca_checked = store != NULL;
	while (ret == 0 && line_at(w, w->at, &n))
		ret = walk_line(w, n);
	if (ret < 0)
		return ret;
	if (r->problem == REG_OK)
		r->torn_len = len - w->at;
	check_head(w);
	if (r->problem == REG_OK && w->first_untrusted)
		fail(w, REG_UNTRUSTED, 0, 0,
		     "intact, but its signers are not issued by the given CA");
	r->signers = w->nsigners;
	return 0;
}

static void
walk_release(struct walk *w)
{
	signers_release(w);
	free(w->jobs);
	memset(w, 0, sizeof(*w));
}

/*
 * The walk runs with the signatures deferred and checked on several
 * threads afterwards; only when one of them fails does it run again,
 * checking each in turn, to name that entry as the first problem.
 */
int
reg_verify_buf(const char *text, size_t len, X509_STORE *store,
	       const struct reg_verify_opts *o, struct reg_verify_result *r)
{
	struct walk w;
	size_t bad;
	int ret;

	memset(&w, 0, sizeof(w));
	w.defer = 1;
	ret = walk_all(text, len, store, o, r, &w);
	if (ret == 0)
		ret = reg_sigjobs_check(w.jobs, w.njobs, &bad);
	if (ret == 0 && bad < w.njobs) {
		walk_release(&w);
		ret = walk_all(text, len, store, o, r, &w);
	}
	walk_release(&w);
	return ret;
}

int
reg_verify(const char *path, const struct reg_verify_opts *o,
	   struct reg_verify_result *r)
{
	X509_STORE *store = NULL;
	char *text;
	size_t len;
	int ret;

	memset(r, 0, sizeof(*r));
	if (o->ca_path != NULL) {
		store = X509_STORE_new();
		if (store == NULL)
			return -ENOMEM;
		if (X509_STORE_load_file(store, o->ca_path) != 1) {
			X509_STORE_free(store);
			return -EKEYREJECTED;
		}
	}
	ret = reg_read_locked(path, &text, &len);
	if (ret == 0)
		ret = reg_verify_buf(text, len, store, o, r);
	free(text);
	X509_STORE_free(store);
	return ret;
}
