/*
 * lib.h - small shared helpers: time, hex, UUIDs, hashing, LBA range
 * lists, progress arithmetic and careful file writing.
 *
 * Nothing here prints or exits.  Functions that can fail return 0 or a
 * negative errno.
 */
#ifndef WIPECERT_LIB_H
#define WIPECERT_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define WC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define WC_MAX(a, b) ((a) > (b) ? (a) : (b))

#define WC_MIB (1024ULL * 1024ULL)
#define WC_GIB (1024ULL * WC_MIB)

#define WC_RFC3339_LEN 40	/* "2025-12-01T17:24:05+09:00" and more */

/* The default zone of records and certificates (DESIGN §6). */
#define WC_DEFAULT_TZ "Asia/Tokyo"

/*
 * Set the process's time zone for wc_rfc3339().  Returns 0, or -ENOENT
 * when the zone is not in the time-zone database (Asia/Tokyo falls back
 * to the equivalent POSIX rule "JST-9" so a machine without tzdata still
 * writes +09:00).
 */
int wc_tz_set(const char *zone);

/* Format t as RFC 3339 with the local UTC offset.  Returns 0 or -errno. */
int wc_rfc3339(char *buf, size_t len, time_t t);

/* Monotonic clock in nanoseconds. */
uint64_t wc_mono_ns(void);

/* 1 if the kernel says the clock is NTP-synchronised, 0 if not, -1 unknown. */
int wc_clock_synced(void);

/* Lowercase hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void wc_hex(char *out, const uint8_t *in, size_t n);

/*
 * Parse exactly 2n hex digits into n bytes.  Returns 0, or -EINVAL when
 * in is not exactly 2n hex digits.
 */
int wc_unhex(uint8_t *out, size_t n, const char *in);

/* A random (version 4) UUID, 36 characters plus NUL.  Returns 0 or -EIO. */
int wc_uuid4(char out[37]);

/* Fill buf with cryptographically random bytes.  Returns 0 or -EIO. */
int wc_random(void *buf, size_t n);

/* SHA-256 of a whole file.  Returns 0 or -errno. */
int wc_sha256_file(const char *path, uint8_t out[32]);

/* SHA-256 of a buffer. */
void wc_sha256(const void *data, size_t len, uint8_t out[32]);

/*
 * snprintf that reports truncation: returns 0, or -ENAMETOOLONG when the
 * result did not fit (buf then holds a truncated string).
 */
int wc_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "256.0 MiB", "1.5 GiB", "512 B": binary units, integer arithmetic. */
void wc_human_bytes(char *buf, size_t len, uint64_t n);

/* "1:02:03" or "2:03"; "--:--" for UINT64_MAX. */
void wc_human_duration(char *buf, size_t len, uint64_t sec);

/*
 * Write data to dir/name so that the file appears whole or not at all:
 * a temporary file in dir, fsync, link to the final name (failing with
 * -EEXIST rather than replacing anything), fsync of dir.  Returns 0 or
 * -errno; on failure nothing is left behind.
 */
int wc_write_file_new(const char *dir, const char *name, const void *data,
		      size_t len, mode_t mode);

/*
 * Read a whole (small) file into a NUL-terminated heap buffer.  Refuses
 * files larger than max with -EFBIG.  Caller frees *out.
 */
int wc_read_file(const char *path, size_t max, char **out, size_t *outlen);

/* The same from an open descriptor (from its start; a regular file). */
int wc_read_fd(int fd, size_t max, char **out, size_t *outlen);

/* write() all of data, retrying short writes and EINTR.  0 or -errno. */
int wc_write_all(int fd, const void *data, size_t len);

/* The value of one hex digit, or -1. */
int wc_hexval(int c);

/*
 * A sorted list of disjoint sector ranges (bad or mismatching LBAs).
 * Adjacent and overlapping ranges merge.  At most WC_RANGES_MAX ranges
 * are kept; beyond that the list is marked truncated, but `sectors`
 * still counts every sector ever added (without double counting).
 */
#define WC_RANGES_MAX 4096

struct wc_range {
	uint64_t start;
	uint64_t count;
};

struct wc_ranges {
	struct wc_range *v;
	size_t n;
	size_t cap;
	uint64_t sectors;	/* total distinct sectors added */
	int truncated;		/* ranges were dropped from v */
};

void wc_ranges_init(struct wc_ranges *r);
/* Returns 0 or -ENOMEM. */
int wc_ranges_add(struct wc_ranges *r, uint64_t start, uint64_t count);
/* Add every range of src.  Returns 0 or -ENOMEM. */
int wc_ranges_merge(struct wc_ranges *dst, const struct wc_ranges *src);
void wc_ranges_release(struct wc_ranges *r);
/* 1 when sector lba lies in one of the kept ranges. */
int wc_ranges_contains(const struct wc_ranges *r, uint64_t lba);

/*
 * Transfer rate and ETA.  The rate is an exponentially weighted moving
 * average over samples at least 250 ms apart, in bytes per second,
 * integer arithmetic only.
 */
struct wc_rate {
	uint64_t t0_ns;		/* first sample */
	uint64_t last_ns;
	uint64_t last_bytes;
	uint64_t bps;		/* smoothed rate, 0 until known */
};

void wc_rate_init(struct wc_rate *r, uint64_t now_ns, uint64_t bytes);
void wc_rate_update(struct wc_rate *r, uint64_t now_ns, uint64_t bytes);
/* Seconds until remaining bytes are done; UINT64_MAX when unknown. */
uint64_t wc_eta_sec(uint64_t remaining, uint64_t bps);
/* done/total in parts per million, clamped to 1,000,000 (0 if total 0). */
uint32_t wc_ppm(uint64_t done, uint64_t total);
/* Average rate from elapsed nanoseconds; 0 if elapsed is 0. */
uint64_t wc_avg_bps(uint64_t bytes, uint64_t elapsed_ns);

/*
 * wipecert.conf(5): "key = value" lines, '#' comments, UTF-8.  Every
 * value is an owned, NUL-terminated string or NULL when not set.
 * Unknown keys are errors, so that a typo cannot silently drop a field
 * the certificate needs.
 */
#define WC_CONFIG_DEFAULT "/etc/wipecert/wipecert.conf"
#define WC_CONFIG_MAX (64 * 1024)

struct wc_config {
	/* the contract (第18条⑺, 第22条) */
	char *contract;			/* contract number */
	char *addressee;		/* 練馬区長 (…殿) */
	char *department;		/* ward department (所管課), …御中 */
	char *manager;			/* 管理責任者 */
	char *contractor;		/* company */
	char *contractor_address;
	char *contractor_representative;
	/* person performing (NIST SP 800-88 Appendix G) */
	char *operator_name;
	char *operator_title;
	char *operator_contact;
	char *location;
	char *witness;
	char *verifier;
	/* media defaults */
	char *media_source;
	char *classification;
	char *destination;		/* post-sanitization destination */
	/* files */
	char *key;			/* technician's encrypted PKCS#8 key */
	char *certificate;		/* technician's leaf certificate */
	char *chain;			/* issuing CA certificate(s) */
	char *root_ca;
	char *passphrase_file;
	char *register_path;
	char *output_dir;
	char *timezone;
	char *font;			/* TrueType font for PDFs */
	/* where it was read from ("" when no file) */
	char source[4096];
};

/* Key name → field, for parsing and for printing; NULL-terminated. */
struct wc_config_key {
	const char *name;
	size_t offset;			/* offsetof(struct wc_config, …) */
};
extern const struct wc_config_key wc_config_keys[];

void wc_config_init(struct wc_config *c);
void wc_config_release(struct wc_config *c);

/*
 * Parse a configuration text.  Returns 0, or -EINVAL with *errline set
 * to the 1-based line that is wrong (unknown key, no '=', a NUL byte,
 * a line over 4096 bytes, a key given twice), or -ENOMEM.
 */
int wc_config_parse(struct wc_config *c, const char *text, size_t len,
		    unsigned *errline);

/*
 * Load path (or, when path is NULL, $WIPECERT_CONFIG, else the default
 * file, which may be missing).  Returns 0, -ENOENT for a missing file
 * named explicitly, -EINVAL (see errline), or -errno.
 */
int wc_config_load(struct wc_config *c, const char *path, unsigned *errline);

/* Set one field by key name (options override the file).  0 or -EINVAL. */
int wc_config_set(struct wc_config *c, const char *key, const char *value);

/*
 * ECDSA signatures are malleable: (r, n - s) verifies wherever (r, s)
 * does.  Signers write, and verifiers accept, only the low-S form
 * (s <= n/2, n the order of the key's curve).  sig is a DER
 * ECDSA-Sig-Value; pkey an EC key (EVP_PKEY *).
 *
 * wc_ecdsa_is_low_s: 1 when sig is strict DER with 0 < s <= n/2, 0 when
 * not (also when sig does not parse or the key is not EC).
 */
struct evp_pkey_st;
int wc_ecdsa_is_low_s(const uint8_t *sig, size_t len,
		      const struct evp_pkey_st *pkey);
/*
 * Rewrite sig in low-S form into *out (malloc'd, the caller frees it),
 * unchanged when it already is.  Returns 0, -EINVAL when sig is not a
 * DER ECDSA signature or the key not an EC key, or -ENOMEM.
 */
int wc_ecdsa_to_low_s(const uint8_t *sig, size_t len,
		      const struct evp_pkey_st *pkey, uint8_t **out,
		      size_t *outlen);

#endif
