import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A task executor on threads of its own, never the cooperative pool. `HTTPFetcher.blocking`
/// runs its work here: a caller that waits on a cooperative thread (a synchronous test, a
/// library user inside a task) would otherwise hold a thread the work needs, and as many such
/// callers as the machine has cores deadlock the pool for good (2 on a 2-core CI machine).
/// Child tasks of the work (task groups) inherit the preference and run here too.
public final class WorkerThreads: TaskExecutor, Sendable {
    /// The process's one pool: a thread per core, at least two, started on first use.
    public static let shared = WorkerThreads(count: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let queue = Mutex<Jobs>(Jobs())
    private let waiting = DispatchSemaphore(value: 0)
    private let threads = Mutex<Set<pthread_t>>([])

    private struct Jobs: ~Copyable {
        var items: [UnownedJob] = []
        var head = 0
    }

    private init(count: Int) {
        for _ in 0..<count {
            Thread { [self] in run() }.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.items.append(job) }
        waiting.signal()
    }

    /// Whether the calling thread is one of the shared pool's (for tests).
    public static var onWorkerThread: Bool { shared.threads.withLock { $0.contains(pthread_self()) } }

    private func run() {
        _ = threads.withLock { $0.insert(pthread_self()) }
        while true {
            waiting.wait()
            let job = queue.withLock { jobs -> UnownedJob in
                let job = jobs.items[jobs.head]
                jobs.head += 1
                if jobs.head > 1024, jobs.head * 2 > jobs.items.count {
                    jobs.items.removeFirst(jobs.head)
                    jobs.head = 0
                }
                return job
            }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
