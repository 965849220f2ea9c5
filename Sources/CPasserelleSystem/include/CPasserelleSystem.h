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

#include <stddef.h>

/// Writes the `count` bytes at `bytes` to `fd` — at `offset` (`pwrite`), or at the file position
/// when `offset` is negative (`write`) — through short writes and interruptions. Returns 0, or
/// the `errno` of the failure (`EIO` when the system writes nothing without saying why).
int passerelle_write_all(int fd, const void *bytes, size_t count, long long offset);

/// Reads exactly `count` bytes at `offset` of `fd` into `bytes` (`pread`), through short reads
/// and interruptions. Returns 0, or the `errno` of the failure (`EIO` when the file ends first).
int passerelle_read_exactly(int fd, void *bytes, size_t count, long long offset);

#include <stdint.h>

/// SHA-256 of the `count` bytes at `bytes` into `digest` (32 bytes), in one call with the context
/// on the stack, by the BoringSSL that swift-crypto builds into the program on Linux (its
/// `SHA256` one-shot function, under swift-crypto's `CCryptoBoringSSL_` symbol prefix, bound
/// weakly). Returns 0, or -1 without touching `digest` when that function is not in the program
/// (another platform, another swift-crypto): the caller then hashes through swift-crypto's API.
///
/// Why: swift-crypto's `SHA256` allocates, copies and zeroizes a context object for every digest,
/// which for a 230-byte row costs more than the compression itself.
int passerelle_sha256(const void *bytes, size_t count, uint8_t digest[32]);

#endif
