/* test_util.h - what the unit tests share: what cmocka 1.1.5 (Debian 12)
 * lacks (a double compare) and reading a whole file. */
#ifndef POOLBENCH_TEST_UTIL_H
#define POOLBENCH_TEST_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Fail unless |a - b| <= eps; prints both values. Include after cmocka.h */
#define assert_double_equal(a, b, eps)                                      \
    do {                                                                    \
        double a_ = (a), b_ = (b);                                          \
        if (!(fabs(a_ - b_) <= (eps)))                                      \
            fail_msg("%s = %.17g, expected %.17g (+- %g)", #a, a_, b_,      \
                     (double)(eps));                                        \
    } while (0)

/* The whole regular file at path in a new NUL-terminated buffer, its
 * length in *len; fails the test when it cannot be read. Include after
 * cmocka.h. */
static inline char *test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

#endif /* POOLBENCH_TEST_UTIL_H */
