/*
 * cmd.h - private to wipe/: the firmware command layer.  Command
 * encoders (ATA taskfiles and the ATA PASS-THROUGH(16) CDB, SCSI CDBs,
 * NVMe admin dwords) and response decoders (IDENTIFY, Identify, VPD,
 * sense data, sanitize status) are pure functions over buffers, exported
 * here so that tests can check them byte for byte.
 *
 * Conventions: builders fill a command structure and never fail unless
 * they return int; decoders return 0 or -EINVAL for data they cannot
 * trust.  Multi-byte fields are assembled explicitly (big-endian for
 * SCSI, little-endian for ATA words and NVMe), never by casting.
 */
#ifndef WIPECERT_WIPE_CMD_H
#define WIPECERT_WIPE_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "wipe/wipe.h"

/* ---- ATA ------------------------------------------------------------ */

#define WIPE_ATA_SECTOR 512
#define WIPE_ATA_PASSWORD_LEN 32

/* Commands (ACS-3). */
enum wipe_ata_op {
	WIPE_ATA_READ_NATIVE_MAX_EXT = 0x27,
	WIPE_ATA_SET_MAX_EXT = 0x37,
	WIPE_ATA_DEVICE_CONFIG = 0xb1,
	WIPE_ATA_SANITIZE = 0xb4,
	WIPE_ATA_IDENTIFY = 0xec,
	WIPE_ATA_SEC_SET_PASSWORD = 0xf1,
	WIPE_ATA_SEC_UNLOCK = 0xf2,
	WIPE_ATA_SEC_ERASE_PREPARE = 0xf3,
	WIPE_ATA_SEC_ERASE_UNIT = 0xf4,
	WIPE_ATA_SEC_FREEZE_LOCK = 0xf5,
	WIPE_ATA_SEC_DISABLE_PASSWORD = 0xf6,
};

/* DEVICE CONFIGURATION features. */
enum wipe_ata_dco {
	WIPE_ATA_DCO_RESTORE = 0xc0,
	WIPE_ATA_DCO_FREEZE_LOCK = 0xc1,
	WIPE_ATA_DCO_IDENTIFY = 0xc2,
	WIPE_ATA_DCO_SET = 0xc3,
};

/* SANITIZE DEVICE features and their LBA keys. */
enum wipe_ata_sanitize {
	WIPE_ATA_SAN_STATUS = 0x0000,
	WIPE_ATA_SAN_CRYPTO = 0x0011,
	WIPE_ATA_SAN_BLOCK = 0x0012,
	WIPE_ATA_SAN_OVERWRITE = 0x0014,
	WIPE_ATA_SAN_FREEZE_LOCK = 0x0020,
	WIPE_ATA_SAN_ANTIFREEZE = 0x0040,
};

#define WIPE_ATA_SAN_KEY_CRYPTO 0x43727970ULL		/* "Cryp" */
#define WIPE_ATA_SAN_KEY_BLOCK 0x426b4572ULL		/* "BkEr" */
#define WIPE_ATA_SAN_KEY_OVERWRITE 0x4f57ULL		/* "OW" */
#define WIPE_ATA_SAN_KEY_OVERWRITE_SHIFT 32
#define WIPE_ATA_SAN_KEY_FREEZE 0x46724c6bULL		/* "FrLk" */

/* SANITIZE count field (input). */
#define WIPE_ATA_SAN_OW_PASSES_MASK 0xf		/* 0 means 16 */
#define WIPE_ATA_SAN_FAILURE_MODE (1 << 4)
#define WIPE_ATA_SAN_OW_INVERT (1 << 7)
#define WIPE_ATA_SAN_CLEAR_FAILED (1 << 0)	/* with STATUS EXT */
/* SANITIZE STATUS EXT output: count bits 15:12, progress in LBA 15:0. */
#define WIPE_ATA_SAN_ST_SUCCEEDED (1 << 15)
#define WIPE_ATA_SAN_ST_IN_PROGRESS (1 << 14)
#define WIPE_ATA_SAN_ST_FROZEN (1 << 13)
#define WIPE_ATA_SAN_ST_ANTIFREEZE (1 << 12)
#define WIPE_ATA_SAN_PROGRESS_MASK 0xffff

/* The sanitize device error reason (LBA 7:0 of an aborted SANITIZE). */
enum wipe_ata_san_reason {
	WIPE_ATA_SAN_ERR_NONE = 0,
	WIPE_ATA_SAN_ERR_FAILED = 1,		/* the operation failed */
	WIPE_ATA_SAN_ERR_UNSUPPORTED = 2,
	WIPE_ATA_SAN_ERR_FROZEN = 3,
	WIPE_ATA_SAN_ERR_ANTIFREEZE = 4,
};

/* SET MAX ADDRESS EXT count bit 0: the new max does not survive power. */
#define WIPE_ATA_SET_MAX_VOLATILE (1 << 0)

/* Status and error register bits. */
#define WIPE_ATA_ST_ERR (1 << 0)
#define WIPE_ATA_ST_DRQ (1 << 3)
#define WIPE_ATA_ST_DF (1 << 5)
#define WIPE_ATA_ST_DRDY (1 << 6)
#define WIPE_ATA_ST_BSY (1 << 7)
#define WIPE_ATA_ER_ABRT (1 << 2)
#define WIPE_ATA_ER_IDNF (1 << 4)
#define WIPE_ATA_ER_UNC (1 << 6)
#define WIPE_ATA_ER_ICRC (1 << 7)

/* Device register: LBA mode. */
#define WIPE_ATA_DEV_LBA (1 << 6)

/* Security password buffer word 0. */
#define WIPE_ATA_PW_MASTER (1 << 0)		/* identifier: master */
#define WIPE_ATA_PW_ENHANCED (1 << 1)		/* ERASE UNIT: enhanced */
#define WIPE_ATA_PW_LEVEL_MAX (1 << 8)		/* SET PASSWORD: maximum */

/* A taskfile, with 48-bit fields; also the registers a drive returns. */
struct wipe_ata_tf {
	uint16_t feature;	/* in: features; out: error (low byte) */
	uint16_t count;
	uint64_t lba;		/* 48 bits */
	uint8_t device;
	uint8_t command;	/* in: command; out: status */
};

/* The SAT protocol field (SAT-3 table 108). */
enum wipe_ata_proto {
	WIPE_ATA_PROTO_NONDATA = 3,
	WIPE_ATA_PROTO_PIO_IN = 4,
	WIPE_ATA_PROTO_PIO_OUT = 5,
};

struct wipe_ata_cmd {
	struct wipe_ata_tf tf;	/* registers to send */
	enum wipe_ata_proto proto;
	int ext;		/* a 48-bit command (EXTEND bit) */
	int ck_cond;		/* ask for the registers back (non-data only) */
	void *data;		/* PIO: whole 512-byte blocks */
	size_t len;
	uint32_t timeout_ms;
	/* results */
	struct wipe_ata_tf out;	/* registers returned, when out_valid */
	int out_valid;
	struct wipe_cmd_status st;
};

/* The ATA PASS-THROUGH(16) CDB. */
#define WIPE_SAT_PT16 0x85
#define WIPE_SAT_PT16_LEN 16
/* byte 1 */
#define WIPE_SAT_PROTO_SHIFT 1
#define WIPE_SAT_PROTO_MASK 0xf
#define WIPE_SAT_EXTEND (1 << 0)
/* byte 2 */
#define WIPE_SAT_CK_COND (1 << 5)
#define WIPE_SAT_T_TYPE (1 << 4)	/* 0: 512-byte blocks */
#define WIPE_SAT_T_DIR_IN (1 << 3)
#define WIPE_SAT_BYT_BLOK (1 << 2)	/* length in blocks */
#define WIPE_SAT_TLEN_MASK 0x3
#define WIPE_SAT_TLEN_NONE 0
#define WIPE_SAT_TLEN_COUNT 2		/* length in the count field */

/*
 * Encode c as an ATA PASS-THROUGH(16) CDB.  CK_COND is set only for
 * non-data commands: libata answers a PIO data-in command with CK_COND
 * as aborted, with no data.  Returns 0, or -EINVAL when c cannot be
 * encoded (a data length that is not whole blocks, CK_COND with data).
 */
int wipe_ata_cdb16(const struct wipe_ata_cmd *c, uint8_t cdb[16]);

/*
 * The reverse, for the simulated drive acting as a SAT layer: fill the
 * taskfile, protocol, ext and ck_cond of c from cdb.  Returns 0 or
 * -EINVAL (not PT16, or a protocol this code does not use).
 */
int wipe_ata_cdb16_parse(const uint8_t *cdb, size_t len,
			 struct wipe_ata_cmd *c);

/* Taskfile builders: each sets every field of c (data, len included). */
void wipe_ata_identify(struct wipe_ata_cmd *c, uint8_t buf[512]);
void wipe_ata_read_native_max_ext(struct wipe_ata_cmd *c);
void wipe_ata_set_max_ext(struct wipe_ata_cmd *c, uint64_t max_lba,
			  int volatile_value);
void wipe_ata_dco_identify(struct wipe_ata_cmd *c, uint8_t buf[512]);
void wipe_ata_dco_restore(struct wipe_ata_cmd *c);
void wipe_ata_sec_erase_prepare(struct wipe_ata_cmd *c);

/*
 * Security commands with a password buffer (buf, 512 bytes, filled
 * here): word 0 control bits, words 1-16 the 32 password bytes as given.
 */
void wipe_ata_sec_set_password(struct wipe_ata_cmd *c, uint8_t buf[512],
			       const uint8_t pw[32], int master,
			       int level_max);
void wipe_ata_sec_unlock(struct wipe_ata_cmd *c, uint8_t buf[512],
			 const uint8_t pw[32], int master);
void wipe_ata_sec_erase_unit(struct wipe_ata_cmd *c, uint8_t buf[512],
			     const uint8_t pw[32], int master, int enhanced);
void wipe_ata_sec_disable_password(struct wipe_ata_cmd *c, uint8_t buf[512],
				   const uint8_t pw[32], int master);

/*
 * SANITIZE DEVICE: CRYPTO SCRAMBLE EXT, BLOCK ERASE EXT, OVERWRITE EXT
 * (pattern repeated, passes 1-16, invert between passes) and STATUS EXT
 * (clear_failed: leave the failure state, when allowed).  failure_mode
 * sets the FAILURE MODE bit (leave 0: a failed sanitize must be redone).
 */
void wipe_ata_sanitize_crypto(struct wipe_ata_cmd *c, int failure_mode);
void wipe_ata_sanitize_block(struct wipe_ata_cmd *c, int failure_mode);
void wipe_ata_sanitize_overwrite(struct wipe_ata_cmd *c, uint32_t pattern,
				 unsigned passes, int invert,
				 int failure_mode);
void wipe_ata_sanitize_status(struct wipe_ata_cmd *c, int clear_failed);

/* SANITIZE STATUS EXT output, decoded. */
struct wipe_ata_san_status {
	int succeeded;		/* the last sanitize completed without error */
	int in_progress;
	int frozen;
	int antifreeze;
	uint16_t progress;	/* of 65536 */
	int failed;		/* the command was aborted: see reason */
	uint8_t reason;		/* enum wipe_ata_san_reason */
};

/* Decode the registers a SANITIZE STATUS EXT returned (c->out). */
int wipe_ata_sanitize_status_decode(const struct wipe_ata_cmd *c,
				    struct wipe_ata_san_status *s);

/* "feature=0x0011 count=0x0000 lba=0x000043727970 command=0xb4" */
void wipe_ata_describe(const struct wipe_ata_cmd *c, char *buf, size_t len);

/* IDENTIFY DEVICE, decoded (ACS-3 words). */
struct wipe_ata_id {
	char model[41];		/* words 27-46, byte-swapped, trimmed */
	char serial[21];	/* words 10-19 */
	char firmware[9];	/* words 23-26 */
	char wwn[17];		/* words 108-111, "" when absent or zero */
	int lba48;		/* word 83 bit 10 */
	uint64_t sectors;	/* words 100-103 (LBA48) or 60-61 */
	uint32_t logical;	/* bytes, from words 106, 117-118 */
	uint32_t physical;
	int sector_info;	/* word 106 is valid */
	uint16_t rotation;	/* word 217 */
	/* security, word 128 and 89/90 */
	int sec_supported;
	int sec_enabled;
	int sec_locked;
	int sec_frozen;
	int sec_expired;
	int sec_enhanced;
	int sec_level_max;
	uint16_t erase_min;	/* 0: not given */
	uint16_t enhanced_erase_min;
	/* sanitize, word 59 bits 12-15 */
	int san_supported;
	int san_crypto;
	int san_overwrite;
	int san_block;
	/* hidden areas, words 82-87 */
	int hpa_supported;
	int hpa_enabled;
	int dco_supported;
	int dco_enabled;
	int trim;		/* word 169 bit 0 */
	/* checksum, word 255 */
	int checksum_present;	/* signature 0xa5 */
	int checksum_ok;
	uint8_t checksum_expected;	/* what word 255's high byte should be */
};

/*
 * Decode a 512-byte IDENTIFY DEVICE buffer.  Returns 0, or -EINVAL for
 * a buffer that is not 512 bytes or holds no ATA identify data (all
 * zeros, or word 0 bit 15 set: an ATAPI device).
 */
int wipe_ata_id_decode(const uint8_t *buf, size_t len, struct wipe_ata_id *id);

/* Erase-time word (89 or 90) in minutes; 0 when not given. */
uint16_t wipe_ata_erase_minutes(uint16_t word);

/* Max LBA of a DEVICE CONFIGURATION IDENTIFY buffer (words 3-6). */
int wipe_ata_dco_decode(const uint8_t *buf, size_t len, uint64_t *max_lba);

/* Fill id's common fields (and caps) from a decoded IDENTIFY. */
void wipe_ata_id_to_ident(const struct wipe_ata_id *a, struct wipe_ident *id);

/* The ATA string at words [w, w + n) into out, byte-swapped, trimmed. */
void wipe_ata_string(const uint8_t *buf, unsigned w, unsigned n, char *out,
		     size_t len);

/* ---- SCSI ----------------------------------------------------------- */

enum wipe_scsi_op {
	WIPE_SCSI_TEST_UNIT_READY = 0x00,
	WIPE_SCSI_REQUEST_SENSE = 0x03,
	WIPE_SCSI_INQUIRY = 0x12,
	WIPE_SCSI_SANITIZE = 0x48,
	WIPE_SCSI_SERVICE_IN_16 = 0x9e,
	WIPE_SCSI_MAINT_IN = 0xa3,
};

#define WIPE_SCSI_SA_READ_CAPACITY_16 0x10
#define WIPE_SCSI_SA_REPORT_OPCODES 0x0c

/* SANITIZE service actions (SBC-4) and CDB byte 1 bits. */
enum wipe_scsi_sanitize {
	WIPE_SCSI_SAN_OVERWRITE = 0x01,
	WIPE_SCSI_SAN_BLOCK = 0x02,
	WIPE_SCSI_SAN_CRYPTO = 0x03,
	WIPE_SCSI_SAN_EXIT_FAILURE = 0x1f,
};

#define WIPE_SCSI_SAN_SA_MASK 0x1f
#define WIPE_SCSI_SAN_AUSE (1 << 5)
#define WIPE_SCSI_SAN_ZNR (1 << 6)
#define WIPE_SCSI_SAN_IMMED (1 << 7)
/* Overwrite parameter list byte 0. */
#define WIPE_SCSI_SAN_OW_INVERT (1 << 7)
#define WIPE_SCSI_SAN_OW_COUNT_MASK 0x1f

/* Status bytes. */
#define WIPE_SCSI_GOOD 0x00
#define WIPE_SCSI_CHECK_CONDITION 0x02

/* Sense keys. */
enum wipe_sense_key {
	WIPE_SK_NO_SENSE = 0x0,
	WIPE_SK_RECOVERED = 0x1,
	WIPE_SK_NOT_READY = 0x2,
	WIPE_SK_MEDIUM_ERROR = 0x3,
	WIPE_SK_HARDWARE_ERROR = 0x4,
	WIPE_SK_ILLEGAL_REQUEST = 0x5,
	WIPE_SK_UNIT_ATTENTION = 0x6,
	WIPE_SK_DATA_PROTECT = 0x7,
	WIPE_SK_ABORTED_COMMAND = 0xb,
};

enum wipe_scsi_dir {
	WIPE_DIR_NONE = 0,
	WIPE_DIR_IN,		/* from the device */
	WIPE_DIR_OUT,
};

#define WIPE_SENSE_MAX 64

struct wipe_scsi_cmd {
	uint8_t cdb[16];
	uint8_t cdb_len;
	enum wipe_scsi_dir dir;
	void *data;
	size_t len;
	uint32_t timeout_ms;
	/* results */
	uint8_t status;		/* SCSI status byte */
	uint8_t sense[WIPE_SENSE_MAX];
	uint8_t sense_len;
	size_t resid;		/* bytes not transferred */
	int host_status;	/* the HBA's word (SG_IO) */
	int driver_status;
	struct wipe_cmd_status st;
};

/* CDB builders: each resets c and sets cdb, direction, data, length. */
void wipe_scsi_inquiry(struct wipe_scsi_cmd *c, uint8_t page, int evpd,
		       void *buf, uint16_t len);
void wipe_scsi_read_capacity16(struct wipe_scsi_cmd *c, uint8_t buf[32]);
void wipe_scsi_request_sense(struct wipe_scsi_cmd *c, void *buf,
			     uint8_t len, int desc);
void wipe_scsi_test_unit_ready(struct wipe_scsi_cmd *c);
/* REPORT SUPPORTED OPERATION CODES for one opcode + service action. */
void wipe_scsi_report_opcode(struct wipe_scsi_cmd *c, uint8_t op,
			     uint16_t sa, void *buf, uint16_t len);
/*
 * SANITIZE: sa one of enum wipe_scsi_sanitize, IMMED set (progress is
 * polled with REQUEST SENSE).  Overwrite takes param (4 + 4 bytes,
 * filled here: one pass of the 4-byte pattern, no invert).
 */
void wipe_scsi_sanitize(struct wipe_scsi_cmd *c, uint8_t sa, int ause,
			uint8_t *param, uint32_t pattern);

/* Standard INQUIRY, decoded. */
struct wipe_scsi_inq {
	uint8_t pdt;		/* peripheral device type */
	int removable;
	uint8_t version;
	char vendor[9];
	char product[17];
	char revision[5];
};

int wipe_scsi_inquiry_decode(const uint8_t *buf, size_t len,
			     struct wipe_scsi_inq *q);
/* VPD 0x80: unit serial number, trimmed. */
int wipe_scsi_vpd80_decode(const uint8_t *buf, size_t len, char *serial,
			   size_t slen);
/*
 * VPD 0x83: the logical unit's NAA (or EUI-64) designator as lowercase
 * hex into wwn, else "" (returns 0 either way, -EINVAL if malformed).
 */
int wipe_scsi_vpd83_decode(const uint8_t *buf, size_t len, char *wwn,
			   size_t wlen);

/* VPD 0x89 (ATA information): SAT identity and the IDENTIFY data. */
struct wipe_scsi_vpd89 {
	char sat_vendor[9];
	char sat_product[17];
	char sat_revision[5];
	uint8_t command;	/* 0xec or 0xa1 */
	const uint8_t *identify;	/* 512 bytes inside the page */
};

int wipe_scsi_vpd89_decode(const uint8_t *buf, size_t len,
			   struct wipe_scsi_vpd89 *v);

struct wipe_scsi_cap {
	uint64_t last_lba;
	uint32_t block;
	uint32_t physical;	/* block << exponent */
	int lbpme;		/* thin provisioned */
	int lbprz;		/* unmapped blocks read zero */
};

int wipe_scsi_read_capacity16_decode(const uint8_t *buf, size_t len,
				     struct wipe_scsi_cap *cap);
/* REPORT SUPPORTED OPERATION CODES one-command: 1 supported, 0 not. */
int wipe_scsi_report_opcode_decode(const uint8_t *buf, size_t len,
				   int *supported);

/* ---- sense data and the one result (wipe/sense.c) ------------------- */

struct wipe_sense {
	uint8_t response;	/* 0x70-0x73 */
	int descriptor;		/* 0x72/0x73 */
	int deferred;
	uint8_t key;
	uint8_t asc;
	uint8_t ascq;
	int info_valid;
	uint64_t info;
	int sks_valid;		/* sense-key specific */
	uint8_t sks[3];
	int progress_valid;	/* NOT READY with progress (sanitize) */
	uint16_t progress;	/* of 65536 */
	int ata_valid;		/* ATA registers: descriptor 0x09 or fixed */
	struct wipe_ata_tf ata;	/* out registers (feature = error) */
	uint8_t ata_error;
	uint8_t ata_status;
};

/*
 * Parse sense data: fixed (0x70/0x71) or descriptor (0x72/0x73) format.
 * ATA registers come from the ATA Status Return descriptor (0x09), from
 * the SAT fixed layout (ASC/ASCQ 00/1D: INFORMATION and COMMAND-SPECIFIC
 * INFORMATION fields), or from libata's fixed layout on Linux 6.1 (error,
 * status, device, count at bytes 8-11; LBA at 17-19).  Returns 0 or
 * -EINVAL (no sense data, or a response code this code does not know).
 */
int wipe_sense_parse(const uint8_t *buf, size_t len, struct wipe_sense *s);

/* Builders for the simulated drive (and tests). Return the length. */
size_t wipe_sense_build_fixed(uint8_t *buf, size_t len, uint8_t key,
			      uint8_t asc, uint8_t ascq);
size_t wipe_sense_build_desc(uint8_t *buf, size_t len, uint8_t key,
			     uint8_t asc, uint8_t ascq);
/* libata 6.1's fixed layout of a failed pass-through command. */
size_t wipe_sense_build_libata(uint8_t *buf, size_t len, uint8_t key,
			       uint8_t asc, uint8_t ascq,
			       const struct wipe_ata_tf *out, uint8_t error,
			       int ext);
/* Descriptor sense with the ATA Status Return descriptor (CK_COND). */
size_t wipe_sense_build_ata_desc(uint8_t *buf, size_t len, uint8_t key,
				 uint8_t asc, uint8_t ascq,
				 const struct wipe_ata_tf *out, uint8_t error,
				 int ext);
/* Add a sense-key specific progress indication (fixed or descriptor). */
void wipe_sense_set_progress(uint8_t *buf, size_t *len, size_t max,
			     uint16_t progress);

/* "ILLEGAL REQUEST", "NOT READY", ... */
const char *wipe_sense_key_name(uint8_t key);
/* A description of ASC/ASCQ ("invalid command operation code"). */
const char *wipe_asc_name(uint8_t asc, uint8_t ascq);

/* Fill st from ATA status/error registers. */
void wipe_status_from_ata(struct wipe_cmd_status *st, uint8_t status,
			  uint8_t error);
/* Fill st from a SCSI status byte and its sense data. */
void wipe_status_from_scsi(struct wipe_cmd_status *st, uint8_t status,
			   const uint8_t *sense, size_t slen);
/* Fill st from the NVMe status field (as the kernel's ioctl returns). */
void wipe_status_from_nvme(struct wipe_cmd_status *st, uint16_t status);
/* Fill st for a command that never reached the device (-errno). */
void wipe_status_from_errno(struct wipe_cmd_status *st,
			    enum wipe_cmd_kind kind, int err);

/* ---- NVMe ----------------------------------------------------------- */

#define WIPE_NVME_ID_LEN 4096
#define WIPE_NVME_SANITIZE_LOG_LEN 512
#define WIPE_NVME_NSID_ALL 0xffffffffU

/* Identify CDW10. */
#define WIPE_NVME_IDENTIFY_CNS_SHIFT 0
#define WIPE_NVME_IDENTIFY_CNS_MASK 0xff
#define WIPE_NVME_IDENTIFY_CNTID_SHIFT 16
#define WIPE_NVME_IDENTIFY_CNTID_MASK 0xffff
/* Format NVM CDW10. */
#define WIPE_NVME_FORMAT_LBAF_SHIFT 0
#define WIPE_NVME_FORMAT_LBAF_MASK 0xf
#define WIPE_NVME_FORMAT_MSET_SHIFT 4
#define WIPE_NVME_FORMAT_MSET_MASK 0x1
#define WIPE_NVME_FORMAT_PI_SHIFT 5
#define WIPE_NVME_FORMAT_PI_MASK 0x7
#define WIPE_NVME_FORMAT_PIL_SHIFT 8
#define WIPE_NVME_FORMAT_PIL_MASK 0x1
#define WIPE_NVME_FORMAT_SES_SHIFT 9
#define WIPE_NVME_FORMAT_SES_MASK 0x7
#define WIPE_NVME_FORMAT_LBAFU_SHIFT 12
#define WIPE_NVME_FORMAT_LBAFU_MASK 0x3
/* Sanitize CDW10. */
#define WIPE_NVME_SANITIZE_SANACT_SHIFT 0
#define WIPE_NVME_SANITIZE_SANACT_MASK 0x7
#define WIPE_NVME_SANITIZE_AUSE_SHIFT 3
#define WIPE_NVME_SANITIZE_AUSE_MASK 0x1
#define WIPE_NVME_SANITIZE_OWPASS_SHIFT 4
#define WIPE_NVME_SANITIZE_OWPASS_MASK 0xf
#define WIPE_NVME_SANITIZE_OIPBP_SHIFT 8
#define WIPE_NVME_SANITIZE_OIPBP_MASK 0x1
#define WIPE_NVME_SANITIZE_NDAS_SHIFT 9
#define WIPE_NVME_SANITIZE_NDAS_MASK 0x1
/* Get Log Page CDW10/11. */
#define WIPE_NVME_LOG_LID_SHIFT 0
#define WIPE_NVME_LOG_LID_MASK 0xff
#define WIPE_NVME_LOG_LSP_SHIFT 8
#define WIPE_NVME_LOG_LSP_MASK 0x7f
#define WIPE_NVME_LOG_RAE_SHIFT 15
#define WIPE_NVME_LOG_RAE_MASK 0x1
#define WIPE_NVME_LOG_NUMDL_SHIFT 16
#define WIPE_NVME_LOG_NUMDL_MASK 0xffff
#define WIPE_NVME_LOG_NUMDU_SHIFT 0
#define WIPE_NVME_LOG_NUMDU_MASK 0xffff

/* One field into its place: WIPE_NVME_SET(v, FORMAT_SES). */
#define WIPE_NVME_SET(value, name)                                            \
	(((uint32_t)(value) & WIPE_NVME_##name##_MASK)                        \
	 << WIPE_NVME_##name##_SHIFT)
#define WIPE_NVME_GET(value, name)                                            \
	(((uint32_t)(value) >> WIPE_NVME_##name##_SHIFT) &                    \
	 WIPE_NVME_##name##_MASK)

struct wipe_nvme_cmd {
	uint8_t opcode;
	uint32_t nsid;
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
	void *data;		/* from the controller (all four commands) */
	uint32_t len;
	uint32_t timeout_ms;
	/* results */
	uint32_t result;	/* completion dword 0 */
	uint16_t status;	/* status field, 0 success */
	struct wipe_cmd_status st;
};

/* Builders: each resets c. */
void wipe_nvme_identify_ctrl(struct wipe_nvme_cmd *c, void *buf4096);
void wipe_nvme_identify_ns(struct wipe_nvme_cmd *c, uint32_t nsid,
			   void *buf4096);
/* Format NVM keeping the namespace's LBA format (lbaf index 0-63). */
void wipe_nvme_format(struct wipe_nvme_cmd *c, uint32_t nsid, unsigned lbaf,
		      unsigned mset, unsigned pi, unsigned pil, unsigned ses);
/* Sanitize: sanact per libnvme's enum nvme_sanitize_sanact. */
void wipe_nvme_sanitize(struct wipe_nvme_cmd *c, unsigned sanact, int ause,
			unsigned owpass, int oipbp, int ndas,
			uint32_t ovrpat);
void wipe_nvme_get_log_sanitize(struct wipe_nvme_cmd *c, void *buf512);

/* Identify Controller, decoded. */
struct wipe_nvme_ctrl {
	uint16_t vid;
	char sn[21];
	char mn[41];
	char fr[9];
	uint16_t oacs;
	uint32_t sanicap;
	uint8_t fna;
	uint32_t nn;
	uint64_t tnvmcap_lo;	/* 128-bit total NVM capacity, bytes */
	uint64_t tnvmcap_hi;
	uint8_t ieee[3];
};

/* Identify Namespace, decoded. */
struct wipe_nvme_ns {
	uint64_t nsze;
	uint64_t ncap;
	uint64_t nuse;
	uint8_t flbas;
	unsigned lbaf;		/* in-use format index */
	uint32_t lba_bytes;
	uint16_t ms;		/* metadata bytes per block */
	uint8_t dps;
	uint8_t dlfeat;
	uint8_t eui64[8];
};

int wipe_nvme_ctrl_decode(const uint8_t *buf, size_t len,
			  struct wipe_nvme_ctrl *c);
int wipe_nvme_ns_decode(const uint8_t *buf, size_t len,
			struct wipe_nvme_ns *n);

/* Sanitize Status log page (0x81), decoded. */
struct wipe_nvme_sanlog {
	uint16_t sprog;		/* of 65536 */
	uint8_t status;		/* NVME_SANITIZE_SSTAT_STATUS_* */
	uint8_t passes;
	int global_erased;
	uint32_t scdw10;
	uint32_t eto;		/* estimates, seconds; 0xffffffff none */
	uint32_t etbe;
	uint32_t etce;
};

int wipe_nvme_sanlog_decode(const uint8_t *buf, size_t len,
			    struct wipe_nvme_sanlog *l);

/* "opcode=0x84 nsid=0x... cdw10=0x00000004 cdw11=0x00000000" */
void wipe_nvme_describe(const struct wipe_nvme_cmd *c, char *buf,
			size_t len);
/* Fill id's fields (and caps) from decoded NVMe identify data. */
void wipe_nvme_to_ident(const struct wipe_nvme_ctrl *c,
			const struct wipe_nvme_ns *n, struct wipe_ident *id);

/* ---- executing commands (wipe/cmdexec.c) ------------------------------ */

/*
 * Send an ATA command through d: its ata_passthru op, or else ATA
 * PASS-THROUGH(16) through its scsi_cmd op (the SAT path Linux uses),
 * decoding the sense data into c->out and c->st.  Returns 0 when the
 * drive completed the command without error, -EIO when it reported an
 * error (c->st says which), -EOPNOTSUPP when the path rejects ATA
 * pass-through (a USB bridge or a SCSI device: ILLEGAL REQUEST), or
 * another -errno from the transport.
 */
int wipe_dev_ata(struct wipe_dev *d, struct wipe_ata_cmd *c);
/* Same for SCSI and NVMe (-EIO: CHECK CONDITION / non-zero status). */
int wipe_dev_scsi(struct wipe_dev *d, struct wipe_scsi_cmd *c);
int wipe_dev_nvme(struct wipe_dev *d, struct wipe_nvme_cmd *c);

/* Format helpers shared by the command files. */
void wipe_cmd_trim_copy(char *out, size_t len, const char *in, size_t n);
/* A human message into buf, cut short when it does not fit. */
void wipe_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
