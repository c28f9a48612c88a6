#include "CMPIShim.h"
#include <mpi.h>
#include <stdlib.h>

int sandbox_mpi_init(void) {
    int provided = 0;
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS ? 0 : 1;
}

int sandbox_mpi_rank(void) { int r = 0; MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }
int sandbox_mpi_size(void) { int s = 1; MPI_Comm_size(MPI_COMM_WORLD, &s); return s; }
void sandbox_mpi_finalize(void) { MPI_Finalize(); }
void sandbox_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

int sandbox_mpi_send(const void *bytes, int64_t length, int destination, int tag) {
    return MPI_Send(bytes, (int)length, MPI_BYTE, destination, tag, MPI_COMM_WORLD);
}

int sandbox_mpi_probe_any(int *source, int *tag, int64_t *length) {
    int flag = 0, count = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (!flag) return 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    *source = status.MPI_SOURCE;
    *tag = status.MPI_TAG;
    *length = count;
    return 1;
}

int sandbox_mpi_wait_any(int source, int *found_source, int *tag, int64_t *length) {
    int count = 0;
    MPI_Status status;
    int result = MPI_Probe(source < 0 ? MPI_ANY_SOURCE : source, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    MPI_Get_count(&status, MPI_BYTE, &count);
    *found_source = status.MPI_SOURCE;
    *tag = status.MPI_TAG;
    *length = count;
    return result;
}

int sandbox_mpi_receive(void *bytes, int64_t length, int source, int tag) {
    return MPI_Recv(bytes, (int)length, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int sandbox_mpi_allgather_counts(int64_t mine, int64_t *counts) {
    return MPI_Allgather(&mine, 1, MPI_INT64_T, counts, 1, MPI_INT64_T, MPI_COMM_WORLD);
}

int sandbox_mpi_allgather_bytes(const void *bytes, int64_t length, const int64_t *counts, void *out) {
    int size = sandbox_mpi_size();
    int *recvcounts = malloc(sizeof(int) * size), *displs = malloc(sizeof(int) * size);
    int offset = 0;
    for (int i = 0; i < size; i++) { recvcounts[i] = (int)counts[i]; displs[i] = offset; offset += (int)counts[i]; }
    int result = MPI_Allgatherv(bytes, (int)length, MPI_BYTE, out, recvcounts, displs, MPI_BYTE, MPI_COMM_WORLD);
    free(recvcounts);
    free(displs);
    return result;
}

int sandbox_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
