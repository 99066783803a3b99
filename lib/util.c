/*
 * util.c - time, hex, UUIDs, hashing and formatting helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "lib/lib.h"

int
wc_tz_set(const char *zone)
{
	char path[512];
	const char *tz = zone;

	if (zone == NULL || *zone == '\0' || zone[0] == '/' ||
	    zone[0] == ':' || strstr(zone, "..") != NULL)
		return -EINVAL;
	if (wc_fmt(path, sizeof(path), "/usr/share/zoneinfo/%s", zone) != 0)
		return -EINVAL;
	if (access(path, R_OK) != 0) {
		/* Without tzdata, keep Tokyo and UTC right anyway. */
		if (strcmp(zone, WC_DEFAULT_TZ) == 0)
			tz = "JST-9";
		else if (strcmp(zone, "UTC") == 0)
			tz = "UTC0";
		else
			return -ENOENT;
	}
	if (setenv("TZ", tz, 1) != 0)
		return -errno;
	tzset();
	return 0;
}

int
wc_rfc3339(char *buf, size_t len, time_t t)
{
	struct tm tm;
	long off;
	char sign;

	if (localtime_r(&t, &tm) == NULL)
		return -EINVAL;
	off = tm.tm_gmtoff;
	sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	return wc_fmt(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
		      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		      tm.tm_min, tm.tm_sec, sign, off / 3600, (off / 60) % 60);
}

uint64_t
wc_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
wc_clock_synced(void)
{
	struct timex tx;
	int state;

	memset(&tx, 0, sizeof(tx));
	state = adjtimex(&tx);
	if (state < 0)
		return -1;
	return state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

void
wc_hex(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
wc_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
wc_unhex(uint8_t *out, size_t n, const char *in)
{
	size_t i;
	int hi, lo;

	if (strlen(in) != 2 * n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		hi = wc_hexval((unsigned char)in[2 * i]);
		lo = wc_hexval((unsigned char)in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
wc_random(void *buf, size_t n)
{
	if (n > (size_t)INT32_MAX || RAND_bytes(buf, (int)n) != 1)
		return -EIO;
	return 0;
}

int
wc_uuid4(char out[37])
{
	uint8_t b[16];
	char hex[33];

	if (wc_random(b, sizeof(b)) != 0)
		return -EIO;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	wc_hex(hex, b, sizeof(b));
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
	return 0;
}

void
wc_sha256(const void *data, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

int
wc_sha256_file(const char *path, uint8_t out[32])
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char buf[65536];
	unsigned int n = 32;
	ssize_t got;
	int fd, ret = -EIO;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, out, &n) != 1)
		goto out;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return ret;
}

int
wc_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

void
wc_human_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	uint64_t scale = 1024;
	size_t u = 0;
	uint64_t tenths;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return;
	}
	for (;;) {
		/* Rounded to one decimal, in integers. */
		tenths = (uint64_t)(((unsigned __int128)n * 10 + scale / 2) /
				    scale);
		if (tenths < 10240 || u + 1 >= WC_ARRAY_SIZE(units))
			break;
		/* 1023.95 KiB and up print as 1.0 MiB. */
		scale *= 1024;
		u++;
	}
	snprintf(buf, len, "%llu.%llu %s", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10), units[u]);
}

void
wc_human_duration(char *buf, size_t len, uint64_t sec)
{
	if (sec == UINT64_MAX) {
		snprintf(buf, len, "--:--");
		return;
	}
	if (sec >= 3600)
		snprintf(buf, len, "%llu:%02llu:%02llu",
			 (unsigned long long)(sec / 3600),
			 (unsigned long long)(sec / 60 % 60),
			 (unsigned long long)(sec % 60));
	else
		snprintf(buf, len, "%llu:%02llu", (unsigned long long)(sec / 60),
			 (unsigned long long)(sec % 60));
}
