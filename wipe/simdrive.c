/*
 * simdrive.c - the simulated drive (see wipe/simdrive.h): its medium, the
 * device interface, sanitize progress, and its SCSI and NVMe command
 * sets.  The ATA command set is in simata.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <nvme/types.h>

#include "wipe/simdrive.h"

#define DEFAULT_SIZE (64 * WC_MIB)
#define DEFAULT_POLLS 3
#define SAN_ESTIMATE_S 10

static const uint8_t master_default[WIPE_ATA_PASSWORD_LEN] =
	"WIPECERT-SIM-MASTER-PASSWORD....";

static struct sim *
sim_of(struct wipe_dev *d)
{
	return d->priv;
}

/* ---- spec ------------------------------------------------------------------ */

void
wipe_sim_spec_default(struct wipe_sim_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = WIPE_SIM_ATA;
	s->logical = s->physical = 512;
	s->sectors = DEFAULT_SIZE / 512;
	s->sanitize_polls = DEFAULT_POLLS;
	s->nn = 1;
	snprintf(s->model, sizeof(s->model), "WIPECERT SIMULATED DRIVE");
	snprintf(s->serial, sizeof(s->serial), "SIM-0001");
	snprintf(s->firmware, sizeof(s->firmware), "SIM1.0");
}

static int
parse_size(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno != 0 || end == v)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		n *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		n *= WC_MIB, end++;
	else if (*end == 'G' || *end == 'g')
		n *= WC_GIB, end++;
	if (*end != '\0')
		return -EINVAL;
	*out = n;
	return 0;
}

static int
parse_flagword(const char *w, struct wipe_sim_spec *s)
{
	static const struct { const char *name; unsigned flag; } words[] = {
		{ "security", WIPE_SIM_SECURITY },
		{ "enhanced", WIPE_SIM_SECURITY | WIPE_SIM_ENHANCED },
		{ "frozen", WIPE_SIM_FROZEN },
		{ "hdd", WIPE_SIM_ROTATIONAL },
		{ "format", WIPE_SIM_FORMAT },
		{ "format-crypto", WIPE_SIM_FORMAT | WIPE_SIM_FORMAT_CRYPTO },
	};
	size_t i;

	if (strcmp(w, "ata") == 0 || strcmp(w, "scsi") == 0 ||
	    strcmp(w, "nvme") == 0 || strcmp(w, "usb") == 0) {
		s->kind = w[0] == 'a' ? WIPE_SIM_ATA : w[0] == 's' ? WIPE_SIM_SCSI
			  : w[0] == 'n' ? WIPE_SIM_NVME : WIPE_SIM_USB;
		return 0;
	}
	if (strcmp(w, "ssd") == 0) {
		s->flags &= ~(unsigned)WIPE_SIM_ROTATIONAL;
		return 0;
	}
	for (i = 0; i < WC_ARRAY_SIZE(words); i++)
		if (strcmp(w, words[i].name) == 0) {
			s->flags |= words[i].flag;
			return 0;
		}
	return -EINVAL;
}

static int
parse_sanitize(const char *v, struct wipe_sim_spec *s)
{
	char buf[64], *tok, *save = NULL;

	if (wc_fmt(buf, sizeof(buf), "%s", v) != 0)
		return -EINVAL;
	for (tok = strtok_r(buf, "+", &save); tok;
	     tok = strtok_r(NULL, "+", &save)) {
		if (strcmp(tok, "crypto") == 0)
			s->flags |= WIPE_SIM_SAN_CRYPTO;
		else if (strcmp(tok, "block") == 0)
			s->flags |= WIPE_SIM_SAN_BLOCK;
		else if (strcmp(tok, "overwrite") == 0)
			s->flags |= WIPE_SIM_SAN_OVERWRITE;
		else
			return -EINVAL;
	}
	return 0;
}

static int
parse_fault(const char *v, struct wipe_sim_spec *s)
{
	uint64_t op;

	if (strcmp(v, "power-loss") == 0)
		s->fault = WIPE_SIM_FAULT_POWER_LOSS;
	else if (strcmp(v, "sanitize-fail") == 0)
		s->fault = WIPE_SIM_FAULT_SANITIZE;
	else if (strcmp(v, "noop") == 0)
		s->fault = WIPE_SIM_FAULT_NOOP;
	else if (strncmp(v, "cmd:", 4) == 0 && parse_size(v + 4, &op) == 0 &&
		 op <= 0xff) {
		s->fault = WIPE_SIM_FAULT_CMD;
		s->fault_op = (unsigned)op;
	} else
		return -EINVAL;
	return 0;
}

static int
parse_pair(const char *k, const char *v, struct wipe_sim_spec *s)
{
	uint64_t n = 0;

	if (strcmp(k, "sanitize") == 0)
		return parse_sanitize(v, s);
	if (strcmp(k, "fault") == 0)
		return parse_fault(v, s);
	if (strcmp(k, "model") == 0)
		return wc_fmt(s->model, sizeof(s->model), "%s", v);
	if (strcmp(k, "serial") == 0)
		return wc_fmt(s->serial, sizeof(s->serial), "%s", v);
	if (parse_size(v, &n) != 0)
		return -EINVAL;
	if (strcmp(k, "size") == 0)
		s->sectors = n / s->logical;
	else if (strcmp(k, "lba") == 0 && (n == 512 || n == 4096))
		s->sectors = s->sectors * s->logical / n, s->logical = (uint32_t)n,
		s->physical = (uint32_t)WC_MAX(n, s->physical);
	else if (strcmp(k, "pbs") == 0 && n >= s->logical && n <= 65536)
		s->physical = (uint32_t)n;
	else if (strcmp(k, "hpa") == 0)
		s->hpa_sectors = n;
	else if (strcmp(k, "dco") == 0)
		s->dco_sectors = n;
	else if (strcmp(k, "polls") == 0 && n > 0)
		s->sanitize_polls = (unsigned)n;
	else if (strcmp(k, "erase-ms") == 0)
		s->erase_ms = (unsigned)n;
	else if (strcmp(k, "fna") == 0 && n <= 0xff)
		s->fna = (uint8_t)n;
	else if (strcmp(k, "nn") == 0 && n > 0)
		s->nn = (uint32_t)n;
	else
		return -EINVAL;
	return 0;
}

int
wipe_sim_parse(const char *text, struct wipe_sim_spec *s)
{
	char buf[512], *tok, *save = NULL, *eq;
	int ret = 0;

	if (wc_fmt(buf, sizeof(buf), "%s", text) != 0)
		return -EINVAL;
	for (tok = strtok_r(buf, ",", &save); tok && ret == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL) {
			ret = parse_flagword(tok, s);
			continue;
		}
		*eq = '\0';
		ret = parse_pair(tok, eq + 1, s);
	}
	if (ret == 0 && (s->sectors == 0 || s->physical % s->logical != 0))
		ret = -EINVAL;
	return ret != 0 ? -EINVAL : 0;
}

/* ---- the medium ------------------------------------------------------------- */

/* A "new key": the old data becomes noise nobody can read back. */
static void
fill_noise(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 0x9e3779b9U;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

void
sim_erase(struct sim *s, uint64_t first, uint64_t n, unsigned action,
	  uint32_t pattern)
{
	uint8_t *p = s->media + first * s->spec.logical;
	size_t len = (size_t)(n * s->spec.logical), i;
	uint8_t pat[4] = { (uint8_t)(pattern >> 24), (uint8_t)(pattern >> 16),
			   (uint8_t)(pattern >> 8), (uint8_t)pattern };

	if (first + n > s->media_sectors)
		return;
	switch (action) {
	case WIPE_FW_CRYPTO:
		fill_noise(p, len, ++s->seed * 2654435761U);
		break;
	case WIPE_FW_OVERWRITE:
		for (i = 0; i < len; i++)
			p[i] = pat[i % 4];
		break;
	default:
		memset(p, 0, len);
	}
}

int
sim_long_erase(struct sim *s, uint64_t n, unsigned action, uint32_t pattern)
{
	struct timespec ts = { (time_t)(s->spec.erase_ms / 1000),
			       (long)(s->spec.erase_ms % 1000) * 1000000L };

	if (s->stop != NULL)
		*s->stop = 1;
	if (s->spec.erase_ms > 0)
		nanosleep(&ts, NULL);
	if (s->spec.fault == WIPE_SIM_FAULT_POWER_LOSS) {
		sim_erase(s, 0, n / 2, action, pattern);
		s->powered = 0;
		return -1;
	}
	if (s->spec.fault != WIPE_SIM_FAULT_NOOP)
		sim_erase(s, 0, n, action, pattern);
	return 0;
}

void
sim_sanitize_start(struct sim *s, unsigned action, uint32_t pattern)
{
	s->san = SIM_SAN_RUNNING;
	s->san_left = s->spec.sanitize_polls;
	s->san_action = action;
	s->san_pattern = pattern;
	s->san_last_ok = 0;
}

void
sim_sanitize_poll(struct sim *s)
{
	if (s->san != SIM_SAN_RUNNING || (s->san_left > 0 && --s->san_left))
		return;
	if (s->spec.fault == WIPE_SIM_FAULT_SANITIZE) {
		/* Half done, then the drive gives up: failure mode. */
		sim_erase(s, 0, s->media_sectors / 2, s->san_action,
			  s->san_pattern);
		s->san = SIM_SAN_FAILED;
		return;
	}
	if (s->spec.fault != WIPE_SIM_FAULT_NOOP)
		sim_erase(s, 0, s->media_sectors, s->san_action,
			  s->san_pattern);
	s->san = SIM_SAN_IDLE;
	s->san_last_ok = 1;
}

/* Media access is refused while locked, sanitizing or powered off. */
static int
media_refused(const struct sim *s)
{
	if (!s->powered)
		return -ENODEV;
	if (s->sec_locked || s->san != SIM_SAN_IDLE)
		return -EIO;
	return 0;
}

static ssize_t
sim_pread(struct wipe_dev *d, void *buf, size_t len, uint64_t off)
{
	struct sim *s = sim_of(d);
	ssize_t ret = (ssize_t)len;

	pthread_mutex_lock(&s->mu);
	if (media_refused(s))
		ret = media_refused(s);
	else if (off > s->visible * s->spec.logical ||
		 len > s->visible * s->spec.logical - off)
		ret = -EINVAL;
	else
		memcpy(buf, s->media + off, len);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static ssize_t
sim_pwrite(struct wipe_dev *d, const void *buf, size_t len, uint64_t off)
{
	struct sim *s = sim_of(d);
	ssize_t ret = (ssize_t)len;

	pthread_mutex_lock(&s->mu);
	if (media_refused(s))
		ret = media_refused(s);
	else if (off > s->visible * s->spec.logical ||
		 len > s->visible * s->spec.logical - off)
		ret = -EINVAL;
	else
		memcpy(s->media + off, buf, len);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int
sim_flush(struct wipe_dev *d)
{
	return sim_of(d)->powered ? 0 : -ENODEV;
}

static int
sim_drop_cache(struct wipe_dev *d)
{
	struct sim *s = sim_of(d);

	pthread_mutex_lock(&s->mu);
	s->drop_caches++;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static int
sim_fd(struct wipe_dev *d)
{
	return sim_of(d)->memfd;
}

/* Like libata: the block layer's size changes only on a rescan. */
static int
sim_rescan(struct wipe_dev *d)
{
	struct sim *s = sim_of(d);

	pthread_mutex_lock(&s->mu);
	d->id.size_bytes = s->visible * s->spec.logical;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

/* ---- SCSI --------------------------------------------------------------------- */

static void
put_be(uint8_t *p, uint64_t v, unsigned n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static void
check(struct wipe_scsi_cmd *c, uint8_t key, uint8_t asc, uint8_t ascq)
{
	c->status = WIPE_SCSI_CHECK_CONDITION;
	c->sense_len = (uint8_t)wipe_sense_build_fixed(c->sense,
						       sizeof(c->sense), key,
						       asc, ascq);
}

static size_t
vpd_page(const struct sim *s, uint8_t page, uint8_t *b, size_t len)
{
	size_t n = 0;

	memset(b, 0, len);
	b[1] = page;
	switch (page) {
	case 0x00:
		b[4] = 0x00, b[5] = 0x80, b[6] = 0x83, n = 3;
		if (s->spec.kind == WIPE_SIM_ATA)
			b[7] = 0x89, n = 4;
		break;
	case 0x80:
		n = strlen(s->spec.serial);
		memcpy(b + 4, s->spec.serial, n);
		break;
	case 0x83:
		b[4] = 0x01, b[5] = 0x03, b[7] = 8;	/* binary, LU, NAA */
		put_be(b + 8, 0x5000c50000000000ULL | s->seed, 8);
		n = 12;
		break;
	case 0x89:
		memcpy(b + 8, "linux   libata          SIM1", 28);
		b[56] = WIPE_ATA_IDENTIFY;
		sim_ata_identify_data(s, b + 60);
		n = 568;
		break;
	default:
		return 0;
	}
	put_be(b + 2, n, 2);
	return 4 + n;
}

static int
sim_inquiry(struct sim *s, struct wipe_scsi_cmd *c)
{
	uint8_t b[600];
	size_t n;

	memset(b, 0, sizeof(b));
	if (c->cdb[1] & 1) {
		n = vpd_page(s, c->cdb[2], b, sizeof(b));
		if (n == 0) {
			check(c, WIPE_SK_ILLEGAL_REQUEST, 0x24, 0);
			return 0;
		}
	} else {
		b[2] = 0x06;
		b[3] = 0x02;
		b[4] = 91;
		memcpy(b + 8, s->spec.kind == WIPE_SIM_ATA ? "ATA     "
			      : s->spec.kind == WIPE_SIM_USB ? "USB     "
							     : "WIPECERT", 8);
		memset(b + 16, ' ', 20);
		memcpy(b + 16, s->spec.model, WC_MIN(strlen(s->spec.model), 16));
		memcpy(b + 32, s->spec.firmware,
		       WC_MIN(strlen(s->spec.firmware), 4));
		n = 96;
	}
	n = WC_MIN(n, c->len);
	memcpy(c->data, b, n);
	c->resid = c->len - n;
	return 0;
}

static int
sim_read_capacity(struct sim *s, struct wipe_scsi_cmd *c)
{
	uint8_t b[32];
	unsigned exp = 0;

	memset(b, 0, sizeof(b));
	put_be(b, s->visible - 1, 8);
	put_be(b + 8, s->spec.logical, 4);
	while ((s->spec.logical << exp) < s->spec.physical)
		exp++;
	b[13] = (uint8_t)exp;
	memcpy(c->data, b, WC_MIN(c->len, sizeof(b)));
	return 0;
}

static unsigned
scsi_san_flag(uint8_t sa)
{
	return sa == WIPE_SCSI_SAN_CRYPTO ? WIPE_SIM_SAN_CRYPTO
	       : sa == WIPE_SCSI_SAN_BLOCK ? WIPE_SIM_SAN_BLOCK
	       : sa == WIPE_SCSI_SAN_OVERWRITE ? WIPE_SIM_SAN_OVERWRITE : 0;
}

static int
sim_rsoc(struct sim *s, struct wipe_scsi_cmd *c)
{
	uint8_t b[4] = { 0, 0x01, 0, 10 };
	unsigned flag = scsi_san_flag(c->cdb[5]);

	if (c->cdb[3] == WIPE_SCSI_SANITIZE && flag && (s->spec.flags & flag))
		b[1] = 0x03;
	memcpy(c->data, b, WC_MIN(c->len, sizeof(b)));
	return 0;
}

static int
sim_scsi_sanitize(struct sim *s, struct wipe_scsi_cmd *c)
{
	uint8_t sa = c->cdb[1] & WIPE_SCSI_SAN_SA_MASK;
	unsigned flag = scsi_san_flag(sa);
	uint32_t pattern = 0;

	if (sa == WIPE_SCSI_SAN_EXIT_FAILURE && s->san == SIM_SAN_FAILED) {
		s->san = SIM_SAN_IDLE;
		return 0;
	}
	if (flag == 0 || !(s->spec.flags & flag)) {
		check(c, WIPE_SK_ILLEGAL_REQUEST, 0x24, 0);
		return 0;
	}
	if (s->san == SIM_SAN_RUNNING) {
		check(c, WIPE_SK_NOT_READY, 0x04, 0x1b);
		return 0;
	}
	if (flag == WIPE_SIM_SAN_OVERWRITE && c->len >= 8)
		pattern = (uint32_t)((const uint8_t *)c->data)[4] << 24 |
			  (uint32_t)((const uint8_t *)c->data)[5] << 16 |
			  (uint32_t)((const uint8_t *)c->data)[6] << 8 |
			  ((const uint8_t *)c->data)[7];
	sim_sanitize_start(s, flag == WIPE_SIM_SAN_CRYPTO ? WIPE_FW_CRYPTO
			   : flag == WIPE_SIM_SAN_BLOCK ? WIPE_FW_BLOCK
							: WIPE_FW_OVERWRITE,
			   pattern);
	return 0;
}

/* REQUEST SENSE: the sanitize's progress, or how it ended. */
static int
sim_request_sense(struct sim *s, struct wipe_scsi_cmd *c)
{
	uint8_t b[WIPE_SENSE_MAX];
	size_t n;
	uint16_t prog;

	sim_sanitize_poll(s);
	if (s->san == SIM_SAN_RUNNING) {
		n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_NOT_READY,
					   0x04, 0x1b);
		prog = (uint16_t)((uint64_t)(s->spec.sanitize_polls -
					     s->san_left) * 0xffff /
				  s->spec.sanitize_polls);
		wipe_sense_set_progress(b, &n, sizeof(b), prog);
	} else if (s->san == SIM_SAN_FAILED) {
		n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_MEDIUM_ERROR,
					   0x31, 0x03);
	} else {
		n = wipe_sense_build_fixed(b, sizeof(b), WIPE_SK_NO_SENSE, 0,
					   0);
	}
	n = WC_MIN(n, c->len);
	memcpy(c->data, b, n);
	c->resid = c->len - n;
	return 0;
}

static int
sim_scsi(struct sim *s, struct wipe_scsi_cmd *c)
{
	if (s->san == SIM_SAN_RUNNING && c->cdb[0] != WIPE_SCSI_REQUEST_SENSE &&
	    c->cdb[0] != WIPE_SCSI_INQUIRY && c->cdb[0] != WIPE_SAT_PT16) {
		check(c, WIPE_SK_NOT_READY, 0x04, 0x1b);
		return 0;
	}
	switch (c->cdb[0]) {
	case WIPE_SAT_PT16:
		return sim_ata_pt(s, c);
	case WIPE_SCSI_INQUIRY:
		return sim_inquiry(s, c);
	case WIPE_SCSI_TEST_UNIT_READY:
		if (s->san == SIM_SAN_FAILED)
			check(c, WIPE_SK_MEDIUM_ERROR, 0x31, 0x03);
		return 0;
	case WIPE_SCSI_REQUEST_SENSE:
		return sim_request_sense(s, c);
	}
	if (s->spec.kind != WIPE_SIM_SCSI) {
		check(c, WIPE_SK_ILLEGAL_REQUEST, 0x20, 0);
		return 0;
	}
	if (c->cdb[0] == WIPE_SCSI_SERVICE_IN_16 &&
	    c->cdb[1] == WIPE_SCSI_SA_READ_CAPACITY_16)
		return sim_read_capacity(s, c);
	if (c->cdb[0] == WIPE_SCSI_MAINT_IN &&
	    c->cdb[1] == WIPE_SCSI_SA_REPORT_OPCODES)
		return sim_rsoc(s, c);
	if (c->cdb[0] == WIPE_SCSI_SANITIZE)
		return sim_scsi_sanitize(s, c);
	check(c, WIPE_SK_ILLEGAL_REQUEST, 0x20, 0);
	return 0;
}

static int
sim_scsi_cmd(struct wipe_dev *d, struct wipe_scsi_cmd *c)
{
	struct sim *s = sim_of(d);
	int ret;

	pthread_mutex_lock(&s->mu);
	s->busy++;
	s->commands++;
	c->status = WIPE_SCSI_GOOD;
	c->sense_len = 0;
	c->resid = 0;
	if (!s->powered) {
		ret = -ENODEV;
	} else {
		if (s->hook != NULL && c->cdb[0] != WIPE_SAT_PT16)
			s->hook(c->cdb[0], s->hook_arg);
		ret = sim_scsi(s, c);
	}
	if (--s->busy == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* ---- NVMe ------------------------------------------------------------------ */

static int
sim_nvme_admin(struct wipe_dev *d, struct wipe_nvme_cmd *c)
{
	struct sim *s = sim_of(d);
	int ret;

	pthread_mutex_lock(&s->mu);
	s->busy++;
	s->commands++;
	if (!s->powered) {
		ret = -ENODEV;
	} else {
		if (s->hook != NULL)
			s->hook(c->opcode, s->hook_arg);
		ret = sim_nvme(s, c);
	}
	if (--s->busy == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* ---- life ------------------------------------------------------------------ */

static void
sim_close(struct wipe_dev *d)
{
	struct sim *s = sim_of(d);

	if (s == NULL)
		return;
	/* A blocking erase left running by a stopped wait: let it end. */
	pthread_mutex_lock(&s->mu);
	while (s->busy > 0)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
	if (s->media != NULL && s->media != MAP_FAILED)
		munmap(s->media, (size_t)(s->media_sectors * s->spec.logical));
	if (s->memfd >= 0)
		close(s->memfd);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->mu);
	free(s);
	d->priv = NULL;
}

static const struct wipe_dev_ops sim_scsi_ops = {
	.pread = sim_pread,
	.pwrite = sim_pwrite,
	.flush = sim_flush,
	.drop_cache = sim_drop_cache,
	.scsi_cmd = sim_scsi_cmd,
	.fd = sim_fd,
	.close = sim_close,
	.rescan = sim_rescan,
};

static const struct wipe_dev_ops sim_nvme_ops = {
	.pread = sim_pread,
	.pwrite = sim_pwrite,
	.flush = sim_flush,
	.drop_cache = sim_drop_cache,
	.nvme_admin = sim_nvme_admin,
	.fd = sim_fd,
	.close = sim_close,
	.rescan = sim_rescan,
};

static int
sim_media_new(struct sim *s)
{
	size_t bytes;

	s->media_sectors = s->spec.sectors + s->spec.hpa_sectors +
			   s->spec.dco_sectors;
	if (s->media_sectors > SIZE_MAX / s->spec.logical)
		return -ENOMEM;
	bytes = (size_t)(s->media_sectors * s->spec.logical);
	s->memfd = memfd_create("wipecert-sim", MFD_CLOEXEC);
	if (s->memfd < 0)
		return -errno;
	if (ftruncate(s->memfd, (off_t)bytes) != 0)
		return -errno;
	s->media = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
			s->memfd, 0);
	if (s->media == MAP_FAILED)
		return -errno;
	return 0;
}

/* What sysfs would say about such a disk. */
static void
sim_sysfs_ident(const struct sim *s, const char *path, struct wipe_ident *id)
{
	static const enum wipe_transport tr[] = {
		[WIPE_SIM_ATA] = WIPE_TR_SATA, [WIPE_SIM_SCSI] = WIPE_TR_SAS,
		[WIPE_SIM_NVME] = WIPE_TR_NVME, [WIPE_SIM_USB] = WIPE_TR_USB,
	};

	wipe_ident_init(id);
	snprintf(id->path, sizeof(id->path), "%s", path ? path : "sim:");
	snprintf(id->name, sizeof(id->name), "sim0");
	snprintf(id->kind, sizeof(id->kind), "disk");
	snprintf(id->model, sizeof(id->model), "%.16s", s->spec.model);
	id->transport = tr[s->spec.kind];
	id->size_bytes = s->visible * s->spec.logical;
	id->logical_sector = s->spec.logical;
	id->physical_sector = s->spec.physical;
	id->rotational = (s->spec.flags & WIPE_SIM_ROTATIONAL) ? WIPE_YES
							       : WIPE_NO;
	id->removable = WIPE_NO;
	id->readonly = WIPE_NO;
	if (s->spec.kind == WIPE_SIM_USB)	/* the USB serial */
		snprintf(id->serial, sizeof(id->serial), "%s", s->spec.serial);
	if (s->spec.kind == WIPE_SIM_NVME)
		id->drive.nsid = 1;
}

static void
sim_power_on(struct sim *s)
{
	s->powered = 1;
	s->sec_locked = s->sec_enabled;
	s->sec_frozen = (s->spec.flags & WIPE_SIM_FROZEN) && !s->sec_locked;
	s->sec_expired = 0;
	s->attempts = 5;
	s->erase_prepared = 0;
	s->dco_frozen = 0;
	s->san_frozen = 0;
	s->last_ata = 0;
}

int
wipe_sim_new(const struct wipe_sim_spec *spec, const char *path,
	     struct wipe_dev **out)
{
	struct wipe_dev *d = calloc(1, sizeof(*d));
	struct sim *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (d == NULL || s == NULL) {
		free(d);
		free(s);
		return -ENOMEM;
	}
	s->spec = *spec;
	s->memfd = -1;
	s->dev = d;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle, NULL);
	memcpy(s->master_pw, master_default, sizeof(s->master_pw));
	s->seed = (uint32_t)(spec->sectors * 2654435761U) ^ 0x5eed;
	s->visible = spec->sectors;
	s->native = spec->sectors + spec->hpa_sectors;
	s->dco = s->native + spec->dco_sectors;
	d->ops = spec->kind == WIPE_SIM_NVME ? &sim_nvme_ops : &sim_scsi_ops;
	d->priv = s;
	d->align = 4096;
	d->io_mode = WIPE_IO_DIRECT;
	ret = sim_media_new(s);
	if (ret != 0) {
		wipe_dev_close(d);
		return ret;
	}
	sim_power_on(s);
	sim_sysfs_ident(s, path, &d->id);
	(void)wipe_drive_identify(d);
	*out = d;
	return 0;
}

int
wipe_sim_open(const char *text, struct wipe_dev **out)
{
	struct wipe_sim_spec spec;
	char path[512];
	int ret;

	wipe_sim_spec_default(&spec);
	ret = wipe_sim_parse(text, &spec);
	if (ret != 0)
		return ret;
	if (wc_fmt(path, sizeof(path), "sim:%s", text) != 0)
		return -EINVAL;
	return wipe_sim_new(&spec, path, out);
}

/* ---- test hooks ------------------------------------------------------------ */

void
wipe_sim_power_cycle(struct wipe_dev *d)
{
	struct sim *s = sim_of(d);

	pthread_mutex_lock(&s->mu);
	sim_power_on(s);
	pthread_mutex_unlock(&s->mu);
}

void
wipe_sim_set_fault(struct wipe_dev *d, enum wipe_sim_fault f, unsigned op)
{
	struct sim *s = sim_of(d);

	pthread_mutex_lock(&s->mu);
	s->spec.fault = f;
	s->spec.fault_op = op;
	pthread_mutex_unlock(&s->mu);
}

void
wipe_sim_set_stop(struct wipe_dev *d, volatile sig_atomic_t *stop)
{
	sim_of(d)->stop = stop;
}

void
wipe_sim_set_hook(struct wipe_dev *d, void (*fn)(unsigned op, void *arg),
		  void *arg)
{
	sim_of(d)->hook = fn;
	sim_of(d)->hook_arg = arg;
}

void
wipe_sim_get_state(struct wipe_dev *d, struct wipe_sim_state *st)
{
	struct sim *s = sim_of(d);

	pthread_mutex_lock(&s->mu);
	memset(st, 0, sizeof(*st));
	st->powered = s->powered;
	st->sec_enabled = s->sec_enabled;
	st->sec_locked = s->sec_locked;
	st->sec_frozen = s->sec_frozen;
	st->sec_expired = s->sec_expired;
	st->attempts = s->attempts;
	memcpy(st->user_pw, s->user_pw, sizeof(st->user_pw));
	st->visible = s->visible;
	st->native = s->native;
	st->dco = s->dco;
	st->sanitizing = s->san == SIM_SAN_RUNNING;
	st->sanitize_failed = s->san == SIM_SAN_FAILED;
	st->drop_caches = s->drop_caches;
	st->commands = s->commands;
	pthread_mutex_unlock(&s->mu);
}

uint8_t *
wipe_sim_media(struct wipe_dev *d, uint64_t *bytes)
{
	struct sim *s = sim_of(d);

	*bytes = s->media_sectors * s->spec.logical;
	return s->media;
}
