/* test_util.h - what cmocka 1.1.5 (Debian 12) lacks: a double compare. */
#ifndef POOLBENCH_TEST_UTIL_H
#define POOLBENCH_TEST_UTIL_H

#include <math.h>

/* Fail unless |a - b| <= eps; prints both values. Include after cmocka.h */
#define assert_double_equal(a, b, eps)                                      \
    do {                                                                    \
        double a_ = (a), b_ = (b);                                          \
        if (!(fabs(a_ - b_) <= (eps)))                                      \
            fail_msg("%s = %.17g, expected %.17g (+- %g)", #a, a_, b_,      \
                     (double)(eps));                                        \
    } while (0)

#endif /* POOLBENCH_TEST_UTIL_H */
