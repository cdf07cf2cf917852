#include "cow.h"
#include "t.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define SIZE (64u * 4096u + 512u) /* a partial last block */

static int tmpfile_fd(void) {
    char name[] = "/tmp/cowtestXXXXXX";
    int fd = mkstemp(name);
    unlink(name);
    return fd;
}

static uint8_t base_data[SIZE], expect[SIZE], got[SIZE];

int main(void) {
    int base = tmpfile_fd();
    for (size_t i = 0; i < SIZE; i++) base_data[i] = (uint8_t)(i * 7 + 3);
    CHECK_EQ(pwrite(base, base_data, SIZE, 0), SIZE);
    memcpy(expect, base_data, SIZE);
    int overlay = tmpfile_fd(), map = tmpfile_fd();
    int map_copy = dup(map), overlay_copy = dup(overlay);
    struct cow c;
    CHECK_EQ(cow_open(&c, base, SIZE, overlay, map), 0);

    /* untouched: reads come from the base */
    CHECK_EQ(cow_read(&c, got, SIZE, 0), SIZE);
    CHECK(memcmp(got, expect, SIZE) == 0);
    CHECK(!cow_block_in_overlay(&c, 0));

    /* a write inside one block: the rest of that block keeps the base's bytes */
    uint8_t w1[100];
    memset(w1, 0xAA, sizeof w1);
    CHECK_EQ(cow_write(&c, w1, sizeof w1, 4096 + 50), sizeof w1);
    memcpy(expect + 4096 + 50, w1, sizeof w1);
    CHECK(cow_block_in_overlay(&c, 1));
    CHECK(!cow_block_in_overlay(&c, 0) && !cow_block_in_overlay(&c, 2));

    /* a write across three blocks, unaligned at both ends */
    static uint8_t w2[3 * 4096];
    memset(w2, 0x55, sizeof w2);
    CHECK_EQ(cow_write(&c, w2, 2 * 4096 + 10, 10 * 4096 - 5), 2 * 4096 + 10);
    memcpy(expect + 10 * 4096 - 5, w2, 2 * 4096 + 10);
    CHECK(cow_block_in_overlay(&c, 9) && cow_block_in_overlay(&c, 10) && cow_block_in_overlay(&c, 11) && cow_block_in_overlay(&c, 12));

    /* zeroes, and the partial last block */
    CHECK_EQ(cow_write_zeroes(&c, 4096, 20 * 4096), 0);
    memset(expect + 20 * 4096, 0, 4096);
    CHECK_EQ(cow_write(&c, w1, 100, SIZE - 100), 100);
    memcpy(expect + SIZE - 100, w1, 100);

    CHECK_EQ(cow_read(&c, got, SIZE, 0), SIZE);
    CHECK(memcmp(got, expect, SIZE) == 0);
    /* unaligned read spanning base and overlay blocks */
    CHECK_EQ(cow_read(&c, got, 3 * 4096, 4096 - 7), 3 * 4096);
    CHECK(memcmp(got, expect + 4096 - 7, 3 * 4096) == 0);

    /* the base is never written */
    uint8_t b[SIZE];
    CHECK_EQ(pread(base, b, SIZE, 0), SIZE);
    CHECK(memcmp(b, base_data, SIZE) == 0);

    /* bounds */
    CHECK_EQ(cow_read(&c, got, 2, SIZE - 1), -22);
    CHECK_EQ(cow_write(&c, w1, 1, SIZE), -22);
    CHECK_EQ(cow_write(&c, w1, 0, SIZE), 0);

    /* flush persists the map; a reopened view sees the same bytes */
    CHECK_EQ(cow_flush(&c), 0);
    cow_close(&c);
    struct cow c2;
    CHECK_EQ(cow_open(&c2, base, SIZE, overlay_copy, map_copy), 0);
    CHECK(cow_block_in_overlay(&c2, 1) && !cow_block_in_overlay(&c2, 0));
    CHECK_EQ(cow_read(&c2, got, SIZE, 0), SIZE);
    CHECK(memcmp(got, expect, SIZE) == 0);
    cow_close(&c2);

    /* a map of the wrong size is refused */
    int ov3 = tmpfile_fd(), map3 = tmpfile_fd();
    CHECK_EQ(write(map3, "xyz", 3), 3);
    struct cow c3;
    CHECK_EQ(cow_open(&c3, base, SIZE, ov3, map3), -22);
    cow_close(&c3);
    close(base);
    return t_done("test_cow");
}
