#include "cow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int bit(const uint8_t *m, uint64_t b) { return (m[b >> 3] >> (b & 7)) & 1; }
static void set_bit(uint8_t *m, uint64_t b) { m[b >> 3] |= (uint8_t)(1u << (b & 7)); }
int cow_block_in_overlay(const struct cow *c, uint64_t block) { return block < c->nblocks && bit(c->bitmap, block); }

static size_t map_bytes(const struct cow *c) { return (size_t)((c->nblocks + 7) / 8); }

static ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off) {
    size_t done = 0;
    while (done < len) {
        ssize_t r = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (r < 0) { if (errno == EINTR) continue; return -errno; }
        if (r == 0) { memset((char *)buf + done, 0, len - done); break; } /* past EOF of a sparse file: zeroes */
        done += (size_t)r;
    }
    return (ssize_t)len;
}

static ssize_t pwrite_full(int fd, const void *buf, size_t len, uint64_t off) {
    size_t done = 0;
    while (done < len) {
        ssize_t r = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));
        if (r < 0) { if (errno == EINTR) continue; return -errno; }
        done += (size_t)r;
    }
    return (ssize_t)len;
}

int cow_open(struct cow *c, int base_fd, uint64_t size, int overlay_fd, int map_fd) {
    memset(c, 0, sizeof *c);
    c->base_fd = base_fd;
    c->overlay_fd = overlay_fd;
    c->map_fd = map_fd;
    c->size = size;
    c->nblocks = (size + COW_BLOCK - 1) / COW_BLOCK;
    c->bitmap = calloc(map_bytes(c) ? map_bytes(c) : 1, 1);
    if (!c->bitmap) return -ENOMEM;
    if (ftruncate(overlay_fd, (off_t)size) < 0) return -errno; /* sparse: no blocks allocated */
    if (map_fd >= 0) {
        struct stat st;
        if (fstat(map_fd, &st) < 0) return -errno;
        if ((uint64_t)st.st_size == map_bytes(c)) {
            ssize_t r = pread_full(map_fd, c->bitmap, map_bytes(c), 0);
            if (r < 0) return (int)r;
        } else if (st.st_size != 0) {
            return -EINVAL; /* a map for an image of another size */
        }
    }
    return 0;
}

ssize_t cow_read(struct cow *c, void *buf, size_t len, uint64_t off) {
    if (off > c->size || len > c->size - off) return -EINVAL;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint64_t b = pos / COW_BLOCK;
        int in_overlay = bit(c->bitmap, b);
        /* extend the run over following blocks with the same source */
        uint64_t end = (b + 1) * COW_BLOCK;
        while (end < off + len && bit(c->bitmap, end / COW_BLOCK) == in_overlay) end += COW_BLOCK;
        size_t n = (size_t)((end < off + len ? end : off + len) - pos);
        ssize_t r = pread_full(in_overlay ? c->overlay_fd : c->base_fd, (char *)buf + done, n, pos);
        if (r < 0) return r;
        done += n;
    }
    return (ssize_t)len;
}

/* Copies a block from base to overlay so that a partial write can land on top of it. */
static int copy_up(struct cow *c, uint64_t b) {
    uint8_t blk[COW_BLOCK];
    uint64_t off = b * COW_BLOCK;
    size_t n = (size_t)(c->size - off < COW_BLOCK ? c->size - off : COW_BLOCK);
    ssize_t r = pread_full(c->base_fd, blk, n, off);
    if (r < 0) return (int)r;
    r = pwrite_full(c->overlay_fd, blk, n, off);
    return r < 0 ? (int)r : 0;
}

static ssize_t cow_write_impl(struct cow *c, const void *buf, size_t len, uint64_t off) {
    if (off > c->size || len > c->size - off) return -EINVAL;
    if (len == 0) return 0;
    uint64_t first = off / COW_BLOCK, last = (off + len - 1) / COW_BLOCK;
    /* partial head and tail blocks not yet in the overlay keep the base's bytes around the write */
    if (off % COW_BLOCK && !bit(c->bitmap, first)) { int r = copy_up(c, first); if (r) return r; set_bit(c->bitmap, first); }
    if ((off + len) % COW_BLOCK && (off + len) != c->size && !bit(c->bitmap, last)) {
        int r = copy_up(c, last);
        if (r) return r;
        set_bit(c->bitmap, last);
    }
    ssize_t r;
    if (buf) {
        r = pwrite_full(c->overlay_fd, buf, len, off);
    } else {
        uint8_t zero[COW_BLOCK];
        memset(zero, 0, sizeof zero);
        size_t done = 0;
        r = (ssize_t)len;
        while (done < len) {
            size_t n = len - done < sizeof zero ? len - done : sizeof zero;
            ssize_t w = pwrite_full(c->overlay_fd, zero, n, off + done);
            if (w < 0) { r = w; break; }
            done += n;
        }
    }
    if (r < 0) return r;
    for (uint64_t b = first; b <= last; b++) set_bit(c->bitmap, b);
    c->dirty = 1;
    return (ssize_t)len;
}

ssize_t cow_write(struct cow *c, const void *buf, size_t len, uint64_t off) {
    return buf ? cow_write_impl(c, buf, len, off) : -EINVAL;
}

int cow_write_zeroes(struct cow *c, size_t len, uint64_t off) {
    ssize_t r = cow_write_impl(c, NULL, len, off);
    return r < 0 ? (int)r : 0;
}

int cow_flush(struct cow *c) {
    if (fdatasync(c->overlay_fd) < 0) return -errno;
    if (c->map_fd >= 0 && c->dirty) {
        ssize_t r = pwrite_full(c->map_fd, c->bitmap, map_bytes(c), 0);
        if (r < 0) return (int)r;
        if (fdatasync(c->map_fd) < 0) return -errno;
    }
    c->dirty = 0;
    return 0;
}

void cow_close(struct cow *c) {
    if (c->bitmap && c->overlay_fd >= 0) (void)cow_flush(c);
    if (c->overlay_fd >= 0) close(c->overlay_fd);
    if (c->map_fd >= 0) close(c->map_fd);
    free(c->bitmap);
    c->bitmap = NULL;
    c->overlay_fd = c->map_fd = -1;
}
