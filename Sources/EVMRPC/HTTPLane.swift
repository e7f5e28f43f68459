import Foundation

/// One keep-alive connection of a ``PlainHTTPTransport`` and the thread that serves it: it takes a job, writes the
/// request, reads the response (blocking in `poll(2)` up to the job's deadline), resumes the caller, and goes on
/// with the next queued job or waits idle.
final class Lane: @unchecked Sendable {
    private let pool: LanePool
    private let wake = DispatchSemaphore(value: 0)
    // Guarded by pool.lock.
    private var assigned: HTTPJob?
    private var stopRequested = false
    // Touched only by the lane's thread.
    private var socket: PlainSocket?
    private var scratch = [UInt8](repeating: 0, count: 64 << 10)

    private init(pool: LanePool) { self.pool = pool }

    /// Starts a lane on a new thread, serving `first`.
    static func spawn(pool: LanePool, first: HTTPJob) {
        let lane = Lane(pool: pool)
        let thread = Thread { lane.main(first: first) }
        thread.name = "EVMRPC-http"
        thread.stackSize = 512 << 10
        thread.start()
    }

    /// Gives an idle lane its next job.
    func assign(_ job: HTTPJob) {
        pool.lock.withLock { assigned = job }
        wake.signal()
    }

    /// Asks an idle lane (already out of the idle list) to close and end.
    func stop() {
        pool.lock.withLock { stopRequested = true }
        wake.signal()
    }

    private func main(first: HTTPJob) {
        // The lane holds its pool (an idle lane is held by it in turn until it retires or stops), so a transport
        // dropped by its owner lets running requests finish and its idle lanes end after the idle timeout.
        var job: HTTPJob? = first
        while true {
            if let current = job {
                current.finish(exchange(current))
                job = pool.next(after: self)
                continue
            }
            let result = wake.wait(timeout: .now() + .nanoseconds(Int(min(pool.idleNanos, UInt64(Int.max)))))
            let (taken, stop) = pool.lock.withLock { () -> (HTTPJob?, Bool) in
                defer { assigned = nil }
                return (assigned, stopRequested)
            }
            if let taken {
                job = taken
                continue
            }
            if stop { break }
            if result == .timedOut, pool.retire(self) { break }
        }
        socket?.close()
        socket = nil
    }

    private enum Failure: Error {
        case socket(SocketFailure, wrote: Bool)
        case http(HTTP1Error)
    }

    /// Runs one request to its outcome, reconnecting once when a reused connection turns out to be closed and
    /// nothing of the request can have been processed.
    private func exchange(_ job: HTTPJob) -> Result<HTTP1Response, RPCError> {
        let endpoint = pool.endpoint
        var retried = false
        while true {
            if job.isCancelled { return .failure(.cancelled) }
            if monotonicNanos() >= job.deadline { return .failure(.timeout(method: job.method)) }
            var reused = false
            if let open = socket, open.isReusable() {
                reused = true
            } else {
                socket?.close()
                socket = nil
                do {
                    socket = try PlainSocket.connect(host: endpoint.host, port: endpoint.port, deadline: job.deadline)
                } catch {
                    if job.isCancelled { return .failure(.cancelled) }
                    return .failure(rpcError(.socket(error, wrote: false), job: job))
                }
            }
            guard let open = socket else { return .failure(.transport("\(endpoint.label): no connection")) }
            guard job.attach(open.fd) else {
                open.close()
                socket = nil
                return .failure(.cancelled)
            }
            var reader = HTTP1ResponseReader(maxBodyBytes: endpoint.maxResponseBytes)
            let outcome = Result { () throws(Failure) -> HTTP1Response in try send(job, on: open, reader: &reader) }
            job.detach()
            switch outcome {
            case .success(let response):
                if !response.keepAlive || job.isCancelled {
                    open.close()
                    socket = nil
                }
                return .success(response)
            case .failure(let failure):
                open.close()
                socket = nil
                if job.isCancelled { return .failure(.cancelled) }
                if reused, !retried, !reader.receivedAny, Self.nothingProcessed(failure, resendable: job.resendable) {
                    retried = true
                    continue
                }
                return .failure(rpcError(failure, job: job))
            }
        }
    }

    /// Writes the request and reads one response before the job's deadline.
    private func send(_ job: HTTPJob, on open: PlainSocket, reader: inout HTTP1ResponseReader) throws(Failure) -> HTTP1Response {
        var wroteAll = false
        do {
            var sentAny = false
            try open.writeAll(job.request, deadline: job.deadline, sentAny: &sentAny)
            wroteAll = true
            var waitFirst = true
            while true {
                let more = try open.read(into: &reader, scratch: &scratch, deadline: job.deadline, waitFirst: waitFirst)
                waitFirst = false
                do {
                    if let response = try reader.response(eof: !more) { return response }
                } catch {
                    throw Failure.http(error)
                }
            }
        } catch let failure as Failure {
            throw failure
        } catch let failure as SocketFailure {
            throw .socket(failure, wrote: wroteAll)
        } catch {
            throw .socket(.system("\(error)"), wrote: wroteAll)
        }
    }

    /// Whether a failure on a reused connection proves the request was not processed: the write failed (the
    /// server cannot act on half a request), or the connection closed before any answer and the method only reads.
    private static func nothingProcessed(_ failure: Failure, resendable: Bool) -> Bool {
        switch failure {
        case .socket(.closed, let wrote): return !wrote || resendable
        case .http(.closed(afterBytes: false)): return resendable
        default: return false
        }
    }

    private func rpcError(_ failure: Failure, job: HTTPJob) -> RPCError {
        let label = pool.endpoint.label
        switch failure {
        case .socket(.timeout, _): return .timeout(method: job.method)
        case .socket(.closed(let detail), _), .socket(.system(let detail), _): return .transport("\(label): \(detail)")
        case .http(let error): return .transport("\(label): \(error.detail)")
        }
    }
}
