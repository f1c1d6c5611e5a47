/*
 * Minimal test harness: CHECK counts, main prints "N passed, M failed".
 */

#ifndef XT_TEST_H
#define XT_TEST_H

#include <stdio.h>

extern int  xt_test_passed;
extern int  xt_test_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            xt_test_passed++;                                                \
        } else {                                                             \
            xt_test_failed++;                                                \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                    \
    } while (0)

void test_snapshot(void);
void test_password(void);
void test_args(void);
void test_tz(void);
void test_render(void);
void test_api(void);
void test_hdhr(void);

#endif /* XT_TEST_H */
