#include "proto.h"
#include "t.h"

#include <string.h>

static uint8_t buf[FRAME_MAX_PAYLOAD + 64];
static struct fields f;

static size_t raw_field(uint8_t *p, uint16_t tag, uint16_t len, const void *v) {
    p[0] = (uint8_t)tag; p[1] = (uint8_t)(tag >> 8); p[2] = (uint8_t)len; p[3] = (uint8_t)(len >> 8);
    memcpy(p + 4, v, len);
    return 4u + len;
}

static void header(void) {
    uint8_t b[16];
    struct frame_hdr h = {PROTO_MAGIC, OP_ATTACH, FRAME_FLAG_FD, 77, 1234}, g;
    frame_hdr_encode(b, &h);
    CHECK(memcmp(b, "STH1", 4) == 0);
    CHECK_EQ(frame_hdr_decode(b, &g), 0);
    CHECK_EQ(g.opcode, OP_ATTACH);
    CHECK_EQ(g.flags, FRAME_FLAG_FD);
    CHECK_EQ(g.request_id, 77);
    CHECK_EQ(g.length, 1234);
    h.length = FRAME_MAX_PAYLOAD;
    frame_hdr_encode(b, &h);
    CHECK_EQ(frame_hdr_decode(b, &g), 0);
    h.length = FRAME_MAX_PAYLOAD + 1; /* oversized */
    frame_hdr_encode(b, &h);
    CHECK_EQ(frame_hdr_decode(b, &g), -E_BAD_FRAME);
    h.length = 0xFFFFFFFFu;
    frame_hdr_encode(b, &h);
    CHECK_EQ(frame_hdr_decode(b, &g), -E_BAD_FRAME);
    h.length = 0; h.flags = 0x8000; /* unknown flag */
    frame_hdr_encode(b, &h);
    CHECK_EQ(frame_hdr_decode(b, &g), -E_BAD_FRAME);
    h.flags = 0; h.magic = 0x464C457Fu; /* garbage: an ELF header */
    frame_hdr_encode(b, &h);
    CHECK_EQ(frame_hdr_decode(b, &g), -E_BAD_FRAME);
}

static void round_trip(void) {
    struct wbuf w = {buf, sizeof buf, 0, 0};
    w_u8(&w, T_BACKEND, 1);
    w_u16(&w, T_QUEUES, 4);
    w_u32(&w, T_BLOCK_SIZE, 4096);
    w_u64(&w, T_SIZE, 1ull << 40);
    w_str(&w, T_PATH, "/srv/images/a.img");
    w_u32(&w, 60, 5); /* an unknown tag: skipped by the parser */
    size_t mark = w_nested_begin(&w, T_DEVICE);
    w_u32(&w, T_DEVICE_ID, 9);
    w_nested_end(&w, mark);
    CHECK(!w.overflow);
    const char *why = NULL;
    CHECK_EQ(fields_parse(buf, w.n, &f, &why), 0);
    CHECK(has(&f, T_BACKEND) && f.num[T_BACKEND] == 1);
    CHECK_EQ(f.num[T_QUEUES], 4);
    CHECK_EQ(f.num[T_BLOCK_SIZE], 4096);
    CHECK(f.num[T_SIZE] == 1ull << 40);
    CHECK(strcmp(f.str[T_PATH], "/srv/images/a.img") == 0);
    CHECK(!has(&f, T_DEPTH));
    CHECK(has(&f, T_DEVICE));
    struct fields *inner = malloc(sizeof *inner);
    CHECK_EQ(fields_parse(f.nested[T_DEVICE], f.nested_len[T_DEVICE], inner, &why), 0);
    CHECK_EQ(inner->num[T_DEVICE_ID], 9);
    free(inner);
}

static void refused(void) {
    const char *why = NULL;
    uint8_t p[64];
    uint32_t v32 = 1;
    size_t n = raw_field(p, T_BACKEND, 4, &v32); /* u8 with 4 bytes */
    CHECK_EQ(fields_parse(p, n, &f, &why), -E_BAD_FRAME);
    n = raw_field(p, T_DEPTH, 1, &v32);
    CHECK_EQ(fields_parse(p, n, &f, &why), -E_BAD_FRAME);
    n = raw_field(p, T_BLOCK_SIZE, 4, &v32);
    n += raw_field(p + n, T_BLOCK_SIZE, 4, &v32); /* duplicate */
    CHECK_EQ(fields_parse(p, n, &f, &why), -E_BAD_FRAME);
    n = raw_field(p, T_PATH, 3, "a\0b"); /* NUL inside a string */
    CHECK_EQ(fields_parse(p, n, &f, &why), -E_BAD_FRAME);
    n = raw_field(p, T_PATH, 0, ""); /* empty string */
    CHECK_EQ(fields_parse(p, n, &f, &why), -E_BAD_FRAME);
    n = raw_field(p, T_PATH, 5, "abcde");
    CHECK_EQ(fields_parse(p, n - 1, &f, &why), -E_BAD_FRAME); /* truncated value */
    CHECK_EQ(fields_parse(p, 3, &f, &why), -E_BAD_FRAME);      /* truncated field header */
    CHECK_EQ(fields_parse(p, 0, &f, &why), 0);                 /* empty payload is fine */
    static uint8_t big[5000];
    memset(big + 4, 'x', 4096);
    n = raw_field(big, T_PATH, 4096, big + 4); /* over FIELD_MAX_STRING */
    CHECK_EQ(fields_parse(big, n, &f, &why), -E_BAD_FRAME);
    CHECK(why != NULL);
}

static void writer_bounds(void) {
    uint8_t small[10];
    struct wbuf w = {small, sizeof small, 0, 0};
    w_u32(&w, T_DEVICE_ID, 1); /* 8 bytes: fits */
    CHECK(!w.overflow);
    w_u32(&w, T_DEVICE_ID, 2); /* would need 16 */
    CHECK(w.overflow);
    CHECK_EQ(w.n, 8);
}

int main(void) {
    header();
    round_trip();
    refused();
    writer_bounds();
    return t_done("test_proto");
}
