/* SPDX-License-Identifier: Apache-2.0 */
/* JSON for nf-sandbox's client (json.c). */
#ifndef NF_JSON_H
#define NF_JSON_H

#include <stddef.h>

/* A NUL-terminated buffer that grows; data may hold NULs of its own (length counts them). */
struct text {
	char *data;
	size_t length, capacity;
};

void append(struct text *t, const char *bytes, size_t n);
void append_str(struct text *t, const char *s);
/* s as a JSON string, quotes and escapes included. */
void append_json_string(struct text *t, const char *s);

const char *skip_space(const char *p);
/* Reads the JSON string at p (its opening quote) into out (appended), if out; returns what follows it, or NULL. */
const char *json_string(const char *p, struct text *out);
/* Skips the JSON value at p; returns what follows it, or NULL. */
const char *json_skip(const char *p);
/* The value of a top-level key of the JSON object at object, or NULL. */
const char *json_field(const char *object, const char *key);

#endif
