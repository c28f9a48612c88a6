// A plain C API over Open MPI for Swift: MPI_COMM_WORLD, MPI_BYTE and friends are macros over
// Open MPI's globals, which Swift cannot import, so the few calls sandbox-mpi makes live here.
#ifndef SANDBOX_MPI_SHIM_H
#define SANDBOX_MPI_SHIM_H
#include <stdint.h>

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI). Returns 0 on success.
int sandbox_mpi_init(void);
int sandbox_mpi_rank(void);
int sandbox_mpi_size(void);
void sandbox_mpi_finalize(void);
void sandbox_mpi_abort(int code);
/// Sends `length` bytes to `destination` with `tag`.
int sandbox_mpi_send(const void *bytes, int64_t length, int destination, int tag);
/// Whether a message waits (from any rank, any tag); fills its source, tag and length.
int sandbox_mpi_probe_any(int *source, int *tag, int64_t *length);
/// Blocks until a message from `source` (or any rank when source < 0) arrives; fills its source, tag and length.
int sandbox_mpi_wait_any(int source, int *found_source, int *tag, int64_t *length);
/// Receives the message `sandbox_mpi_probe_any` or `sandbox_mpi_wait_any` found into `bytes`.
int sandbox_mpi_receive(void *bytes, int64_t length, int source, int tag);
/// Every rank's bytes on every rank: `counts` (size entries) are filled first, then `out` must hold
/// the sum; call `sandbox_mpi_allgather_counts`, then `sandbox_mpi_allgather_bytes`.
int sandbox_mpi_allgather_counts(int64_t mine, int64_t *counts);
int sandbox_mpi_allgather_bytes(const void *bytes, int64_t length, const int64_t *counts, void *out);
/// Waits for every rank.
int sandbox_mpi_barrier(void);
#endif
