/* The ublk kernel ABI, defined here because Debian bookworm's linux-libc-dev lacks the UBLK_U_* opcodes and the
 * newer fields. Written from the documented ABI (include/uapi/linux/ublk_cmd.h, Documentation/block/ublk.rst);
 * every size, offset and opcode is pinned with static asserts below and in tests/test_ublk_abi.c. */
#ifndef SANDTABLE_UBLK_ABI_H
#define SANDTABLE_UBLK_ABI_H

#include <linux/ioctl.h>
#include <stddef.h>
#include <stdint.h>

/* legacy (raw) control opcodes, the only ones kernels 6.0-6.3 accept */
#define UBLK_CMD_GET_DEV_INFO 0x02
#define UBLK_CMD_ADD_DEV 0x04
#define UBLK_CMD_DEL_DEV 0x05
#define UBLK_CMD_START_DEV 0x06
#define UBLK_CMD_STOP_DEV 0x07
#define UBLK_CMD_SET_PARAMS 0x08
#define UBLK_CMD_GET_FEATURES 0x13

#define UBLK_IO_FETCH_REQ 0x20
#define UBLK_IO_COMMIT_AND_FETCH_REQ 0x21

struct ublksrv_ctrl_cmd {
    uint32_t dev_id;
    uint16_t queue_id; /* 0xFFFF when the command is not for a queue */
    uint16_t len;
    uint64_t addr;
    uint64_t data[1];
    uint16_t dev_path_len;
    uint16_t pad;
    uint32_t reserved;
};

struct ublksrv_ctrl_dev_info {
    uint16_t nr_hw_queues;
    uint16_t queue_depth;
    uint16_t state;
    uint16_t pad0;
    uint32_t max_io_buf_bytes;
    uint32_t dev_id;
    int32_t ublksrv_pid;
    uint32_t pad1;
    uint64_t flags;
    uint64_t ublksrv_flags;
    uint32_t owner_uid;
    uint32_t owner_gid;
    uint64_t reserved1;
    uint64_t reserved2;
};

struct ublksrv_io_desc {
    uint32_t op_flags;      /* op: bits 0-7, flags: bits 8-31 */
    union {
        uint32_t nr_sectors;
        uint32_t nr_zones;
    };
    uint64_t start_sector;
    uint64_t addr;          /* the server's buffer */
};

struct ublksrv_io_cmd {
    uint16_t q_id;
    uint16_t tag;
    int32_t result;
    uint64_t addr;
};

struct ublk_param_basic {
    uint32_t attrs;
    uint8_t logical_bs_shift;
    uint8_t physical_bs_shift;
    uint8_t io_opt_shift;
    uint8_t io_min_shift;
    uint32_t max_sectors;
    uint32_t chunk_sectors;
    uint64_t dev_sectors;
    uint64_t virt_boundary_mask;
};

struct ublk_param_discard {
    uint32_t discard_alignment;
    uint32_t discard_granularity;
    uint32_t max_discard_sectors;
    uint32_t max_write_zeroes_sectors;
    uint16_t max_discard_segments;
    uint16_t reserved0;
};

struct ublk_params {
    uint32_t len;
    uint32_t types;
    struct ublk_param_basic basic;
    struct ublk_param_discard discard;
};

#define UBLK_ATTR_READ_ONLY (1u << 0)
#define UBLK_PARAM_TYPE_BASIC (1u << 0)
#define UBLK_PARAM_TYPE_DISCARD (1u << 1)

#define UBLK_F_URING_CMD_COMP_IN_TASK (1ull << 1)
#define UBLK_F_CMD_IOCTL_ENCODE (1ull << 6)

#define UBLK_IO_OP_READ 0
#define UBLK_IO_OP_WRITE 1
#define UBLK_IO_OP_FLUSH 2
#define UBLK_IO_OP_DISCARD 3
#define UBLK_IO_OP_WRITE_SAME 4
#define UBLK_IO_OP_WRITE_ZEROES 5

#define UBLK_IO_RES_OK 0
#define UBLK_IO_RES_NEED_GET_DATA 1
/* UBLK_IO_RES_ABORT is -ENODEV */

#define UBLKSRV_CMD_BUF_OFFSET 0
#define UBLK_MAX_QUEUE_DEPTH 4096
#define UBLK_DEV_STATE_LIVE 1

#define UBLK_U_CMD_GET_DEV_INFO _IOR('u', UBLK_CMD_GET_DEV_INFO, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_ADD_DEV _IOWR('u', UBLK_CMD_ADD_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_DEL_DEV _IOWR('u', UBLK_CMD_DEL_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_START_DEV _IOWR('u', UBLK_CMD_START_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_STOP_DEV _IOWR('u', UBLK_CMD_STOP_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_SET_PARAMS _IOWR('u', UBLK_CMD_SET_PARAMS, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_GET_FEATURES _IOR('u', UBLK_CMD_GET_FEATURES, struct ublksrv_ctrl_cmd)
#define UBLK_U_IO_FETCH_REQ _IOWR('u', UBLK_IO_FETCH_REQ, struct ublksrv_io_cmd)
#define UBLK_U_IO_COMMIT_AND_FETCH_REQ _IOWR('u', UBLK_IO_COMMIT_AND_FETCH_REQ, struct ublksrv_io_cmd)

_Static_assert(sizeof(struct ublksrv_ctrl_cmd) == 32, "ublksrv_ctrl_cmd is 32 bytes");
_Static_assert(offsetof(struct ublksrv_ctrl_cmd, addr) == 8, "ctrl_cmd.addr");
_Static_assert(offsetof(struct ublksrv_ctrl_cmd, data) == 16, "ctrl_cmd.data");
_Static_assert(offsetof(struct ublksrv_ctrl_cmd, dev_path_len) == 24, "ctrl_cmd.dev_path_len");
_Static_assert(sizeof(struct ublksrv_ctrl_dev_info) == 64, "ublksrv_ctrl_dev_info is 64 bytes");
_Static_assert(offsetof(struct ublksrv_ctrl_dev_info, max_io_buf_bytes) == 8, "dev_info.max_io_buf_bytes");
_Static_assert(offsetof(struct ublksrv_ctrl_dev_info, dev_id) == 12, "dev_info.dev_id");
_Static_assert(offsetof(struct ublksrv_ctrl_dev_info, ublksrv_pid) == 16, "dev_info.ublksrv_pid");
_Static_assert(offsetof(struct ublksrv_ctrl_dev_info, flags) == 24, "dev_info.flags");
_Static_assert(offsetof(struct ublksrv_ctrl_dev_info, owner_uid) == 40, "dev_info.owner_uid");
_Static_assert(sizeof(struct ublksrv_io_desc) == 24, "ublksrv_io_desc is 24 bytes");
_Static_assert(offsetof(struct ublksrv_io_desc, start_sector) == 8, "io_desc.start_sector");
_Static_assert(offsetof(struct ublksrv_io_desc, addr) == 16, "io_desc.addr");
_Static_assert(sizeof(struct ublksrv_io_cmd) == 16, "ublksrv_io_cmd is 16 bytes");
_Static_assert(offsetof(struct ublksrv_io_cmd, addr) == 8, "io_cmd.addr");
_Static_assert(sizeof(struct ublk_param_basic) == 32, "ublk_param_basic is 32 bytes");
_Static_assert(offsetof(struct ublk_param_basic, dev_sectors) == 16, "basic.dev_sectors");
_Static_assert(sizeof(struct ublk_param_discard) == 20, "ublk_param_discard is 20 bytes");
_Static_assert(offsetof(struct ublk_params, basic) == 8, "params.basic");
_Static_assert(offsetof(struct ublk_params, discard) == 40, "params.discard");
_Static_assert(sizeof(struct ublk_params) == 64, "ublk_params with basic+discard is 64 bytes");
_Static_assert(UBLK_U_CMD_GET_DEV_INFO == 0x80207502u, "UBLK_U_CMD_GET_DEV_INFO");
_Static_assert(UBLK_U_CMD_ADD_DEV == 0xC0207504u, "UBLK_U_CMD_ADD_DEV");
_Static_assert(UBLK_U_CMD_DEL_DEV == 0xC0207505u, "UBLK_U_CMD_DEL_DEV");
_Static_assert(UBLK_U_CMD_START_DEV == 0xC0207506u, "UBLK_U_CMD_START_DEV");
_Static_assert(UBLK_U_CMD_STOP_DEV == 0xC0207507u, "UBLK_U_CMD_STOP_DEV");
_Static_assert(UBLK_U_CMD_SET_PARAMS == 0xC0207508u, "UBLK_U_CMD_SET_PARAMS");
_Static_assert(UBLK_U_CMD_GET_FEATURES == 0x80207513u, "UBLK_U_CMD_GET_FEATURES");
_Static_assert(UBLK_U_IO_FETCH_REQ == 0xC0107520u, "UBLK_U_IO_FETCH_REQ");
_Static_assert(UBLK_U_IO_COMMIT_AND_FETCH_REQ == 0xC0107521u, "UBLK_U_IO_COMMIT_AND_FETCH_REQ");

static inline uint8_t ublksrv_get_op(const struct ublksrv_io_desc *d) { return (uint8_t)(d->op_flags & 0xff); }

#endif
