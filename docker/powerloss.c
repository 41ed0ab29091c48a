/*
 * libraftchat-powerloss: an LD_PRELOAD shim that remembers how much of each file under the node's
 * data directory a sync made durable, for the chaos suite's power-loss nemesis. After the JVM is
 * killed, raftchat-power-cut (docker/power-cut.py) cuts every file back to what was durable: the
 * page cache, which survives a mere kill -9, is thrown away as a power failure would.
 *
 * The model (what a journaling file system with data=ordered roughly gives):
 *   - a file's data is durable up to its size at the start of the last fsync/fdatasync that
 *     returned 0 (appends racing with the sync may or may not have made it: counted as lost);
 *     data belongs to the inode, so a sync through one name (or hard link) covers every other;
 *   - creating, renaming, linking and deleting files and directories is durable at once (RocksDB and
 *     SOFAJRaft sync the directory after each anyway);
 *   - overwrites inside the durable part are kept (RocksDB and SOFAJRaft only append, or write a
 *     new file and rename it over the old one).
 *
 * Each durable point is one line appended to the ledger /run/raftchat/powerloss/ledger:
 *   S<TAB>inode<TAB>size<TAB>path   a sync made the first `size` bytes of the inode durable
 *   U<TAB>inode                     the inode's last name went (deleted, or renamed over): forget it,
 *                                   its number may be reused by a new file
 * The entrypoint starts each JVM with a fresh ledger that lists every existing file as durable
 * (what was on disk when the power came back). RAFTCHAT_POWERLOSS_DIR (default /data) is the tree
 * watched; files elsewhere are ignored.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEDGER "/run/raftchat/powerloss/ledger"
#define LINE_MAX_BYTES (2 * PATH_MAX + 64)

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int ledger_fd = -1;
static char watched[PATH_MAX];
static size_t watched_len;

static void init(void) {
    const char *dir = getenv("RAFTCHAT_POWERLOSS_DIR");
    snprintf(watched, sizeof watched, "%s", dir && *dir ? dir : "/data");
    watched_len = strlen(watched);
    while (watched_len > 1 && watched[watched_len - 1] == '/') {
        watched[--watched_len] = '\0';
    }
    /* O_APPEND: each line lands whole at the end, whichever thread writes it. */
    ledger_fd = open(LEDGER, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

static int is_watched(const char *path) {
    return strncmp(path, watched, watched_len) == 0 && path[watched_len] == '/';
}

static void append(const char *line, size_t len) {
    if (ledger_fd >= 0) {
        ssize_t ignored = write(ledger_fd, line, len);
        (void) ignored;
    }
}

/* The absolute path behind fd, or 0 when it is not a watched regular file. */
static int watched_file(int fd, char *path, off_t *size, ino_t *inode) {
    char link[64];
    struct stat st;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, PATH_MAX - 1);
    if (n <= 0) {
        return 0;
    }
    path[n] = '\0';
    if (!is_watched(path) || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return 0;
    }
    *size = st.st_size;
    *inode = st.st_ino;
    return 1;
}

/* An absolute path for a path relative to dirfd (AT_FDCWD: the working directory). */
static int absolute(int dirfd, const char *path, char *out) {
    if (path[0] == '/') {
        snprintf(out, PATH_MAX, "%s", path);
        return 1;
    }
    char base[PATH_MAX];
    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) {
            return 0;
        }
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, base, sizeof base - 1);
        if (n <= 0) {
            return 0;
        }
        base[n] = '\0';
    }
    return snprintf(out, PATH_MAX, "%s/%s", base, path) < PATH_MAX;
}

typedef int (*sync_fn)(int);

static int synced(int fd, sync_fn real) {
    pthread_once(&init_once, init);
    char path[PATH_MAX];
    off_t size = 0;
    ino_t inode = 0;
    int watched_now = watched_file(fd, path, &size, &inode); /* before the sync: later appends may be lost */
    int rc = real(fd);
    if (rc == 0 && watched_now) {
        char line[LINE_MAX_BYTES];
        int len = snprintf(line, sizeof line, "S\t%llu\t%lld\t%s\n", (unsigned long long) inode, (long long) size, path);
        if (len > 0 && (size_t) len < sizeof line) {
            append(line, (size_t) len);
        }
    }
    return rc;
}

int fsync(int fd) {
    static sync_fn real;
    if (!real) {
        real = (sync_fn) dlsym(RTLD_NEXT, "fsync");
    }
    return synced(fd, real);
}

int fdatasync(int fd) {
    static sync_fn real;
    if (!real) {
        real = (sync_fn) dlsym(RTLD_NEXT, "fdatasync");
    }
    return synced(fd, real);
}

/* Before a name goes (unlink, or a rename over it): the inode it names, if that was its last name. */
static ino_t dying_inode(int dirfd, const char *path) {
    pthread_once(&init_once, init);
    char abs[PATH_MAX];
    struct stat st;
    if (!absolute(dirfd, path, abs) || !is_watched(abs) || fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0
            || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        return 0;
    }
    return st.st_ino;
}

static void forget(ino_t inode) {
    if (inode != 0) {
        char line[64];
        int len = snprintf(line, sizeof line, "U\t%llu\n", (unsigned long long) inode);
        append(line, (size_t) len);
    }
}

int rename(const char *oldpath, const char *newpath) {
    static int (*real)(const char *, const char *);
    if (!real) {
        real = (int (*)(const char *, const char *)) dlsym(RTLD_NEXT, "rename");
    }
    ino_t replaced = dying_inode(AT_FDCWD, newpath);
    int rc = real(oldpath, newpath);
    if (rc == 0) {
        forget(replaced);
    }
    return rc;
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    static int (*real)(int, const char *, int, const char *);
    if (!real) {
        real = (int (*)(int, const char *, int, const char *)) dlsym(RTLD_NEXT, "renameat");
    }
    ino_t replaced = dying_inode(newdirfd, newpath);
    int rc = real(olddirfd, oldpath, newdirfd, newpath);
    if (rc == 0) {
        forget(replaced);
    }
    return rc;
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
    static int (*real)(int, const char *, int, const char *, unsigned int);
    if (!real) {
        real = (int (*)(int, const char *, int, const char *, unsigned int)) dlsym(RTLD_NEXT, "renameat2");
    }
    /* RENAME_EXCHANGE keeps both inodes; otherwise the target's inode may die. */
    ino_t replaced = (flags & 2 /* RENAME_EXCHANGE */) ? 0 : dying_inode(newdirfd, newpath);
    int rc = real(olddirfd, oldpath, newdirfd, newpath, flags);
    if (rc == 0) {
        forget(replaced);
    }
    return rc;
}

int unlink(const char *path) {
    static int (*real)(const char *);
    if (!real) {
        real = (int (*)(const char *)) dlsym(RTLD_NEXT, "unlink");
    }
    ino_t dying = dying_inode(AT_FDCWD, path);
    int rc = real(path);
    if (rc == 0) {
        forget(dying);
    }
    return rc;
}

int unlinkat(int dirfd, const char *path, int flags) {
    static int (*real)(int, const char *, int);
    if (!real) {
        real = (int (*)(int, const char *, int)) dlsym(RTLD_NEXT, "unlinkat");
    }
    ino_t dying = (flags & AT_REMOVEDIR) ? 0 : dying_inode(dirfd, path);
    int rc = real(dirfd, path, flags);
    if (rc == 0) {
        forget(dying);
    }
    return rc;
}
