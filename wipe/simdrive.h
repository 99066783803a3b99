/*
 * simdrive.h - private to wipe/ (and tests): a simulated drive behind
 * the device interface.  It speaks ATA through a SAT layer that answers
 * as Linux 6.1's libata does (ATA PASS-THROUGH(16), sense data in the
 * layouts of DESIGN §10), SCSI (SBC SANITIZE with REQUEST SENSE
 * progress), or NVMe admin commands (Identify, Format NVM, Sanitize, the
 * Sanitize Status log).  Its data lives in a memfd, so libblkid can probe
 * it like a disk.
 *
 * `wipecert wipe sim:SPEC` uses it when WIPECERT_TEST_SIM=1 (tests only).
 * SPEC is a comma-separated list:
 *
 *   ata | scsi | nvme | usb     the transport (usb: ATA behind a bridge
 *                               that rejects pass-through); default ata
 *   hdd | ssd                   rotational or not (default ssd)
 *   size=N[K|M|G]               user capacity (default 64M)
 *   lba=N, pbs=N                logical / physical sector size
 *   hpa=N, dco=N                sectors hidden by an HPA / a DCO
 *   security, enhanced          ATA Security (and enhanced erase)
 *   frozen                      security frozen at every power-on
 *   sanitize=crypto+block+overwrite
 *   format, format-crypto       NVMe Format NVM (FNA crypto erase)
 *   fna=N, nn=N                 NVMe FNA byte, number of namespaces
 *   polls=N                     sanitize status polls until done (3)
 *   erase-ms=N                  how long a blocking erase takes (0)
 *   fault=power-loss | sanitize-fail | noop | cmd:0xNN
 *   model=S, serial=S           identity strings
 */
#ifndef WIPECERT_WIPE_SIMDRIVE_H
#define WIPECERT_WIPE_SIMDRIVE_H

#include <pthread.h>
#include <signal.h>

#include "wipe/cmd.h"

enum wipe_sim_kind {
	WIPE_SIM_ATA = 0,
	WIPE_SIM_SCSI,
	WIPE_SIM_NVME,
	WIPE_SIM_USB,		/* ATA behind a bridge without pass-through */
};

enum wipe_sim_flag {
	WIPE_SIM_SECURITY = (1 << 0),
	WIPE_SIM_ENHANCED = (1 << 1),
	WIPE_SIM_SAN_CRYPTO = (1 << 2),
	WIPE_SIM_SAN_BLOCK = (1 << 3),
	WIPE_SIM_SAN_OVERWRITE = (1 << 4),
	WIPE_SIM_FROZEN = (1 << 5),		/* the "BIOS" freezes at boot */
	WIPE_SIM_ROTATIONAL = (1 << 6),
	WIPE_SIM_FORMAT = (1 << 7),
	WIPE_SIM_FORMAT_CRYPTO = (1 << 8),
};

enum wipe_sim_fault {
	WIPE_SIM_FAULT_NONE = 0,
	WIPE_SIM_FAULT_CMD,		/* fault_op is rejected as if
					   unsupported after all */
	WIPE_SIM_FAULT_SANITIZE,	/* the sanitize operation fails */
	WIPE_SIM_FAULT_POWER_LOSS,	/* power lost half-way through */
	WIPE_SIM_FAULT_NOOP,		/* reports success, erases nothing */
};

struct wipe_sim_spec {
	enum wipe_sim_kind kind;
	uint64_t sectors;		/* user (visible) sectors */
	uint64_t hpa_sectors;		/* hidden by an HPA */
	uint64_t dco_sectors;		/* hidden by a DCO */
	uint32_t logical;
	uint32_t physical;
	unsigned flags;			/* enum wipe_sim_flag */
	char model[41];
	char serial[21];
	char firmware[9];
	unsigned sanitize_polls;
	unsigned erase_ms;
	enum wipe_sim_fault fault;
	unsigned fault_op;		/* ATA command, SCSI or NVMe opcode */
	uint8_t fna;
	uint32_t nn;
};

/* Defaults: ATA SSD, 64 MiB, 512-byte sectors, nothing supported. */
void wipe_sim_spec_default(struct wipe_sim_spec *s);

/* Parse SPEC (see above) over the defaults.  Returns 0 or -EINVAL. */
int wipe_sim_parse(const char *text, struct wipe_sim_spec *s);

/*
 * Create the drive and identify it as wipe_dev_open() would (sysfs-like
 * identity, then wipe_drive_identify()).  Returns 0, -EINVAL or -ENOMEM.
 * Close with wipe_dev_close(); it waits for a command still running.
 */
int wipe_sim_new(const struct wipe_sim_spec *s, const char *path,
		 struct wipe_dev **out);

/* ---- test hooks ---------------------------------------------------------- */

/* Power off and on: security locks, freeze and counters reset. */
void wipe_sim_power_cycle(struct wipe_dev *d);

/* Change the scripted fault (e.g. none, after a power loss). */
void wipe_sim_set_fault(struct wipe_dev *d, enum wipe_sim_fault f,
			unsigned op);

/* Set *stop when a blocking erase (ERASE UNIT, Format) starts. */
void wipe_sim_set_stop(struct wipe_dev *d, volatile sig_atomic_t *stop);

/* Called before each ATA command / SCSI opcode / NVMe opcode. */
void wipe_sim_set_hook(struct wipe_dev *d, void (*fn)(unsigned op, void *arg),
		       void *arg);

struct wipe_sim_state {
	int powered;
	int sec_enabled;
	int sec_locked;
	int sec_frozen;
	int sec_expired;
	unsigned attempts;
	uint8_t user_pw[WIPE_ATA_PASSWORD_LEN];
	uint64_t visible;		/* sectors the host can address */
	uint64_t native;		/* READ NATIVE MAX + 1 */
	uint64_t dco;			/* DCO IDENTIFY max + 1 */
	int sanitizing;
	int sanitize_failed;
	unsigned drop_caches;		/* drop_cache calls */
	unsigned commands;		/* commands seen */
};

void wipe_sim_get_state(struct wipe_dev *d, struct wipe_sim_state *st);

/* The whole medium (hidden areas included), for checks. */
uint8_t *wipe_sim_media(struct wipe_dev *d, uint64_t *bytes);

/* ---- between simdrive.c and simata.c ------------------------------------- */

enum sim_san_state {
	SIM_SAN_IDLE = 0,
	SIM_SAN_RUNNING,
	SIM_SAN_FAILED,
};

struct sim {
	struct wipe_dev *dev;
	struct wipe_sim_spec spec;
	pthread_mutex_t mu;		/* one command at a time */
	pthread_cond_t idle;
	unsigned busy;
	int memfd;
	uint8_t *media;
	uint64_t media_sectors;		/* visible + hpa + dco */
	/* state */
	int powered;
	uint64_t visible;
	uint64_t native;
	uint64_t dco;
	int dco_frozen;
	uint8_t last_ata;		/* SET MAX must follow READ NATIVE MAX */
	int sec_enabled, sec_locked, sec_frozen, sec_expired, sec_max;
	unsigned attempts;
	int erase_prepared;
	uint8_t user_pw[WIPE_ATA_PASSWORD_LEN];
	uint8_t master_pw[WIPE_ATA_PASSWORD_LEN];
	enum sim_san_state san;
	unsigned san_left;
	unsigned san_action;		/* WIPE_FW_* */
	uint32_t san_pattern;
	int san_failure_mode_ok;	/* may leave failure mode by request */
	int san_frozen;
	int san_last_ok;
	uint32_t seed;			/* for crypto "keys" */
	unsigned drop_caches;
	unsigned commands;
	volatile sig_atomic_t *stop;
	void (*hook)(unsigned op, void *arg);
	void *hook_arg;
};

/* Fill [first, first + n) sectors per action (zero, crypto, pattern). */
void sim_erase(struct sim *s, uint64_t first, uint64_t n, unsigned action,
	       uint32_t pattern);
/* A blocking erase: sleeps erase_ms, honours power-loss and noop. */
int sim_long_erase(struct sim *s, uint64_t n, unsigned action,
		   uint32_t pattern);
/* Advance a running sanitize by one poll; applies it when done. */
void sim_sanitize_poll(struct sim *s);
/* Start one; returns 0. */
void sim_sanitize_start(struct sim *s, unsigned action, uint32_t pattern);

/* NVMe admin commands (simnvme.c); fills c->status.  0 or -errno. */
int sim_nvme(struct sim *s, struct wipe_nvme_cmd *c);

/* ATA through SAT (simata.c): carry out PT16 c, fill sense. */
int sim_ata_pt(struct sim *s, struct wipe_scsi_cmd *c);
/* The IDENTIFY DEVICE data of the current state. */
void sim_ata_identify_data(const struct sim *s, uint8_t buf[512]);
/* INQUIRY VPD 0x89 carries IDENTIFY; SCSI kinds reuse it. */
void sim_put_ata_string(uint8_t *buf, unsigned w, unsigned n,
			const char *str);

#endif
