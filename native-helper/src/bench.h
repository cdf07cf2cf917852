/* The io_uring IO benchmark: a fixed queue depth of reads or writes, random or sequential, for a duration. */
#ifndef SANDTABLE_BENCH_H
#define SANDTABLE_BENCH_H

#include <signal.h>
#include <stdint.h>

struct bench_params {
    int write, random, direct;
    uint32_t block_size;   /* 512 .. 4 MiB, a power of two */
    uint32_t queue_depth;  /* 1 .. 1024 */
    uint32_t duration_ms;  /* 100 .. 600000 */
    uint64_t span;         /* bytes of the target to use; 0: all */
};

struct bench_result {
    uint64_t ops, bytes, elapsed_ns;
    uint64_t lat_min, lat_p50, lat_p90, lat_p99, lat_p999, lat_max, lat_mean; /* nanoseconds */
};

/* Log-linear latency histogram (64 buckets per power of two, <0.8% error, up to ~17 s). */
#define HIST_BITS 6
#define HIST_GROUPS 29
#define HIST_BUCKETS (HIST_GROUPS << HIST_BITS)
struct hist { uint64_t count[HIST_BUCKETS]; uint64_t n, sum, min, max; };
void hist_add(struct hist *h, uint64_t v);
uint64_t hist_percentile(const struct hist *h, double p);
unsigned hist_index(uint64_t v);
uint64_t hist_value(unsigned idx);

const char *bench_check(const struct bench_params *p);
/* Runs on fd (opened with O_DIRECT when p->direct). Returns 0 or -errno with *why set. */
int bench_run(int fd, const struct bench_params *p, volatile sig_atomic_t *stop, struct bench_result *r, const char **why);

#endif
