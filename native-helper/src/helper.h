/* Shared state of the helper process: configuration, the attached-device table, crash-recovery records. */
#ifndef SANDTABLE_HELPER_H
#define SANDTABLE_HELPER_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "cow.h"
#include "loopdev.h"
#include "ublk.h"

#define HELPER_VERSION "0.1.0"
#define MAX_IMAGE_DIRS 8
#define MAX_ALLOW 16
#define MAX_CLIENTS 32
#define MAX_DEVICES 64
#define MAX_DEVICES_PER_UID 16
#define MIN_IMAGE_BYTES 4096u

struct config {
    const char *socket_path;
    const char *state_dir;
    int image_dir_fd[MAX_IMAGE_DIRS];
    char *image_dir[MAX_IMAGE_DIRS]; /* canonical, no trailing slash */
    int n_image_dirs;
    uid_t allow_uid[MAX_ALLOW];
    int n_allow_uid;
    gid_t allow_gid[MAX_ALLOW];
    int n_allow_gid;
    int listen_fd;
    int socket_activated;
};

enum dev_kind { DEV_LOOP = 1, DEV_UBLK = 2 };

struct device {
    int used;
    uint32_t id;
    enum dev_kind kind;
    uid_t owner;
    char dev_path[32];
    char image[256];
    dev_t rdev;
    uint64_t size;
    int mode;
    int direct;
    uint64_t ready_us;
    struct loop_attached loop;
    struct ublk_dev *ublk;
    struct cow *cow;
    int image_fd;
};

extern struct config g_cfg;
extern volatile sig_atomic_t g_stop;

struct peer {
    uid_t uid;
    gid_t gid;
    pid_t pid;
    gid_t groups[64];
    int n_groups;
};

int peer_allowed(const struct peer *p);
/* Serves one accepted connection until it closes; takes ownership of fd. */
void serve_connection(int fd);
/* Detaches every device (clean shutdown). */
void devices_detach_all(void);
/* Removes what a killed helper left behind, as recorded in the state directory. */
void devices_recover(void);
/* Opens path below one of the image directories without following any symlink. Returns an fd or -errno, *why set. */
int open_image_path(const char *path, int flags, const char **why);

#endif
