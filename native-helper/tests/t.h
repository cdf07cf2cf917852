/* A tiny test harness: CHECK records a failure and goes on; main returns t_done(). */
#ifndef SANDTABLE_T_H
#define SANDTABLE_T_H
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
/* atomic: it_server checks from several client threads at once */
static atomic_int t_failures, t_checks;
#define CHECK(cond) do { t_checks++; if (!(cond)) { t_failures++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); t_checks++; if (_a != _b) { t_failures++; \
    fprintf(stderr, "%s:%d: CHECK_EQ failed: %s = %lld, %s = %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); } } while (0)
static inline int t_done(const char *name) {
    printf("%s: %d checks, %d failures\n", name, atomic_load(&t_checks), atomic_load(&t_failures));
    return t_failures ? 1 : 0;
}
#endif
