import Foundation
import HTTPTransport
import Testing

/// `HTTPFetcher.blocking` called from the cooperative pool itself (as synchronous tests and
/// library users inside tasks do): its work must not need a thread of that pool.
struct WorkerThreadsTests {
    /// Work and its child tasks run on the worker threads, not on the waiting caller's pool.
    @Test func blockingWorkRunsOnTheWorkerThreads() throws {
        let places = try HTTPFetcher.blocking { () async -> [Bool] in
            var places = [WorkerThreads.onWorkerThread]
            await Task.yield()
            places.append(WorkerThreads.onWorkerThread)
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 { group.addTask { WorkerThreads.onWorkerThread } }
                for await place in group { places.append(place) }
            }
            return places
        }
        #expect(places == Array(repeating: true, count: 6), "\(places)")
    }

    /// Twice as many callers as the pool has threads, each blocking one while it waits: with the
    /// work on the cooperative pool this never finished (the CI machine has 2 cores).
    @Test func callersHoldingEveryPoolThreadStillFinish() async throws {
        // Only where the work is known to leave the pool: otherwise this would hang, not fail.
        let off = try HTTPFetcher.blocking { WorkerThreads.onWorkerThread }
        try #require(off, "the work runs on the cooperative pool")
        let callers = 2 * ProcessInfo.processInfo.activeProcessorCount
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<callers {
                group.addTask {
                    try HTTPFetcher.blocking {
                        try await Task.sleep(for: .milliseconds(50))
                        return index
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<callers))
    }
}
