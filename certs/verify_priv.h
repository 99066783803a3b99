/*
 * verify_priv.h - the parts of cert_pdf_verify() (certs/pdfverify.c for
 * the signature, certs/pdfrecord.c for the record, its printed hash and
 * the QR code, certs/qrscan.c for the QR decoder).
 */
#ifndef WIPECERT_VERIFY_PRIV_H
#define WIPECERT_VERIFY_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "certs/certs.h"
#include "certs/pdfobj.h"

#define QR_PAYLOAD_MAX 512

/* Set the verdict and the first reason (later reasons are dropped). */
void vfy_fail(struct cert_verify_result *res, enum cert_verdict v,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Check the embedded record against what the pages print: fills
 * record_id, record_sha256, record_text, register_seq/hash, or marks
 * res CERT_INVALID with the reason.  Returns 0, or -ENOMEM.
 */
int vfy_record(const struct pdf_doc *d, struct cert_verify_result *res);

/*
 * Decode QR codes in an 8-bit gray image (w * h bytes, row by row) and
 * call fn for each payload.  Returns the number found, or -errno.
 */
int vfy_qr_scan(const uint8_t *gray, unsigned w, unsigned h,
		void (*fn)(const char *data, size_t len, void *arg),
		void *arg);

#endif
