#define _GNU_SOURCE
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
