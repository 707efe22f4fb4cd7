// SPDX-License-Identifier: Apache-2.0
/* Unit tests of json.c, the JSON nf-sandbox's client reads the agent's answers with (make check). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/json.h"

static int failures;

#define CHECK(condition)                                                          \
	do {                                                                      \
		if (!(condition)) {                                               \
			fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #condition); \
			failures++;                                               \
		}                                                                 \
	} while (0)

/* The string value of key in object, or NULL. */
static char *string_field(const char *object, const char *key)
{
	struct text out = { 0 };
	const char *value = json_field(object, key);

	if (!value || !json_string(value, &out)) {
		free(out.data);
		return NULL;
	}
	return out.data;
}

static int equals(char *actual, const char *expected)
{
	int same = actual && !strcmp(actual, expected);

	if (!same)
		fprintf(stderr, "  got '%s', wanted '%s'\n", actual ? actual : "(null)", expected);
	free(actual);
	return same;
}

static void fields_are_found_after_values_of_every_kind(void)
{
	const char *answer = "{\"n\": -1.5e3, \"t\":true, \"f\": false, \"z\": null, \"o\": {\"id\": \"inner\", \"a\": [1, {\"b\": []}]},"
			     " \"l\": [\"x\", \"y\"], \"id\": \"42\"}";

	CHECK(equals(string_field(answer, "id"), "42"));
	CHECK(json_field(answer, "missing") == NULL);
	CHECK(!strncmp(json_field(answer, "l"), "[\"x\"", 4));
}

static void escapes_become_their_characters(void)
{
	CHECK(equals(string_field("{\"s\":\"a\\\"b\\\\c\\/d\\n\\te\"}", "s"), "a\"b\\c/d\n\te"));
	CHECK(equals(string_field("{\"s\":\"caf\\u00e9 \\u20ac\"}", "s"), "caf\xc3\xa9 \xe2\x82\xac"));
	CHECK(equals(string_field("{\"s\":\"\\ud83d\\ude00\"}", "s"), "\xf0\x9f\x98\x80"));
}

static void a_key_inside_a_string_is_not_a_key(void)
{
	CHECK(equals(string_field("{\"summary\":\"\\\"id\\\":\\\"7\\\"\", \"id\":\"8\"}", "id"), "8"));
}

static void malformed_input_reads_as_absent(void)
{
	const char *bad[] = { "", "[", "{", "{\"id\"", "{\"id\":", "{\"id\":\"unterminated", "{\"id\":\"\\u12\"}", "{\"id\":\"\\u1",
			      "{\"a\":[1,2,\"id\":\"3\"}", "not json", "{\"s\":\"\\", NULL };

	for (int i = 0; bad[i]; i++) {
		char *value = string_field(bad[i], "id");

		CHECK(value == NULL);
		free(value);
	}
}

static void written_strings_read_back(void)
{
	struct text object = { 0 };
	const char *nasty = "quote\" backslash\\ newline\n tab\t bell\a";

	append_str(&object, "{\"v\":");
	append_json_string(&object, nasty);
	append_str(&object, "}");
	CHECK(equals(string_field(object.data, "v"), nasty));
	free(object.data);
}

int main(void)
{
	fields_are_found_after_values_of_every_kind();
	escapes_become_their_characters();
	a_key_inside_a_string_is_not_a_key();
	malformed_input_reads_as_absent();
	written_strings_read_back();
	if (failures) {
		fprintf(stderr, "json-test: %d failed\n", failures);
		return 1;
	}
	puts("json-test: all passed");
	return 0;
}
