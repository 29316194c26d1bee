import Primitives
import CCurl
import Foundation

/// Drives every transfer of one client through a single `curl_multi` handle on a dedicated
/// thread, so blocking in libcurl never occupies Swift's cooperative thread pool, and
/// connections are cached and reused across requests.
///
/// Other threads only touch `inbox` (under its lock) and call `curl_multi_wakeup`, which
/// libcurl documents as safe to call from any thread. The multi handle, the easy handles
/// and `active` are used by the loop thread alone. That split is why the class can be
/// `@unchecked Sendable`.
final class TransferLoop: @unchecked Sendable {
    private struct Inbox {
        var jobs: [TransferJob] = []
        var cancellationRequested = false
        var stopping = false
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = LockedBox(Inbox())
    /// Loop thread only: transfers currently added to `multi`, keyed by their easy handle.
    private var active: [UnsafeMutableRawPointer: (transfer: any LoopTransfer, cancellation: CancellationFlag)] = [:]
    private let finished = DispatchSemaphore(value: 0)

    /// Creates the multi handle and starts its thread.
    init(name: String, maxConnectionsPerHost: Int) throws(CurlError) {
        try CurlRuntime.ensureInitialized()
        guard let multi = curl_multi_init() else {
            throw CurlError(
                code: Int(CURLE_FAILED_INIT.rawValue), kind: .other, url: "",
                message: "curl_multi_init returned NULL (out of memory?)", isTransient: true)
        }
        self.multi = multi
        let perHost = max(1, maxConnectionsPerHost)
        // Transfers beyond the per-host limit wait inside libcurl for a free connection.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, perHost)
        // The idle-connection cache must hold at least one full host's worth to reuse them.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(64, perHost * 4))
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Stops the thread (abandoning transfers still running) and frees the multi handle.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
        finished.wait()
        curl_multi_cleanup(multi)
    }

    /// Runs one transfer to completion, resuming the caller from the loop thread.
    ///
    /// Cancelling the awaiting task removes the transfer from the multi handle promptly
    /// (the loop is woken) and throws `CancellationError`.
    func perform<Value: Sendable>(
        _ makeTransfer: @escaping @Sendable (CheckedContinuation<Value, any Error>) throws -> any LoopTransfer
    ) async throws -> Value {
        try Task.checkCancellation()
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                submit(
                    TransferJob(
                        cancellation: cancellation,
                        start: { try makeTransfer(continuation) },
                        fail: { continuation.resume(throwing: $0) }))
            }
        } onCancel: {
            cancellation.set()
            inbox.withLock { $0.cancellationRequested = true }
            curl_multi_wakeup(multi)
        }
    }

    private func submit(_ job: TransferJob) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.jobs.append(job)
            return true
        }
        guard accepted else {
            job.fail(CancellationError())
            return
        }
        curl_multi_wakeup(multi)
    }

    // MARK: - Loop thread

    private func run() {
        while true {
            let (jobs, cancellationRequested, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.jobs.removeAll()
                    inbox.cancellationRequested = false
                }
                return (inbox.jobs, inbox.cancellationRequested, inbox.stopping)
            }
            if stopping {
                for job in jobs { job.fail(CancellationError()) }
                for handle in Array(active.keys) { remove(handle, abandoningWith: CancellationError()) }
                finished.signal()
                return
            }
            for job in jobs { start(job) }
            if cancellationRequested { removeCancelledTransfers() }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinishedTransfers()
            // Sleeps until socket activity, libcurl's next timeout, or curl_multi_wakeup.
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func start(_ job: TransferJob) {
        guard !job.cancellation.isSet else {
            job.fail(CancellationError())
            return
        }
        let transfer: any LoopTransfer
        do {
            transfer = try job.start()
        } catch {
            job.fail(error)
            return
        }
        let code = curl_multi_add_handle(multi, transfer.easy.raw)
        guard code == CURLM_OK else {
            transfer.abandon(
                throwing: CurlError(
                    code: Int(code.rawValue), kind: .other, url: transfer.easy.redactedURL,
                    message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(code)))",
                    isTransient: true))
            return
        }
        active[transfer.easy.raw] = (transfer, job.cancellation)
    }

    private func removeCancelledTransfers() {
        for (handle, entry) in active where entry.cancellation.isSet {
            remove(handle, abandoningWith: CancellationError())
        }
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let entry = active.removeValue(forKey: handle)
            else { continue }
            let result = message.pointee.data.result
            curl_multi_remove_handle(multi, handle)
            // The handle is cleaned up when `entry.transfer` is released, after completion.
            entry.transfer.complete(with: result)
        }
    }

    private func remove(_ handle: UnsafeMutableRawPointer, abandoningWith error: any Error) {
        guard let entry = active.removeValue(forKey: handle) else { return }
        curl_multi_remove_handle(multi, handle)
        entry.transfer.abandon(throwing: error)
    }
}
