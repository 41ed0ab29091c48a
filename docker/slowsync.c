/*
 * libraftchat-slowsync: an LD_PRELOAD shim that makes fsync(2) and fdatasync(2) slow, for the chaos
 * suite's slow-disk nemesis. Each call first sleeps the number of milliseconds written in
 * /run/raftchat/slow-fsync-ms (absent or 0: no delay; re-read at most every 200 ms), then does the
 * real sync. Data still reaches the disk exactly as before: only the wait for it grows, as on a
 * failing or saturated disk. The node image's entrypoint preloads it when RAFTCHAT_SLOW_DISK=true.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define DELAY_FILE "/run/raftchat/slow-fsync-ms"
#define REREAD_NS 200000000L

static volatile long delay_ms;
static volatile long read_at_ns = -REREAD_NS;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static long current_delay_ms(void) {
    long now = now_ns();
    if (now - read_at_ns >= REREAD_NS) {
        char buf[32] = {0};
        long ms = 0;
        int fd = open(DELAY_FILE, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n = read(fd, buf, sizeof buf - 1);
            if (n > 0) {
                ms = strtol(buf, NULL, 10);
            }
            close(fd);
        }
        delay_ms = ms < 0 ? 0 : ms;
        read_at_ns = now;
    }
    return delay_ms;
}

static void slow_down(void) {
    long ms = current_delay_ms();
    if (ms > 0) {
        struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&d, &d) != 0) {
        }
    }
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) {
        real = (int (*)(int)) dlsym(RTLD_NEXT, "fsync");
    }
    slow_down();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) {
        real = (int (*)(int)) dlsym(RTLD_NEXT, "fdatasync");
    }
    slow_down();
    return real(fd);
}
