/* Copy-on-write over a read-only base: writes go to a sparse overlay file of the same size, and a bitmap records
 * which blocks live in the overlay. The bitmap is saved to a map file on flush and close (data first, then map). */
#ifndef SANDTABLE_COW_H
#define SANDTABLE_COW_H

#include <stdint.h>
#include <sys/types.h>

#define COW_BLOCK 4096u

struct cow {
    int base_fd;      /* read-only; not owned */
    int overlay_fd;   /* owned */
    int map_fd;       /* owned; -1 when the map is not persisted */
    uint64_t size;    /* bytes, a multiple of 512 */
    uint64_t nblocks;
    uint8_t *bitmap;
    int dirty;
};

/* Opens a COW view of base_fd (size bytes) with an overlay and an optional map file (-1: in memory only). An existing
 * map is loaded when it has the right size. Returns 0 or -errno. Takes ownership of overlay_fd and map_fd. */
int cow_open(struct cow *c, int base_fd, uint64_t size, int overlay_fd, int map_fd);
ssize_t cow_read(struct cow *c, void *buf, size_t len, uint64_t off);
ssize_t cow_write(struct cow *c, const void *buf, size_t len, uint64_t off);
int cow_write_zeroes(struct cow *c, size_t len, uint64_t off);
int cow_flush(struct cow *c);
void cow_close(struct cow *c);
int cow_block_in_overlay(const struct cow *c, uint64_t block);

#endif
