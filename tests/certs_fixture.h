/*
 * certs_fixture.h - what the certificate tests share: a throw-away root
 * CA and technician key (low KDF iteration count, so the suites stay
 * fast) in a temporary folder, and small libharu PDFs shaped like a
 * certificate (a Courier SHA-256 literal, a QR image, the record
 * attached as "<id>.json").  Included by one test program each.
 */
#ifndef WIPECERT_TEST_CERTS_FIXTURE_H
#define WIPECERT_TEST_CERTS_FIXTURE_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hpdf.h>
#include <qrencode.h>

#include "certs/certs.h"
#include "certs/keys.h"

#define FX_KDF_ITER 1000
/* Not every test program uses every helper. */
#define FX_FN static __attribute__((unused))
#define FX_PASS "correct horse"

struct fx {
	char dir[64];
	char ca_key[128], ca_cert[128], key[128], cert[128], pass[128];
	char id[37];
	char record[512];
	size_t record_len;
	char sha[65];
	struct cert_signer *signer;
};

FX_FN int
fx_path(char *out, size_t len, const struct fx *f, const char *name)
{
	return snprintf(out, len, "%s/%s", f->dir, name) < (int)len ? 0 : -1;
}

FX_FN int
fx_write(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "w");
	int ok;

	if (fp == NULL)
		return -1;
	ok = fwrite(data, 1, len, fp) == len;
	/* Secrets (the passphrase file) must not be readable by others. */
	ok = ok && fchmod(fileno(fp), 0600) == 0;
	return fclose(fp) == 0 && ok ? 0 : -1;
}

/* The record: enough of wipecert.record/1 for the verifier. */
FX_FN void
fx_record(struct fx *f, const char *result)
{
	uint8_t md[32];

	wc_uuid4(f->id);
	f->record_len = (size_t)snprintf(f->record, sizeof(f->record),
		"{\n  \"schema\": \"wipecert.record/1\",\n  \"id\": \"%s\",\n"
		"  \"result\": \"%s\"\n}\n", f->id, result);
	wc_sha256(f->record, f->record_len, md);
	wc_hex(f->sha, md, sizeof(md));
}

/* CA, leaf, passphrase file and an unlocked signer. */
FX_FN int
fx_setup(struct fx *f)
{
	struct cert_key_req ca = { .org = "株式会社テスト消去",
				   .name = "テスト消去 ルート認証局",
				   .kdf_iter = FX_KDF_ITER };
	struct cert_key_req leaf = { .org = "株式会社テスト消去",
				     .name = "山田 太郎",
				     .kdf_iter = FX_KDF_ITER };

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/wc-test-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	if (fx_path(f->ca_key, sizeof(f->ca_key), f, "ca.key") ||
	    fx_path(f->ca_cert, sizeof(f->ca_cert), f, "ca.pem") ||
	    fx_path(f->key, sizeof(f->key), f, "tech.key") ||
	    fx_path(f->cert, sizeof(f->cert), f, "tech.pem") ||
	    fx_path(f->pass, sizeof(f->pass), f, "pass"))
		return -1;
	if (cert_key_ca_init(&ca, "ca " FX_PASS, f->ca_key, f->ca_cert) ||
	    cert_key_leaf_init(&leaf, FX_PASS, f->ca_key, f->ca_cert,
			       "ca " FX_PASS, f->key, f->cert) ||
	    fx_write(f->pass, FX_PASS "\n", strlen(FX_PASS) + 1))
		return -1;
	fx_record(f, "pass");
	return cert_signer_load(f->key, f->cert, f->ca_cert, f->pass,
				time(NULL), &f->signer);
}

FX_FN void
fx_teardown(struct fx *f)
{
	char cmd[128];

	cert_signer_free(f->signer);
	f->signer = NULL;
	if (f->dir[0] != '\0' &&
	    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir) < 128)
		(void)!system(cmd);
}

FX_FN void
fx_hpdf_error(HPDF_STATUS e, HPDF_STATUS d, void *arg)
{
	(void)e;
	(void)d;
	(void)arg;
}

/* A QR image as 8-bit gray with a 4-module quiet zone, 2 px a module. */
FX_FN uint8_t *
fx_qr(const char *payload, unsigned *side)
{
	QRcode *qr = QRcode_encodeString8bit(payload, 0, QR_ECLEVEL_M);
	unsigned n, s, x, y;
	uint8_t *img;

	if (qr == NULL)
		return NULL;
	n = (unsigned)qr->width;
	s = (n + 8) * 2;
	img = malloc((size_t)s * s);
	if (img != NULL) {
		memset(img, 255, (size_t)s * s);
		for (y = 0; y < s; y++)
			for (x = 0; x < s; x++)
				if (x / 2 >= 4 && y / 2 >= 4 && x / 2 < n + 4 &&
				    y / 2 < n + 4 &&
				    (qr->data[(y / 2 - 4) * n + x / 2 - 4] & 1))
					img[y * s + x] = 0;
	}
	QRcode_free(qr);
	*side = s;
	return img;
}

/* Lines of text (split at '\n') in Courier, one literal each. */
FX_FN void
fx_lines(HPDF_Doc doc, HPDF_Page page, const char *text)
{
	char line[256];
	const char *nl;
	float y = 700;
	size_t n;

	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, HPDF_GetFont(doc, "Courier", NULL), 7);
	while (*text != '\0') {
		nl = strchr(text, '\n');
		n = nl ? (size_t)(nl - text) : strlen(text);
		snprintf(line, sizeof(line), "%.*s", (int)n, text);
		HPDF_Page_TextOut(page, 40, y, line);
		y -= 10;
		text += n + (nl != NULL);
	}
	HPDF_Page_EndText(page);
}

/*
 * An unsigned certificate-like PDF.  printed: the lines printed in
 * Courier (NULL: the record's SHA-256 and the signer's fingerprint), qr: the QR payload (NULL: the right one, "":
 * none), attach: attach the record.  Returns 0 or -1.
 */
FX_FN int
fx_pdf(struct fx *f, const char *printed, const char *qr, int attach,
       uint8_t **out, size_t *len)
{
	char payload[256], path[160], name[48], both[160];
	HPDF_Doc doc = HPDF_New(fx_hpdf_error, NULL);
	HPDF_Page page;
	HPDF_Image im;
	uint8_t *img = NULL;
	unsigned side = 0;
	HPDF_UINT32 size32;
	int ret = -1;

	if (doc == NULL)
		return -1;
	HPDF_SetCompressionMode(doc, HPDF_COMP_ALL);
	page = HPDF_AddPage(doc);
	if (printed == NULL) {
		snprintf(both, sizeof(both), "%s\n%s", f->sha,
			 f->signer ? cert_signer_fingerprint(f->signer) : "");
		printed = both;
	}
	fx_lines(doc, page, printed);
	snprintf(payload, sizeof(payload), CERT_QR_PREFIX "%s %s", f->id,
		 f->sha);
	if (qr == NULL || *qr != '\0')
		img = fx_qr(qr ? qr : payload, &side);
	if (img != NULL) {
		im = HPDF_LoadRawImageFromMem(doc, img, side, side,
					      HPDF_CS_DEVICE_GRAY, 8);
		HPDF_Page_DrawImage(page, im, 40, 500, 100, 100);
	}
	snprintf(name, sizeof(name), "%s.json", f->id);
	if (attach && (fx_path(path, sizeof(path), f, name) != 0 ||
		       fx_write(path, f->record, f->record_len) != 0 ||
		       HPDF_AttachFile(doc, path) == NULL))
		goto out;
	if (HPDF_SaveToStream(doc) != HPDF_OK)
		goto out;
	size32 = HPDF_GetStreamSize(doc);
	*out = malloc(size32);
	if (*out != NULL && HPDF_ReadFromStream(doc, *out, &size32) == HPDF_OK) {
		*len = size32;
		ret = 0;
	}
out:
	free(img);
	HPDF_Free(doc);
	return ret;
}

/* fx_pdf() then cert_pdf_sign(). */
FX_FN int
fx_signed(struct fx *f, uint8_t **out, size_t *len)
{
	uint8_t *pdf = NULL;
	size_t n = 0;
	int ret;

	if (fx_pdf(f, NULL, NULL, 1, &pdf, &n) != 0)
		return -1;
	ret = cert_pdf_sign(pdf, n, f->signer, out, len);
	free(pdf);
	return ret;
}

#endif
