import Foundation
import HTTPTransport
import ProjectScan

/// Reads one big deflated ELF member of a remote wheel by its start and its end only
/// (`PartialMemberPlan`), each read the plan asks for a range request.
struct PartialMemberFetch {
    typealias Outcome = PartialMemberPlan.Outcome

    let fetcher: HTTPFetcher
    let url: String
    let entry: ZipDirectory.Entry
    let wheel: String
    private(set) var bytesFetched = 0
    private(set) var requests = 0

    init(fetcher: HTTPFetcher, url: String, entry: ZipDirectory.Entry, wheel: String) {
        self.fetcher = fetcher
        self.url = url
        self.entry = entry
        self.wheel = wheel
    }

    mutating func read() async throws(NetworkError) -> Outcome {
        var plan = PartialMemberPlan(entry: entry, wheel: wheel)
        var step = plan.start()
        while true {
            switch step {
            case .finished(let outcome):
                return outcome
            case .read(let offset, let count):
                step = plan.received(try await fetch(offset, count))
            }
        }
    }

    /// `count` bytes at `offset` of the wheel, or nil when the index did not answer 206.
    private mutating func fetch(_ offset: Int, _ count: Int) async throws(NetworkError) -> [UInt8]? {
        guard count > 0 else { return [] }
        let reply = try await fetcher.get(url, range: Int64(offset)...Int64(offset + count - 1), maxBytes: RemoteWheel.wheelLimit)
        requests += 1
        bytesFetched += reply.body.count
        return reply.status == 206 ? [UInt8](reply.body) : nil
    }
}
