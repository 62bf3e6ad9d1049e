import Dispatch

extension HTTPFetcher {
    /// Runs async work from synchronous code (the CLI's commands) and waits for it. The work
    /// runs on `WorkerThreads` and NIO's event loops, never on the waiting thread and never on
    /// the cooperative pool, which the waiting thread may be part of.
    public static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        // Called from work already on the worker threads, it would park one of them while it
        // waits; as deep as the pool is wide, that hangs for good. A crash says where instead.
        precondition(!WorkerThreads.onWorkerThread, "HTTPFetcher.blocking called from work it runs: await the work instead")
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: WorkerThreads.shared) {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Written by one task before it signals, read by the waiter after: the semaphore orders them.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
