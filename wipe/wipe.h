/*
 * wipe.h - drives: discovery and identity, what they hold, safety checks,
 * the device interface, erase methods and patterns, the overwrite engine.
 *
 * Library code: nothing here prints, exits or reads options.  Functions
 * return 0 (or a count) on success and a negative errno on failure.
 */
#ifndef WIPECERT_WIPE_H
#define WIPECERT_WIPE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/lib.h"

/* ---- identity ------------------------------------------------------ */

enum wipe_transport {
	WIPE_TR_OTHER = 0,
	WIPE_TR_SATA,
	WIPE_TR_SAS,
	WIPE_TR_SCSI,
	WIPE_TR_NVME,
	WIPE_TR_USB,
	WIPE_TR_VIRTIO,
	WIPE_TR_MMC,
	WIPE_TR_LOOP,
	WIPE_TR_FILE,
};

/* "sata", "sas", ... as `list --json` names them (DESIGN §2). */
const char *wipe_transport_name(enum wipe_transport t);

/* Where the identity fields came from. */
enum wipe_ident_source {
	WIPE_SRC_SYSFS = 0,
	WIPE_SRC_FILE,		/* a regular image file: stat() only */
	WIPE_SRC_ATA_IDENTIFY,
	WIPE_SRC_NVME_IDENTIFY,
	WIPE_SRC_SCSI_INQUIRY,
};

const char *wipe_ident_source_name(enum wipe_ident_source s);

/* Capabilities the drive reports (filled by the firmware layer). */
enum wipe_cap {
	WIPE_CAP_OVERWRITE = (1 << 0),
	WIPE_CAP_DISCARD = (1 << 1),
	WIPE_CAP_ATA_SECURITY_ERASE = (1 << 2),
	WIPE_CAP_ATA_ENHANCED_ERASE = (1 << 3),
	WIPE_CAP_ATA_SANITIZE_CRYPTO = (1 << 4),
	WIPE_CAP_ATA_SANITIZE_BLOCK = (1 << 5),
	WIPE_CAP_ATA_SANITIZE_OVERWRITE = (1 << 6),
	WIPE_CAP_NVME_FORMAT_USER = (1 << 7),
	WIPE_CAP_NVME_FORMAT_CRYPTO = (1 << 8),
	WIPE_CAP_NVME_SANITIZE_CRYPTO = (1 << 9),
	WIPE_CAP_NVME_SANITIZE_BLOCK = (1 << 10),
	WIPE_CAP_NVME_SANITIZE_OVERWRITE = (1 << 11),
	WIPE_CAP_SCSI_SANITIZE_CRYPTO = (1 << 12),
	WIPE_CAP_SCSI_SANITIZE_BLOCK = (1 << 13),
	WIPE_CAP_SCSI_SANITIZE_OVERWRITE = (1 << 14),
};

/* Tri-state for facts that may not be known yet. */
enum wipe_tri { WIPE_UNKNOWN = -1, WIPE_NO = 0, WIPE_YES = 1 };

/*
 * Hidden areas (ATA): visible = the current max LBA (IDENTIFY), native =
 * READ NATIVE MAX ADDRESS EXT, dco = DEVICE CONFIGURATION IDENTIFY's max
 * LBA.  hpa_enabled: an HPA hides sectors (native > visible);
 * dco_present: a DCO hides sectors (dco > native).
 */
struct wipe_hidden {
	int64_t visible_max_lba;	/* -1 unknown */
	int64_t native_max_lba;		/* -1 unknown */
	enum wipe_tri hpa_enabled;
	enum wipe_tri dco_present;
	int64_t dco_max_lba;		/* -1 unknown */
};

struct wipe_security {
	enum wipe_tri supported;
	enum wipe_tri enabled;
	enum wipe_tri locked;
	enum wipe_tri frozen;
	enum wipe_tri expired;		/* password attempt counter ran out */
};

/*
 * What the drive itself reported beyond the common fields (ATA IDENTIFY,
 * NVMe Identify, SCSI VPD), kept for the record and `wipecert probe`.
 */
struct wipe_drive {
	enum wipe_tri checksum_ok;	/* ATA word 255; UNKNOWN: none */
	enum wipe_tri hpa_feature;	/* ATA words 82/85 bit 10 */
	enum wipe_tri dco_feature;	/* ATA words 83/86 bit 11 */
	uint16_t rotation;		/* 1 solid state, else rpm; 0 unknown */
	uint64_t user_sectors;		/* LBA48 (or LBA28) user sectors */
	uint16_t erase_min;		/* SECURITY ERASE UNIT estimate, min */
	uint16_t enhanced_erase_min;	/* 0 unknown */
	uint32_t nsid;			/* NVMe: the target namespace */
	uint32_t nn;			/* NVMe: namespaces on the controller */
	uint16_t oacs;
	uint32_t sanicap;
	uint8_t fna;
	uint64_t tnvmcap;		/* bytes (saturated at 2^64-1) */
	uint64_t nsze;			/* namespace size, blocks */
	char passthru[160];		/* why pass-through is unavailable */
};

/*
 * Identity of one target.  Strings are NUL-terminated, "" when unknown.
 * Sysfs fills it for now; ATA IDENTIFY, NVMe Identify and SCSI INQUIRY
 * fill the same fields later (source says which).
 */
struct wipe_ident {
	char path[PATH_MAX];	/* as given, or /dev/NAME */
	char name[64];		/* kernel name ("loop0"), or file's basename */
	char vendor[64];
	char model[128];
	char serial[128];
	char firmware[64];
	char wwn[64];
	uint64_t size_bytes;
	uint32_t logical_sector;
	uint32_t physical_sector;
	enum wipe_transport transport;
	enum wipe_ident_source source;
	enum wipe_tri rotational;
	enum wipe_tri removable;
	enum wipe_tri readonly;
	int is_partition;
	int is_file;		/* a regular image file */
	dev_t devno;		/* block devices: st_rdev */
	dev_t file_dev;		/* image files: st_dev of the file */
	ino_t file_ino;		/* image files: st_ino */
	uint32_t caps;		/* enum wipe_cap */
	struct wipe_hidden hidden;
	struct wipe_security security;
	struct wipe_drive drive;
	char kind[32];		/* "disk", "zram", "ram", "partition", ... */
};

void wipe_ident_init(struct wipe_ident *id);

/*
 * Identify a block device or regular image file by path (from sysfs or
 * stat).  Returns 0, -ENOENT, -ENOTBLK (neither a block device nor a
 * regular file) or another -errno.
 */
int wipe_identify_path(const char *path, struct wipe_ident *id);

/* The list of every block device in /sys/block. */
struct wipe_devlist {
	struct wipe_ident *v;
	size_t n;
};

/* Returns 0 or -errno; release with wipe_devlist_release(). */
int wipe_discover(struct wipe_devlist *list);
void wipe_devlist_release(struct wipe_devlist *list);

/* Was it a USB flash stick (removable, non-rotational, USB)? */
int wipe_ident_is_usb_flash(const struct wipe_ident *id);

/* ---- contents (libblkid) ------------------------------------------- */

struct wipe_content {
	int partno;		/* 0 for the whole device */
	uint64_t offset;	/* bytes */
	uint64_t size;		/* bytes, 0 if unknown */
	char type[32];		/* "ext4", "vfat", "swap", ... ("" none) */
	char label[128];
	char uuid[64];
	char part_name[128];	/* GPT partition name */
};

struct wipe_contents {
	char pttype[16];	/* "gpt", "dos", "" none */
	char ptuuid[64];
	struct wipe_content *v;
	size_t n;
	int probed;		/* the probe ran */
};

/*
 * Probe fd (size bytes) with libblkid: the partition table and, in the
 * whole device and at each partition's offset, filesystem and other
 * signatures (this kernel makes no partition nodes).  Returns 0 or
 * -errno; release with wipe_contents_release().
 */
int wipe_probe_contents(int fd, uint64_t size, struct wipe_contents *out);
void wipe_contents_release(struct wipe_contents *c);
/* True when the probe found a partition table or any signature. */
int wipe_contents_found(const struct wipe_contents *c);
/* One line: "gpt; p1 ext4 \"DATA\"" or "nothing found". */
void wipe_contents_summary(const struct wipe_contents *c, char *buf,
			   size_t len);

/* ---- safety -------------------------------------------------------- */

/*
 * Decide whether id may be erased.  Returns 0 when it may, 1 when it
 * must be refused (why then holds one lowercase line), or -errno when the
 * check itself could not be made (which also means: refuse).  There is
 * no override.
 */
int wipe_check_safety(const struct wipe_ident *id, char *why, size_t len);

/* ---- the device interface ------------------------------------------ */

struct wipe_dev;

/* Defined by the firmware command layer (wipe/cmd.h). */
struct wipe_ata_cmd;
struct wipe_scsi_cmd;
struct wipe_nvme_cmd;

/*
 * How one ATA, SCSI or NVMe command ended, with a human message: the one
 * result of the command layer (wipe/sense.c fills it).
 */
enum wipe_cmd_kind {
	WIPE_CMD_NONE = 0,
	WIPE_CMD_ATA,
	WIPE_CMD_SCSI,
	WIPE_CMD_NVME,
};

struct wipe_cmd_status {
	enum wipe_cmd_kind kind;
	int ok;			/* the device reported success */
	int err;		/* -errno: the command never reached it */
	uint8_t ata_status;	/* ATA: status and error registers */
	uint8_t ata_error;
	uint8_t scsi_status;	/* SCSI: status byte, sense key/ASC/ASCQ */
	uint8_t sense_key;
	uint8_t asc;
	uint8_t ascq;
	uint8_t nvme_sct;	/* NVMe: status code type and code */
	uint8_t nvme_sc;
	uint8_t nvme_dnr;
	char msg[160];		/* "ATA error 0x04 (ABRT), status 0x51" */
};

/*
 * Every access to a target goes through this table; the Linux
 * implementation is the only code that calls ioctl().  pread/pwrite
 * return the byte count or -errno; a NULL slot means unsupported
 * (the wrappers below return -EOPNOTSUPP).
 */
struct wipe_dev_ops {
	ssize_t (*pread)(struct wipe_dev *d, void *buf, size_t len,
			 uint64_t off);
	ssize_t (*pwrite)(struct wipe_dev *d, const void *buf, size_t len,
			  uint64_t off);
	int (*flush)(struct wipe_dev *d);
	int (*drop_cache)(struct wipe_dev *d);
	int (*ata_passthru)(struct wipe_dev *d, struct wipe_ata_cmd *cmd);
	int (*scsi_cmd)(struct wipe_dev *d, struct wipe_scsi_cmd *cmd);
	int (*nvme_admin)(struct wipe_dev *d, struct wipe_nvme_cmd *cmd);
	int (*identify)(struct wipe_dev *d, struct wipe_ident *id);
	int (*fd)(struct wipe_dev *d);	/* for libblkid; -1 if none */
	void (*close)(struct wipe_dev *d);
	/* Make the kernel re-read the capacity (after SET MAX), update id. */
	int (*rescan)(struct wipe_dev *d);
};

enum wipe_io_mode {
	WIPE_IO_DIRECT = 0,	/* O_DIRECT */
	WIPE_IO_BUFFERED,	/* fallback: buffered + fdatasync */
};

struct wipe_dev {
	const struct wipe_dev_ops *ops;
	void *priv;
	struct wipe_ident id;
	enum wipe_io_mode io_mode;
	uint32_t align;		/* buffer and I/O alignment, bytes */
};

enum wipe_open_flags {
	WIPE_OPEN_WRITE = (1 << 0),
	WIPE_OPEN_EXCL = (1 << 1),	/* O_EXCL on block devices */
};

/*
 * Open a block device or image file with O_DIRECT (falling back to
 * buffered I/O for image files on filesystems without O_DIRECT).
 * Returns 0 or -errno (-EBUSY: in use by the kernel).
 */
int wipe_dev_open(const char *path, unsigned flags, struct wipe_dev **out);
void wipe_dev_close(struct wipe_dev *d);

ssize_t wipe_dev_pread(struct wipe_dev *d, void *buf, size_t len,
		       uint64_t off);
ssize_t wipe_dev_pwrite(struct wipe_dev *d, const void *buf, size_t len,
			uint64_t off);
int wipe_dev_flush(struct wipe_dev *d);
int wipe_dev_drop_cache(struct wipe_dev *d);
int wipe_dev_fd(struct wipe_dev *d);
int wipe_dev_rescan(struct wipe_dev *d);

/*
 * Ask the drive itself who it is (ATA IDENTIFY through SAT pass-through,
 * NVMe Identify, SCSI INQUIRY/VPD) and fill d->id: identity source,
 * strings, capacity, security, hidden areas, capabilities (caps).  Only
 * transports that carry such commands are asked (SATA, SAS, SCSI, USB,
 * NVMe); others keep the sysfs identity.  Returns 0 when the drive
 * answered, -EOPNOTSUPP when no command path exists (d->id.drive.passthru
 * says why), or another -errno.
 */
int wipe_drive_identify(struct wipe_dev *d);

/*
 * Decode saved identify data into id (no device): a 512-byte ATA
 * IDENTIFY DEVICE buffer, or a 4096-byte NVMe Identify Controller with
 * an optional Identify Namespace.  Returns 0 or -EINVAL (wrong length,
 * or not identify data).
 */
int wipe_ident_from_ata(const void *buf, size_t len, struct wipe_ident *id);
int wipe_ident_from_nvme(const void *ctrl, size_t len, const void *ns,
			 size_t nslen, struct wipe_ident *id);

/*
 * A simulated drive (wipe/simdrive.c) behind the device interface, for
 * tests and for `wipe sim:SPEC` when WIPECERT_TEST_SIM=1 (never in
 * normal use).  SPEC is documented in wipe/simdrive.h.  Returns 0,
 * -EINVAL (bad spec) or -ENOMEM.
 */
int wipe_sim_open(const char *spec, struct wipe_dev **out);

/* Aligned allocation for I/O buffers (free with free()). */
void *wipe_alloc_aligned(size_t align, size_t len);

/* ---- patterns ------------------------------------------------------ */

enum wipe_pattern_kind {
	WIPE_PAT_BYTES = 0,	/* 1-3 bytes repeated from offset 0 */
	WIPE_PAT_RANDOM,	/* AES-128-CTR keystream, counter = off/16 */
	WIPE_PAT_RANDOM_INV,	/* the complement of WIPE_PAT_RANDOM */
};

struct wipe_pattern {
	enum wipe_pattern_kind kind;
	uint8_t bytes[3];
	uint8_t nbytes;
	uint8_t key[16];	/* the pattern seed */
};

/* "zero", "one", "bytes:92 49 24", "random", "random-complement" */
void wipe_pattern_describe(const struct wipe_pattern *p, char *buf,
			   size_t len);

/*
 * Parse a pattern as wipe_pattern_describe() writes it ("zero", "one",
 * "bytes:924924", "random", "random-complement"); seed_hex (32 hex
 * digits) is required for the random kinds and ignored otherwise.
 * Returns 0 or -EINVAL.
 */
int wipe_pattern_parse(const char *desc, const char *seed_hex,
		       struct wipe_pattern *p);

/*
 * A pattern generator.  The bytes at device offset X are the same
 * whatever offset generation started from.  Not thread-safe: one per
 * thread.
 */
struct wipe_patgen;

/* Returns 0 or -ENOMEM / -EIO (OpenSSL failure). */
int wipe_patgen_new(const struct wipe_pattern *p, struct wipe_patgen **out);
/* Fill buf with the pattern bytes of [off, off + len).  0 or -EIO. */
int wipe_patgen_fill(struct wipe_patgen *g, uint64_t off, void *buf,
		     size_t len);
/*
 * XOR the keystream of [off, off + len) into buf (random kinds only):
 * data that holds the pattern becomes all 0x00 (random) or all 0xff
 * (random-complement).  Returns 0, -EINVAL for byte patterns, or -EIO.
 */
int wipe_patgen_xor(struct wipe_patgen *g, uint64_t off, void *buf,
		    size_t len);
void wipe_patgen_free(struct wipe_patgen *g);

/* ---- methods and plans --------------------------------------------- */

enum wipe_nist {
	WIPE_NIST_CLEAR = 0,
	WIPE_NIST_PURGE,
	WIPE_NIST_DESTROY,
};

const char *wipe_nist_name(enum wipe_nist n);	/* "Clear", ... */

#define WIPE_MAX_PASSES 35

/* What a plan does: overwrite passes, or one firmware command. */
enum wipe_tech {
	WIPE_TECH_OVERWRITE = 0,
	WIPE_TECH_ATA_SECURITY,		/* SECURITY ERASE UNIT */
	WIPE_TECH_ATA_SANITIZE,
	WIPE_TECH_NVME_FORMAT,
	WIPE_TECH_NVME_SANITIZE,
	WIPE_TECH_SCSI_SANITIZE,
};

enum wipe_fw_action {
	WIPE_FW_NONE = 0,
	WIPE_FW_CRYPTO,		/* crypto scramble / erase, SES=2 */
	WIPE_FW_BLOCK,		/* block erase */
	WIPE_FW_OVERWRITE,	/* sanitize overwrite */
	WIPE_FW_NORMAL,		/* security erase normal, SES=1 user data */
	WIPE_FW_ENHANCED,	/* security erase enhanced */
};

struct wipe_plan {
	char method[32];	/* the resolved method ("random") */
	char requested[32];	/* as asked ("auto") */
	char reason[256];	/* why auto chose it, or "requested" */
	char standard[128];	/* what the scheme follows */
	enum wipe_nist nist;
	unsigned npasses;
	struct wipe_pattern pass[WIPE_MAX_PASSES];
	uint64_t verify_mask;	/* bit i: pass i is verified */
	int destroy_recommended;	/* flash media: Clear only */
	enum wipe_tech tech;		/* npasses is 0 for firmware */
	enum wipe_fw_action action;
	char scope[160];	/* what the command reaches ("all namespaces") */
};

/* Every method name, NULL-terminated, for --help and man pages. */
extern const char *const wipe_method_names[];

/*
 * Resolve method (or "auto") for id, drawing fresh random pattern seeds.
 * verify_all sets every pass to be verified, not only the last.
 * Returns 0, -EINVAL for an unknown method, -EOPNOTSUPP for a technique
 * the drive cannot do, or -EIO when no random seed could be drawn.
 */
int wipe_plan_make(const struct wipe_ident *id, const char *method,
		   int verify_all, struct wipe_plan *plan);

/* ---- the overwrite engine ------------------------------------------ */

enum wipe_phase {
	WIPE_PHASE_IDLE = 0,
	WIPE_PHASE_PREFLIGHT,
	WIPE_PHASE_ERASE,
	WIPE_PHASE_VERIFY,
	WIPE_PHASE_RECORD,
	WIPE_PHASE_DONE,
};

/*
 * Progress of one target, written by the engine and read by the display
 * from another thread (plain loads of naturally aligned 64-bit values;
 * the engine updates them with atomic adds).
 */
struct wipe_progress {
	uint64_t done;		/* bytes done in this phase/pass */
	uint64_t total;		/* bytes in this phase/pass */
	unsigned pass;		/* 1-based pass being written */
	unsigned npasses;
	int phase;		/* enum wipe_phase */
};

struct wipe_engine_opts {
	size_t chunk;		/* bytes per write, multiple of 4096 */
	unsigned writers;	/* I/O threads (writes in flight) */
	unsigned generators;	/* pattern threads */
	uint64_t sync_every;	/* fdatasync after this many bytes */
	volatile sig_atomic_t *stop;	/* set by a signal handler */
};

void wipe_engine_opts_default(struct wipe_engine_opts *o);

struct wipe_pass_result {
	uint64_t bytes_written;
	uint64_t start_unix;	/* wall clock */
	uint64_t end_unix;
	uint64_t elapsed_ns;
	struct wc_ranges bad;	/* unwritable sectors (logical) */
	int sync_errno;		/* a failed fdatasync, 0 if none */
	int aborted;		/* stopped by *stop */
};

void wipe_pass_result_init(struct wipe_pass_result *r);
void wipe_pass_result_release(struct wipe_pass_result *r);

/*
 * Overwrite the whole device with pattern p.  A failed write is retried
 * sector by sector; failing sectors go to res->bad and the pass goes on.
 * Returns 0 when the pass ran to its end (check res->bad), -EINTR when
 * stopped, or -errno for a failure that prevented the pass (memory,
 * threads).  prog may be NULL.
 */
int wipe_overwrite(struct wipe_dev *d, const struct wipe_pattern *p,
		   const struct wipe_engine_opts *o, struct wipe_progress *prog,
		   struct wipe_pass_result *res);

/* ---- firmware erase (wipe/firmware.c, wipe/fwata.c, wipe/hidden.c) -- */

/* One command of a firmware erase, as sent and as answered. */
struct wipe_fw_step {
	char name[48];		/* "SECURITY SET PASSWORD" */
	char params[112];	/* exact parameters, "feature=0x0011 ..." */
	struct wipe_cmd_status status;
	uint64_t at_unix;
};

#define WIPE_FW_MAX_STEPS 24

struct wipe_fw_result {
	char command[64];	/* the erase command, "ATA SANITIZE ..." */
	char params[160];	/* its exact parameters */
	char completion[192];	/* the drive's final word, human */
	struct wipe_cmd_status status;	/* the erase command's own status */
	uint64_t start_unix;
	uint64_t end_unix;
	uint32_t timeout_s;	/* given to the blocking command */
	uint32_t estimate_s;	/* the drive's own estimate, 0 unknown */
	unsigned polls;
	uint32_t progress_ppm;	/* last progress the drive reported */
	int started;		/* the drive accepted the erase command */
	int completed;		/* ... and reported success */
	int failure_mode;	/* sanitize ended in its failure state */
	int aborted;		/* waiting stopped by a signal */
	int still_erasing;	/* ... while the drive goes on */
	int frozen;		/* refused: security or sanitize frozen */
	int unsupported;	/* the drive does not have the command */
	/* ATA security erase */
	int password_set;
	int password_cleared;	/* security disabled again (erase or DISABLE) */
	int recovered;		/* a journalled password unlocked the drive */
	char journal[4096];	/* the password journal written ("" none) */
	struct wipe_fw_step steps[WIPE_FW_MAX_STEPS];
	unsigned nsteps;
};

void wipe_fw_result_init(struct wipe_fw_result *r);

struct wipe_fw_opts {
	const char *journal_dir;	/* ATA password journal: the record's
					   folder (persistent storage) */
	const char *record_id;		/* names the journal file */
	volatile sig_atomic_t *stop;	/* stop waiting (the drive goes on) */
	unsigned poll_ms;		/* between status polls (0: none) */
};

void wipe_fw_opts_default(struct wipe_fw_opts *o);

/*
 * Run the firmware erase of plan (plan->tech != WIPE_TECH_OVERWRITE) and
 * wait for the drive to finish, updating prog (done/total in ppm of the
 * drive's progress).  Every command and its status goes to res.  ATA
 * Security Erase journals its password to o->journal_dir before setting
 * it and never leaves the drive locked.  Returns 0 when the drive
 * reported success, -EINTR when *o->stop ended the waiting (res says
 * whether the drive is still erasing), -EOPNOTSUPP (unsupported or no
 * pass-through), -EACCES (frozen or locked), -EIO (the drive reported
 * failure), or another -errno.
 */
int wipe_fw_erase(struct wipe_dev *d, const struct wipe_plan *plan,
		  const struct wipe_fw_opts *o, struct wipe_progress *prog,
		  struct wipe_fw_result *res);

/*
 * The pattern the media must read after plan's technique, when it
 * promises one: zeros after a block erase (DESIGN §5), after a sanitize
 * overwrite with the zero pattern wipecert sends, and after a normal
 * SECURITY ERASE UNIT (ATA writes binary zeros).  Returns 1 and fills p,
 * or 0 when the result is up to the drive (crypto erase, Format NVM).
 */
int wipe_fw_promised(const struct wipe_plan *plan, struct wipe_pattern *p);

/*
 * A drive found locked by a wipe cut short (power loss): look in dir for
 * a password journal of this drive (model and serial), UNLOCK and
 * DISABLE PASSWORD with it.  Returns 0 (unlocked, security disabled; res
 * records it), -ENOENT (no journal for this drive), -EACCES (the
 * password was refused) or another -errno.
 */
int wipe_fw_recover_locked(struct wipe_dev *d, const char *dir,
			   struct wipe_fw_result *res);

/* Hidden areas before and after an optional restore. */
struct wipe_hidden_result {
	struct wipe_hidden before;
	struct wipe_hidden after;
	int checked;		/* native max could be read */
	int present;		/* a hidden area is there (before) */
	int restore_requested;
	int restored;		/* after: visible == native == dco max */
	uint64_t size_before;	/* bytes the kernel showed */
	uint64_t size_after;
	char message[256];	/* what was found or done, human */
	struct wipe_fw_step steps[8];
	unsigned nsteps;
};

/*
 * Read the native max address (and DCO max) of d and decide whether a
 * hidden area exists.  Returns 0 (see r->present), -EOPNOTSUPP when the
 * drive cannot say (not ATA, no pass-through), or -errno.
 */
int wipe_hidden_check(struct wipe_dev *d, struct wipe_hidden_result *r);

/*
 * Restore the native capacity: SET MAX ADDRESS EXT (preceded by READ
 * NATIVE MAX ADDRESS EXT) and DEVICE CONFIGURATION RESTORE, then make
 * the kernel re-read the size and re-identify.  Returns 0 when the whole
 * native capacity is visible and the new size was read back, -EACCES
 * (frozen, e.g. DCO FREEZE LOCK), -EIO, or another -errno.
 */
int wipe_hidden_restore(struct wipe_dev *d, struct wipe_hidden_result *r);

#endif
