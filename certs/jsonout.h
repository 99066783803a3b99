/*
 * jsonout.h - the small json-c builders every record writer in certs/
 * uses (record.c, recordfw.c, destruction.c).  Private to certs/.
 */
#ifndef WIPECERT_CERTS_JSONOUT_H
#define WIPECERT_CERTS_JSONOUT_H

#include <stdint.h>

#include <json-c/json.h>

#include "certs/certs.h"
#include "lib/lib.h"
#include "wipe/wipe.h"

static inline void
put(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* A string, or null for NULL and "". */
static inline struct json_object *
str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_object_new_string(s) : NULL;
}

/* true, false, or null for unknown. */
static inline struct json_object *
tri(enum wipe_tri t)
{
	return t == WIPE_UNKNOWN ? NULL : json_object_new_boolean(t == WIPE_YES);
}

/* json-c integers are int64; sizes and LBAs fit comfortably. */
static inline struct json_object *
u64(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

/* The "issued" block every record starts with: time, zone, clock. */
static inline struct json_object *
issued_json(time_t t, const char *tz)
{
	struct json_object *o = json_object_new_object();
	char buf[WC_RFC3339_LEN];
	int synced = wc_clock_synced();

	put(o, "time", t > 0 && wc_rfc3339(buf, sizeof(buf), t) == 0
			       ? json_object_new_string(buf) : NULL);
	put(o, "time_zone", str_or_null(tz));
	put(o, "time_source", json_object_new_string("system clock"));
	put(o, "clock_synchronized",
	    synced < 0 ? NULL : json_object_new_boolean(synced));
	return o;
}

/* The "contract" block. */
static inline struct json_object *
contract_json(const struct cert_contract *c)
{
	struct json_object *o = json_object_new_object();

	put(o, "number", str_or_null(c->number));
	put(o, "department", str_or_null(c->department));
	put(o, "contractor", str_or_null(c->contractor));
	put(o, "manager", str_or_null(c->manager));
	return o;
}

#endif
