/*
 * pdfparts.c - the pieces of a certificate that are not text: the QR
 * code image, the embedded record, and the subset font (pdfmodel.h).
 *
 * libharu 2.3.0 attaches files only from a path and names them by that
 * path, and writes a /Filespec of /Type /F with an untyped stream; the
 * record is therefore attached here through libharu's object layer, from
 * memory, named "<record-id>.json".  Its ToUnicode CMap for a UTF-8 font
 * is a copy of the encoding CMap (one begincidrange over 0000-FFFF),
 * which viewers warn about: it is rewritten as an identity bfrange over
 * the code points shown.  Fonts load only from a path: the
 * subset is handed over through a memfd (/proc/self/fd/N), or a private
 * temporary directory when /proc is missing, and removed at once (libharu
 * keeps its own open file until the document is written).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hpdf_namedict.h>
#include <qrencode.h>

#include "certs/pdfmodel.h"
#include "certs/ttfsubset.h"

#define QR_QUIET 4		/* modules of quiet zone on each side */

int
cert_qr_payload(char *buf, size_t len, const char *id, const char *sha256)
{
	if (id == NULL || sha256 == NULL)
		return -EINVAL;
	return wc_fmt(buf, len, CERT_QR_PREFIX "%s %s", id, sha256);
}

int
cert_qr_image(const char *payload, uint8_t **img, unsigned *px)
{
	QRcode *qr;
	uint8_t *p;
	unsigned n, x, y, i;
	size_t side;

	*img = NULL;
	*px = 0;
	if (payload == NULL || *payload == '\0')
		return -EINVAL;
	qr = QRcode_encodeString8bit(payload, 0, QR_ECLEVEL_M);
	if (qr == NULL)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	n = (unsigned)qr->width;
	side = (size_t)(n + 2 * QR_QUIET) * CERT_QR_PX;
	p = malloc(side * side);
	if (p == NULL) {
		QRcode_free(qr);
		return -ENOMEM;
	}
	memset(p, 255, side * side);
	for (y = 0; y < n; y++) {
		for (x = 0; x < n; x++) {
			if (!(qr->data[y * n + x] & 1))
				continue;
			for (i = 0; i < CERT_QR_PX; i++)
				memset(p + ((y + QR_QUIET) * CERT_QR_PX + i) *
						   side +
					       (x + QR_QUIET) * CERT_QR_PX,
				       0, CERT_QR_PX);
		}
	}
	QRcode_free(qr);
	*img = p;
	*px = (unsigned)side;
	return 0;
}

/* ---- the embedded record ------------------------------------------- */

static HPDF_NameTree
embedded_files_tree(HPDF_Doc pdf)
{
	HPDF_NameDict names = HPDF_Catalog_GetNames(pdf->catalog);
	HPDF_NameTree tree;

	if (names == NULL) {
		names = HPDF_NameDict_New(pdf->mmgr, pdf->xref);
		if (names == NULL ||
		    HPDF_Catalog_SetNames(pdf->catalog, names) != HPDF_OK)
			return NULL;
	}
	tree = HPDF_NameDict_GetNameTree(names, HPDF_NAME_EMBEDDED_FILES);
	if (tree != NULL)
		return tree;
	tree = HPDF_NameTree_New(pdf->mmgr, pdf->xref);
	if (tree == NULL || HPDF_NameDict_SetNameTree(
				    names, HPDF_NAME_EMBEDDED_FILES, tree) !=
				    HPDF_OK)
		return NULL;
	return tree;
}

/* The /EmbeddedFile stream holding the bytes, compressed. */
static HPDF_Dict
embedded_stream(HPDF_Doc pdf, const char *data, size_t len)
{
	HPDF_Dict ef, params;
	HPDF_STATUS st;

	ef = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	params = HPDF_Dict_New(pdf->mmgr);
	if (ef == NULL || params == NULL || len > INT32_MAX)
		return NULL;
	ef->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	st = HPDF_Dict_AddName(ef, "Type", "EmbeddedFile");
	st |= HPDF_Dict_AddName(ef, "Subtype", "application/json");
	st |= HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)len);
	st |= HPDF_Dict_Add(ef, "Params", params);
	st |= HPDF_Stream_Write(ef->stream, (const HPDF_BYTE *)data,
				(HPDF_UINT)len);
	return st == HPDF_OK ? ef : NULL;
}

static HPDF_STATUS
add_string(HPDF_Doc pdf, HPDF_Dict d, const char *key, const char *value)
{
	HPDF_String s = HPDF_String_New(pdf->mmgr, value, NULL);

	return s == NULL ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_Dict_Add(d, key, s);
}

int
cert_pdf_attach(HPDF_Doc pdf, const char *name, const char *data,
		size_t len)
{
	HPDF_NameTree tree = embedded_files_tree(pdf);
	HPDF_Dict ef = embedded_stream(pdf, data, len);
	HPDF_Dict spec, efd;
	HPDF_String key;
	HPDF_STATUS st;

	spec = HPDF_Dict_New(pdf->mmgr);
	efd = HPDF_Dict_New(pdf->mmgr);
	if (tree == NULL || ef == NULL || spec == NULL || efd == NULL ||
	    HPDF_Xref_Add(pdf->xref, spec) != HPDF_OK)
		return -EIO;
	st = HPDF_Dict_AddName(spec, "Type", "Filespec");
	st |= add_string(pdf, spec, "F", name);
	st |= add_string(pdf, spec, "UF", name);
	st |= add_string(pdf, spec, "Desc", "wipecert record");
	st |= HPDF_Dict_Add(efd, "F", ef);
	st |= HPDF_Dict_Add(efd, "UF", ef);
	st |= HPDF_Dict_Add(spec, "EF", efd);
	key = HPDF_String_New(pdf->mmgr, name, NULL);
	if (st != HPDF_OK || key == NULL ||
	    HPDF_NameTree_Add(tree, key, spec) != HPDF_OK)
		return -EIO;
	return 0;
}

/* ---- the ToUnicode CMap -------------------------------------------- */

static HPDF_STATUS
put_block(HPDF_Stream st, const unsigned *start, const unsigned *last,
	  unsigned n)
{
	HPDF_STATUS ret;
	char line[64];
	unsigned k;

	snprintf(line, sizeof(line), "%u beginbfrange\n", n);
	ret = HPDF_Stream_WriteStr(st, line);
	for (k = 0; k < n; k++) {
		snprintf(line, sizeof(line), "<%04X> <%04X> <%04X>\n",
			 start[k], last[k], start[k]);
		ret |= HPDF_Stream_WriteStr(st, line);
	}
	return ret | HPDF_Stream_WriteStr(st, "endbfrange\n");
}

static int
is_used(const uint8_t used[8192], unsigned cp)
{
	return cp < 0x10000 && (used[cp >> 3] & (1u << (cp & 7)));
}

/* Runs of used code points, in blocks of at most 100 ranges. */
static HPDF_STATUS
put_ranges(HPDF_Stream st, const uint8_t used[8192])
{
	unsigned cp, end, n = 0, start[100], last[100];
	HPDF_STATUS ret = HPDF_OK;

	for (cp = 0; cp < 0x10000; cp = end + 1) {
		end = cp;
		if (!is_used(used, cp))
			continue;
		/* A bfrange may change only in its last byte. */
		while ((end + 1) % 256 != 0 && is_used(used, end + 1))
			end++;
		start[n] = cp;
		last[n++] = end;
		if (n == 100) {
			ret |= put_block(st, start, last, n);
			n = 0;
		}
	}
	if (n > 0)
		ret |= put_block(st, start, last, n);
	return ret;
}

int
cert_pdf_tounicode(HPDF_Doc pdf, HPDF_Font font, const uint8_t used[8192])
{
	HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode",
					   HPDF_OCLASS_DICT);
	HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
	HPDF_STATUS st;

	if (cmap == NULL || info == NULL || cmap->stream == NULL ||
	    cmap->stream->type != HPDF_STREAM_MEMORY)
		return -EIO;
	HPDF_MemStream_FreeData(cmap->stream);
	st = HPDF_Stream_WriteStr(cmap->stream,
		"/CIDInit /ProcSet findresource begin\n12 dict begin\n"
		"begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering "
		"(UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS "
		"def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
		"endcodespacerange\n");
	st |= put_ranges(cmap->stream, used);
	st |= HPDF_Stream_WriteStr(cmap->stream,
		"endcmap\nCMapName currentdict /CMap defineresource pop\n"
		"end\nend\n");
	st |= add_string(pdf, info, "Registry", "Adobe");
	st |= add_string(pdf, info, "Ordering", "UCS");
	st |= HPDF_Dict_AddNumber(info, "Supplement", 0);
	st |= HPDF_Dict_Add(cmap, "CIDSystemInfo", info);
	st |= HPDF_Dict_AddName(cmap, "CMapName", "Adobe-Identity-UCS");
	return st == HPDF_OK ? 0 : -EIO;
}

/* ---- the font ------------------------------------------------------ */

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Load through a memfd; -ENOSYS when memfds or /proc are not there. */
static int
load_memfd(HPDF_Doc pdf, const uint8_t *font, size_t len, const char **name)
{
	char path[64];
	int fd, ret;

	fd = memfd_create("wipecert-font", MFD_CLOEXEC);
	if (fd < 0)
		return -ENOSYS;
	ret = write_all(fd, font, len);
	if (ret == 0)
		ret = wc_fmt(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ret == 0 && access(path, R_OK) != 0)
		ret = -ENOSYS;
	if (ret == 0) {
		*name = HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
		ret = *name != NULL ? 0 : -EIO;
	}
	close(fd);
	return ret;
}

static int
load_tmpdir(HPDF_Doc pdf, const uint8_t *font, size_t len, const char **name)
{
	const char *tmp = secure_getenv("TMPDIR");
	char dir[4096], path[4096 + 16];
	int fd, ret;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	ret = wc_fmt(dir, sizeof(dir), "%s/wipecert-XXXXXX", tmp);
	if (ret != 0)
		return ret;
	if (mkdtemp(dir) == NULL)
		return -errno;
	ret = wc_fmt(path, sizeof(path), "%s/font.ttf", dir);
	fd = ret == 0 ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					   O_CLOEXEC, 0600)
		      : -1;
	if (ret == 0 && fd < 0)
		ret = -errno;
	if (fd >= 0) {
		ret = write_all(fd, font, len);
		if (close(fd) != 0 && ret == 0)
			ret = -errno;
	}
	if (ret == 0) {
		*name = HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
		ret = *name != NULL ? 0 : -EIO;
	}
	unlink(path);
	rmdir(dir);
	return ret;
}

int
cert_pdf_load_font(HPDF_Doc pdf, const uint8_t *font, size_t len,
		   const uint8_t used[8192], const char **name)
{
	uint32_t *cps;
	uint8_t *sub = NULL;
	size_t slen, n = 0;
	uint32_t cp;
	int ret;

	*name = NULL;
	cps = malloc(65536 * sizeof(*cps));
	if (cps == NULL)
		return -ENOMEM;
	for (cp = 0; cp < 65536; cp++)
		if (used[cp >> 3] & (1u << (cp & 7)))
			cps[n++] = cp;
	ret = cert_ttf_subset(font, len, cps, n, &sub, &slen);
	if (ret == -E2BIG)
		ret = -EINVAL;
	if (ret == 0) {
		ret = load_memfd(pdf, sub, slen, name);
		if (ret == -ENOSYS)
			ret = load_tmpdir(pdf, sub, slen, name);
	}
	free(sub);
	free(cps);
	return ret;
}
