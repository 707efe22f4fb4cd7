// SPDX-License-Identifier: Apache-2.0
/*
 * The little JSON nf-sandbox's client needs: a growing text buffer, JSON strings written, and the
 * agent's answers read (objects of strings, numbers, booleans and lists). Input that is not such
 * JSON reads as absent (NULL), never past its end.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void append(struct text *t, const char *bytes, size_t n)
{
	if (t->length + n + 1 > t->capacity) {
		t->capacity = (t->length + n + 1) * 2;
		t->data = realloc(t->data, t->capacity);
		if (!t->data) {
			fputs("netfence: out of memory\n", stderr);
			exit(125);
		}
	}
	memcpy(t->data + t->length, bytes, n);
	t->length += n;
	t->data[t->length] = 0;
}

void append_str(struct text *t, const char *s)
{
	append(t, s, strlen(s));
}

void append_json_string(struct text *t, const char *s)
{
	char escape[8];

	append_str(t, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			escape[0] = '\\';
			escape[1] = (char)c;
			append(t, escape, 2);
		} else if (c < 0x20) {
			snprintf(escape, sizeof(escape), "\\u%04x", c);
			append_str(t, escape);
		} else {
			append(t, (const char *)&c, 1);
		}
	}
	append_str(t, "\"");
}

/* ---- the replies' JSON: objects of strings, numbers, booleans and lists of strings ---- */

const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static void put_utf8(struct text *out, unsigned int c)
{
	char b[4];

	if (c < 0x80) {
		b[0] = (char)c;
		append(out, b, 1);
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		append(out, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		append(out, b, 3);
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		append(out, b, 4);
	}
}

/* The four hex digits at p, read one by one: a string ending early is not read past its end. */
static int hex4(const char *p, unsigned int *value)
{
	*value = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned int digit;

		if (c >= '0' && c <= '9')
			digit = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			digit = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			digit = (unsigned int)(c - 'A' + 10);
		else
			return -1; /* the terminator included */
		*value = *value << 4 | digit;
	}
	return 0;
}

static const char *json_string_into(const char *p, struct text *out);

/* Reads the JSON string at p (its opening quote) into out, if out; returns what follows it, or NULL. */
const char *json_string(const char *p, struct text *out)
{
	struct text scratch = { 0 };
	const char *next = json_string_into(p, out ? out : &scratch);

	free(scratch.data);
	return next;
}

static const char *json_string_into(const char *p, struct text *out)
{
	if (*p++ != '"')
		return NULL;
	append(out, "", 0);
	while (*p && *p != '"') {
		if (*p != '\\') {
			append(out, p++, 1);
			continue;
		}
		p++;
		unsigned int c;
		switch (*p) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'u':
			if (hex4(p + 1, &c) < 0)
				return NULL;
			p += 4;
			if (c >= 0xd800 && c < 0xdc00 && p[1] == '\\' && p[2] == 'u') {
				unsigned int low;

				if (hex4(p + 3, &low) == 0 && low >= 0xdc00 && low < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
					p += 6;
				}
			}
			break;
		case 0: return NULL;
		default: c = (unsigned char)*p; break; /* \" \\ \/ */
		}
		p++;
		put_utf8(out, c);
	}
	return *p == '"' ? p + 1 : NULL;
}

/* Skips the JSON value at p; returns what follows it, or NULL. */
const char *json_skip(const char *p)
{
	p = skip_space(p);
	if (*p == '"')
		return json_string(p, NULL);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = skip_space(p + 1);
		while (p && *p != close) {
			if (close == '}') {
				p = json_string(p, NULL);
				if (!p || *(p = skip_space(p)) != ':')
					return NULL;
				p++;
			}
			p = json_skip(p);
			if (p && *(p = skip_space(p)) == ',')
				p = skip_space(p + 1);
			else if (p && *p != close)
				return NULL;
		}
		return p ? p + 1 : NULL;
	}
	while (*p && strchr("-+.0123456789eEtruefalsn", *p))
		p++;
	return p;
}

/* The value of a top-level key of the JSON object, or NULL. */
const char *json_field(const char *object, const char *key)
{
	struct text name = { 0 };
	const char *p = skip_space(object), *found = NULL;

	if (*p != '{')
		return NULL;
	p = skip_space(p + 1);
	while (p && *p == '"' && !found) {
		name.length = 0;
		p = json_string(p, &name);
		if (!p || *(p = skip_space(p)) != ':')
			break;
		p = skip_space(p + 1);
		if (!strcmp(name.data, key))
			found = p;
		else if ((p = json_skip(p)) && *(p = skip_space(p)) == ',')
			p = skip_space(p + 1);
	}
	free(name.data);
	return found;
}

