#include "ublk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off) {
    size_t done = 0;
    while (done < len) {
        ssize_t r = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (r < 0) { if (errno == EINTR) continue; return -errno; }
        if (r == 0) return -EIO; /* the image shrank underneath us */
        done += (size_t)r;
    }
    return (ssize_t)len;
}

int ublk_handle_io(const struct ublk_target *t, const struct ublksrv_io_desc *d, void *buf, size_t buf_cap) {
    uint8_t op = ublksrv_get_op(d);
    uint64_t len = (uint64_t)d->nr_sectors << 9;
    uint64_t off = d->start_sector << 9;
    if (op == UBLK_IO_OP_FLUSH) return t->cow ? cow_flush(t->cow) : 0;
    if (op != UBLK_IO_OP_READ && op != UBLK_IO_OP_WRITE && op != UBLK_IO_OP_DISCARD && op != UBLK_IO_OP_WRITE_ZEROES)
        return -EOPNOTSUPP;
    if (d->start_sector > (UINT64_MAX >> 9) || off > t->size || len > t->size - off) return -EINVAL;
    if (len == 0) return 0;
    switch (op) {
    case UBLK_IO_OP_READ:
        if (len > buf_cap) return -EINVAL;
        return (int)(t->cow ? cow_read(t->cow, buf, (size_t)len, off) : pread_full(t->base_fd, buf, (size_t)len, off));
    case UBLK_IO_OP_WRITE:
        if (!t->cow) return -EROFS;
        if (len > buf_cap) return -EINVAL;
        return (int)cow_write(t->cow, buf, (size_t)len, off);
    case UBLK_IO_OP_WRITE_ZEROES:
        if (!t->cow) return -EROFS;
        return cow_write_zeroes(t->cow, (size_t)len, off);
    default: /* DISCARD: the contents of discarded blocks are unspecified; the overlay keeps them */
        return t->cow ? 0 : -EROFS;
    }
}

void ublk_prep_ctrl_sqe(struct io_uring_sqe *sqe, int ctrl_fd, uint32_t cmd_op, const struct ublksrv_ctrl_cmd *cmd) {
    memset(sqe, 0, 128);
    sqe->opcode = IORING_OP_URING_CMD;
    sqe->fd = ctrl_fd;
    sqe->cmd_op = cmd_op;
    memcpy((uint8_t *)sqe + 48, cmd, sizeof *cmd);
}

void ublk_prep_io_sqe(struct io_uring_sqe *sqe, int cdev_fd, uint32_t cmd_op, uint16_t q, uint16_t tag, int32_t result,
                      uint64_t addr) {
    struct ublksrv_io_cmd c = {.q_id = q, .tag = tag, .result = result, .addr = addr};
    memset(sqe, 0, 128);
    sqe->opcode = IORING_OP_URING_CMD;
    sqe->fd = cdev_fd;
    sqe->cmd_op = cmd_op;
    sqe->user_data = tag;
    memcpy((uint8_t *)sqe + 48, &c, sizeof c);
}

int ublk_available(void) { return access("/dev/ublk-control", R_OK | W_OK) == 0; }

static int ctrl_open(struct io_uring *ring, int *fd) {
    *fd = open("/dev/ublk-control", O_RDWR | O_CLOEXEC);
    if (*fd < 0) return -errno;
    int r = io_uring_queue_init(4, ring, IORING_SETUP_SQE128);
    if (r < 0) { close(*fd); *fd = -1; }
    return r;
}

static int ctrl_cmd(struct io_uring *ring, int fd, int legacy, uint32_t nr, uint32_t enc, struct ublksrv_ctrl_cmd *c) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    if (!sqe) return -EBUSY;
    ublk_prep_ctrl_sqe(sqe, fd, legacy ? nr : enc, c);
    int r = io_uring_submit(ring);
    if (r < 0) return r;
    struct io_uring_cqe *cqe;
    r = io_uring_wait_cqe(ring, &cqe);
    if (r < 0) return r;
    r = cqe->res;
    io_uring_cqe_seen(ring, cqe);
    return r;
}

#define CTRL(dev, name, c) ctrl_cmd(&(dev)->ctrl_ring, (dev)->ctrl_fd, (dev)->legacy_opcodes, UBLK_CMD_##name, UBLK_U_CMD_##name, (c))

uint64_t ublk_features(void) {
    struct io_uring ring;
    int fd;
    if (ctrl_open(&ring, &fd) < 0) return 0;
    uint64_t features = 0;
    struct ublksrv_ctrl_cmd c = {.dev_id = UINT32_MAX, .queue_id = 0xFFFF, .len = 8, .addr = (uint64_t)(uintptr_t)&features};
    if (ctrl_cmd(&ring, fd, 0, UBLK_CMD_GET_FEATURES, UBLK_U_CMD_GET_FEATURES, &c) < 0) features = 0;
    io_uring_queue_exit(&ring);
    close(fd);
    return features;
}

static void *queue_main(void *arg) {
    struct ublk_queue *q = arg;
    struct ublk_dev *d = q->dev;
    for (uint16_t tag = 0; tag < d->depth; tag++) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);
        ublk_prep_io_sqe(sqe, d->cdev_fd, d->legacy_opcodes ? UBLK_IO_FETCH_REQ : UBLK_U_IO_FETCH_REQ, q->q_id, tag, -1,
                         (uint64_t)(uintptr_t)(q->bufs + (size_t)tag * UBLK_IO_BUF_BYTES));
    }
    int r = io_uring_submit(&q->ring);
    pthread_mutex_lock(&d->lock);
    q->ready = 1;
    q->error = r < 0 ? r : 0;
    d->started_queues++;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    if (r < 0) return NULL;
    unsigned live = d->depth;
    while (live > 0) {
        struct io_uring_cqe *cqe;
        r = io_uring_wait_cqe(&q->ring, &cqe);
        if (r == -EINTR) continue;
        if (r < 0) break;
        do { /* serve every completed fetch, then submit all the commits at once */
            uint16_t tag = (uint16_t)cqe->user_data;
            int res = cqe->res;
            io_uring_cqe_seen(&q->ring, cqe);
            if (res != UBLK_IO_RES_OK || tag >= d->depth) { live--; continue; } /* -ENODEV: the device is stopping */
            uint8_t *buf = q->bufs + (size_t)tag * UBLK_IO_BUF_BYTES;
            int result = ublk_handle_io(&d->target, &q->descs[tag], buf, UBLK_IO_BUF_BYTES);
            struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);
            ublk_prep_io_sqe(sqe, d->cdev_fd, d->legacy_opcodes ? UBLK_IO_COMMIT_AND_FETCH_REQ : UBLK_U_IO_COMMIT_AND_FETCH_REQ,
                             q->q_id, tag, result, (uint64_t)(uintptr_t)buf);
        } while (live > 0 && io_uring_peek_cqe(&q->ring, &cqe) == 0);
        io_uring_submit(&q->ring);
    }
    return NULL;
}

static int open_retry(const char *path, int flags) {
    for (int i = 0; i < 200; i++) { /* udev creates the node asynchronously */
        int fd = open(path, flags | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT) return fd < 0 ? -errno : fd;
        usleep(5000);
    }
    return -ENOENT;
}

static void queues_teardown(struct ublk_dev *d, int joined_upto) {
    long page = sysconf(_SC_PAGESIZE);
    (void)page;
    for (int i = 0; i < d->nr_queues; i++) {
        struct ublk_queue *q = &d->queues[i];
        if (i < joined_upto) pthread_join(q->thread, NULL);
        if (q->descs) munmap(q->descs, q->descs_len);
        free(q->bufs);
        if (q->ring.ring_fd > 0) io_uring_queue_exit(&q->ring);
        memset(q, 0, sizeof *q);
    }
}

int ublk_start(struct ublk_dev **out, const struct ublk_target *t, uint16_t nr_queues, uint16_t depth, ublk_added_fn added,
               void *arg, const char **why) {
    if (nr_queues < 1 || nr_queues > UBLK_MAX_QUEUES || depth < 1 || depth > UBLK_MAX_DEPTH) {
        *why = "queue count must be 1-16 and queue depth 1-1024";
        return -EINVAL;
    }
    struct ublk_dev *d = calloc(1, sizeof *d);
    if (!d) return -ENOMEM;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->cond, NULL);
    d->cdev_fd = -1;
    d->nr_queues = nr_queues;
    d->depth = depth;
    d->target = *t;
    int r = ctrl_open(&d->ctrl_ring, &d->ctrl_fd);
    if (r < 0) { *why = "cannot open /dev/ublk-control"; free(d); return r; }

    d->info.nr_hw_queues = nr_queues;
    d->info.queue_depth = depth;
    d->info.max_io_buf_bytes = UBLK_IO_BUF_BYTES;
    d->info.dev_id = UINT32_MAX;
    d->info.ublksrv_pid = getpid();
    d->info.flags = UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_URING_CMD_COMP_IN_TASK;
    struct ublksrv_ctrl_cmd c = {.dev_id = UINT32_MAX, .queue_id = 0xFFFF, .len = sizeof d->info,
                                 .addr = (uint64_t)(uintptr_t)&d->info};
    r = CTRL(d, ADD_DEV, &c);
    if (r == -EINVAL || r == -EOPNOTSUPP || r == -ENOTTY) { /* kernels 6.0-6.3 know only the raw opcodes */
        d->legacy_opcodes = 1;
        d->info.flags &= ~UBLK_F_CMD_IOCTL_ENCODE;
        r = CTRL(d, ADD_DEV, &c);
    }
    if (r < 0) { *why = "ublk ADD_DEV failed"; goto fail_ctrl; }
    if (added) added(d->info.dev_id, 1, arg);
    d->nr_queues = d->info.nr_hw_queues; /* the kernel may clamp to the CPU count */

    struct ublk_params p = {.len = sizeof p, .types = UBLK_PARAM_TYPE_BASIC};
    p.basic.attrs = t->cow ? 0 : UBLK_ATTR_READ_ONLY;
    p.basic.logical_bs_shift = 9;
    p.basic.physical_bs_shift = 12;
    p.basic.io_opt_shift = 12;
    p.basic.io_min_shift = 9;
    p.basic.max_sectors = UBLK_IO_BUF_BYTES >> 9;
    p.basic.dev_sectors = t->size >> 9;
    struct ublksrv_ctrl_cmd pc = {.dev_id = d->info.dev_id, .queue_id = 0xFFFF, .len = sizeof p, .addr = (uint64_t)(uintptr_t)&p};
    r = CTRL(d, SET_PARAMS, &pc);
    if (r < 0) { *why = "ublk SET_PARAMS failed"; goto fail_dev; }

    char path[64];
    snprintf(path, sizeof path, "/dev/ublkc%u", d->info.dev_id);
    d->cdev_fd = open_retry(path, O_RDWR);
    if (d->cdev_fd < 0) { r = d->cdev_fd; *why = "cannot open the ublk char device"; goto fail_dev; }

    long page = sysconf(_SC_PAGESIZE);
    size_t max_cmd = ((UBLK_MAX_QUEUE_DEPTH * sizeof(struct ublksrv_io_desc)) + (size_t)page - 1) & ~((size_t)page - 1);
    int started = 0;
    for (int i = 0; i < d->nr_queues; i++) {
        struct ublk_queue *q = &d->queues[i];
        q->dev = d;
        q->q_id = (uint16_t)i;
        q->descs_len = ((size_t)depth * sizeof(struct ublksrv_io_desc) + (size_t)page - 1) & ~((size_t)page - 1);
        void *m = mmap(NULL, q->descs_len, PROT_READ, MAP_SHARED | MAP_POPULATE, d->cdev_fd,
                       (off_t)(UBLKSRV_CMD_BUF_OFFSET + (size_t)i * max_cmd));
        if (m == MAP_FAILED) { r = -errno; *why = "cannot map the ublk descriptors"; goto fail_queues; }
        q->descs = m;
        if (posix_memalign((void **)&q->bufs, (size_t)page, (size_t)depth * UBLK_IO_BUF_BYTES)) {
            r = -ENOMEM; *why = "out of memory for IO buffers"; goto fail_queues;
        }
        r = io_uring_queue_init(depth * 2u, &q->ring, IORING_SETUP_SQE128);
        if (r < 0) { *why = "cannot create a queue's io_uring"; goto fail_queues; }
        if ((r = -pthread_create(&q->thread, NULL, queue_main, q)) < 0) { *why = "cannot start a queue thread"; goto fail_queues; }
        started++;
    }
    pthread_mutex_lock(&d->lock);
    while (d->started_queues < d->nr_queues) pthread_cond_wait(&d->cond, &d->lock);
    pthread_mutex_unlock(&d->lock);
    struct ublksrv_ctrl_cmd sc = {.dev_id = d->info.dev_id, .queue_id = 0xFFFF};
    sc.data[0] = (uint64_t)getpid();
    r = CTRL(d, START_DEV, &sc);
    if (r < 0) { *why = "ublk START_DEV failed"; goto fail_queues; }
    *out = d;
    return 0;

fail_queues: {
        struct ublksrv_ctrl_cmd stop = {.dev_id = d->info.dev_id, .queue_id = 0xFFFF};
        CTRL(d, STOP_DEV, &stop); /* aborts the fetches so the threads end */
        queues_teardown(d, started);
        close(d->cdev_fd);
    }
fail_dev: {
        struct ublksrv_ctrl_cmd del = {.dev_id = d->info.dev_id, .queue_id = 0xFFFF};
        if (CTRL(d, DEL_DEV, &del) >= 0 && added) added(d->info.dev_id, 0, arg);
    }
fail_ctrl:
    io_uring_queue_exit(&d->ctrl_ring);
    close(d->ctrl_fd);
    free(d);
    return r;
}

void ublk_stop(struct ublk_dev *d) {
    struct ublksrv_ctrl_cmd c = {.dev_id = d->info.dev_id, .queue_id = 0xFFFF};
    CTRL(d, STOP_DEV, &c);
    queues_teardown(d, d->nr_queues);
    close(d->cdev_fd); /* DEL_DEV waits until the char device is released */
    CTRL(d, DEL_DEV, &c);
    io_uring_queue_exit(&d->ctrl_ring);
    close(d->ctrl_fd);
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->cond);
    free(d);
}

int ublk_delete_stale(uint32_t dev_id) {
    struct ublk_dev d = {0};
    int r = ctrl_open(&d.ctrl_ring, &d.ctrl_fd);
    if (r < 0) return r;
    struct ublksrv_ctrl_cmd c = {.dev_id = dev_id, .queue_id = 0xFFFF};
    r = CTRL(&d, STOP_DEV, &c);
    if (r == -EINVAL || r == -ENOTTY) { d.legacy_opcodes = 1; r = CTRL(&d, STOP_DEV, &c); }
    if (r != -ENODEV && r != -ENOENT) r = CTRL(&d, DEL_DEV, &c);
    io_uring_queue_exit(&d.ctrl_ring);
    close(d.ctrl_fd);
    return r;
}
