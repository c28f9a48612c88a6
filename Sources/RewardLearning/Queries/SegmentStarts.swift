/// Starts of non-overlapping segments tiling an episode from its start, so that how an episode ends
/// (a crash, a landing, a fall) appears in some segment.
///
/// - A terminated episode's last tile runs past its end, into absorbing steps (an episode shorter than
///   a segment gives one such tile).
/// - A truncated one (a time limit, which says nothing about the task) ends with a tile that overlaps
///   the one before and stops at its last step; one shorter than a segment gives none.
public func segmentStarts(episodeLength: Int, segmentLength: Int, terminated: Bool = false) -> [Int] {
    guard episodeLength > 0, segmentLength > 0 else { return [] }
    if terminated { return Array(stride(from: 0, to: episodeLength, by: segmentLength)) }
    guard episodeLength >= segmentLength else { return [] }
    var starts = Array(stride(from: 0, through: episodeLength - segmentLength, by: segmentLength))
    if starts.last! != episodeLength - segmentLength { starts.append(episodeLength - segmentLength) }
    return starts
}
