/*
 * line.c - one register line: compose and sign it, parse and check it.
 *
 * A line is the json-c plain serialisation of
 *   {"seq","time","kind","body","prev","signer"[,"cert"]}
 * signed as it stands; the signature is then spliced in before the
 * final brace as ,"sig":"BASE64"}.  wipecert-register(5) is the
 * reference; the key order below is the format.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "register/internal.h"

#define SERIALISE_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define PARSE_DEPTH 16

static const char *const line_keys[] = {
	"seq", "time", "kind", "body", "prev", "signer", "cert", "sig",
};

/* Serialise the unsigned object: the bytes that get signed. */
static int
unsigned_part(const struct reg_signer *s, const struct reg_line_in *in,
	      struct reg_buf *b)
{
	struct json_object *o;
	const char *text;
	char *cert = NULL;
	size_t n;
	int ret;

	if (in->embed_cert) {
		ret = reg_b64_encode(s->der, s->der_len, &cert);
		if (ret != 0)
			return ret;
	}
	o = json_object_new_object();
	if (o == NULL) {
		free(cert);
		return -ENOMEM;
	}
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)in->seq));
	json_object_object_add(o, "time", json_object_new_string(in->time));
	json_object_object_add(o, "kind",
			       json_object_new_string(reg_kind_name(in->kind)));
	json_object_object_add(o, "body", json_object_get(in->body));
	json_object_object_add(o, "prev", json_object_new_string(in->prev));
	json_object_object_add(o, "signer",
			       json_object_new_string(s->fingerprint));
	if (cert != NULL)
		json_object_object_add(o, "cert", json_object_new_string(cert));
	free(cert);
	text = json_object_to_json_string_length(o, SERIALISE_FLAGS, &n);
	if (text != NULL)
		reg_buf_add(b, text, n);
	ret = text == NULL ? -ENOMEM : b->err;
	json_object_put(o);
	return ret;
}

static int
line_in_ok(const struct reg_line_in *in)
{
	time_t t;

	return in->seq > 0 && in->seq <= INT64_MAX && in->time != NULL &&
	       reg_time_parse(in->time, &t, NULL) == 0 &&
	       reg_kind_name(in->kind) != NULL && in->body != NULL &&
	       json_object_is_type(in->body, json_type_object) &&
	       reg_is_hex64(in->prev);
}

/* ECDSA: (r, n - s) is valid too; write only the low-S form. */
static int
low_s(EVP_PKEY *pkey, uint8_t **sig, size_t *siglen)
{
	uint8_t *low;
	size_t len;
	int ret;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC)
		return 0;
	ret = wc_ecdsa_to_low_s(*sig, *siglen, pkey, &low, &len);
	if (ret != 0)
		return ret == -ENOMEM ? ret : -EIO;
	free(*sig);
	*sig = low;
	*siglen = len;
	return 0;
}

int
reg_line_make(const struct reg_signer *s, const struct reg_line_in *in,
	      char **out, size_t *len)
{
	struct reg_buf b;
	uint8_t *sig = NULL;
	char *sig64 = NULL;
	size_t siglen;
	int ret;

	*out = NULL;
	*len = 0;
	if (s == NULL || s->pkey == NULL || !line_in_ok(in))
		return -EINVAL;
	reg_buf_init(&b);
	ret = unsigned_part(s, in, &b);
	if (ret != 0)
		goto out;
	if (b.len < 2 || b.p[b.len - 1] != '}' || memchr(b.p, '\n', b.len)) {
		ret = -EINVAL;
		goto out;
	}
	ret = reg_sign(s, b.p, b.len, &sig, &siglen);
	if (ret == 0)
		ret = low_s(s->pkey, &sig, &siglen);
	if (ret == 0)
		ret = reg_b64_encode(sig, siglen, &sig64);
	if (ret != 0)
		goto out;
	b.len--;			/* drop the final brace */
	reg_buf_str(&b, REG_SIG_PREFIX);
	reg_buf_str(&b, sig64);
	reg_buf_str(&b, "\"}\n");
	ret = b.err;
	if (ret == 0 && b.len - 1 > REG_LINE_MAX)
		ret = -E2BIG;
	if (ret == 0) {
		*out = b.p;
		*len = b.len;
		b.p = NULL;
	}
out:
	free(sig);
	free(sig64);
	reg_buf_release(&b);
	return ret;
}

/* ---- parsing ----------------------------------------------------------- */

static int
is_b64(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/*
 * Where the signature field starts: the line must end in
 * ,"sig":"BASE64"}.  Returns the offset of the comma, or 0.
 */
static size_t
find_sig(const char *line, size_t len)
{
	size_t plen = strlen(REG_SIG_PREFIX), i;

	if (len < plen + 3 || line[len - 1] != '}' || line[len - 2] != '"')
		return 0;
	i = len - 2;
	while (i > 0 && is_b64(line[i - 1]))
		i--;
	if (i == len - 2 || i < plen + 1 ||
	    memcmp(line + i - plen, REG_SIG_PREFIX, plen) != 0)
		return 0;
	return i - plen;
}

static struct json_object *
parse_json(const char *line, size_t len, const char **why)
{
	struct json_tokener *tok;
	struct json_object *o;

	tok = json_tokener_new_ex(PARSE_DEPTH);
	if (tok == NULL) {
		*why = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		json_object_put(o);
		o = NULL;
		*why = "not valid JSON";
	}
	json_tokener_free(tok);
	return o;
}

/* The keys are exactly those of a line, in order ("cert" optional). */
static int
keys_in_order(struct json_object *o)
{
	size_t k = 0;

	json_object_object_foreach(o, key, val) {
		(void)val;
		if (k == 6 && strcmp(key, "sig") == 0)
			k++;	/* no "cert" */
		if (k >= WC_ARRAY_SIZE(line_keys) ||
		    strcmp(key, line_keys[k]) != 0)
			return 0;
		k++;
	}
	return k == WC_ARRAY_SIZE(line_keys);
}

static const char *
get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An RFC 3339 time as wipecert writes it: seconds and an offset. */
static int
time_ok(const char *s, time_t *t)
{
	size_t n = strlen(s);

	return n >= 20 && n < WC_RFC3339_LEN && s[10] == 'T' &&
	       s[13] == ':' && s[16] == ':' &&
	       (s[19] == '+' || s[19] == '-' || s[19] == 'Z') &&
	       reg_time_parse(s, t, NULL) == 0;
}

static int
fields(struct reg_entry *e, const char **why)
{
	struct json_object *v;
	const char *s;

	json_object_object_get_ex(e->root, "seq", &v);
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1) {
		*why = "seq is not a positive integer";
		return -EBADMSG;
	}
	e->seq = (uint64_t)json_object_get_int64(v);
	s = get_str(e->root, "time");
	if (s == NULL || !time_ok(s, &e->when)) {
		*why = "time is not RFC 3339 with an offset";
		return -EBADMSG;
	}
	memcpy(e->time, s, strlen(s) + 1);
	if (reg_kind_parse(get_str(e->root, "kind"), &e->kind) != 0) {
		*why = "unknown kind";
		return -EBADMSG;
	}
	json_object_object_get_ex(e->root, "body", &e->body);
	if (!json_object_is_type(e->body, json_type_object)) {
		*why = "body is not an object";
		return -EBADMSG;
	}
	s = get_str(e->root, "prev");
	if (!reg_is_hex64(s)) {
		*why = "prev is not 64 hex digits";
		return -EBADMSG;
	}
	memcpy(e->prev, s, REG_HEX_LEN);
	s = get_str(e->root, "signer");
	if (!reg_is_hex64(s)) {
		*why = "signer is not 64 hex digits";
		return -EBADMSG;
	}
	memcpy(e->signer, s, REG_HEX_LEN);
	return 0;
}

int
reg_line_parse(const char *line, size_t len, struct reg_entry *e,
	       const char **why)
{
	struct json_object *v;
	size_t cut;
	uint8_t sum[32];

	memset(e, 0, sizeof(*e));
	*why = NULL;
	if (len == 0 || len > REG_LINE_MAX || memchr(line, '\0', len)) {
		*why = len == 0 ? "empty line" : len > REG_LINE_MAX ?
			"line too long" : "NUL byte in the line";
		return -EBADMSG;
	}
	cut = find_sig(line, len);
	if (cut == 0) {
		*why = "the line does not end in its signature";
		return -EBADMSG;
	}
	e->root = parse_json(line, len, why);
	if (e->root == NULL)
		return -EBADMSG;
	if (!json_object_is_type(e->root, json_type_object) ||
	    !keys_in_order(e->root)) {
		*why = "keys missing, unknown or out of order";
		return -EBADMSG;
	}
	if (fields(e, why) != 0)
		return -EBADMSG;
	if (json_object_object_get_ex(e->root, "cert", &v)) {
		e->cert_b64 = json_object_get_string(v);
		if (!json_object_is_type(v, json_type_string) ||
		    *e->cert_b64 == '\0') {
			*why = "cert is not a string";
			return -EBADMSG;
		}
	}
	e->sig_b64 = get_str(e->root, "sig");
	/* The parsed signature must be the spliced one, not a lookalike. */
	if (e->sig_b64 == NULL || strlen(e->sig_b64) != len - 2 - cut - 8 ||
	    memcmp(e->sig_b64, line + cut + 8, len - 2 - cut - 8) != 0) {
		*why = "sig is not the last field";
		return -EBADMSG;
	}
	e->signed_len = cut;
	wc_sha256(line, len, sum);
	wc_hex(e->hash, sum, sizeof(sum));
	return 0;
}

void
reg_entry_release(struct reg_entry *e)
{
	if (e == NULL)
		return;
	json_object_put(e->root);
	memset(e, 0, sizeof(*e));
}

const char *
reg_body_str(const struct reg_entry *e, const char *key)
{
	if (e == NULL || e->body == NULL)
		return NULL;
	return get_str(e->body, key);
}

int64_t
reg_body_int(const struct reg_entry *e, const char *key)
{
	struct json_object *v;

	if (e == NULL || e->body == NULL ||
	    !json_object_object_get_ex(e->body, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}
