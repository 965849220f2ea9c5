#define _GNU_SOURCE
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
