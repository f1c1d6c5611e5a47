/* Minimal test harness: CHECK records a failure and goes on. */
#ifndef XT_TEST_H
#define XT_TEST_H

#include <stdio.h>

extern int  xt_test_passed, xt_test_failed;

#define CHECK(cond) do {                                                   \
        if (cond) {                                                        \
            xt_test_passed++;                                              \
        } else {                                                           \
            xt_test_failed++;                                              \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);\
        }                                                                  \
    } while (0)

void test_config(void);
void test_secret(void);
void test_snap_writer(void);
void test_import(void);
void test_supervisor(void);
void test_events(void);
void test_events_socket(void);
void test_render(void);
void test_metrics_file(void);
void test_archive(void);
void test_epg(void);
void test_admin(void);
void test_admin_proxy(void);
void test_cluster(void);
void test_migrate(void);
void test_grow(void);
void test_common(void);

#endif
