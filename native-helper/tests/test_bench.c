#include "bench.h"
#include "t.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static struct hist h;

int main(void) {
    /* histogram: exact below 128, within 1/64 above, monotonic */
    CHECK_EQ(hist_index(0), 0);
    CHECK_EQ(hist_index(127), 127);
    CHECK_EQ(hist_value(hist_index(127)), 127);
    uint64_t prev = 0;
    for (uint64_t v = 128; v < (1ull << 33); v = v * 3 / 2 + 1) {
        uint64_t back = hist_value(hist_index(v));
        CHECK(back + back / 64 >= v && back <= v + v / 64);
        CHECK(hist_index(v) >= prev);
        prev = hist_index(v);
    }
    CHECK_EQ(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
    for (uint64_t v = 1; v <= 1000; v++) hist_add(&h, v * 1000);
    uint64_t p50 = hist_percentile(&h, 50), p99 = hist_percentile(&h, 99);
    CHECK(p50 > 490000 && p50 < 510000);
    CHECK(p99 > 980000 && p99 < 1000001);
    CHECK_EQ(hist_percentile(&h, 100), 1000000);
    CHECK_EQ(h.min, 1000);

    struct bench_params bad = {.block_size = 1000, .queue_depth = 1, .duration_ms = 100};
    CHECK(bench_check(&bad) != NULL);
    bad.block_size = 4096; bad.queue_depth = 0;
    CHECK(bench_check(&bad) != NULL);
    bad.queue_depth = 4; bad.duration_ms = 10;
    CHECK(bench_check(&bad) != NULL);

    /* a real run on a file: reads, random, buffered (tmpfs has no O_DIRECT) */
    char name[] = "/tmp/benchtestXXXXXX";
    int fd = mkstemp(name);
    static uint8_t block[1 << 20];
    memset(block, 1, sizeof block);
    for (int i = 0; i < 8; i++) CHECK_EQ(write(fd, block, sizeof block), sizeof block);
    struct bench_params p = {.random = 1, .block_size = 4096, .queue_depth = 8, .duration_ms = 200};
    struct bench_result r = {0};
    const char *why = NULL;
    volatile sig_atomic_t stop = 0;
    CHECK_EQ(bench_run(fd, &p, &stop, &r, &why), 0);
    CHECK(r.ops > 0);
    CHECK_EQ(r.bytes, r.ops * 4096);
    CHECK(r.elapsed_ns >= 200000000ull);
    CHECK(r.lat_min <= r.lat_p50 && r.lat_p50 <= r.lat_p99 && r.lat_p99 <= r.lat_max);
    /* sequential writes of 64 KiB at depth 4 */
    struct bench_params pw = {.write = 1, .block_size = 65536, .queue_depth = 4, .duration_ms = 100};
    struct bench_result rw = {0};
    CHECK_EQ(bench_run(fd, &pw, &stop, &rw, &why), 0);
    CHECK(rw.ops > 0);
    /* a stop request ends a long run early */
    stop = 1;
    struct bench_params pl = {.block_size = 4096, .queue_depth = 2, .duration_ms = 60000};
    struct bench_result rl = {0};
    CHECK_EQ(bench_run(fd, &pl, &stop, &rl, &why), 0);
    CHECK(rl.elapsed_ns < 10000000000ull);
    /* too small a target */
    CHECK_EQ(ftruncate(fd, 100), 0);
    struct bench_result rs = {0};
    CHECK(bench_run(fd, &p, &stop, &rs, &why) < 0);
    close(fd);
    unlink(name);
    return t_done("test_bench");
}
