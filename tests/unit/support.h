/* support.h — what every test needs: the default configuration. */
#ifndef STATUSNOTAT_TEST_SUPPORT_H
#define STATUSNOTAT_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "config.h"
#include "finding.h"

/* cmocka 1.1.5 (Debian 12) has no double comparison of its own. */
#ifndef assert_double_equal
#define assert_double_equal(a, b, epsilon)                                          \
    do {                                                                            \
        double a_ = (a), b_ = (b);                                                  \
        if (!(fabs(a_ - b_) <= (epsilon)))                                          \
            fail_msg("%.17g != %.17g (%s, %s)", a_, b_, #a, #b);                    \
    } while (0)
#endif

/* The default configuration, loaded once; fails the test when it cannot. */
const config *test_config(void);

/* The first finding with this code, or NULL. */
const finding *find_code(const findings *f, finding_code code);
size_t count_code(const findings *f, finding_code code);

#endif
