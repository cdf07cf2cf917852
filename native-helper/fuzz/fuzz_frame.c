/* libFuzzer target: a byte stream as the helper reads it, header then payload, frame after frame. */
#include "proto.h"

#include <stdlib.h>
#include <string.h>

static struct fields f, inner;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    while (size >= FRAME_HDR_LEN) {
        struct frame_hdr h;
        if (frame_hdr_decode(data, &h) < 0) return 0;
        data += FRAME_HDR_LEN;
        size -= FRAME_HDR_LEN;
        if (h.length > size) return 0; /* truncated: the server waits, then drops the connection */
        /* copy so that ASan catches reads past the payload */
        uint8_t *p = malloc(h.length ? h.length : 1);
        memcpy(p, data, h.length);
        const char *why = NULL;
        if (fields_parse(p, h.length, &f, &why) == 0) {
            for (int t = 0; t <= T_MAX; t++) {
                if (!has(&f, t)) continue;
                if (tag_type((uint16_t)t) == FT_STR && strlen(f.str[t]) != f.str_len[t]) abort();
                if (tag_type((uint16_t)t) == FT_NESTED) (void)fields_parse(f.nested[t], f.nested_len[t], &inner, &why);
            }
        } else if (!why) {
            abort(); /* every refusal says why */
        }
        free(p);
        data += h.length;
        size -= h.length;
    }
    return 0;
}
