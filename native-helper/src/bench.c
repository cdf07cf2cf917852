#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned hist_index(uint64_t v) {
    if (v < (2u << HIST_BITS)) return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned err_bits = msb - HIST_BITS;
    unsigned idx = ((err_bits + 1) << HIST_BITS) + (unsigned)((v >> err_bits) & ((1u << HIST_BITS) - 1));
    return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

uint64_t hist_value(unsigned idx) {
    if (idx < (2u << HIST_BITS)) return idx;
    unsigned err_bits = (idx >> HIST_BITS) - 1;
    uint64_t base = 1ull << (err_bits + HIST_BITS);
    uint64_t k = idx & ((1u << HIST_BITS) - 1);
    return base + (k << err_bits) + ((1ull << err_bits) >> 1); /* the middle of the bucket */
}

void hist_add(struct hist *h, uint64_t v) {
    h->count[hist_index(v)]++;
    if (h->n == 0 || v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->n++;
    h->sum += v;
}

uint64_t hist_percentile(const struct hist *h, double p) {
    if (h->n == 0) return 0;
    uint64_t want = (uint64_t)(p / 100.0 * (double)h->n);
    if (want == 0) want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->count[i];
        if (seen >= want) {
            uint64_t v = hist_value(i);
            return v < h->min ? h->min : v > h->max ? h->max : v;
        }
    }
    return h->max;
}

const char *bench_check(const struct bench_params *p) {
    if (p->block_size < 512 || p->block_size > (4u << 20) || (p->block_size & (p->block_size - 1)))
        return "block size must be a power of two from 512 bytes to 4 MiB";
    if (p->queue_depth < 1 || p->queue_depth > 1024) return "queue depth must be 1 to 1024";
    if (p->duration_ms < 100 || p->duration_ms > 600000) return "duration must be 100 ms to 10 minutes";
    return NULL;
}

static uint64_t xorshift(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static int target_size(int fd, uint64_t *size) {
    struct stat st;
    if (fstat(fd, &st) < 0) return -errno;
    if (S_ISBLK(st.st_mode)) return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
    if (!S_ISREG(st.st_mode)) return -EINVAL;
    *size = (uint64_t)st.st_size;
    return 0;
}

int bench_run(int fd, const struct bench_params *p, volatile sig_atomic_t *stop, struct bench_result *res, const char **why) {
    if ((*why = bench_check(p))) return -EINVAL;
    uint64_t size;
    int r = target_size(fd, &size);
    if (r < 0) { *why = "the target is neither a regular file nor a block device"; return r; }
    if (p->span && p->span < size) size = p->span;
    uint64_t nblocks = size / p->block_size;
    if (nblocks == 0) { *why = "the target is smaller than one block"; return -EINVAL; }

    struct io_uring ring;
    r = io_uring_queue_init(p->queue_depth, &ring, 0);
    if (r < 0) { *why = "cannot create an io_uring"; return r; }
    uint8_t *bufs = NULL;
    uint64_t *started = calloc(p->queue_depth, sizeof *started);
    struct hist *h = calloc(1, sizeof *h);
    if (!started || !h || posix_memalign((void **)&bufs, 4096, (size_t)p->queue_depth * p->block_size)) {
        free(started); free(h); io_uring_queue_exit(&ring);
        *why = "out of memory";
        return -ENOMEM;
    }
    uint64_t seed = now_ns() | 1, next_seq = 0;
    for (size_t i = 0; i < (size_t)p->queue_depth * p->block_size; i += 8) {
        uint64_t v = xorshift(&seed);
        memcpy(bufs + i, &v, 8);
    }

    uint64_t t0 = now_ns(), deadline = t0 + (uint64_t)p->duration_ms * 1000000ull;
    unsigned inflight = 0;
    for (unsigned i = 0; i < p->queue_depth; i++) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        uint64_t blk = p->random ? xorshift(&seed) % nblocks : next_seq++ % nblocks;
        void *b = bufs + (size_t)i * p->block_size;
        if (p->write) io_uring_prep_write(sqe, fd, b, p->block_size, blk * p->block_size);
        else io_uring_prep_read(sqe, fd, b, p->block_size, blk * p->block_size);
        sqe->user_data = i;
        started[i] = now_ns();
        inflight++;
    }
    r = 0;
    while (inflight > 0) {
        int s = io_uring_submit_and_wait(&ring, 1);
        if (s < 0 && s != -EINTR) { r = s; *why = "io_uring_submit failed"; break; }
        struct io_uring_cqe *cqes[256];
        unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 256);
        uint64_t now = now_ns();
        int more = now < deadline && !*stop && r == 0;
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (unsigned)cqes[k]->user_data;
            int got = cqes[k]->res;
            if (got != (int)p->block_size) {
                if (r == 0) { r = got < 0 ? got : -EIO; *why = got < 0 ? "an IO failed" : "a short read or write"; }
                more = 0;
            } else {
                hist_add(h, now - started[i]);
                res->ops++;
            }
            if (more) {
                struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
                uint64_t blk = p->random ? xorshift(&seed) % nblocks : next_seq++ % nblocks;
                void *b = bufs + (size_t)i * p->block_size;
                if (p->write) io_uring_prep_write(sqe, fd, b, p->block_size, blk * p->block_size);
                else io_uring_prep_read(sqe, fd, b, p->block_size, blk * p->block_size);
                sqe->user_data = i;
                started[i] = now;
            } else {
                inflight--;
            }
        }
        io_uring_cq_advance(&ring, n);
    }
    res->elapsed_ns = now_ns() - t0;
    res->bytes = res->ops * p->block_size;
    res->lat_min = h->min;
    res->lat_max = h->max;
    res->lat_mean = h->n ? h->sum / h->n : 0;
    res->lat_p50 = hist_percentile(h, 50);
    res->lat_p90 = hist_percentile(h, 90);
    res->lat_p99 = hist_percentile(h, 99);
    res->lat_p999 = hist_percentile(h, 99.9);
    free(started);
    free(h);
    free(bufs);
    io_uring_queue_exit(&ring);
    return r;
}
