/*
 * fixtures.h - read the real identification dumps of ../shared/fixtures
 * (DESIGN §10) from tests.  They are never copied into the repository:
 * when the folder is missing (or $WIPECERT_FIXTURES names another), a
 * test prints one "skipped:" line and its spec-built cases still run.
 */
#ifndef WIPECERT_TESTS_FIXTURES_H
#define WIPECERT_TESTS_FIXTURES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/lib.h"

#define FIXTURES_DEFAULT "../shared/fixtures"

static inline const char *
fixtures_dir(void)
{
	const char *e = getenv("WIPECERT_FIXTURES");

	return e != NULL && *e != '\0' ? e : FIXTURES_DEFAULT;
}

/* 1 when the fixtures (subfolder sub) exist; else says "skipped". */
static inline int
fixtures_present(const char *sub)
{
	char path[4096];
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), sub);
	d = opendir(path);
	if (d == NULL) {
		printf("skipped: fixtures %s not found\n", path);
		fprintf(stderr, "skipped: fixtures %s not found\n", path);
		return 0;
	}
	closedir(d);
	return 1;
}

/* Read sub/name into a malloc'd buffer.  0 or -errno. */
static inline int
fixture_read(const char *sub, const char *name, uint8_t **buf, size_t *len)
{
	char path[4096];
	char *text = NULL;
	int ret;

	snprintf(path, sizeof(path), "%s/%s/%s", fixtures_dir(), sub, name);
	ret = wc_read_file(path, 1 << 20, &text, len);
	*buf = (uint8_t *)text;
	return ret;
}

/* Parse sub/name as JSON; NULL when missing or malformed. */
static inline struct json_object *
fixture_json(const char *sub, const char *name)
{
	uint8_t *buf;
	size_t len;
	struct json_object *o;

	if (fixture_read(sub, name, &buf, &len) != 0)
		return NULL;
	o = json_tokener_parse((const char *)buf);
	free(buf);
	return o;
}

/* Names in sub ending in suffix (without it), sorted; free with free(). */
static inline size_t
fixture_names(const char *sub, const char *suffix, char ***out)
{
	char path[4096], **v = NULL;
	struct dirent *de;
	size_t n = 0, k = strlen(suffix), i, j;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), sub);
	d = opendir(path);
	while (d != NULL && (de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l <= k || strcmp(de->d_name + l - k, suffix) != 0)
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		v[n] = strndup(de->d_name, l - k);
		n++;
	}
	if (d != NULL)
		closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*out = v;
	return n;
}

static inline void
fixture_names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Path lookup in a JSON object: "hdparm.security.frozen". */
static inline struct json_object *
jpath(struct json_object *o, const char *path)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL && o != NULL;
	     tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			return NULL;
	return o;
}

#endif
