#include "helper.h"
#include "bench.h"
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define IDLE_POLL_MS 500
#define MID_FRAME_TIMEOUT_MS 10000

static pthread_mutex_t g_dev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct device g_devices[MAX_DEVICES];
static uint32_t g_next_id = 1;
/* ublk ids added but not yet in the table: recorded too, so that a helper killed mid-attach leaves nothing */
static uint32_t g_pending_ublk[MAX_DEVICES];
static int g_n_pending;
static void state_write_locked(void);

static void ublk_added_locked(uint32_t dev_id, int added, void *arg) {
    (void)arg;
    if (added && g_n_pending < MAX_DEVICES) g_pending_ublk[g_n_pending++] = dev_id;
    if (!added)
        for (int i = 0; i < g_n_pending; i++)
            if (g_pending_ublk[i] == dev_id) { g_pending_ublk[i] = g_pending_ublk[--g_n_pending]; break; }
    state_write_locked();
}

static uint64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int peer_allowed(const struct peer *p) {
    if (p->uid == 0) return 1;
    for (int i = 0; i < g_cfg.n_allow_uid; i++) if (g_cfg.allow_uid[i] == p->uid) return 1;
    for (int i = 0; i < g_cfg.n_allow_gid; i++) {
        if (g_cfg.allow_gid[i] == p->gid) return 1;
        for (int k = 0; k < p->n_groups; k++) if (p->groups[k] == g_cfg.allow_gid[i]) return 1;
    }
    return 0;
}

/* ---- the state file: what to clean up if we are killed ---- */

static void state_write_locked(void) {
    if (!g_cfg.state_dir) return;
    char tmp[4096], final[4096];
    snprintf(tmp, sizeof tmp, "%s/devices.tmp", g_cfg.state_dir);
    snprintf(final, sizeof final, "%s/devices", g_cfg.state_dir);
    FILE *f = fopen(tmp, "we");
    if (!f) { fprintf(stderr, "sandtable-helper: cannot write %s: %s\n", tmp, strerror(errno)); return; }
    for (int i = 0; i < g_n_pending; i++) fprintf(f, "ublk %u\n", g_pending_ublk[i]);
    for (int i = 0; i < MAX_DEVICES; i++) {
        struct device *d = &g_devices[i];
        if (!d->used) continue;
        if (d->kind == DEV_UBLK) fprintf(f, "ublk %u\n", d->ublk->info.dev_id);
        else fprintf(f, "loop %d %llu %llu\n", d->loop.number, (unsigned long long)d->loop.backing_dev,
                     (unsigned long long)d->loop.backing_ino);
    }
    fflush(f);
    fdatasync(fileno(f));
    fclose(f);
    rename(tmp, final);
}

void devices_recover(void) {
    if (!g_cfg.state_dir) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/devices", g_cfg.state_dir);
    FILE *f = fopen(path, "re");
    if (!f) return;
    char line[128];
    while (fgets(line, sizeof line, f)) {
        unsigned id;
        int n;
        unsigned long long dev, ino;
        if (sscanf(line, "ublk %u", &id) == 1) {
            int r = ublk_delete_stale(id);
            fprintf(stderr, "sandtable-helper: recovery: ublk device %u left by a previous helper: %s\n", id,
                    r >= 0 ? "stopped and deleted" : strerror(-r));
        } else if (sscanf(line, "loop %d %llu %llu", &n, &dev, &ino) == 3) {
            int r = loop_clear_stale(n, (dev_t)dev, (ino_t)ino);
            if (r > 0) fprintf(stderr, "sandtable-helper: recovery: detached /dev/loop%d left by a previous helper\n", n);
        }
    }
    fclose(f);
    unlink(path);
}

/* ---- images ---- */

int open_image_path(const char *path, int flags, const char **why) {
    if (g_cfg.n_image_dirs == 0) {
        *why = "the helper has no image directories configured (--image-dir); pass the image as a descriptor instead";
        return -EACCES;
    }
    for (int i = 0; i < g_cfg.n_image_dirs; i++) {
        size_t n = strlen(g_cfg.image_dir[i]);
        if (strncmp(path, g_cfg.image_dir[i], n) != 0 || path[n] != '/') continue;
        const char *rel = path + n + 1;
        if (!*rel) break;
        struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY),
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
        long fd = syscall(SYS_openat2, g_cfg.image_dir_fd[i], rel, &how, sizeof how);
        if (fd >= 0) return (int)fd;
        int e = errno;
        *why = e == ELOOP ? "the path contains a symbolic link, which the helper never follows"
             : e == EXDEV ? "the path leaves the image directory"
             : e == ENOENT ? "no such image"
             : "cannot open the image";
        return -e;
    }
    *why = "the path is outside the helper's image directories";
    return -EACCES;
}

/* ---- frames ---- */

struct conn {
    int fd;
    struct peer peer;
    int hello_done;
    int passed_fd; /* from SCM_RIGHTS, or -1 */
    struct fields f;
    uint8_t in[FRAME_MAX_PAYLOAD];
    uint8_t out[FRAME_HDR_LEN + FRAME_MAX_PAYLOAD];
};

static int send_all(int fd, const uint8_t *b, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0) { if (errno == EINTR) continue; return -errno; }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_reply(struct conn *c, uint16_t op, uint32_t req, uint16_t flags, struct wbuf *w) {
    if (w->overflow) return -EMSGSIZE;
    struct frame_hdr h = {PROTO_MAGIC, op, flags, req, (uint32_t)w->n};
    frame_hdr_encode(c->out, &h);
    return send_all(c->fd, c->out, FRAME_HDR_LEN + w->n);
}

#define WBUF(c) {(c)->out + FRAME_HDR_LEN, FRAME_MAX_PAYLOAD, 0, 0}

__attribute__((format(printf, 6, 7)))
static int send_error(struct conn *c, uint16_t op, uint32_t req, enum err_code code, int err, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct wbuf w = WBUF(c);
    w_u32(&w, T_ERR_CODE, code);
    w_str(&w, T_ERR_MSG, msg);
    if (err) w_u32(&w, T_ERRNO, (uint32_t)err);
    return send_reply(c, op, req, FRAME_FLAG_ERROR, &w);
}

/* Reads exactly n bytes. Waits without limit for the first byte of a frame (first=1), and at most
 * MID_FRAME_TIMEOUT_MS for the rest. Collects at most one passed descriptor. 0, or -1 on EOF/error/timeout/stop. */
static int read_exact(struct conn *c, uint8_t *b, size_t n, int first, const char **why) {
    size_t got = 0;
    int waited = 0;
    while (got < n) {
        struct pollfd pfd = {c->fd, POLLIN, 0};
        int pr = poll(&pfd, 1, IDLE_POLL_MS);
        if (g_stop) { *why = "shutting down"; return -1; }
        if (pr < 0 && errno == EINTR) continue;
        if (pr == 0) {
            if (first && got == 0) continue;
            waited += IDLE_POLL_MS;
            if (waited >= MID_FRAME_TIMEOUT_MS) { *why = "a frame was not completed within 10 s"; return -1; }
            continue;
        }
        char cbuf[CMSG_SPACE(4 * sizeof(int))];
        struct iovec iov = {b + got, n - got};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        ssize_t r = recvmsg(c->fd, &m, MSG_CMSG_CLOEXEC);
        if (r < 0) { if (errno == EINTR || errno == EAGAIN) continue; *why = "receive failed"; return -1; }
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
            if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
            size_t nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            int bad = 0;
            for (size_t k = 0; k < nfd; k++) {
                int got_fd;
                memcpy(&got_fd, CMSG_DATA(cm) + k * sizeof(int), sizeof got_fd);
                if (nfd == 1 && c->passed_fd == -1) c->passed_fd = got_fd;
                else { close(got_fd); bad = 1; }
            }
            if (bad) { /* more than one descriptor on a frame: the frame is refused */
                if (c->passed_fd >= 0) close(c->passed_fd);
                c->passed_fd = -2;
            }
        }
        if (m.msg_flags & MSG_CTRUNC) { if (c->passed_fd >= 0) close(c->passed_fd); c->passed_fd = -2; }
        if (r == 0) { *why = got || !first ? "the peer closed the connection in the middle of a frame" : NULL; return -1; }
        got += (size_t)r;
        waited = 0;
    }
    return 0;
}

/* ---- operations ---- */

static void op_hello(struct conn *c, uint32_t req) {
    uint64_t lo = has(&c->f, T_PROTO_MIN) ? c->f.num[T_PROTO_MIN] : 1;
    uint64_t hi = has(&c->f, T_PROTO_MAX) ? c->f.num[T_PROTO_MAX] : lo;
    if (lo > hi || hi < PROTO_MIN_VERSION || lo > PROTO_VERSION) {
        send_error(c, OP_HELLO, req, E_VERSION, 0, "no common protocol version: the client speaks %llu-%llu, this helper %d-%d",
                   (unsigned long long)lo, (unsigned long long)hi, PROTO_MIN_VERSION, PROTO_VERSION);
        return;
    }
    c->hello_done = 1;
    struct wbuf w = WBUF(c);
    w_u16(&w, T_PROTO, (uint16_t)(hi < PROTO_VERSION ? hi : PROTO_VERSION));
    w_str(&w, T_SERVER, "sandtable-helper " HELPER_VERSION);
    w_u32(&w, T_OWNER_UID, (uint32_t)c->peer.uid);
    send_reply(c, OP_HELLO, req, 0, &w);
}

uint32_t helper_caps(uint64_t *features);
uint32_t helper_caps(uint64_t *features) {
    uint32_t caps = 0;
    struct io_uring ring;
    if (io_uring_queue_init(2, &ring, 0) == 0) {
        caps |= CAP_IO_URING;
        struct io_uring_probe *p = io_uring_get_probe_ring(&ring);
        if (p && io_uring_opcode_supported(p, IORING_OP_URING_CMD)) caps |= CAP_URING_CMD;
        if (p) io_uring_free_probe(p);
        io_uring_queue_exit(&ring);
    }
    if (ublk_available()) caps |= CAP_UBLK;
    if (loop_available()) caps |= CAP_LOOP;
    if (geteuid() == 0) caps |= CAP_ROOT;
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
    long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
    if (fd >= 0) { caps |= CAP_OPENAT2; close((int)fd); }
    *features = (caps & CAP_UBLK) ? ublk_features() : 0;
    return caps;
}

static void op_caps(struct conn *c, uint32_t req) {
    struct utsname u;
    uname(&u);
    uint64_t features;
    uint32_t caps = helper_caps(&features);
    struct wbuf w = WBUF(c);
    w_u32(&w, T_CAPS, caps);
    w_str(&w, T_KERNEL, u.release);
    w_u16(&w, T_PROTO, PROTO_VERSION);
    w_str(&w, T_SERVER, "sandtable-helper " HELPER_VERSION);
    if (features) w_u64(&w, T_UBLK_FEATURES, features);
    char dirs[FIELD_MAX_STRING + 1] = "";
    for (int i = 0; i < g_cfg.n_image_dirs; i++) {
        size_t used = strlen(dirs);
        snprintf(dirs + used, sizeof dirs - used, "%s%s", i ? ":" : "", g_cfg.image_dir[i]);
    }
    w_str(&w, T_PATH, dirs);
    send_reply(c, OP_CAPS, req, 0, &w);
}

/* The image named by the request: a passed descriptor or a path. Returns an fd or -1 after replying. */
static int request_image(struct conn *c, uint16_t op, uint32_t req, int flags, struct stat *st) {
    int fd;
    const char *why = NULL;
    if (c->passed_fd >= 0) {
        fd = c->passed_fd;
        c->passed_fd = -1;
        int fl = fcntl(fd, F_GETFL);
        int want = flags & O_ACCMODE;
        if (fl < 0 || (want == O_RDONLY && (fl & O_ACCMODE) == O_WRONLY) || (want != O_RDONLY && (fl & O_ACCMODE) != O_RDWR)) {
            close(fd);
            send_error(c, op, req, E_INVALID, 0, "the passed descriptor is not open for %s", want == O_RDONLY ? "reading" : "reading and writing");
            return -1;
        }
        if (flags & O_DIRECT) fcntl(fd, F_SETFL, fl | O_DIRECT);
    } else if (has(&c->f, T_PATH)) {
        fd = open_image_path(c->f.str[T_PATH], flags, &why);
        if (fd < 0) {
            send_error(c, op, req, fd == -ENOENT ? E_NOT_FOUND : E_PATH_REFUSED, -fd, "%s: %s", c->f.str[T_PATH], why);
            return -1;
        }
    } else {
        send_error(c, op, req, E_INVALID, 0, "give the image as a path (field PATH) or a passed descriptor");
        return -1;
    }
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        send_error(c, op, req, E_PATH_REFUSED, 0, "the image is not a regular file");
        return -1;
    }
    /* a path chosen by a non-root peer must name that peer's own file, and no hard link to someone else's */
    if (c->peer.uid != 0 && has(&c->f, T_PATH) && (st->st_uid != c->peer.uid || st->st_nlink != 1)) {
        close(fd);
        send_error(c, op, req, E_PATH_REFUSED, 0, "%s: the image must be owned by you (uid %u) and have one link",
                   c->f.str[T_PATH], (unsigned)c->peer.uid);
        return -1;
    }
    return fd;
}

static struct device *find_device_locked(uint32_t id) {
    for (int i = 0; i < MAX_DEVICES; i++) if (g_devices[i].used && g_devices[i].id == id) return &g_devices[i];
    return NULL;
}

static void write_device(struct wbuf *w, const struct device *d, const char *state) {
    w_u32(w, T_DEVICE_ID, d->id);
    w_str(w, T_DEV_PATH, d->dev_path);
    w_u8(w, T_BACKEND, d->kind == DEV_UBLK ? BACKEND_UBLK : BACKEND_LOOP);
    w_u8(w, T_MODE, (uint8_t)d->mode);
    w_u8(w, T_DIRECT, (uint8_t)d->direct);
    w_u64(w, T_SIZE, d->size);
    w_u32(w, T_OWNER_UID, (uint32_t)d->owner);
    w_str(w, T_IMAGE, d->image);
    w_u64(w, T_READY_US, d->ready_us);
    w_str(w, T_STATE, state);
}

/* Waits until the block device answers with the expected size: the moment it is usable. */
static int wait_ready(const char *path, uint64_t size, dev_t *rdev) {
    for (int i = 0; i < 400; i++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            uint64_t got = 0;
            struct stat st;
            int ok = ioctl(fd, BLKGETSIZE64, &got) == 0 && got == size && fstat(fd, &st) == 0;
            if (ok) *rdev = st.st_rdev;
            close(fd);
            if (ok) return 0;
        } else if (errno != ENOENT && errno != ENXIO) {
            return -errno;
        }
        usleep(5000);
    }
    return -ETIMEDOUT;
}

static void op_attach(struct conn *c, uint32_t req) {
    uint64_t backend = has(&c->f, T_BACKEND) ? c->f.num[T_BACKEND] : BACKEND_AUTO;
    uint64_t mode = has(&c->f, T_MODE) ? c->f.num[T_MODE] : MODE_READ_ONLY;
    uint64_t direct = has(&c->f, T_DIRECT) ? c->f.num[T_DIRECT] : 1;
    uint64_t queues = has(&c->f, T_QUEUES) ? c->f.num[T_QUEUES] : 1;
    uint64_t depth = has(&c->f, T_DEPTH) ? c->f.num[T_DEPTH] : 64;
    if (backend > BACKEND_UBLK || mode > MODE_COW || direct > 1) {
        send_error(c, OP_ATTACH, req, E_INVALID, 0, "BACKEND must be 0-2, MODE 0-1 and DIRECT 0-1");
        return;
    }
    if (queues < 1 || queues > UBLK_MAX_QUEUES || depth < 1 || depth > UBLK_MAX_DEPTH) {
        send_error(c, OP_ATTACH, req, E_INVALID, 0, "queue count must be 1-%d and queue depth 1-%d", UBLK_MAX_QUEUES, UBLK_MAX_DEPTH);
        return;
    }
    int have_ublk = ublk_available();
    if (backend == BACKEND_AUTO) backend = have_ublk ? BACKEND_UBLK : BACKEND_LOOP;
    if (backend == BACKEND_UBLK && !have_ublk) {
        send_error(c, OP_ATTACH, req, E_UNSUPPORTED, 0,
                   "this kernel has no ublk (/dev/ublk-control is missing: CONFIG_BLK_DEV_UBLK, modprobe ublk_drv); attach with the loop backend");
        return;
    }
    if (backend == BACKEND_LOOP && mode == MODE_COW) {
        send_error(c, OP_ATTACH, req, E_UNSUPPORTED, 0,
                   "copy-on-write needs the ublk backend, which this kernel lacks; attach read-only with the loop backend");
        return;
    }
    if (backend == BACKEND_LOOP && !loop_available()) {
        send_error(c, OP_ATTACH, req, E_UNSUPPORTED, 0, "no loop device support (/dev/loop-control is missing)");
        return;
    }
    uint64_t t0 = now_us();
    struct stat st;
    int img = request_image(c, OP_ATTACH, req, O_RDONLY, &st);
    if (img < 0) return;
    uint64_t size = (uint64_t)st.st_size;
    if (size < MIN_IMAGE_BYTES || size % 512) {
        close(img);
        send_error(c, OP_ATTACH, req, E_TOO_SMALL, 0, "the image is %llu bytes; it must be at least %u bytes and a multiple of 512",
                   (unsigned long long)size, MIN_IMAGE_BYTES);
        return;
    }
    pthread_mutex_lock(&g_dev_lock);
    int slot = -1, mine = 0;
    for (int i = 0; i < MAX_DEVICES; i++) {
        if (!g_devices[i].used) { if (slot < 0) slot = i; }
        else if (g_devices[i].owner == c->peer.uid) mine++;
    }
    if (slot < 0 || (mine >= MAX_DEVICES_PER_UID && c->peer.uid != 0)) {
        pthread_mutex_unlock(&g_dev_lock);
        close(img);
        send_error(c, OP_ATTACH, req, E_LIMIT, 0, "too many attached devices (at most %d, %d per user); detach one first",
                   MAX_DEVICES, MAX_DEVICES_PER_UID);
        return;
    }
    struct device *d = &g_devices[slot];
    memset(d, 0, sizeof *d);
    d->owner = c->peer.uid;
    d->size = size;
    d->mode = (int)mode;
    d->image_fd = -1;
    d->loop.fd = -1;
    if (has(&c->f, T_PATH)) snprintf(d->image, sizeof d->image, "%s", c->f.str[T_PATH]);
    else if (has(&c->f, T_IMAGE)) snprintf(d->image, sizeof d->image, "%.200s (passed descriptor)", c->f.str[T_IMAGE]);
    else snprintf(d->image, sizeof d->image, "(passed descriptor)");
    const char *why = "";
    int r;
    if (backend == BACKEND_LOOP) {
        d->kind = DEV_LOOP;
        r = loop_attach(img, (int)direct, &d->loop, &why);
        close(img); /* the loop device holds its own reference to the file */
        if (r == 0) { memcpy(d->dev_path, d->loop.path, sizeof d->dev_path); d->direct = d->loop.direct_io; }
    } else {
        d->kind = DEV_UBLK;
        d->image_fd = img;
        struct ublk_target t = {.base_fd = img, .size = size};
        if (mode == MODE_COW) {
            char dir[4096];
            snprintf(dir, sizeof dir, "%s", g_cfg.state_dir ? g_cfg.state_dir : "/tmp");
            int ov = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
            d->cow = calloc(1, sizeof *d->cow);
            if (ov < 0 || !d->cow) { r = ov < 0 ? -errno : -ENOMEM; why = "cannot create the overlay file"; if (ov >= 0) close(ov); }
            else if ((r = cow_open(d->cow, img, size, ov, -1)) < 0) why = "cannot set up the overlay";
            else t.cow = d->cow;
        } else {
            r = 0;
        }
        if (r == 0) r = ublk_start(&d->ublk, &t, (uint16_t)queues, (uint16_t)depth, ublk_added_locked, NULL, &why);
        if (r == 0) snprintf(d->dev_path, sizeof d->dev_path, "/dev/ublkb%u", d->ublk->info.dev_id);
        if (r < 0) {
            if (d->cow) { cow_close(d->cow); free(d->cow); d->cow = NULL; }
            close(img);
        }
    }
    if (r == 0) {
        r = wait_ready(d->dev_path, size, &d->rdev);
        if (r < 0) {
            why = "the device did not become ready";
            if (d->kind == DEV_LOOP) loop_detach(&d->loop);
            else {
                uint32_t dev_id = d->ublk->info.dev_id;
                ublk_stop(d->ublk);
                ublk_added_locked(dev_id, 0, NULL);
                if (d->cow) { cow_close(d->cow); free(d->cow); }
                close(d->image_fd);
            }
        }
    }
    if (r < 0) {
        d->used = 0;
        pthread_mutex_unlock(&g_dev_lock);
        send_error(c, OP_ATTACH, req, E_IO, -r, "attach failed: %s (%s)", why, strerror(-r));
        return;
    }
    d->ready_us = now_us() - t0;
    d->id = g_next_id++;
    d->used = 1;
    if (d->kind == DEV_UBLK) /* now recorded as a table entry instead */
        for (int i = 0; i < g_n_pending; i++)
            if (g_pending_ublk[i] == d->ublk->info.dev_id) { g_pending_ublk[i] = g_pending_ublk[--g_n_pending]; break; }
    state_write_locked();
    struct wbuf w = WBUF(c);
    write_device(&w, d, "attached");
    fprintf(stderr, "sandtable-helper: uid %u attached %s as %s in %llu us\n", (unsigned)d->owner, d->image, d->dev_path,
            (unsigned long long)d->ready_us);
    pthread_mutex_unlock(&g_dev_lock);
    send_reply(c, OP_ATTACH, req, 0, &w);
}

/* "attached", or why the device is no longer what we attached. */
static const char *device_state(const struct device *d) {
    if (d->kind == DEV_LOOP) {
        int b = loop_still_bound(&d->loop);
        if (b == 0) return "gone: detached by someone else";
    }
    struct stat st;
    if (stat(d->dev_path, &st) < 0) return "node-missing: the device node vanished";
    if (!S_ISBLK(st.st_mode) || st.st_rdev != d->rdev) return "node-replaced: the device node is not ours";
    return "attached";
}

static void device_release_locked(struct device *d) {
    if (d->kind == DEV_LOOP) loop_detach(&d->loop);
    else {
        ublk_stop(d->ublk);
        if (d->cow) { cow_close(d->cow); free(d->cow); }
        close(d->image_fd);
    }
    d->used = 0;
}

static void op_detach(struct conn *c, uint32_t req) {
    if (!has(&c->f, T_DEVICE_ID)) { send_error(c, OP_DETACH, req, E_INVALID, 0, "DEVICE_ID is required"); return; }
    pthread_mutex_lock(&g_dev_lock);
    struct device *d = find_device_locked((uint32_t)c->f.num[T_DEVICE_ID]);
    if (!d) {
        pthread_mutex_unlock(&g_dev_lock);
        send_error(c, OP_DETACH, req, E_NOT_FOUND, 0, "no attached device with id %llu", (unsigned long long)c->f.num[T_DEVICE_ID]);
        return;
    }
    if (d->owner != c->peer.uid && c->peer.uid != 0) {
        pthread_mutex_unlock(&g_dev_lock);
        send_error(c, OP_DETACH, req, E_DENIED, 0, "device %u belongs to uid %u", d->id, (unsigned)d->owner);
        return;
    }
    const char *state = device_state(d);
    struct wbuf w = WBUF(c);
    write_device(&w, d, strcmp(state, "attached") == 0 ? "detached" : state);
    device_release_locked(d);
    state_write_locked();
    pthread_mutex_unlock(&g_dev_lock);
    send_reply(c, OP_DETACH, req, 0, &w);
}

static void op_list(struct conn *c, uint32_t req) {
    struct wbuf w = WBUF(c);
    pthread_mutex_lock(&g_dev_lock);
    for (int i = 0; i < MAX_DEVICES; i++) {
        if (!g_devices[i].used) continue;
        size_t mark = w_nested_begin(&w, T_DEVICE);
        write_device(&w, &g_devices[i], device_state(&g_devices[i]));
        w_nested_end(&w, mark);
    }
    pthread_mutex_unlock(&g_dev_lock);
    send_reply(c, OP_LIST, req, 0, &w);
}

static void op_bench(struct conn *c, uint32_t req) {
    struct bench_params p = {
        .write = has(&c->f, T_RW) ? (int)c->f.num[T_RW] : 0,
        .random = has(&c->f, T_PATTERN) ? (int)c->f.num[T_PATTERN] : 1,
        .direct = has(&c->f, T_DIRECT) ? (int)c->f.num[T_DIRECT] : 1,
        .block_size = has(&c->f, T_BLOCK_SIZE) ? (uint32_t)c->f.num[T_BLOCK_SIZE] : 4096,
        .queue_depth = has(&c->f, T_DEPTH) ? (uint32_t)c->f.num[T_DEPTH] : 32,
        .duration_ms = has(&c->f, T_DURATION_MS) ? (uint32_t)c->f.num[T_DURATION_MS] : 5000,
        .span = has(&c->f, T_SIZE) ? c->f.num[T_SIZE] : 0,
    };
    const char *why = bench_check(&p);
    if (!why && (p.write > 1 || p.random > 1 || p.direct > 1)) why = "RW, PATTERN and DIRECT are 0 or 1";
    if (why) { send_error(c, OP_BENCH, req, E_INVALID, 0, "%s", why); return; }
    int flags = (p.write ? O_RDWR : O_RDONLY) | (p.direct ? O_DIRECT : 0);
    int fd;
    if (has(&c->f, T_DEVICE_ID)) {
        char path[32];
        dev_t rdev;
        pthread_mutex_lock(&g_dev_lock);
        struct device *d = find_device_locked((uint32_t)c->f.num[T_DEVICE_ID]);
        int denied = d && d->owner != c->peer.uid && c->peer.uid != 0;
        if (d) { memcpy(path, d->dev_path, sizeof path); rdev = d->rdev; }
        pthread_mutex_unlock(&g_dev_lock);
        if (!d) { send_error(c, OP_BENCH, req, E_NOT_FOUND, 0, "no attached device with id %llu", (unsigned long long)c->f.num[T_DEVICE_ID]); return; }
        if (denied) { send_error(c, OP_BENCH, req, E_DENIED, 0, "the device belongs to another user"); return; }
        fd = open(path, flags | O_CLOEXEC);
        struct stat st;
        if (fd < 0 && (errno == ENOENT || errno == ENXIO)) {
            send_error(c, OP_BENCH, req, E_GONE, errno, "the device node %s vanished", path);
            return;
        }
        if (fd < 0) { send_error(c, OP_BENCH, req, E_IO, errno, "cannot open %s: %s", path, strerror(errno)); return; }
        if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != rdev) {
            close(fd);
            send_error(c, OP_BENCH, req, E_GONE, 0, "%s is no longer the device the helper attached", path);
            return;
        }
    } else {
        struct stat st;
        fd = request_image(c, OP_BENCH, req, flags, &st);
        if (fd < 0) return;
    }
    struct bench_result res = {0};
    int r = bench_run(fd, &p, &g_stop, &res, &why);
    close(fd);
    if (r < 0) { send_error(c, OP_BENCH, req, r == -EINVAL ? E_INVALID : E_IO, -r, "benchmark failed: %s (%s)", why, strerror(-r)); return; }
    struct wbuf w = WBUF(c);
    w_u64(&w, T_OPS, res.ops);
    w_u64(&w, T_BYTES, res.bytes);
    w_u64(&w, T_ELAPSED_NS, res.elapsed_ns);
    w_u64(&w, T_LAT_MIN, res.lat_min);
    w_u64(&w, T_LAT_P50, res.lat_p50);
    w_u64(&w, T_LAT_P90, res.lat_p90);
    w_u64(&w, T_LAT_P99, res.lat_p99);
    w_u64(&w, T_LAT_P999, res.lat_p999);
    w_u64(&w, T_LAT_MAX, res.lat_max);
    w_u64(&w, T_LAT_MEAN, res.lat_mean);
    w_u32(&w, T_BLOCK_SIZE, p.block_size);
    w_u16(&w, T_DEPTH, (uint16_t)p.queue_depth);
    send_reply(c, OP_BENCH, req, 0, &w);
}

void devices_detach_all(void) {
    pthread_mutex_lock(&g_dev_lock);
    for (int i = 0; i < MAX_DEVICES; i++) if (g_devices[i].used) device_release_locked(&g_devices[i]);
    state_write_locked();
    pthread_mutex_unlock(&g_dev_lock);
}

static int read_peer(int fd, struct peer *p) {
    struct ucred cr;
    socklen_t len = sizeof cr;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) return -errno;
    p->uid = cr.uid;
    p->gid = cr.gid;
    p->pid = cr.pid;
    len = sizeof p->groups;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups, &len) == 0) p->n_groups = (int)(len / sizeof(gid_t));
    else p->n_groups = 0; /* ERANGE: more than 64 groups; the primary group still counts */
    return 0;
}

void serve_connection(int fd) {
    struct conn *c = calloc(1, sizeof *c);
    if (!c) { close(fd); return; }
    c->fd = fd;
    c->passed_fd = -1;
    if (read_peer(fd, &c->peer) < 0) goto out;
    if (!peer_allowed(&c->peer)) {
        fprintf(stderr, "sandtable-helper: refused uid %u (pid %d): not on the allow list\n", (unsigned)c->peer.uid, (int)c->peer.pid);
        send_error(c, 0, 0, E_DENIED, 0, "uid %u may not use the sandtable helper (allowed: root, the configured users and group)",
                   (unsigned)c->peer.uid);
        goto out;
    }
    for (;;) {
        uint8_t hb[FRAME_HDR_LEN];
        const char *why = NULL;
        if (read_exact(c, hb, sizeof hb, 1, &why) < 0) {
            if (why && !g_stop) send_error(c, 0, 0, E_BAD_FRAME, 0, "%s", why);
            break;
        }
        struct frame_hdr h;
        if (frame_hdr_decode(hb, &h) < 0) {
            send_error(c, 0, h.request_id, E_BAD_FRAME, 0,
                       h.magic != PROTO_MAGIC ? "not a sandtable-helper frame (bad magic); closing" :
                       h.length > FRAME_MAX_PAYLOAD ? "frame payload of %u bytes exceeds the 65536-byte limit; closing" :
                       "unknown frame flags; closing", h.length);
            break;
        }
        if (h.length && read_exact(c, c->in, h.length, 0, &why) < 0) {
            if (why && !g_stop) send_error(c, h.opcode, h.request_id, E_BAD_FRAME, 0, "%s", why);
            break;
        }
        if (c->passed_fd == -2 || (c->passed_fd >= 0) != !!(h.flags & FRAME_FLAG_FD)) {
            if (c->passed_fd >= 0) close(c->passed_fd);
            c->passed_fd = -1;
            send_error(c, h.opcode, h.request_id, E_INVALID, 0, "a frame must carry exactly one descriptor when, and only when, it sets the FD flag");
            continue;
        }
        if (h.flags & FRAME_FLAG_ERROR) {
            send_error(c, h.opcode, h.request_id, E_BAD_FRAME, 0, "requests must not set the ERROR flag");
            break;
        }
        if (fields_parse(c->in, h.length, &c->f, &why) < 0) {
            if (c->passed_fd >= 0) { close(c->passed_fd); c->passed_fd = -1; }
            send_error(c, h.opcode, h.request_id, E_BAD_FRAME, 0, "malformed payload: %s", why);
            continue; /* the framing is intact, so the connection can go on */
        }
        if (h.opcode != OP_HELLO && !c->hello_done) {
            send_error(c, h.opcode, h.request_id, E_NEED_HELLO, 0, "send HELLO first");
        } else switch (h.opcode) {
        case OP_HELLO: op_hello(c, h.request_id); break;
        case OP_CAPS: op_caps(c, h.request_id); break;
        case OP_ATTACH: op_attach(c, h.request_id); break;
        case OP_DETACH: op_detach(c, h.request_id); break;
        case OP_LIST: op_list(c, h.request_id); break;
        case OP_BENCH: op_bench(c, h.request_id); break;
        default: send_error(c, h.opcode, h.request_id, E_UNKNOWN_OP, 0, "unknown opcode %u", h.opcode); break;
        }
        if (c->passed_fd >= 0) { close(c->passed_fd); c->passed_fd = -1; } /* an operation that takes no descriptor */
    }
out:
    if (c->passed_fd >= 0) close(c->passed_fd);
    close(fd);
    free(c);
}
