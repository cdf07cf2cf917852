#include "loopdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int loop_available(void) { return access("/dev/loop-control", R_OK | W_OK) == 0; }

int loop_attach(int image_fd, int direct_io, struct loop_attached *out, const char **why) {
    struct stat st;
    if (fstat(image_fd, &st) < 0) { *why = "cannot stat the image"; return -errno; }
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0) { *why = "cannot open /dev/loop-control"; return -errno; }
    int r = -EBUSY;
    for (int attempt = 0; attempt < 16; attempt++) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (n < 0) { r = -errno; *why = "LOOP_CTL_GET_FREE failed"; break; }
        char path[32];
        snprintf(path, sizeof path, "/dev/loop%d", n);
        int fd = -1;
        for (int i = 0; i < 100 && fd < 0; i++) { /* a new device's node may appear a moment later */
            fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 && errno != ENOENT) break;
            if (fd < 0) usleep(2000);
        }
        if (fd < 0) { r = -errno; *why = "cannot open the free loop device"; break; }
        /* the lock keeps other well-behaved tools (systemd, udev probing) off the device while it is set up */
        if (flock(fd, LOCK_EX) < 0) { r = -errno; close(fd); *why = "cannot lock the loop device"; break; }
        struct loop_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.fd = (uint32_t)image_fd;
        cfg.block_size = 512;
        cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | (direct_io ? LO_FLAGS_DIRECT_IO : 0);
        snprintf((char *)cfg.info.lo_file_name, sizeof cfg.info.lo_file_name, "sandtable-helper");
        if (ioctl(fd, LOOP_CONFIGURE, &cfg) < 0) {
            int e = errno;
            if (e == EINVAL && direct_io) { /* direct IO refused for this file (alignment, filesystem): go buffered */
                cfg.info.lo_flags &= ~(uint32_t)LO_FLAGS_DIRECT_IO;
                if (ioctl(fd, LOOP_CONFIGURE, &cfg) == 0) e = 0;
                else e = errno;
            }
            if (e == EBUSY) { close(fd); continue; } /* lost a race for this number */
            if (e) { r = -e; close(fd); *why = e == ENOTTY ? "the kernel lacks LOOP_CONFIGURE (Linux 5.8+)" : "LOOP_CONFIGURE failed"; break; }
        }
        struct loop_info64 info;
        if (ioctl(fd, LOOP_GET_STATUS64, &info) < 0) { r = -errno; close(fd); *why = "LOOP_GET_STATUS64 failed"; break; }
        flock(fd, LOCK_UN);
        out->fd = fd;
        out->number = n;
        memcpy(out->path, path, sizeof out->path);
        out->direct_io = (info.lo_flags & LO_FLAGS_DIRECT_IO) != 0;
        out->backing_dev = st.st_dev;
        out->backing_ino = st.st_ino;
        close(ctl);
        return 0;
    }
    close(ctl);
    if (r == -EBUSY) *why = "every free loop device was taken by someone else";
    return r;
}

int loop_still_bound(const struct loop_attached *l) {
    struct loop_info64 info;
    if (ioctl(l->fd, LOOP_GET_STATUS64, &info) < 0) return errno == ENXIO ? 0 : -errno;
    return info.lo_inode == l->backing_ino && info.lo_device == l->backing_dev;
}

int loop_detach(struct loop_attached *l) {
    int r = 0;
    if (ioctl(l->fd, LOOP_CLR_FD) < 0 && errno != ENXIO) r = -errno;
    close(l->fd);
    l->fd = -1;
    return r;
}

int loop_clear_stale(int number, dev_t dev, ino_t ino) {
    char path[32];
    snprintf(path, sizeof path, "/dev/loop%d", number);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct loop_info64 info;
    int r = 0;
    if (ioctl(fd, LOOP_GET_STATUS64, &info) == 0 && info.lo_inode == ino && info.lo_device == dev) {
        if (ioctl(fd, LOOP_CLR_FD) < 0) r = -errno;
        else r = 1;
    }
    close(fd);
    return r;
}
