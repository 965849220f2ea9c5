#ifndef C_PASSERELLE_SYSTEM_H
#define C_PASSERELLE_SYSTEM_H

/// Writes every modified file and directory of the file system holding `fd` to stable storage
/// (Linux `syncfs(2)`; elsewhere `fsync(fd)` then `sync()`). Returns 0, or -1 with `errno` set.
int passerelle_syncfs(int fd);

/// Opens a new, empty, read-write file in `directory` that has no name: nothing else can open
/// it, and the system frees it when the last descriptor is closed, even after a crash (Linux
/// `O_TMPFILE`; elsewhere a `mkstemp` file unlinked at once). Returns the descriptor, or -1 with
/// `errno` set.
int passerelle_open_anonymous_file(const char *directory);

#endif
