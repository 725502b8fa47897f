/* Shared helpers for the unit suites: parse policy text into a fresh policy, read back errors. */
#ifndef LANDRUN_TESTS_UNIT_H
#define LANDRUN_TESTS_UNIT_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "policy.h"

/* Parses text as "t.ini" into a fresh policy; returns a malloc'd copy of the error message, or
 * NULL when it parsed. A failure without a message (or a message without a failure) is reported
 * as such so that the caller's string comparison fails. */
static inline char *ut_parse_error(const struct lr_env_ctx *ctx, const char *text)
{
	struct lr_policy p;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	int rc = lr_policy_load_string(&p, ctx, text, "t.ini", &err);
	char *msg = NULL;
	if (rc != 0)
		msg = strdup(err.set ? err.msg : "(failed without a message)");
	else if (err.set)
		msg = lrt_fmt("(returned 0 with a message: %s)", err.msg);
	lr_policy_free(&p);
	return msg;
}

/* Asserts that text fails with exactly the message expected. */
#define UT_EXPECT_ERROR(ctx, text, expected)                                                        \
	do {                                                                                       \
		char *ut_msg_ = ut_parse_error((ctx), (text));                                      \
		const char *ut_got_ = ut_msg_ ? ut_msg_ : "(parsed without error)";                 \
		cr_expect_str_eq(ut_got_, (expected), "input:\n%s\n got: %s\nwant: %s", (text),    \
				 ut_got_, (expected));                                             \
		free(ut_msg_);                                                                     \
	} while (0)

/* Asserts that text parses. */
#define UT_EXPECT_OK(ctx, text)                                                                     \
	do {                                                                                       \
		char *ut_msg_ = ut_parse_error((ctx), (text));                                      \
		cr_expect_null(ut_msg_, "input:\n%s\nerror: %s", (text), ut_msg_ ? ut_msg_ : "");   \
		free(ut_msg_);                                                                     \
	} while (0)

/* A row of a table of whole inputs and the exact error message each fails with. Its strings are
 * arrays in it (see LRT_LEN in common.h). */
struct ut_error_case {
	char test[64]; /* the test the case came from */
	char text[128];
	char want[224];
};

/* The table-driven test suite/name: each row of the array cases parsed with ctx fails with its
 * message (UT_EXPECT_ERROR). */
#define UT_ERROR_CASES(suite, name, ctx, cases)                                                     \
	ParameterizedTestParameters(suite, name)                                                   \
	{                                                                                          \
		return cr_make_param_array(struct ut_error_case, cases, LRT_LEN(cases));           \
	}                                                                                          \
	ParameterizedTest(struct ut_error_case *row, suite, name)                                  \
	{                                                                                          \
		UT_EXPECT_ERROR((ctx), row->text, row->want);                                      \
	}

#endif
