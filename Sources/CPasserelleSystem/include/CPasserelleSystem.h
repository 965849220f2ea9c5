#ifndef C_PASSERELLE_SYSTEM_H
#define C_PASSERELLE_SYSTEM_H

/// Writes every modified file and directory of the file system holding `fd` to stable storage
/// (Linux `syncfs(2)`; elsewhere `fsync(fd)` then `sync()`). Returns 0, or -1 with `errno` set.
int passerelle_syncfs(int fd);

#endif
