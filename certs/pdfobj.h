/*
 * pdfobj.h - a small PDF object reader and writer on buffers (private to
 * certs/).  Enough of ISO 32000-1 §7 for the signer and the verifier:
 * classic cross-reference tables (and their /Prev chain), indirect
 * objects, dictionaries, arrays, strings and streams.
 *
 * Nothing here allocates except pdf_doc_open() and struct pdf_out, and
 * nothing reads past the buffer it is given: every function takes the
 * buffer and its length, so the parser can be fuzzed.  Returns are 0 or
 * a negative errno (-EINVAL: malformed, -ENOENT: absent, -ENOTSUP: valid
 * PDF this code does not handle, -ENOMEM).
 */
#ifndef WIPECERT_PDFOBJ_H
#define WIPECERT_PDFOBJ_H

#include <stddef.h>
#include <stdint.h>

#define PDF_MAX_DEPTH 32	/* nested arrays and dictionaries */
#define PDF_MAX_SECTIONS 64	/* xref sections in a /Prev chain */
#define PDF_NAME_MAX 128	/* decoded name bytes */

enum pdf_type {
	PDF_NONE = 0,
	PDF_NULL,
	PDF_BOOL,
	PDF_INT,
	PDF_REAL,
	PDF_NAME,
	PDF_STRING,		/* (literal) */
	PDF_HEXSTRING,		/* <hex> */
	PDF_ARRAY,
	PDF_DICT,
	PDF_REF,		/* num gen R */
};

/* One parsed value: its type and its span [off, off + len) in the buffer. */
struct pdf_val {
	enum pdf_type type;
	size_t off;
	size_t len;
	int64_t num;		/* PDF_INT, PDF_BOOL; object number of a PDF_REF */
	uint32_t gen;		/* generation of a PDF_REF */
};

/* A document: the buffer and its merged cross-reference table. */
struct pdf_doc {
	const uint8_t *p;
	size_t n;
	uint64_t *off;		/* byte offset of each object, 0: none */
	uint32_t *gen;
	size_t size;		/* /Size of the newest trailer */
	size_t startxref;	/* offset of the newest xref section */
	struct pdf_val trailer;	/* newest trailer dictionary */
	struct pdf_val root;	/* its /Root (a PDF_REF) */
	struct pdf_val info;	/* its /Info, PDF_NONE when absent */
	struct pdf_val id;	/* its /ID, PDF_NONE when absent */
	unsigned sections;	/* xref sections read */
};

/*
 * Parse one value at *pos (after whitespace and comments) and move *pos
 * past it.  "n g R" parses as one PDF_REF.  Returns 0 or -EINVAL.
 */
int pdf_parse(const uint8_t *p, size_t n, size_t *pos, struct pdf_val *v);

/* Skip whitespace and comments. */
void pdf_skip_ws(const uint8_t *p, size_t n, size_t *pos);

/* Does keyword kw start at p[i], followed by a delimiter, space or end? */
int pdf_keyword_at(const uint8_t *p, size_t n, size_t i, const char *kw);

/* Unsigned decimal digits at *pos (at most 15).  Returns 0 or -EINVAL. */
int pdf_parse_uint(const uint8_t *p, size_t n, size_t *pos, int64_t *out);

/* Is v the name /want?  (#xx escapes are decoded.) */
int pdf_name_is(const uint8_t *p, const struct pdf_val *v, const char *want);

/*
 * Walk a dictionary: start with *pos = 0; each call gives the next key
 * (a PDF_NAME) and its value.  Returns 0, -ENOENT at the end, -EINVAL.
 */
int pdf_dict_next(const uint8_t *p, size_t n, const struct pdf_val *dict,
		  size_t *pos, struct pdf_val *key, struct pdf_val *val);

/* The value of /key in dict.  Returns 0, -ENOENT or -EINVAL. */
int pdf_dict_get(const uint8_t *p, size_t n, const struct pdf_val *dict,
		 const char *key, struct pdf_val *val);

/* Walk an array (start with *pos = 0).  Returns 0, -ENOENT at the end. */
int pdf_array_next(const uint8_t *p, size_t n, const struct pdf_val *arr,
		   size_t *pos, struct pdf_val *val);

/*
 * Decode a string (literal with escapes, or hex) into out (at most cap
 * bytes).  Returns 0, -ENOSPC, or -EINVAL.
 */
int pdf_string_decode(const uint8_t *p, const struct pdf_val *v,
		      uint8_t *out, size_t cap, size_t *outlen);

/*
 * Read the cross-reference tables from the last startxref backwards
 * through /Prev.  Returns 0, -EINVAL, -ENOTSUP (cross-reference
 * streams), -ENOMEM.  Release with pdf_doc_release().
 */
int pdf_doc_open(struct pdf_doc *d, const uint8_t *p, size_t n);
void pdf_doc_release(struct pdf_doc *d);

/*
 * The value of indirect object num ("num gen obj value"); *end, when not
 * NULL, is set past the value.  Returns 0, -ENOENT (not in use) or
 * -EINVAL.
 */
int pdf_obj(const struct pdf_doc *d, uint32_t num, struct pdf_val *v,
	    size_t *end);

/* v itself, or the object it refers to.  Returns 0, -ENOENT or -EINVAL. */
int pdf_resolve(const struct pdf_doc *d, const struct pdf_val *v,
		struct pdf_val *out);

/* dict[key], resolved.  Returns 0, -ENOENT or -EINVAL. */
int pdf_get(const struct pdf_doc *d, const struct pdf_val *dict,
	    const char *key, struct pdf_val *out);

/*
 * The raw (still encoded) data of stream object num: its dictionary and
 * the span of its bytes.  Returns 0, -ENOENT or -EINVAL.
 */
int pdf_stream(const struct pdf_doc *d, uint32_t num, struct pdf_val *dict,
	       size_t *data_off, size_t *data_len);

/*
 * A stream's decoded data: no filter or FlateDecode only, at most max
 * bytes.  Caller frees *out.  Returns 0, -ENOTSUP (other filters or
 * parameters), -EFBIG, -EINVAL, -ENOMEM.
 */
int pdf_stream_decode(const struct pdf_doc *d, uint32_t num, size_t max,
		      uint8_t **out, size_t *outlen, struct pdf_val *dict);

/* Inflate a zlib stream into at most max bytes.  Caller frees *out. */
int pdf_inflate(const uint8_t *in, size_t len, size_t max, uint8_t **out,
		size_t *outlen);

/* ---- writing ---------------------------------------------------------- */

/* A growing output buffer; the first error sticks in err. */
struct pdf_out {
	uint8_t *p;
	size_t n;
	size_t cap;
	int err;
};

void pdf_out_bytes(struct pdf_out *o, const void *data, size_t len);
void pdf_out_printf(struct pdf_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pdf_out_release(struct pdf_out *o);

#endif
