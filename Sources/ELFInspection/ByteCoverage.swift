/// The byte ranges of an in-memory image that hold the file's real bytes: a member of
/// which only the start and the end were inflated. An inspection given a coverage reads
/// nothing outside it: the first read that would fails it (`ELFError.Kind.incomplete`),
/// so its facts are exactly those of the whole file or there are none.
public struct ByteCoverage: Sendable, Equatable {
    /// Sorted, disjoint, with no empty range and no two touching.
    public let ranges: [Range<UInt64>]

    public init(_ ranges: [Range<UInt64>]) {
        // Ranges usually come as they are kept (a member's end compared byte by byte gives
        // tens of thousands of them in order): taken without a copy, sorted only when not.
        if Self.isNormal(ranges) {
            self.ranges = ranges
            return
        }
        // Otherwise merged one at a time (in order, each lands at the end: no shifting).
        var merged: [Range<UInt64>] = []
        merged.reserveCapacity(ranges.count)
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            Self.insert(range, into: &merged)
        }
        self.ranges = merged
    }

    /// Whether `ranges` are as a coverage keeps them: sorted, none empty, no two touching.
    public static func isNormal(_ ranges: [Range<UInt64>]) -> Bool {
        var previousEnd: UInt64?
        for range in ranges {
            guard !range.isEmpty, previousEnd.map({ $0 < range.lowerBound }) ?? true else { return false }
            previousEnd = range.upperBound
        }
        return true
    }

    /// Adds `range` to `ranges` kept as a coverage keeps them (`isNormal`), merging it with
    /// the ranges it overlaps or touches, in place.
    public static func insert(_ range: Range<UInt64>, into ranges: inout [Range<UInt64>]) {
        guard !range.isEmpty else { return }
        // The first range that ends at or after `range` starts (it may touch or overlap it).
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        var last = low
        var merged = range
        while last < ranges.count, ranges[last].lowerBound <= merged.upperBound {
            merged = min(merged.lowerBound, ranges[last].lowerBound)..<max(merged.upperBound, ranges[last].upperBound)
            last += 1
        }
        ranges.replaceSubrange(low..<last, with: CollectionOfOne(merged))
    }

    /// The ranges of both lists (each kept as a coverage keeps them, `isNormal`), merged in
    /// one pass, kept so too.
    public static func union(_ first: [Range<UInt64>], _ second: [Range<UInt64>]) -> [Range<UInt64>] {
        var merged: [Range<UInt64>] = []
        merged.reserveCapacity(first.count + second.count)
        var left = 0, right = 0
        while left < first.count || right < second.count {
            let next: Range<UInt64>
            if right == second.count || (left < first.count && first[left].lowerBound <= second[right].lowerBound) {
                next = first[left]
                left += 1
            } else {
                next = second[right]
                right += 1
            }
            guard !next.isEmpty else { continue }
            if let last = merged.last, last.upperBound >= next.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, next.upperBound)
            } else {
                merged.append(next)
            }
        }
        return merged
    }

    /// Whether every byte of `offset..<offset+count` is covered (an empty range is).
    public func covers(_ offset: UInt64, count: UInt64) -> Bool {
        guard count > 0 else { return true }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow else { return false }
        // The last range that starts at or before `offset`.
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].lowerBound <= offset { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return false }
        return ranges[low - 1].upperBound >= end
    }

    public var byteCount: UInt64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }
}
