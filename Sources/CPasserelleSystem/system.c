#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "CPasserelleSystem.h"

int passerelle_syncfs(int fd) {
#ifdef __linux__
    return syncfs(fd);
#else
    if (fsync(fd) != 0) return -1;
    sync();
    return 0;
#endif
}

int passerelle_open_anonymous_file(const char *directory) {
#if defined(__linux__) && defined(O_TMPFILE)
    int fd = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
#endif
    char path[4096];
    if (snprintf(path, sizeof path, "%s/passerelle-spool-XXXXXX", directory) >= (int)sizeof path) return -1;
    int named = mkstemp(path);
    if (named < 0) return -1;
    unlink(path);
    return named;
}

int passerelle_write_all(int fd, const void *bytes, size_t count, long long offset) {
    const char *next = bytes;
    size_t done = 0;
    while (done < count) {
        ssize_t written = offset < 0 ? write(fd, next + done, count - done) : pwrite(fd, next + done, count - done, (off_t)(offset + (long long)done));
        if (written > 0) {
            done += (size_t)written;
        } else if (written < 0 && errno == EINTR) {
            continue;
        } else {
            return written < 0 ? errno : EIO;
        }
    }
    return 0;
}

int passerelle_read_exactly(int fd, void *bytes, size_t count, long long offset) {
    char *next = bytes;
    size_t done = 0;
    while (done < count) {
        ssize_t read = pread(fd, next + done, count - done, (off_t)(offset + (long long)done));
        if (read > 0) {
            done += (size_t)read;
        } else if (read < 0 && errno == EINTR) {
            continue;
        } else {
            return read < 0 ? errno : EIO;
        }
    }
    return 0;
}

/* BoringSSL's one-shot SHA-256, as swift-crypto prefixes it; weak, so that a program without it
   (swift-crypto on CryptoKit, a renamed prefix) still links and takes the fallback. */
extern uint8_t *CCryptoBoringSSL_SHA256(const uint8_t *data, size_t len, uint8_t out[32]) __attribute__((weak));

int passerelle_sha256(const void *bytes, size_t count, uint8_t digest[32]) {
    if (CCryptoBoringSSL_SHA256 == NULL) return -1;
    static const uint8_t empty = 0;
    CCryptoBoringSSL_SHA256(bytes != NULL ? (const uint8_t *)bytes : &empty, count, digest);
    return 0;
}
