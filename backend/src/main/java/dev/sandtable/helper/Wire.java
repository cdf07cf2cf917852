package dev.sandtable.helper;

/** The protocol's numbers: opcodes, field tags, flags, capability bits and error codes (docs/native-helper-protocol.md). */
final class Wire {
    static final int MAGIC = 0x31485453; // "STH1" little-endian
    static final int VERSION = 1;
    static final int HEADER = 16;
    static final int MAX_PAYLOAD = 65536;
    static final int MAX_STRING = 4095;
    static final int FLAG_ERROR = 0x1;
    static final int FLAG_FD = 0x2;

    static final int OP_HELLO = 1, OP_CAPS = 2, OP_ATTACH = 3, OP_DETACH = 4, OP_LIST = 5, OP_BENCH = 6;

    static final int T_PROTO_MIN = 1, T_PROTO_MAX = 2, T_CLIENT = 3, T_PATH = 4, T_DEVICE_ID = 5, T_BACKEND = 6,
            T_MODE = 7, T_DIRECT = 8, T_QUEUES = 9, T_DEPTH = 10, T_BLOCK_SIZE = 11, T_DURATION_MS = 12, T_RW = 13,
            T_PATTERN = 14, T_SIZE = 15, T_ERR_CODE = 32, T_ERR_MSG = 33, T_PROTO = 34, T_SERVER = 35, T_KERNEL = 36,
            T_CAPS = 37, T_DEVICE = 38, T_DEV_PATH = 39, T_READY_US = 40, T_OPS = 41, T_BYTES = 42, T_ELAPSED_NS = 43,
            T_LAT_MIN = 44, T_LAT_P50 = 45, T_LAT_P90 = 46, T_LAT_P99 = 47, T_LAT_P999 = 48, T_LAT_MAX = 49,
            T_LAT_MEAN = 50, T_OWNER_UID = 51, T_STATE = 52, T_UBLK_FEATURES = 53, T_ERRNO = 54, T_IMAGE = 55;

    static final int CAP_IO_URING = 0x01, CAP_UBLK = 0x02, CAP_LOOP = 0x04, CAP_ROOT = 0x08, CAP_URING_CMD = 0x10,
            CAP_OPENAT2 = 0x20;

    /** Field sizes by tag: 1, 2, 4, 8 for integers, -1 for strings, -2 for nested fields, 0 for unknown tags. */
    static int size(int tag) {
        return switch (tag) {
            case T_BACKEND, T_MODE, T_DIRECT, T_RW, T_PATTERN -> 1;
            case T_PROTO_MIN, T_PROTO_MAX, T_QUEUES, T_DEPTH, T_PROTO -> 2;
            case T_DEVICE_ID, T_BLOCK_SIZE, T_DURATION_MS, T_ERR_CODE, T_CAPS, T_OWNER_UID, T_ERRNO -> 4;
            case T_SIZE, T_READY_US, T_OPS, T_BYTES, T_ELAPSED_NS, T_LAT_MIN, T_LAT_P50, T_LAT_P90, T_LAT_P99,
                 T_LAT_P999, T_LAT_MAX, T_LAT_MEAN, T_UBLK_FEATURES -> 8;
            case T_CLIENT, T_PATH, T_ERR_MSG, T_SERVER, T_KERNEL, T_DEV_PATH, T_STATE, T_IMAGE -> -1;
            case T_DEVICE -> -2;
            default -> 0;
        };
    }

    private Wire() {
    }
}
