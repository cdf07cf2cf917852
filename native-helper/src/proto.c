#include "proto.h"

#include <string.h>

uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

int frame_hdr_decode(const uint8_t *b, struct frame_hdr *h) {
    h->magic = le32(b);
    h->opcode = le16(b + 4);
    h->flags = le16(b + 6);
    h->request_id = le32(b + 8);
    h->length = le32(b + 12);
    if (h->magic != PROTO_MAGIC) return -E_BAD_FRAME;
    if (h->flags & ~FRAME_FLAGS_KNOWN) return -E_BAD_FRAME;
    if (h->length > FRAME_MAX_PAYLOAD) return -E_BAD_FRAME;
    return 0;
}

void frame_hdr_encode(uint8_t *b, const struct frame_hdr *h) {
    put32(b, h->magic);
    put16(b + 4, h->opcode);
    put16(b + 6, h->flags);
    put32(b + 8, h->request_id);
    put32(b + 12, h->length);
}

enum field_type tag_type(uint16_t tag) {
    switch (tag) {
    case T_BACKEND: case T_MODE: case T_DIRECT: case T_RW: case T_PATTERN: return FT_U8;
    case T_PROTO_MIN: case T_PROTO_MAX: case T_QUEUES: case T_DEPTH: case T_PROTO: return FT_U16;
    case T_DEVICE_ID: case T_BLOCK_SIZE: case T_DURATION_MS: case T_ERR_CODE: case T_CAPS: case T_OWNER_UID:
    case T_ERRNO: return FT_U32;
    case T_SIZE: case T_READY_US: case T_OPS: case T_BYTES: case T_ELAPSED_NS: case T_LAT_MIN: case T_LAT_P50:
    case T_LAT_P90: case T_LAT_P99: case T_LAT_P999: case T_LAT_MAX: case T_LAT_MEAN: case T_UBLK_FEATURES:
        return FT_U64;
    case T_CLIENT: case T_PATH: case T_ERR_MSG: case T_SERVER: case T_KERNEL: case T_DEV_PATH: case T_STATE:
    case T_IMAGE: return FT_STR;
    case T_DEVICE: return FT_NESTED;
    default: return FT_NONE;
    }
}

int tlv_next(struct tlv_iter *it, uint16_t *tag, const uint8_t **val, uint16_t *len) {
    if (it->left == 0) return 0;
    if (it->left < 4) return -1;
    *tag = le16(it->p);
    *len = le16(it->p + 2);
    if ((size_t)*len > it->left - 4) return -1;
    *val = it->p + 4;
    it->p += 4 + (size_t)*len;
    it->left -= 4 + (size_t)*len;
    return 1;
}

int fields_parse(const uint8_t *p, size_t n, struct fields *f, const char **why) {
    f->present = 0;
    size_t used = 0;
    struct tlv_iter it = {p, n};
    uint16_t tag, len;
    const uint8_t *v;
    int r;
    while ((r = tlv_next(&it, &tag, &v, &len)) == 1) {
        enum field_type t = tag <= T_MAX ? tag_type(tag) : FT_NONE;
        if (t == FT_NONE) continue; /* unknown: ignored, so newer clients can add optional fields */
        if (t == FT_NESTED) {
            f->nested[tag] = v; /* repeatable: only the first is kept here */
            f->nested_len[tag] = len;
            f->present |= 1ull << tag;
            continue;
        }
        if (has(f, tag)) { *why = "a field appears twice"; return -E_BAD_FRAME; }
        switch (t) {
        case FT_U8: if (len != 1) goto size; f->num[tag] = v[0]; break;
        case FT_U16: if (len != 2) goto size; f->num[tag] = le16(v); break;
        case FT_U32: if (len != 4) goto size; f->num[tag] = le32(v); break;
        case FT_U64: if (len != 8) goto size; f->num[tag] = le64(v); break;
        case FT_STR:
            if (len == 0 || len > FIELD_MAX_STRING) { *why = "a string field is empty or longer than 4095 bytes"; return -E_BAD_FRAME; }
            if (memchr(v, 0, len)) { *why = "a string field contains a NUL byte"; return -E_BAD_FRAME; }
            if (used + len + 1 > sizeof f->str_buf) { *why = "strings too long"; return -E_BAD_FRAME; }
            memcpy(f->str_buf + used, v, len);
            f->str_buf[used + len] = 0;
            f->str[tag] = f->str_buf + used;
            f->str_len[tag] = len;
            used += (size_t)len + 1;
            break;
        default: break;
        }
        f->present |= 1ull << tag;
    }
    if (r < 0) { *why = "a field runs past the end of the frame"; return -E_BAD_FRAME; }
    return 0;
size:
    *why = "a numeric field has the wrong size";
    return -E_BAD_FRAME;
}

static uint8_t *w_field(struct wbuf *w, uint16_t tag, size_t len) {
    if (w->overflow || len > 0xFFFF || w->cap - w->n < 4 + len) { w->overflow = true; return NULL; }
    uint8_t *p = w->b + w->n;
    put16(p, tag);
    put16(p + 2, (uint16_t)len);
    w->n += 4 + len;
    return p + 4;
}
void w_u8(struct wbuf *w, uint16_t tag, uint8_t v) { uint8_t *p = w_field(w, tag, 1); if (p) p[0] = v; }
void w_u16(struct wbuf *w, uint16_t tag, uint16_t v) { uint8_t *p = w_field(w, tag, 2); if (p) put16(p, v); }
void w_u32(struct wbuf *w, uint16_t tag, uint32_t v) { uint8_t *p = w_field(w, tag, 4); if (p) put32(p, v); }
void w_u64(struct wbuf *w, uint16_t tag, uint64_t v) { uint8_t *p = w_field(w, tag, 8); if (p) put64(p, v); }
void w_str(struct wbuf *w, uint16_t tag, const char *s) {
    size_t len = strnlen(s, FIELD_MAX_STRING + 1);
    if (len == 0) return; /* empty strings are omitted: the schema has no empty strings */
    if (len > FIELD_MAX_STRING) len = FIELD_MAX_STRING;
    uint8_t *p = w_field(w, tag, len);
    if (p) memcpy(p, s, len);
}
size_t w_nested_begin(struct wbuf *w, uint16_t tag) {
    size_t mark = w->n;
    if (!w_field(w, tag, 0)) return (size_t)-1;
    return mark;
}
void w_nested_end(struct wbuf *w, size_t mark) {
    if (w->overflow || mark == (size_t)-1) { w->overflow = true; return; }
    size_t len = w->n - mark - 4;
    if (len > 0xFFFF) { w->overflow = true; return; }
    put16(w->b + mark + 2, (uint16_t)len);
}
