/* Integration tests: the real helper (the sanitizer build under `make check`) on a real socket, with real loop
 * devices and io_uring. Needs root; prints why and exits 0 without it unless SANDTABLE_CI=1. */
#include "proto.h"
#include "t.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/sandtable-it-XXXXXX";
static char sock[100], images[256], state[256], outside[256];
static int connect_raw(void);
static pid_t helper = -1;
static _Atomic uint32_t next_req = 1;

static void start_helper(void) {
    helper = fork();
    if (helper == 0) {
        execl(getenv("HELPER"), "sandtable-helper", "serve", "--socket", sock, "--image-dir", images, "--state-dir", state,
              (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) { /* until it accepts: a killed helper's socket file may still be there */
        int fd = connect_raw();
        if (fd >= 0) { close(fd); return; }
        usleep(10000);
    }
    fprintf(stderr, "helper did not start\n");
    exit(1);
}

static int connect_raw(void) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { close(fd); return -1; }
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static int send_frame(int fd, uint16_t op, const uint8_t *p, size_t n, int pass_fd, int pass_count) {
    uint8_t b[FRAME_HDR_LEN + FRAME_MAX_PAYLOAD];
    struct frame_hdr h = {PROTO_MAGIC, op, pass_fd >= 0 ? FRAME_FLAG_FD : 0, next_req++, (uint32_t)n};
    frame_hdr_encode(b, &h);
    memcpy(b + FRAME_HDR_LEN, p, n);
    struct iovec iov = {b, FRAME_HDR_LEN + n};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    char cbuf[CMSG_SPACE(2 * sizeof(int))];
    if (pass_fd >= 0) {
        int fds[2] = {pass_fd, pass_fd};
        m.msg_control = cbuf;
        m.msg_controllen = CMSG_SPACE((size_t)pass_count * sizeof(int));
        struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN((size_t)pass_count * sizeof(int));
        memcpy(CMSG_DATA(cm), fds, (size_t)pass_count * sizeof(int));
    }
    return sendmsg(fd, &m, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static int read_n(int fd, uint8_t *b, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

/* per thread: several_clients reads replies on eight threads at once */
static _Thread_local struct fields rf;
/* Receives one reply: its flags (FRAME_FLAG_ERROR...), fields in rf; -1 on EOF. */
static int recv_reply(int fd, struct frame_hdr *h) {
    static _Thread_local uint8_t b[FRAME_MAX_PAYLOAD];
    uint8_t hb[FRAME_HDR_LEN];
    if (read_n(fd, hb, sizeof hb) < 0) return -1;
    if (frame_hdr_decode(hb, h) < 0) return -2;
    if (read_n(fd, b, h->length) < 0) return -1;
    const char *why;
    if (fields_parse(b, h->length, &rf, &why) < 0) return -3;
    return 0;
}

static uint32_t err_of(int fd) {
    struct frame_hdr h;
    if (recv_reply(fd, &h) < 0) return 0xFFFF;
    if (!(h.flags & FRAME_FLAG_ERROR)) return 0;
    return (uint32_t)rf.num[T_ERR_CODE];
}

/* closed by the helper: end of file, or a reset when it closed with our bytes unread */
static int eof(int fd) { uint8_t b; ssize_t r = read(fd, &b, 1); return r == 0 || (r < 0 && errno == ECONNRESET); }

static int hello(void) {
    int fd = connect_raw();
    uint8_t p[64];
    struct wbuf w = {p, sizeof p, 0, 0};
    w_u16(&w, T_PROTO_MIN, 1);
    w_u16(&w, T_PROTO_MAX, 1);
    w_str(&w, T_CLIENT, "it_server");
    send_frame(fd, OP_HELLO, p, w.n, -1, 0);
    CHECK_EQ(err_of(fd), 0);
    CHECK_EQ(rf.num[T_PROTO], 1);
    return fd;
}

/* attach by path or fd; returns the error code, device id and path in *id / dev */
static uint32_t attach(int fd, const char *path, int pass, uint8_t backend, uint8_t mode, uint32_t *id, char *dev) {
    uint8_t p[4200];
    struct wbuf w = {p, sizeof p, 0, 0};
    if (path) w_str(&w, T_PATH, path);
    w_u8(&w, T_BACKEND, backend);
    w_u8(&w, T_MODE, mode);
    send_frame(fd, OP_ATTACH, p, w.n, pass, 1);
    uint32_t e = err_of(fd);
    if (e == 0) {
        *id = (uint32_t)rf.num[T_DEVICE_ID];
        snprintf(dev, 32, "%s", rf.str[T_DEV_PATH]);
    }
    return e;
}

static uint32_t detach(int fd, uint32_t id) {
    uint8_t p[16];
    struct wbuf w = {p, sizeof p, 0, 0};
    w_u32(&w, T_DEVICE_ID, id);
    send_frame(fd, OP_DETACH, p, w.n, -1, 0);
    return err_of(fd);
}

static void make_image(const char *path, size_t size, uint8_t fill) {
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    static uint8_t b[1 << 16];
    memset(b, fill, sizeof b);
    for (size_t done = 0; done < size; done += sizeof b) CHECK(write(fd, b, size - done < sizeof b ? size - done : sizeof b) > 0);
    close(fd);
}

static int count_fds(pid_t pid) {
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/fd", pid);
    DIR *d = opendir(p);
    int n = 0;
    while (d && readdir(d)) n++;
    if (d) closedir(d);
    return n;
}

static int loop_bound(const char *dev) {
    char p[128];
    snprintf(p, sizeof p, "/sys/block/%s/loop/backing_file", dev + 5);
    return access(p, F_OK) == 0;
}

static void bad_input(void) {
    usleep(300000); /* let earlier connections' threads finish */
    int before = count_fds(helper);
    /* garbage: answered, then the connection is closed */
    int fd = connect_raw();
    CHECK(write(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27) == 27);
    CHECK_EQ(err_of(fd), E_BAD_FRAME);
    CHECK(eof(fd));
    close(fd);
    /* oversized */
    fd = connect_raw();
    uint8_t hb[FRAME_HDR_LEN];
    struct frame_hdr h = {PROTO_MAGIC, OP_CAPS, 0, 1, FRAME_MAX_PAYLOAD + 1};
    frame_hdr_encode(hb, &h);
    CHECK(write(fd, hb, sizeof hb) == sizeof hb);
    CHECK_EQ(err_of(fd), E_BAD_FRAME);
    CHECK(eof(fd));
    close(fd);
    /* truncated: half a payload, then the peer goes away */
    fd = connect_raw();
    h.length = 100;
    frame_hdr_encode(hb, &h);
    CHECK(write(fd, hb, sizeof hb) == sizeof hb);
    CHECK(write(fd, "abcdefghij", 10) == 10);
    close(fd);
    /* before hello, an unknown opcode, a malformed payload: answered, and the connection goes on */
    fd = connect_raw();
    send_frame(fd, OP_CAPS, NULL, 0, -1, 0);
    CHECK_EQ(err_of(fd), E_NEED_HELLO);
    close(fd);
    fd = hello();
    send_frame(fd, 999, NULL, 0, -1, 0);
    CHECK_EQ(err_of(fd), E_UNKNOWN_OP);
    uint8_t badp[] = {T_BLOCK_SIZE, 0, 2, 0, 1, 2}; /* a u32 of two bytes */
    send_frame(fd, OP_BENCH, badp, sizeof badp, -1, 0);
    CHECK_EQ(err_of(fd), E_BAD_FRAME);
    uint8_t runs[] = {T_PATH, 0, 200, 0, 'a'}; /* runs past the end */
    send_frame(fd, OP_ATTACH, runs, sizeof runs, -1, 0);
    CHECK_EQ(err_of(fd), E_BAD_FRAME);
    /* a protocol version the helper does not speak */
    uint8_t p[64];
    struct wbuf w = {p, sizeof p, 0, 0};
    w_u16(&w, T_PROTO_MIN, 7);
    w_u16(&w, T_PROTO_MAX, 9);
    send_frame(fd, OP_HELLO, p, w.n, -1, 0);
    CHECK_EQ(err_of(fd), E_VERSION);
    /* paths: outside, escaping, a symlink, a symlinked directory, missing, a directory, too small */
    uint32_t id;
    char dev[32], path[512];
    CHECK_EQ(attach(fd, outside, -1, BACKEND_LOOP, 0, &id, dev), E_PATH_REFUSED);
    snprintf(path, sizeof path, "%s/../outside.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), E_PATH_REFUSED);
    snprintf(path, sizeof path, "%s/link.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), E_PATH_REFUSED);
    snprintf(path, sizeof path, "%s/linkdir/outside.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), E_PATH_REFUSED);
    snprintf(path, sizeof path, "%s/missing.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), E_NOT_FOUND);
    snprintf(path, sizeof path, "%s/sub", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), E_PATH_REFUSED);
    snprintf(path, sizeof path, "%s/small.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), E_TOO_SMALL);
    snprintf(path, sizeof path, "%s/odd.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), E_TOO_SMALL);
    snprintf(path, sizeof path, "%s/good.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, MODE_COW, &id, dev), E_UNSUPPORTED);
    if (access("/dev/ublk-control", F_OK) != 0) CHECK_EQ(attach(fd, path, -1, BACKEND_UBLK, 0, &id, dev), E_UNSUPPORTED);
    /* the FD flag without a descriptor, two descriptors, a descriptor without the flag */
    send_frame(fd, OP_ATTACH, NULL, 0, -1, 0);
    CHECK_EQ(err_of(fd), E_INVALID);
    int img = open(path, O_RDONLY);
    CHECK_EQ(attach(fd, NULL, img, BACKEND_LOOP, 0, &id, dev) == 0 ? 0 : 1, 0);
    CHECK_EQ(detach(fd, id), 0);
    uint8_t q[16];
    struct wbuf wq = {q, sizeof q, 0, 0};
    w_u8(&wq, T_BACKEND, BACKEND_LOOP);
    send_frame(fd, OP_ATTACH, q, wq.n, img, 2);
    CHECK_EQ(err_of(fd), E_INVALID);
    CHECK_EQ(detach(fd, 4242), E_NOT_FOUND);
    close(img);
    close(fd);
    usleep(200000);
    /* the helper keeps serving and holds no more descriptors than before */
    fd = hello();
    send_frame(fd, OP_CAPS, NULL, 0, -1, 0);
    CHECK_EQ(err_of(fd), 0);
    CHECK(rf.num[T_CAPS] & CAP_LOOP);
    close(fd);
    usleep(200000);
    CHECK(count_fds(helper) <= before);
}

static void denied_peer(void) {
    chmod(sock, 0666); /* pass the file-mode gate so that SO_PEERCRED is what refuses */
    pid_t child = fork();
    if (child == 0) {
        if (setgid(65534) < 0 || setuid(65534) < 0) _exit(3);
        int fd = connect_raw();
        if (fd < 0) _exit(4);
        uint32_t e = err_of(fd);
        _exit(e == E_DENIED && eof(fd) ? 0 : 5);
    }
    int st;
    waitpid(child, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    chmod(sock, 0600);
}

static void loop_cycle(void) {
    int fd = hello();
    char path[512], dev[32];
    uint32_t id;
    snprintf(path, sizeof path, "%s/good.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), 0);
    CHECK(strncmp(dev, "/dev/loop", 9) == 0);
    CHECK_EQ(rf.num[T_SIZE], 1 << 20);
    printf("it_server: loop attach-to-ready %llu us\n", (unsigned long long)rf.num[T_READY_US]);
    int d = open(dev, O_RDONLY);
    uint8_t b[4096];
    CHECK_EQ(pread(d, b, sizeof b, 8192), 4096);
    CHECK(b[0] == 0x42 && b[4095] == 0x42);
    close(d);
    d = open(dev, O_WRONLY);
    CHECK(d < 0 || pwrite(d, b, 512, 0) < 0); /* read-only */
    if (d >= 0) close(d);
    send_frame(fd, OP_LIST, NULL, 0, -1, 0);
    CHECK_EQ(err_of(fd), 0);
    CHECK(has(&rf, T_DEVICE));
    /* the benchmark on the attached device */
    uint8_t p[64];
    struct wbuf w = {p, sizeof p, 0, 0};
    w_u32(&w, T_DEVICE_ID, id);
    w_u32(&w, T_DURATION_MS, 200);
    w_u16(&w, T_DEPTH, 4);
    send_frame(fd, OP_BENCH, p, w.n, -1, 0);
    CHECK_EQ(err_of(fd), 0);
    CHECK(rf.num[T_OPS] > 0);
    CHECK(rf.num[T_LAT_P50] <= rf.num[T_LAT_P99]);
    CHECK_EQ(detach(fd, id), 0);
    CHECK(!loop_bound(dev));
    CHECK_EQ(detach(fd, id), E_NOT_FOUND);

    /* a device node that vanishes: reported in the list, refused by the benchmark, detach still works */
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), 0);
    struct stat st;
    CHECK_EQ(stat(dev, &st), 0);
    CHECK_EQ(unlink(dev), 0);
    send_frame(fd, OP_LIST, NULL, 0, -1, 0);
    CHECK_EQ(err_of(fd), 0);
    static struct fields inner;
    const char *why;
    CHECK_EQ(fields_parse(rf.nested[T_DEVICE], rf.nested_len[T_DEVICE], &inner, &why), 0);
    CHECK(strncmp(inner.str[T_STATE], "node-missing", 12) == 0);
    send_frame(fd, OP_BENCH, p, w.n, -1, 0); /* still the old id: p names it */
    w.n = 0;
    w_u32(&w, T_DEVICE_ID, id);
    w_u32(&w, T_DURATION_MS, 200);
    send_frame(fd, OP_BENCH, p, w.n, -1, 0);
    CHECK_EQ(err_of(fd), E_NOT_FOUND);
    CHECK_EQ(err_of(fd), E_GONE);
    CHECK_EQ(detach(fd, id), 0);
    CHECK_EQ(mknod(dev, S_IFBLK | 0660, st.st_rdev), 0);
    /* a path benchmark on an image file */
    w.n = 0;
    w_str(&w, T_PATH, path);
    w_u32(&w, T_DURATION_MS, 200);
    w_u8(&w, T_DIRECT, 0);
    send_frame(fd, OP_BENCH, p, w.n, -1, 0);
    CHECK_EQ(err_of(fd), 0);
    CHECK(rf.num[T_OPS] > 0);
    close(fd);
}

/* The ublk data path: only where the kernel has ublk. Read-only read-back, then copy-on-write: writes visible through
 * the device, the image untouched. */
static void ublk_cycle(void) {
    if (access("/dev/ublk-control", F_OK) != 0) {
        printf("it_server: ublk data path SKIPPED: /dev/ublk-control is missing (kernel without CONFIG_BLK_DEV_UBLK, or modprobe ublk_drv)\n");
        return;
    }
    int fd = hello();
    char path[512], dev[32];
    uint32_t id;
    snprintf(path, sizeof path, "%s/good.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_UBLK, MODE_READ_ONLY, &id, dev), 0);
    CHECK(strncmp(dev, "/dev/ublkb", 10) == 0);
    printf("it_server: ublk attach-to-ready %llu us\n", (unsigned long long)rf.num[T_READY_US]);
    int d = open(dev, O_RDONLY);
    uint8_t b[4096];
    CHECK_EQ(pread(d, b, sizeof b, 65536), 4096);
    CHECK(b[0] == 0x42 && b[4095] == 0x42);
    close(d);
    CHECK_EQ(detach(fd, id), 0);

    CHECK_EQ(attach(fd, path, -1, BACKEND_UBLK, MODE_COW, &id, dev), 0);
    d = open(dev, O_RDWR | O_DIRECT);
    uint8_t *w;
    CHECK_EQ(posix_memalign((void **)&w, 4096, 4096), 0);
    memset(w, 0x77, 4096);
    CHECK_EQ(pwrite(d, w, 4096, 8192), 4096);
    memset(w, 0, 4096);
    CHECK_EQ(pread(d, w, 4096, 8192), 4096);
    CHECK(w[0] == 0x77 && w[4095] == 0x77);
    CHECK_EQ(pread(d, w, 4096, 0), 4096);
    CHECK(w[0] == 0x42);
    close(d);
    free(w);
    CHECK_EQ(detach(fd, id), 0);
    int img = open(path, O_RDONLY);
    CHECK_EQ(pread(img, b, 1, 8192), 1);
    CHECK_EQ(b[0], 0x42); /* the image itself was never written */
    close(img);
    close(fd);
}

static volatile int racing = 1;
static void *swapper(void *arg) {
    const char *target = arg;
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", target);
    while (racing) { /* the name flips between a regular image and a symlink to a file outside */
        unlink(tmp);
        if (symlink(outside, tmp) == 0) rename(tmp, target);
        char real[600];
        snprintf(real, sizeof real, "%s/good.img", images);
        if (link(real, tmp) == 0) rename(tmp, target);
    }
    return NULL;
}

static void symlink_race(void) {
    char target[512];
    snprintf(target, sizeof target, "%s/race.img", images);
    pthread_t t;
    pthread_create(&t, NULL, swapper, target);
    int fd = hello(), ok = 0, refused = 0;
    for (int i = 0; i < 60; i++) {
        uint32_t id;
        char dev[32];
        uint32_t e = attach(fd, target, -1, BACKEND_LOOP, 0, &id, dev);
        if (e == 0) {
            int d = open(dev, O_RDONLY);
            uint8_t b;
            CHECK_EQ(pread(d, &b, 1, 0), 1);
            CHECK_EQ(b, 0x42); /* never the outside file (0x66) */
            close(d);
            CHECK_EQ(detach(fd, id), 0);
            ok++;
        } else {
            CHECK(e == E_PATH_REFUSED || e == E_NOT_FOUND);
            refused++;
        }
    }
    racing = 0;
    pthread_join(t, NULL);
    printf("it_server: symlink race: %d attached the real image, %d refused\n", ok, refused);
    close(fd);
}

static void *concurrent_client(void *arg) {
    (void)arg;
    int fd = hello();
    for (int i = 0; i < 20; i++) {
        send_frame(fd, i % 2 ? OP_CAPS : OP_LIST, NULL, 0, -1, 0);
        CHECK_EQ(err_of(fd), 0);
    }
    close(fd);
    return NULL;
}

static void several_clients(void) {
    int slow = hello();
    char path[512];
    snprintf(path, sizeof path, "%s/good.img", images);
    uint8_t p[4200];
    struct wbuf w = {p, sizeof p, 0, 0};
    w_str(&w, T_PATH, path);
    w_u32(&w, T_DURATION_MS, 1000);
    w_u8(&w, T_DIRECT, 0);
    send_frame(slow, OP_BENCH, p, w.n, -1, 0); /* a one-second benchmark runs while others are served */
    pthread_t t[8];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 8; i++) pthread_create(&t[i], NULL, concurrent_client, NULL);
    for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK_EQ(err_of(slow), 0);
    close(slow);
}

static void crash_safety(void) {
    int fd = hello();
    char path[512], dev[32];
    uint32_t id;
    snprintf(path, sizeof path, "%s/good.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), 0);
    CHECK(loop_bound(dev));
    kill(helper, SIGKILL);
    waitpid(helper, NULL, 0);
    close(fd);
    for (int i = 0; i < 100 && loop_bound(dev); i++) usleep(10000);
    CHECK(!loop_bound(dev)); /* autoclear: the kernel detached it when the helper's descriptor closed */
    /* records the killed helper could have left: a ublk device, a loop device bound to another file, garbage */
    char rec[300];
    snprintf(rec, sizeof rec, "%s/devices", state);
    FILE *f = fopen(rec, "a");
    fprintf(f, "ublk 4000\nloop 999 1 2\nnot a record\n");
    fclose(f);
    start_helper();
    CHECK(access(rec, F_OK) != 0); /* read and cleared before listening */          /* over the stale socket file, and it reads the state file */
    fd = hello();
    send_frame(fd, OP_LIST, NULL, 0, -1, 0);
    CHECK_EQ(err_of(fd), 0);
    CHECK(!has(&rf, T_DEVICE));
    close(fd);
}

static void sigterm(void) {
    int fd = hello();
    char path[512], dev[32];
    uint32_t id;
    snprintf(path, sizeof path, "%s/good.img", images);
    CHECK_EQ(attach(fd, path, -1, BACKEND_LOOP, 0, &id, dev), 0);
    kill(helper, SIGTERM);
    int st;
    waitpid(helper, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(eof(fd));
    CHECK(!loop_bound(dev));
    CHECK(access(sock, F_OK) != 0);
    close(fd);
}

int main(void) {
    if (geteuid() != 0 || access("/dev/loop-control", F_OK) != 0) {
        printf("it_server: SKIPPED: needs root and loop devices (/dev/loop-control)\n");
        return getenv("SANDTABLE_CI") && !strcmp(getenv("SANDTABLE_CI"), "1") ? 1 : 0;
    }
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir)) return 1;
    chmod(dir, 0755); /* the denied-peer test connects as nobody */
    snprintf(sock, sizeof sock, "%s/run/helper.sock", dir);
    snprintf(images, sizeof images, "%s/images", dir);
    snprintf(state, sizeof state, "%s/state", dir);
    snprintf(outside, sizeof outside, "%s/outside.img", dir);
    mkdir(images, 0755);
    char p[600];
    snprintf(p, sizeof p, "%s/sub", images); mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/good.img", images); make_image(p, 1 << 20, 0x42);
    snprintf(p, sizeof p, "%s/small.img", images); make_image(p, 1024, 1);
    snprintf(p, sizeof p, "%s/odd.img", images); make_image(p, 8193, 1);
    make_image(outside, 1 << 20, 0x66);
    snprintf(p, sizeof p, "%s/link.img", images); CHECK_EQ(symlink(outside, p), 0);
    snprintf(p, sizeof p, "%s/linkdir", images); CHECK_EQ(symlink(dir, p), 0);
    start_helper();
    bad_input();
    denied_peer();
    loop_cycle();
    ublk_cycle();
    symlink_race();
    several_clients();
    bad_input(); /* nothing leaked across all of the above */
    crash_safety();
    sigterm();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_EQ(system(cmd), 0);
    return t_done("it_server");
}
