#include "bench.h"
#include "helper.h"
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct config g_cfg = {.listen_fd = -1};
volatile sig_atomic_t g_stop;

static pthread_mutex_t g_clients_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_clients_cond = PTHREAD_COND_INITIALIZER;
static int g_client_fds[MAX_CLIENTS];
static int g_nclients;

uint32_t helper_caps(uint64_t *ublk_features);

static void usage(FILE *f) {
    fprintf(f,
            "usage: sandtable-helper [serve] [--socket PATH] [--state-dir DIR] [--image-dir DIR]... [--allow-uid UID]...\n"
            "                        [--allow-group NAME|GID]...\n"
            "       sandtable-helper caps\n"
            "       sandtable-helper bench FILE [--rw read|write] [--pattern rand|seq] [--bs BYTES] [--qd N] [--ms N]\n"
            "                        [--buffered] [--size BYTES]\n"
            "Serves Sandtable's privileged block-device work (docs/native-helper-protocol.md) on a Unix socket.\n"
            "Defaults: socket $XDG_RUNTIME_DIR/sandtable/helper.sock (/run/sandtable/helper.sock as root without it);\n"
            "allowed peers: root, $SUDO_UID or the starting uid, and the group 'sandtable' when it exists.\n");
}

static void *client_main(void *arg) {
    int fd = (int)(intptr_t)arg;
    serve_connection(fd);
    pthread_mutex_lock(&g_clients_lock);
    for (int i = 0; i < g_nclients; i++)
        if (g_client_fds[i] == fd) { g_client_fds[i] = g_client_fds[--g_nclients]; break; }
    pthread_cond_broadcast(&g_clients_cond);
    pthread_mutex_unlock(&g_clients_lock);
    return NULL;
}

static int add_image_dir(const char *dir) {
    if (g_cfg.n_image_dirs >= MAX_IMAGE_DIRS) { fprintf(stderr, "sandtable-helper: at most %d image directories\n", MAX_IMAGE_DIRS); return -1; }
    char *real = realpath(dir, NULL);
    if (!real) { fprintf(stderr, "sandtable-helper: image directory %s: %s\n", dir, strerror(errno)); return -1; }
    int fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) { fprintf(stderr, "sandtable-helper: image directory %s: %s\n", real, strerror(errno)); free(real); return -1; }
    g_cfg.image_dir[g_cfg.n_image_dirs] = real;
    g_cfg.image_dir_fd[g_cfg.n_image_dirs++] = fd;
    return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max) return -1;
    *out = v;
    return 0;
}

static int mkdir_parent(const char *path) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = 0;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) return -errno;
    return 0;
}

static int listen_socket(void) {
    const char *lp = getenv("LISTEN_PID"), *lf = getenv("LISTEN_FDS");
    if (lp && lf && strtol(lp, NULL, 10) == getpid() && strtol(lf, NULL, 10) >= 1) { /* systemd socket activation */
        g_cfg.socket_activated = 1;
        fcntl(3, F_SETFD, FD_CLOEXEC);
        return 3;
    }
    const char *path = g_cfg.socket_path;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) { fprintf(stderr, "sandtable-helper: socket path too long: %s\n", path); return -1; }
    strcpy(a.sun_path, path);
    int r = mkdir_parent(path);
    if (r < 0) { fprintf(stderr, "sandtable-helper: cannot create the socket's directory: %s\n", strerror(-r)); return -1; }
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) { fprintf(stderr, "sandtable-helper: %s exists and is not a socket; not touching it\n", path); return -1; }
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(probe, (struct sockaddr *)&a, sizeof a) == 0) {
            close(probe);
            fprintf(stderr, "sandtable-helper: another helper is listening on %s\n", path);
            return -1;
        }
        close(probe);
        unlink(path); /* left by a helper that was killed */
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    mode_t old = umask(0177);
    r = bind(fd, (struct sockaddr *)&a, sizeof a);
    umask(old);
    if (r < 0) { fprintf(stderr, "sandtable-helper: bind %s: %s\n", path, strerror(errno)); close(fd); return -1; }
    /* the file's owner and mode are the first gate; SO_PEERCRED against the allow list is the second */
    uid_t owner = g_cfg.n_allow_uid == 1 && g_cfg.n_allow_gid == 0 ? g_cfg.allow_uid[0] : geteuid();
    gid_t group = g_cfg.n_allow_gid > 0 ? g_cfg.allow_gid[0] : (gid_t)-1;
    if (geteuid() == 0 && chown(path, owner, group) < 0) fprintf(stderr, "sandtable-helper: chown %s: %s\n", path, strerror(errno));
    chmod(path, g_cfg.n_allow_gid > 0 ? 0660 : 0600);
    if (listen(fd, 64) < 0) { close(fd); return -1; }
    return fd;
}

static int cmd_caps(void) {
    uint64_t features;
    uint32_t caps = helper_caps(&features);
    printf("protocol=%d io_uring=%d uring_cmd=%d ublk=%d loop=%d root=%d openat2=%d ublk_features=0x%llx\n", PROTO_VERSION,
           !!(caps & CAP_IO_URING), !!(caps & CAP_URING_CMD), !!(caps & CAP_UBLK), !!(caps & CAP_LOOP), !!(caps & CAP_ROOT),
           !!(caps & CAP_OPENAT2), (unsigned long long)features);
    return 0;
}

static int cmd_bench(int argc, char **argv) {
    if (argc < 1) { usage(stderr); return 2; }
    struct bench_params p = {.random = 1, .direct = 1, .block_size = 4096, .queue_depth = 32, .duration_ms = 5000};
    for (int i = 1; i < argc; i++) {
        unsigned long v;
        const char *a = argv[i], *n = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--buffered")) { p.direct = 0; continue; }
        if (!n) { usage(stderr); return 2; }
        if (!strcmp(a, "--rw")) p.write = !strcmp(n, "write");
        else if (!strcmp(a, "--pattern")) p.random = strcmp(n, "seq") != 0;
        else if (!strcmp(a, "--bs") && !parse_uint(n, UINT32_MAX, &v)) p.block_size = (uint32_t)v;
        else if (!strcmp(a, "--qd") && !parse_uint(n, 1024, &v)) p.queue_depth = (uint32_t)v;
        else if (!strcmp(a, "--ms") && !parse_uint(n, 600000, &v)) p.duration_ms = (uint32_t)v;
        else if (!strcmp(a, "--size") && !parse_uint(n, ULONG_MAX, &v)) p.span = v;
        else { usage(stderr); return 2; }
        i++;
    }
    int fd = open(argv[0], (p.write ? O_RDWR : O_RDONLY) | (p.direct ? O_DIRECT : 0) | O_CLOEXEC);
    if (fd < 0) { fprintf(stderr, "sandtable-helper: %s: %s\n", argv[0], strerror(errno)); return 1; }
    struct bench_result r = {0};
    const char *why = NULL;
    static volatile sig_atomic_t never;
    int rc = bench_run(fd, &p, &never, &r, &why);
    close(fd);
    if (rc < 0) { fprintf(stderr, "sandtable-helper: benchmark failed: %s (%s)\n", why, strerror(-rc)); return 1; }
    double s = (double)r.elapsed_ns / 1e9;
    printf("iops=%.0f mbps=%.1f ops=%llu lat_p50_us=%.1f lat_p99_us=%.1f lat_p999_us=%.1f lat_max_us=%.1f\n", (double)r.ops / s,
           (double)r.bytes / s / 1e6, (unsigned long long)r.ops, r.lat_p50 / 1e3, r.lat_p99 / 1e3, r.lat_p999 / 1e3, r.lat_max / 1e3);
    return 0;
}

int main(int argc, char **argv) {
    int i = 1;
    if (argc > 1 && !strcmp(argv[1], "caps")) return cmd_caps();
    if (argc > 1 && !strcmp(argv[1], "bench")) return cmd_bench(argc - 2, argv + 2);
    if (argc > 1 && !strcmp(argv[1], "serve")) i = 2;
    static char default_socket[PATH_MAX], default_state[PATH_MAX];
    for (; i < argc; i += 2) {
        const char *a = argv[i], *n = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!n) { fprintf(stderr, "sandtable-helper: %s needs a value\n", a); usage(stderr); return 2; }
        if (!strcmp(a, "--socket")) g_cfg.socket_path = n;
        else if (!strcmp(a, "--state-dir")) g_cfg.state_dir = n;
        else if (!strcmp(a, "--image-dir")) { if (add_image_dir(n) < 0) return 2; }
        else if (!strcmp(a, "--allow-uid") && !parse_uint(n, UINT32_MAX - 1, &v) && g_cfg.n_allow_uid < MAX_ALLOW)
            g_cfg.allow_uid[g_cfg.n_allow_uid++] = (uid_t)v;
        else if (!strcmp(a, "--allow-group") && g_cfg.n_allow_gid < MAX_ALLOW) {
            struct group *g = getgrnam(n);
            if (g) g_cfg.allow_gid[g_cfg.n_allow_gid++] = g->gr_gid;
            else if (!parse_uint(n, UINT32_MAX - 1, &v)) g_cfg.allow_gid[g_cfg.n_allow_gid++] = (gid_t)v;
            else { fprintf(stderr, "sandtable-helper: no group %s\n", n); return 2; }
        } else { fprintf(stderr, "sandtable-helper: unknown or invalid option %s %s\n", a, n); usage(stderr); return 2; }
    }
    if (g_cfg.n_allow_uid == 0) { /* default: the user who started us */
        const char *sudo = getenv("SUDO_UID");
        unsigned long v;
        if (sudo && !parse_uint(sudo, UINT32_MAX - 1, &v)) g_cfg.allow_uid[g_cfg.n_allow_uid++] = (uid_t)v;
        else if (getuid() != 0) g_cfg.allow_uid[g_cfg.n_allow_uid++] = getuid();
    }
    if (g_cfg.n_allow_gid == 0) {
        struct group *g = getgrnam("sandtable");
        if (g) g_cfg.allow_gid[g_cfg.n_allow_gid++] = g->gr_gid;
    }
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (!g_cfg.socket_path) {
        if (xdg && *xdg) snprintf(default_socket, sizeof default_socket, "%s/sandtable/helper.sock", xdg);
        else snprintf(default_socket, sizeof default_socket, "/run/sandtable/helper.sock");
        g_cfg.socket_path = default_socket;
    }
    if (!g_cfg.state_dir) {
        if (geteuid() == 0) snprintf(default_state, sizeof default_state, "/run/sandtable-helper");
        else snprintf(default_state, sizeof default_state, "%s/sandtable-helper", xdg && *xdg ? xdg : "/tmp");
        g_cfg.state_dir = default_state;
    }
    if (mkdir(g_cfg.state_dir, 0700) < 0 && errno != EEXIST) {
        fprintf(stderr, "sandtable-helper: cannot create the state directory %s: %s\n", g_cfg.state_dir, strerror(errno));
        return 1;
    }

    /* SIGTERM and SIGINT arrive through a signalfd in the accept loop; every thread inherits the blocked mask */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0); /* ublk: our own allocations must not wait on writeback to our devices */

    devices_recover();
    g_cfg.listen_fd = listen_socket();
    if (g_cfg.listen_fd < 0) return 1;
    fprintf(stderr, "sandtable-helper %s: listening on %s (protocol %d)\n", HELPER_VERSION,
            g_cfg.socket_activated ? "the socket systemd passed" : g_cfg.socket_path, PROTO_VERSION);

    struct pollfd pfds[2] = {{g_cfg.listen_fd, POLLIN, 0}, {sfd, POLLIN, 0}};
    while (!g_stop) {
        if (poll(pfds, 2, -1) < 0) { if (errno == EINTR) continue; break; }
        if (pfds[1].revents) { g_stop = 1; break; }
        if (!(pfds[0].revents & POLLIN)) continue;
        int c = accept4(g_cfg.listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) continue;
        pthread_mutex_lock(&g_clients_lock);
        if (g_nclients >= MAX_CLIENTS) {
            pthread_mutex_unlock(&g_clients_lock);
            uint8_t b[FRAME_HDR_LEN + 128];
            struct wbuf w = {b + FRAME_HDR_LEN, sizeof b - FRAME_HDR_LEN, 0, 0};
            w_u32(&w, T_ERR_CODE, E_LIMIT);
            w_str(&w, T_ERR_MSG, "the helper already serves its maximum of 32 connections; try again later");
            struct frame_hdr h = {PROTO_MAGIC, 0, FRAME_FLAG_ERROR, 0, (uint32_t)w.n};
            frame_hdr_encode(b, &h);
            (void)send(c, b, FRAME_HDR_LEN + w.n, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(c);
            fprintf(stderr, "sandtable-helper: refused a connection: %d clients already\n", MAX_CLIENTS);
            continue;
        }
        g_client_fds[g_nclients++] = c;
        pthread_mutex_unlock(&g_clients_lock);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, client_main, (void *)(intptr_t)c) != 0) {
            pthread_mutex_lock(&g_clients_lock);
            g_nclients--;
            pthread_mutex_unlock(&g_clients_lock);
            close(c);
        }
        pthread_attr_destroy(&attr);
    }
    fprintf(stderr, "sandtable-helper: shutting down\n");
    close(g_cfg.listen_fd);
    if (!g_cfg.socket_activated) unlink(g_cfg.socket_path);
    pthread_mutex_lock(&g_clients_lock);
    for (int k = 0; k < g_nclients; k++) shutdown(g_client_fds[k], SHUT_RDWR);
    while (g_nclients > 0) pthread_cond_wait(&g_clients_cond, &g_clients_lock);
    pthread_mutex_unlock(&g_clients_lock);
    devices_detach_all();
    for (int k = 0; k < g_cfg.n_image_dirs; k++) { close(g_cfg.image_dir_fd[k]); free(g_cfg.image_dir[k]); }
    close(sfd);
    return 0;
}
