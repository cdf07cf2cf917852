/* Sandtable native-helper wire protocol: length-prefixed binary frames with TLV fields.
 * The schema is documented in docs/native-helper-protocol.md; keep the two in step. */
#ifndef SANDTABLE_PROTO_H
#define SANDTABLE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_MAGIC 0x31485453u /* "STH1" in little-endian byte order */
#define PROTO_VERSION 1
#define PROTO_MIN_VERSION 1
#define FRAME_HDR_LEN 16
#define FRAME_MAX_PAYLOAD 65536u
#define FIELD_MAX_STRING 4095u
#define FRAME_FLAG_ERROR 0x0001u /* reply: the payload is ERR_CODE + ERR_MSG */
#define FRAME_FLAG_FD 0x0002u    /* request: one descriptor rides on this frame with SCM_RIGHTS */
#define FRAME_FLAGS_KNOWN (FRAME_FLAG_ERROR | FRAME_FLAG_FD)

enum opcode {
    OP_HELLO = 1,
    OP_CAPS = 2,
    OP_ATTACH = 3,
    OP_DETACH = 4,
    OP_LIST = 5,
    OP_BENCH = 6,
    OP_MAX = 6,
};

enum field_type { FT_NONE = 0, FT_U8, FT_U16, FT_U32, FT_U64, FT_STR, FT_NESTED };

enum tag {
    T_PROTO_MIN = 1, T_PROTO_MAX = 2, T_CLIENT = 3, T_PATH = 4, T_DEVICE_ID = 5, T_BACKEND = 6,
    T_MODE = 7, T_DIRECT = 8, T_QUEUES = 9, T_DEPTH = 10, T_BLOCK_SIZE = 11, T_DURATION_MS = 12,
    T_RW = 13, T_PATTERN = 14, T_SIZE = 15,
    T_ERR_CODE = 32, T_ERR_MSG = 33, T_PROTO = 34, T_SERVER = 35, T_KERNEL = 36, T_CAPS = 37,
    T_DEVICE = 38, T_DEV_PATH = 39, T_READY_US = 40, T_OPS = 41, T_BYTES = 42, T_ELAPSED_NS = 43,
    T_LAT_MIN = 44, T_LAT_P50 = 45, T_LAT_P90 = 46, T_LAT_P99 = 47, T_LAT_P999 = 48, T_LAT_MAX = 49,
    T_LAT_MEAN = 50, T_OWNER_UID = 51, T_STATE = 52, T_UBLK_FEATURES = 53, T_ERRNO = 54, T_IMAGE = 55,
    T_MAX = 63,
};

/* capability bits (T_CAPS) */
#define CAP_IO_URING 0x01u
#define CAP_UBLK 0x02u
#define CAP_LOOP 0x04u
#define CAP_ROOT 0x08u
#define CAP_URING_CMD 0x10u
#define CAP_OPENAT2 0x20u

enum backend { BACKEND_AUTO = 0, BACKEND_LOOP = 1, BACKEND_UBLK = 2 };
enum attach_mode { MODE_READ_ONLY = 0, MODE_COW = 1 };

/* error codes (T_ERR_CODE); the Java client maps them to ErrorCode */
enum err_code {
    E_BAD_FRAME = 1,      /* malformed frame: the connection is closed after the reply */
    E_VERSION = 2,        /* no common protocol version */
    E_UNKNOWN_OP = 3,
    E_DENIED = 4,         /* peer not on the allow list, or not the device's owner */
    E_INVALID = 5,        /* a field is missing, out of range or contradictory */
    E_NOT_FOUND = 6,
    E_UNSUPPORTED = 7,    /* the kernel lacks what the request needs (ublk, loop, io_uring) */
    E_LIMIT = 8,          /* too many devices or clients */
    E_IO = 9,             /* a system call failed; T_ERRNO says which errno */
    E_PATH_REFUSED = 10,  /* outside the image directories, a symlink, not a regular file, wrong owner */
    E_TOO_SMALL = 11,     /* the image is smaller than the minimum or not a multiple of 512 bytes */
    E_GONE = 12,          /* the device vanished underneath the helper */
    E_NEED_HELLO = 13,
    E_INTERNAL = 14,
};

struct frame_hdr {
    uint32_t magic;
    uint16_t opcode;
    uint16_t flags;
    uint32_t request_id;
    uint32_t length;
};

/* Decodes and checks a 16-byte header: 0, or -E_BAD_FRAME for a wrong magic, an unknown flag or an oversized payload. */
int frame_hdr_decode(const uint8_t *b, struct frame_hdr *h);
void frame_hdr_encode(uint8_t *b, const struct frame_hdr *h);

/* The fields of one message, each tag at most once. Strings are copied NUL-terminated into str_buf. */
struct fields {
    uint64_t present;            /* bit n set when tag n was seen */
    uint64_t num[T_MAX + 1];
    const char *str[T_MAX + 1];  /* points into str_buf */
    uint16_t str_len[T_MAX + 1];
    const uint8_t *nested[T_MAX + 1];
    uint16_t nested_len[T_MAX + 1];
    char str_buf[FRAME_MAX_PAYLOAD + T_MAX + 1];
};

enum field_type tag_type(uint16_t tag);

/* Parses a payload. Unknown tags are skipped (an open schema); a known tag with the wrong size, a duplicate,
 * a string with a NUL or over FIELD_MAX_STRING, or a field running past the end is refused: -E_BAD_FRAME with
 * *why set to a static message. Repeated T_DEVICE fields are kept only in the raw payload (see tlv_next). */
int fields_parse(const uint8_t *p, size_t n, struct fields *f, const char **why);
static inline bool has(const struct fields *f, int tag) { return (f->present >> tag) & 1u; }

/* Walks raw TLV fields: 1 and the field, 0 at the end, -1 when malformed. */
struct tlv_iter { const uint8_t *p; size_t left; };
int tlv_next(struct tlv_iter *it, uint16_t *tag, const uint8_t **val, uint16_t *len);

/* A bounded writer; 'overflow' is sticky and makes the message invalid. */
struct wbuf {
    uint8_t *b;
    size_t cap, n;
    bool overflow;
};
void w_u8(struct wbuf *w, uint16_t tag, uint8_t v);
void w_u16(struct wbuf *w, uint16_t tag, uint16_t v);
void w_u32(struct wbuf *w, uint16_t tag, uint32_t v);
void w_u64(struct wbuf *w, uint16_t tag, uint64_t v);
void w_str(struct wbuf *w, uint16_t tag, const char *s);
size_t w_nested_begin(struct wbuf *w, uint16_t tag);
void w_nested_end(struct wbuf *w, size_t mark);

uint16_t le16(const uint8_t *p);
uint32_t le32(const uint8_t *p);
uint64_t le64(const uint8_t *p);

#endif
