#ifndef SIXNINES_FILE_SYNC_H
#define SIXNINES_FILE_SYNC_H

#include <stdint.h>

/// Starts write-back of bytes [offset, offset + count) of `fd` without waiting for it (Linux `sync_file_range` with
/// `SYNC_FILE_RANGE_WRITE`; elsewhere nothing). Returns 0, or -1 with errno set. Durability still needs `fsync`.
int sixnines_start_writeback(int fd, int64_t offset, int64_t count);

#endif
