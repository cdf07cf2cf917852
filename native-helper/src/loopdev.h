/* The loop-device fallback: LOOP_CONFIGURE (read-only, autoclear, optional direct IO). The helper holds the loop
 * device's descriptor for the device's lifetime; with autoclear the kernel detaches it when the last holder closes,
 * so a killed helper leaves nothing behind. */
#ifndef SANDTABLE_LOOPDEV_H
#define SANDTABLE_LOOPDEV_H

#include <stdint.h>
#include <sys/types.h>

struct loop_attached {
    int fd;          /* held open for the device's lifetime */
    int number;
    char path[32];
    int direct_io;   /* what the kernel accepted, read back */
    dev_t backing_dev;
    ino_t backing_ino;
};

int loop_available(void);
/* Attaches image_fd read-only. Returns 0 or -errno with *why set. */
int loop_attach(int image_fd, int direct_io, struct loop_attached *out, const char **why);
/* 1 when the device is still bound to the file we attached, 0 when someone detached it, -errno on error. */
int loop_still_bound(const struct loop_attached *l);
/* Detaches (LOOP_CLR_FD; with other openers the kernel detaches on their last close) and closes fd. */
int loop_detach(struct loop_attached *l);
/* Crash recovery: clears /dev/loop<number> when it is still bound to (dev, ino). */
int loop_clear_stale(int number, dev_t dev, ino_t ino);

#endif
