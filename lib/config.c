/*
 * config.c - wipecert.conf(5): "key = value" lines.
 *
 * The parser takes a buffer (so it can be fuzzed) and checks every line;
 * file access is kept apart in wc_config_load().
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

#define F(name, field) { name, offsetof(struct wc_config, field) }

const struct wc_config_key wc_config_keys[] = {
	F("contract", contract),
	F("addressee", addressee),
	F("department", department),
	F("manager", manager),
	F("contractor", contractor),
	F("contractor_address", contractor_address),
	F("contractor_representative", contractor_representative),
	F("operator", operator_name),
	F("operator_title", operator_title),
	F("operator_contact", operator_contact),
	F("location", location),
	F("witness", witness),
	F("verifier", verifier),
	F("media_source", media_source),
	F("classification", classification),
	F("destination", destination),
	F("key", key),
	F("certificate", certificate),
	F("chain", chain),
	F("root_ca", root_ca),
	F("passphrase_file", passphrase_file),
	F("register", register_path),
	F("output_dir", output_dir),
	F("timezone", timezone),
	F("font", font),
	{ NULL, 0 },
};

#define LINE_MAX_ 4096

static char **
field(struct wc_config *c, const char *key)
{
	size_t i;

	for (i = 0; wc_config_keys[i].name != NULL; i++)
		if (strcmp(wc_config_keys[i].name, key) == 0)
			return (char **)((char *)c + wc_config_keys[i].offset);
	return NULL;
}

void
wc_config_init(struct wc_config *c)
{
	memset(c, 0, sizeof(*c));
}

void
wc_config_release(struct wc_config *c)
{
	size_t i;
	char **f;

	if (c == NULL)
		return;
	for (i = 0; wc_config_keys[i].name != NULL; i++) {
		f = (char **)((char *)c + wc_config_keys[i].offset);
		free(*f);
	}
	wc_config_init(c);
}

int
wc_config_set(struct wc_config *c, const char *key, const char *value)
{
	char **f = field(c, key), *v;

	if (f == NULL)
		return -EINVAL;
	v = strdup(value);
	if (v == NULL)
		return -ENOMEM;
	free(*f);
	*f = v;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One line, NUL-terminated, without its newline. */
static int
parse_line(struct wc_config *c, char *line)
{
	char *eq, *key, *value, **f;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (eq == NULL)
		return -EINVAL;
	*eq = '\0';
	key = trim(key);
	value = trim(eq + 1);
	f = field(c, key);
	if (f == NULL || *f != NULL)
		return -EINVAL;	/* unknown, or given twice */
	if (*value == '\0')
		return 0;	/* "key =" leaves it unset */
	return wc_config_set(c, key, value);
}

int
wc_config_parse(struct wc_config *c, const char *text, size_t len,
		unsigned *errline)
{
	char line[LINE_MAX_];
	size_t at = 0, n;
	const char *nl;
	unsigned no = 0;
	int ret;

	*errline = 0;
	/* A UTF-8 byte order mark, as some editors write it. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		at = 3;
	while (at < len) {
		no++;
		nl = memchr(text + at, '\n', len - at);
		n = nl ? (size_t)(nl - (text + at)) : len - at;
		if (n >= sizeof(line) || memchr(text + at, '\0', n) != NULL) {
			*errline = no;
			return -EINVAL;
		}
		memcpy(line, text + at, n);
		line[n] = '\0';
		ret = parse_line(c, line);
		if (ret != 0) {
			*errline = no;
			return ret;
		}
		at += n + (nl != NULL);
	}
	return 0;
}

int
wc_config_load(struct wc_config *c, const char *path, unsigned *errline)
{
	const char *env = getenv("WIPECERT_CONFIG");
	int optional = 0, ret;
	char *text;
	size_t len;

	*errline = 0;
	if (path == NULL && env != NULL && *env != '\0')
		path = env;
	if (path == NULL) {
		path = WC_CONFIG_DEFAULT;
		optional = 1;
	}
	ret = wc_read_file(path, WC_CONFIG_MAX, &text, &len);
	if (ret == -ENOENT && optional)
		return 0;
	if (ret != 0)
		return ret;
	ret = wc_config_parse(c, text, len, errline);
	free(text);
	if (ret == 0)
		wc_fmt(c->source, sizeof(c->source), "%s", path);
	return ret;
}
