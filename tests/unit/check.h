/* Minimal unit-test support: CHECK(...) records a failure with its location and
 * keeps going; main() returns check_result() so automake sees 0 or 1. */
#ifndef CABO_TEST_CHECK_H
#define CABO_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static unsigned check_failures;
static unsigned check_count;

#define CHECK(cond)                                                          \
	do {                                                                 \
		check_count++;                                               \
		if (!(cond)) {                                               \
			check_failures++;                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
		}                                                            \
	} while (0)

#define CHECK_STR(got, want)                                                 \
	do {                                                                 \
		const char *got_ = (got), *want_ = (want);                   \
		check_count++;                                               \
		if (!got_ || strcmp(got_, want_) != 0) {                     \
			check_failures++;                                    \
			fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n",   \
				__FILE__, __LINE__, got_ ? got_ : "(null)", want_); \
		}                                                            \
	} while (0)

static inline int check_result(void)
{
	fprintf(stderr, "%u checks, %u failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
