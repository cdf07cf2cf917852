/* A ublk device served by the helper: one io_uring per queue, one thread per queue, the image as the target
 * (read-only, or copy-on-write through struct cow). Needs /dev/ublk-control (CONFIG_BLK_DEV_UBLK). */
#ifndef SANDTABLE_UBLK_H
#define SANDTABLE_UBLK_H

#include <liburing.h>
#include <pthread.h>
#include <stdint.h>

#include "cow.h"
#include "ublk_abi.h"

#define UBLK_IO_BUF_BYTES (256u * 1024u)
#define UBLK_MAX_QUEUES 16
#define UBLK_MAX_DEPTH 1024

struct ublk_target {
    int base_fd;       /* read-only image */
    struct cow *cow;   /* NULL: read-only device */
    uint64_t size;
};

/* Serves one request described by d with the server buffer buf (buf_cap bytes): bytes done, or -errno. */
int ublk_handle_io(const struct ublk_target *t, const struct ublksrv_io_desc *d, void *buf, size_t buf_cap);

/* SQE encoders (the SQE must belong to an IORING_SETUP_SQE128 ring: the payload sits at byte 48). */
void ublk_prep_ctrl_sqe(struct io_uring_sqe *sqe, int ctrl_fd, uint32_t cmd_op, const struct ublksrv_ctrl_cmd *cmd);
void ublk_prep_io_sqe(struct io_uring_sqe *sqe, int cdev_fd, uint32_t cmd_op, uint16_t q, uint16_t tag, int32_t result,
                      uint64_t addr);

struct ublk_queue {
    struct ublk_dev *dev;
    uint16_t q_id;
    struct io_uring ring;
    struct ublksrv_io_desc *descs;
    size_t descs_len;
    uint8_t *bufs;
    pthread_t thread;
    int ready;  /* fetches submitted */
    int error;
};

struct ublk_dev {
    int ctrl_fd;
    struct io_uring ctrl_ring;
    int legacy_opcodes;
    struct ublksrv_ctrl_dev_info info;
    int cdev_fd;
    uint16_t nr_queues, depth;
    struct ublk_queue queues[UBLK_MAX_QUEUES];
    struct ublk_target target;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int started_queues;
};

int ublk_available(void);
/* GET_FEATURES (6.5+): the kernel's feature bits, or 0 when unknown. */
uint64_t ublk_features(void);
/* Called right after ADD_DEV with the new device's id (added=1), and again with added=0 if setup then fails and the
 * device is deleted: lets the caller record the id before anything else can go wrong (crash recovery). */
typedef void (*ublk_added_fn)(uint32_t dev_id, int added, void *arg);
/* Creates, serves and starts a device; on success *out is live as /dev/ublkb<info.dev_id>. Returns 0 or -errno,
 * with *why a static explanation. */
int ublk_start(struct ublk_dev **out, const struct ublk_target *t, uint16_t nr_queues, uint16_t depth, ublk_added_fn added,
               void *arg, const char **why);
/* Stops and deletes the device and frees it. */
void ublk_stop(struct ublk_dev *d);
/* Stops and deletes a device left by an earlier helper that was killed (crash recovery); 0, -ENOENT or -errno. */
int ublk_delete_stale(uint32_t dev_id);

#endif
