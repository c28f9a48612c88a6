import Foundation
internal import CMPIShim

/// Byte messages between ranks over MPI.
enum MPIMessages {
    /// Tags of the sweep's messages.
    enum Tag: Int32 {
        /// A worker is free; its payload reports the run it finished (or nothing at first).
        case ready = 1
        /// Rank 0 gives a worker a run (its index as text).
        case work = 2
        /// No runs are left.
        case stop = 3
    }

    static func send(_ text: String, to destination: Int, tag: Tag) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { sandbox_mpi_send($0.baseAddress, Int64(bytes.count), Int32(destination), tag.rawValue) }
    }

    /// A waiting message, if any (never blocks).
    static func poll() -> (source: Int, tag: Tag, text: String)? {
        var source: Int32 = 0, tag: Int32 = 0, length: Int64 = 0
        guard sandbox_mpi_probe_any(&source, &tag, &length) == 1 else { return nil }
        return receive(source: source, tag: tag, length: length)
    }

    /// The next message from `source` (blocks).
    static func wait(from source: Int) -> (source: Int, tag: Tag, text: String) {
        var found: Int32 = 0, tag: Int32 = 0, length: Int64 = 0
        _ = sandbox_mpi_wait_any(Int32(source), &found, &tag, &length)
        return receive(source: found, tag: tag, length: length)!
    }

    private static func receive(source: Int32, tag: Int32, length: Int64) -> (source: Int, tag: Tag, text: String)? {
        var bytes = [UInt8](repeating: 0, count: Int(max(length, 1)))
        _ = bytes.withUnsafeMutableBytes { sandbox_mpi_receive($0.baseAddress, length, source, tag) }
        guard let kind = Tag(rawValue: tag) else { return nil }
        return (Int(source), kind, String(decoding: bytes.prefix(Int(length)), as: UTF8.self))
    }

    /// Every rank's bytes, in rank order, on every rank.
    static func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        let size = Int(sandbox_mpi_size())
        var counts = [Int64](repeating: 0, count: size)
        _ = sandbox_mpi_allgather_counts(Int64(bytes.count), &counts)
        var out = [UInt8](repeating: 0, count: Int(max(counts.reduce(0, +), 1)))
        _ = bytes.withUnsafeBytes { mine in
            out.withUnsafeMutableBytes { sandbox_mpi_allgather_bytes(mine.baseAddress, Int64(bytes.count), counts, $0.baseAddress) }
        }
        var result: [[UInt8]] = []
        var offset = 0
        for count in counts {
            result.append(Array(out[offset..<(offset + Int(count))]))
            offset += Int(count)
        }
        return result
    }
}
