import Foundation
import NIOConcurrencyHelpers

/// JSON-RPC over plain HTTP/1.1 (`http://` URLs: a devnet, a local node) on its own small connection pool, without
/// async-http-client's machinery: each request is written as one buffer and its response parsed straight from
/// the bytes read, by a dedicated thread per connection blocked in `poll(2)` (never Swift's cooperative pool).
///
/// - The deadline covers the whole exchange (waiting for a connection, connect, write, head and body) and is
///   enforced on the connection's thread, so a busy process cannot turn a late answer into a success.
/// - Keep-alive connections are reused (at most ``maxConnections``; further requests wait for one). A request is
///   sent again on a fresh connection at most once, and only when nothing of it can have been processed: the
///   write on a reused connection failed, or (for read-only methods) a reused connection was closed before any
///   byte of the answer. A state-changing call such as `eth_sendRawTransaction` is never sent twice here.
/// - Failures map to ``RPCError`` like ``HTTPTransport``'s: timeout, 429, other non-2xx statuses, cancellation,
///   and `.transport` (with the credential-free ``label``) for the rest, including a response over
///   ``maxResponseBytes`` and malformed HTTP. Responses are not compressed (no `Accept-Encoding` is sent).
public final class PlainHTTPTransport: RPCTransport {
    /// The endpoint URL.
    public let url: String
    /// The URL without user name, password or query.
    public let label: String
    /// Largest response body accepted, in bytes.
    public let maxResponseBytes: Int
    /// Most connections (and threads) open at once.
    public let maxConnections: Int
    let pool: LanePool
    private let prefix: [UInt8]

    /// A transport to the `http://` URL `url`; throws ``RPCError/transport(_:)`` for another scheme or no host.
    /// Idle connections close after `idleTimeout`.
    public init(url: String, maxConnections: Int = 16, maxResponseBytes: Int = 64 << 20,
                idleTimeout: Duration = .seconds(30)) throws(RPCError) {
        let label = HTTPTransport.redact(url)
        guard let parts = URLComponents(string: url), parts.scheme?.lowercased() == "http",
              let host = parts.host, !host.isEmpty else {
            throw .transport("\(label): not an http:// URL with a host")
        }
        let port = parts.port ?? 80
        guard (1...65_535).contains(port) else { throw .transport("\(label): port \(port) is not in 1…65535") }
        self.url = url
        self.label = label
        self.maxResponseBytes = max(0, maxResponseBytes)
        self.maxConnections = max(1, maxConnections)
        var target = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
        if let query = parts.percentEncodedQuery { target += "?" + query }
        let hostHeader = (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) + (parts.port.map { ":\($0)" } ?? "")
        var authorization: String?
        if let user = parts.user {
            let pair = (user.removingPercentEncoding ?? user) + ":" + (parts.password.map { $0.removingPercentEncoding ?? $0 } ?? "")
            authorization = "Basic " + Data(pair.utf8).base64EncodedString()
        }
        prefix = HTTP1Wire.requestPrefix(target: target, host: hostHeader, authorization: authorization)
        let idle = idleTimeout.components
        pool = LanePool(endpoint: .init(host: host, port: port, label: label, maxResponseBytes: self.maxResponseBytes),
                        maxLanes: self.maxConnections,
                        idleNanos: UInt64(max(0, idle.seconds)) * 1_000_000_000 + UInt64(max(0, idle.attoseconds) / 1_000_000_000))
    }

    /// POSTs `body` as JSON and returns the response body; HTTP 429 is ``RPCError/rateLimited(retryAfterSeconds:)``,
    /// other non-2xx statuses ``RPCError/http(status:body:)``.
    public func roundTrip(_ body: [UInt8], method: String, timeout: Duration) async throws(RPCError) -> [UInt8] {
        let parts = timeout.components
        let nanos = max(0, parts.seconds) * 1_000_000_000 + max(0, parts.attoseconds) / 1_000_000_000
        let job = HTTPJob(request: HTTP1Wire.request(prefix: prefix, body: body), method: method,
                          deadline: monotonicNanos() &+ UInt64(nanos), resendable: Self.isSafeToResend(method))
        let pool = self.pool
        let outcome = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                job.start(continuation)
                pool.submit(job)
            }
        } onCancel: {
            pool.cancel(job)
        }
        let response = try outcome.get()
        if response.status == 429 { throw .rateLimited(retryAfterSeconds: response.retryAfter) }
        guard (200..<300).contains(response.status) else {
            throw .http(status: response.status, body: String(decoding: response.body.prefix(512), as: UTF8.self))
        }
        return response.body
    }

    /// Closes the idle connections and ends their threads (busy ones close when their request is done); the
    /// transport stays usable and opens new connections on demand.
    public func shutdown() async { pool.closeIdle() }

    /// Methods that only read, so that a request lost with a connection the server closed can go again.
    static let readOnlyMethods: Set<String> = [
        "eth_chainId", "eth_blockNumber", "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getTransactionCount",
        "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getBlockByNumber", "eth_getBlockByHash",
        "eth_getBlockReceipts", "eth_getLogs", "eth_getProof", "eth_call", "eth_estimateGas", "eth_gasPrice",
        "eth_maxPriorityFeePerGas", "eth_feeHistory", "eth_syncing", "eth_blobBaseFee", "net_version", "web3_clientVersion",
    ]

    static func isSafeToResend(_ method: String) -> Bool { readOnlyMethods.contains(method) }
}

/// Where the lanes of one transport connect, and what they accept.
struct Endpoint: Sendable {
    let host: String
    let port: Int
    let label: String
    let maxResponseBytes: Int
}

/// One request in flight: its bytes, deadline, continuation, and the socket it is using (so it can be cancelled).
final class HTTPJob: @unchecked Sendable {
    let request: [UInt8]
    let method: String
    let deadline: UInt64
    let resendable: Bool
    private let lock = NIOLock()
    // Guarded by `lock`.
    private var continuation: UnsafeContinuation<Result<HTTP1Response, RPCError>, Never>?
    private var cancelled = false
    private var fd: Int32 = -1

    init(request: [UInt8], method: String, deadline: UInt64, resendable: Bool) {
        self.request = request
        self.method = method
        self.deadline = deadline
        self.resendable = resendable
    }

    func start(_ continuation: UnsafeContinuation<Result<HTTP1Response, RPCError>, Never>) {
        lock.withLock { self.continuation = continuation }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Marks the job cancelled and wakes the thread blocked on its socket, if any.
    func markCancelled() {
        lock.withLock {
            cancelled = true
            if fd >= 0 { PlainSocket.interrupt(fd) }
        }
    }

    /// Records the socket in use; false when the job is already cancelled.
    func attach(_ fd: Int32) -> Bool {
        lock.withLock {
            if cancelled { return false }
            self.fd = fd
            return true
        }
    }

    func detach() { lock.withLock { fd = -1 } }

    /// Resumes the caller (once; later calls do nothing).
    func finish(_ outcome: Result<HTTP1Response, RPCError>) {
        let taken = lock.withLock { () -> UnsafeContinuation<Result<HTTP1Response, RPCError>, Never>? in
            defer { continuation = nil }
            return continuation
        }
        taken?.resume(returning: outcome)
    }
}

/// The connections of one transport, each served by its own thread ("lane"), and the requests waiting for one.
final class LanePool: @unchecked Sendable {
    let endpoint: Endpoint
    let maxLanes: Int
    let idleNanos: UInt64
    let lock = NIOLock()
    // Guarded by `lock`.
    private var idle: [Lane] = []
    private var laneCount = 0
    private var pending: [HTTPJob] = []

    init(endpoint: Endpoint, maxLanes: Int, idleNanos: UInt64) {
        self.endpoint = endpoint
        self.maxLanes = maxLanes
        self.idleNanos = idleNanos
    }

    /// Open connections (busy or idle), for tests.
    var openLanes: Int { lock.withLock { laneCount } }

    /// Hands `job` to an idle lane, a new lane, or the queue.
    func submit(_ job: HTTPJob) {
        enum Step { case cancelled, lane(Lane), spawn, queued }
        let step = lock.withLock { () -> Step in
            if job.isCancelled { return .cancelled }
            if let lane = idle.popLast() { return .lane(lane) }
            if laneCount < maxLanes {
                laneCount += 1
                return .spawn
            }
            pending.append(job)
            return .queued
        }
        switch step {
        case .cancelled: job.finish(.failure(.cancelled))
        case .lane(let lane): lane.assign(job)
        case .spawn: Lane.spawn(pool: self, first: job)
        case .queued:
            // Every lane is busy: if none takes the job before its deadline, it times out where it waits.
            let now = monotonicNanos()
            let wait = job.deadline > now ? job.deadline - now : 0
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(min(wait, UInt64(Int.max))))) { [weak self] in
                self?.expire(job)
            }
        }
    }

    /// Times out `job` if it is still waiting for a lane.
    func expire(_ job: HTTPJob) {
        let removed = lock.withLock { () -> Bool in
            guard let index = pending.firstIndex(where: { $0 === job }) else { return false }
            pending.remove(at: index)
            return true
        }
        if removed { job.finish(.failure(.timeout(method: job.method))) }
    }

    /// The next queued job for a lane that finished one; nil puts the lane in the idle list.
    func next(after lane: Lane) -> HTTPJob? {
        lock.withLock {
            if !pending.isEmpty { return pending.removeFirst() }
            idle.append(lane)
            return nil
        }
    }

    /// Removes an idle lane whose idle time ran out; false when a job was just handed to it.
    func retire(_ lane: Lane) -> Bool {
        lock.withLock {
            guard let index = idle.firstIndex(where: { $0 === lane }) else { return false }
            idle.remove(at: index)
            laneCount -= 1
            return true
        }
    }

    /// Cancels `job`: a queued one is answered at once, a running one is woken by closing its socket.
    func cancel(_ job: HTTPJob) {
        job.markCancelled()
        let removed = lock.withLock { () -> Bool in
            guard let index = pending.firstIndex(where: { $0 === job }) else { return false }
            pending.remove(at: index)
            return true
        }
        if removed { job.finish(.failure(.cancelled)) }
    }

    /// Stops every idle lane (its connection closes and its thread ends).
    func closeIdle() {
        let lanes = lock.withLock { () -> [Lane] in
            let all = idle
            idle.removeAll()
            laneCount -= all.count
            return all
        }
        for lane in lanes { lane.stop() }
    }
}
