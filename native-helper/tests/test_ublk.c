/* The ublk ABI, SQE layout and the IO handler, without a ublk kernel: a fake descriptor array drives the handler. */
#include "ublk.h"
#include "t.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static int tmpfile_fd(void) {
    char name[] = "/tmp/ublktestXXXXXX";
    int fd = mkstemp(name);
    unlink(name);
    return fd;
}

static void abi(void) {
    CHECK_EQ(sizeof(struct ublksrv_ctrl_cmd), 32);
    CHECK_EQ(sizeof(struct ublksrv_ctrl_dev_info), 64);
    CHECK_EQ(sizeof(struct ublksrv_io_desc), 24);
    CHECK_EQ(sizeof(struct ublksrv_io_cmd), 16);
    CHECK_EQ(sizeof(struct ublk_params), 64);
    /* the opcode table from the kernel's header: _IOR/_IOWR('u', nr, size) */
    CHECK_EQ(UBLK_U_CMD_ADD_DEV, 0xC0207504u);
    CHECK_EQ(UBLK_U_CMD_DEL_DEV, 0xC0207505u);
    CHECK_EQ(UBLK_U_CMD_START_DEV, 0xC0207506u);
    CHECK_EQ(UBLK_U_CMD_STOP_DEV, 0xC0207507u);
    CHECK_EQ(UBLK_U_CMD_SET_PARAMS, 0xC0207508u);
    CHECK_EQ(UBLK_U_CMD_GET_DEV_INFO, 0x80207502u);
    CHECK_EQ(UBLK_U_CMD_GET_FEATURES, 0x80207513u);
    CHECK_EQ(UBLK_U_IO_FETCH_REQ, 0xC0107520u);
    CHECK_EQ(UBLK_U_IO_COMMIT_AND_FETCH_REQ, 0xC0107521u);
}

static void sqe_layout(void) {
    uint8_t raw[128];
    struct io_uring_sqe *sqe = (struct io_uring_sqe *)raw;
    memset(raw, 0xEE, sizeof raw);
    struct ublksrv_ctrl_cmd c = {.dev_id = 7, .queue_id = 0xFFFF, .len = 64, .addr = 0x1122334455667788ull};
    c.data[0] = 99;
    ublk_prep_ctrl_sqe(sqe, 5, UBLK_U_CMD_ADD_DEV, &c);
    CHECK_EQ(raw[0], 46);  /* IORING_OP_URING_CMD */
    CHECK_EQ(raw[1], 0);   /* flags */
    CHECK_EQ(*(int32_t *)(raw + 4), 5);
    CHECK_EQ(*(uint32_t *)(raw + 8), 0xC0207504u);
    CHECK_EQ(*(uint32_t *)(raw + 12), 0);
    CHECK(memcmp(raw + 48, &c, 32) == 0);
    CHECK_EQ(*(uint32_t *)(raw + 48), 7);
    CHECK(*(uint64_t *)(raw + 56) == 0x1122334455667788ull);
    CHECK_EQ(raw[127], 0); /* the rest of the 128-byte SQE is zeroed */

    ublk_prep_io_sqe(sqe, 9, UBLK_U_IO_COMMIT_AND_FETCH_REQ, 3, 17, -5, 0xABCDEF00ull);
    CHECK_EQ(raw[0], 46);
    CHECK_EQ(*(int32_t *)(raw + 4), 9);
    CHECK_EQ(*(uint32_t *)(raw + 8), 0xC0107521u);
    CHECK(*(uint64_t *)(raw + 32) == 17);    /* user_data = tag */
    CHECK_EQ(*(uint16_t *)(raw + 48), 3);      /* q_id */
    CHECK_EQ(*(uint16_t *)(raw + 50), 17);     /* tag */
    CHECK_EQ(*(int32_t *)(raw + 52), -5);      /* result */
    CHECK(*(uint64_t *)(raw + 56) == 0xABCDEF00ull);

    /* on a real SQE128 ring the SQEs are 128 bytes apart, and a NOP makes the round trip */
    struct io_uring ring;
    int r = io_uring_queue_init(4, &ring, IORING_SETUP_SQE128);
    if (r < 0) { printf("test_ublk: io_uring unavailable (%d): ring checks skipped\n", r); return; }
    struct io_uring_sqe *a = io_uring_get_sqe(&ring), *b = io_uring_get_sqe(&ring);
    CHECK_EQ((uint8_t *)b - (uint8_t *)a, 128);
    io_uring_prep_nop(a);
    a->user_data = 42;
    io_uring_prep_nop(b);
    b->user_data = 43;
    CHECK_EQ(io_uring_submit(&ring), 2);
    for (int i = 0; i < 2; i++) {
        struct io_uring_cqe *cqe;
        CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
        CHECK(cqe->user_data == 42 || cqe->user_data == 43);
        CHECK_EQ(cqe->res, 0);
        io_uring_cqe_seen(&ring, cqe);
    }
    io_uring_queue_exit(&ring);
}

#define SECTORS 256u
static uint8_t img[SECTORS * 512], buf[UBLK_IO_BUF_BYTES];

static struct ublksrv_io_desc desc(uint8_t op, uint64_t sector, uint32_t nr) {
    struct ublksrv_io_desc d = {.op_flags = op, .start_sector = sector, .addr = (uint64_t)(uintptr_t)buf};
    d.nr_sectors = nr;
    return d;
}

static void handler(void) {
    int base = tmpfile_fd();
    for (size_t i = 0; i < sizeof img; i++) img[i] = (uint8_t)(i ^ (i >> 9));
    CHECK_EQ(pwrite(base, img, sizeof img, 0), sizeof img);
    /* a fake mmapped descriptor array, as the kernel would fill it, one tag per request */
    struct ublksrv_io_desc fake[8] = {
        desc(UBLK_IO_OP_READ, 0, 8),
        desc(UBLK_IO_OP_READ, SECTORS - 1, 1),
        desc(UBLK_IO_OP_READ, SECTORS - 1, 2),   /* past the end */
        desc(UBLK_IO_OP_WRITE, 4, 1),            /* read-only device */
        desc(UBLK_IO_OP_FLUSH, 0, 0),
        desc(9, 0, 1),                           /* an op the helper does not serve */
        desc(UBLK_IO_OP_READ, 3, 0),             /* zero length */
        desc(UBLK_IO_OP_READ, UINT64_MAX / 2, 1), /* offset overflow */
    };
    struct ublk_target ro = {.base_fd = base, .size = sizeof img};
    CHECK_EQ(ublk_handle_io(&ro, &fake[0], buf, sizeof buf), 4096);
    CHECK(memcmp(buf, img, 4096) == 0);
    CHECK_EQ(ublk_handle_io(&ro, &fake[1], buf, sizeof buf), 512);
    CHECK(memcmp(buf, img + (SECTORS - 1) * 512, 512) == 0);
    CHECK_EQ(ublk_handle_io(&ro, &fake[2], buf, sizeof buf), -EINVAL);
    CHECK_EQ(ublk_handle_io(&ro, &fake[3], buf, sizeof buf), -EROFS);
    CHECK_EQ(ublk_handle_io(&ro, &fake[4], buf, sizeof buf), 0);
    CHECK_EQ(ublk_handle_io(&ro, &fake[5], buf, sizeof buf), -EOPNOTSUPP);
    CHECK_EQ(ublk_handle_io(&ro, &fake[6], buf, sizeof buf), 0);
    CHECK_EQ(ublk_handle_io(&ro, &fake[7], buf, sizeof buf), -EINVAL);
    struct ublksrv_io_desc big = desc(UBLK_IO_OP_READ, 0, 16);
    CHECK_EQ(ublk_handle_io(&ro, &big, buf, 4096), -EINVAL); /* longer than the tag's buffer */

    /* copy-on-write: writes land in the overlay, reads see them, the base stays */
    struct cow cw;
    CHECK_EQ(cow_open(&cw, base, sizeof img, tmpfile_fd(), -1), 0);
    struct ublk_target rw = {.base_fd = base, .cow = &cw, .size = sizeof img};
    memset(buf, 0x5A, 1024);
    struct ublksrv_io_desc wr = desc(UBLK_IO_OP_WRITE, 9, 2);
    CHECK_EQ(ublk_handle_io(&rw, &wr, buf, sizeof buf), 1024);
    struct ublksrv_io_desc zr = desc(UBLK_IO_OP_WRITE_ZEROES, 16, 8);
    CHECK_EQ(ublk_handle_io(&rw, &zr, buf, sizeof buf), 0);
    struct ublksrv_io_desc dc = desc(UBLK_IO_OP_DISCARD, 32, 8);
    CHECK_EQ(ublk_handle_io(&rw, &dc, buf, sizeof buf), 0);
    memset(buf, 0, sizeof buf);
    struct ublksrv_io_desc rd = desc(UBLK_IO_OP_READ, 8, 16);
    CHECK_EQ(ublk_handle_io(&rw, &rd, buf, sizeof buf), 8192);
    CHECK(memcmp(buf, img + 8 * 512, 512) == 0);                 /* sector 8: base */
    CHECK(buf[512] == 0x5A && buf[1535] == 0x5A);                 /* sectors 9-10: written */
    CHECK(memcmp(buf + 1536, img + 11 * 512, 5 * 512) == 0);      /* sectors 11-15: base */
    static const uint8_t zero[4096];
    CHECK(memcmp(buf + 4096, zero, 4096) == 0);                   /* sectors 16-23: zeroed */
    uint8_t check[1024];
    CHECK_EQ(pread(base, check, 1024, 9 * 512), 1024);
    CHECK(memcmp(check, img + 9 * 512, 1024) == 0);               /* base untouched */
    struct ublksrv_io_desc fl = desc(UBLK_IO_OP_FLUSH, 0, 0);
    CHECK_EQ(ublk_handle_io(&rw, &fl, buf, sizeof buf), 0);
    cow_close(&cw);

    /* a backend error reaches the kernel as -errno: an image that shrank underneath */
    CHECK_EQ(ftruncate(base, 1024), 0);
    CHECK_EQ(ublk_handle_io(&ro, &fake[0], buf, sizeof buf), -EIO);
    close(base);
}

int main(void) {
    abi();
    sqe_layout();
    handler();
    if (!ublk_available()) printf("test_ublk: /dev/ublk-control is missing (no CONFIG_BLK_DEV_UBLK): the ublk data path is not exercised on this machine\n");
    return t_done("test_ublk");
}
