import EVM
import Foundation
import Logging
import NIOConcurrencyHelpers

/// When and how often a failed request is tried again.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, including the first (1 = no retries).
    public var maxAttempts: Int
    /// Delay before the first retry; doubled for each further retry.
    public var baseDelay: Duration
    /// Upper bound of one delay.
    public var maxDelay: Duration
    /// Fraction of each delay drawn at random (0…1), so clients do not retry in lockstep.
    public var jitter: Double

    /// A policy; defaults retry 4 times from 100 ms up to 5 s with 50 % jitter.
    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5), jitter: Double = 0.5) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
    }

    /// No retries (named so it cannot be confused with `Optional.none`).
    public static let noRetries = RetryPolicy(maxAttempts: 1)

    /// The delay before retry number `retry` (1-based), with jitter.
    public func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(retry - 1, 30)
        let base = min(baseDelay * (1 << exponent), maxDelay)
        let factor = 1 - jitter + Double.random(in: 0...1) * jitter
        return base * factor
    }
}

/// Settings of an ``RPCClient``.
public struct RPCConfiguration: Sendable {
    /// Timeout of one HTTP round trip.
    public var requestTimeout: Duration
    /// Retries for transient failures.
    public var retry: RetryPolicy
    /// When set, concurrent single calls made within this window are sent together as one batch.
    public var coalescingWindow: Duration?
    /// Largest batch sent in one request (larger explicit batches are split).
    public var maxBatchSize: Int
    /// Where retries and failovers are logged (warning level); nil: not logged.
    public var logger: Logger?

    /// Settings with defaults: 30 s timeout, default retries, no coalescing, batches of up to 1,000.
    public init(requestTimeout: Duration = .seconds(30), retry: RetryPolicy = RetryPolicy(), coalescingWindow: Duration? = nil,
                maxBatchSize: Int = 1000, logger: Logger? = nil) {
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.coalescingWindow = coalescingWindow
        self.maxBatchSize = max(1, maxBatchSize)
        self.logger = logger
    }
}

/// An async JSON-RPC 2.0 client over one or more endpoints, with retries, failover and batching.
///
/// Idempotent reads are retried on transient failures (with exponential backoff and jitter), moving to the
/// next endpoint each time. `eth_sendRawTransaction` is never resent blindly: see ``sendRawTransaction(_:)``.
public final class RPCClient: Sendable {
    /// The endpoints, tried in order from the last one that worked.
    public let transports: [any RPCTransport]
    /// The client's settings.
    public let configuration: RPCConfiguration
    private let state = NIOLockedValueBox(State())
    private let coalescer: Coalescer?

    struct State {
        var nextID = 1
        var current = 0
    }

    /// A client over the given transports (at least one).
    public init(transports: [any RPCTransport], configuration: RPCConfiguration = RPCConfiguration()) {
        precondition(!transports.isEmpty, "RPCClient needs at least one transport")
        self.transports = transports
        self.configuration = configuration
        self.coalescer = configuration.coalescingWindow.map { Coalescer(window: $0) }
    }

    /// A client over HTTP(S) URLs, each with its own pool of keep-alive connections (see ``transport(url:)``).
    public convenience init(urls: [String], configuration: RPCConfiguration = RPCConfiguration()) {
        self.init(transports: urls.map { RPCClient.transport(url: $0) }, configuration: configuration)
    }

    /// The transport for an HTTP(S) URL: ``PlainHTTPTransport`` for `http://` (a devnet, a local node: less CPU per
    /// call), ``HTTPTransport`` on async-http-client for `https://` (TLS) and anything else.
    public static func transport(url: String) -> any RPCTransport {
        if url.lowercased().hasPrefix("http://"), let plain = try? PlainHTTPTransport(url: url) { return plain }
        return HTTPTransport(url: url)
    }

    /// Releases the HTTP connections (call once when done).
    public func shutdown() async {
        for transport in transports {
            if let http = transport as? HTTPTransport { await http.shutdown() }
            if let plain = transport as? PlainHTTPTransport { await plain.shutdown() }
        }
    }

    private func reserveIDs(_ count: Int) -> Int {
        state.withLockedValue { s in
            let first = s.nextID
            s.nextID &+= count
            if s.nextID > Int(Int32.max) { s.nextID = 1 }
            return first
        }
    }

    // MARK: Single calls

    /// Calls `method` with `params` and decodes the result as `T`.
    public func call<T: Decodable>(_ method: String, _ params: [JSONRPCValue] = [], as type: T.Type = T.self) async throws(RPCError) -> T {
        try await raw(RPCRequest(method, params)).decode(as: T.self)
    }

    /// Calls `request` and returns the undecoded result (retried on transient failures).
    public func raw(_ request: RPCRequest) async throws(RPCError) -> RPCResult {
        if let coalescer {
            return try await coalescer.enqueue(request, client: self)
        }
        return try await withRetries(method: request.method) { transport throws(RPCError) in
            try await self.once(request, on: transport)
        }
    }

    /// Calls `request` exactly once on `transport`, without retries.
    func once(_ request: RPCRequest, on transport: any RPCTransport) async throws(RPCError) -> RPCResult {
        let id = reserveIDs(1)
        let body = JSONRPCWire.encode(request, id: id)
        let response = try await transport.roundTrip(body, method: request.method, timeout: configuration.requestTimeout)
        let envelopes = try JSONRPCWire.parse(response)
        guard envelopes.count == 1, let envelope = envelopes.first else {
            throw .invalidResponse("expected one response, got \(envelopes.count)")
        }
        if let got = envelope.id, got != id, case .success = envelope.outcome {
            throw .invalidResponse("response id \(got) does not match request id \(id)")
        }
        return try RPCResult(method: request.method, json: envelope.outcome.get())
    }

    /// Calls `request` exactly once on the current endpoint, without retries or failover.
    public func callOnce(_ request: RPCRequest) async throws(RPCError) -> RPCResult {
        try await once(request, on: transports[currentIndex])
    }

    var currentIndex: Int { state.withLockedValue { $0.current } }

    /// Moves to the next endpoint after a failure on endpoint `index` (unless another task already moved on).
    func failover(from index: Int) {
        guard transports.count > 1 else { return }
        state.withLockedValue { s in
            if s.current == index { s.current = (index + 1) % transports.count }
        }
    }

    /// Runs `body` on the current endpoint, retrying transient failures with backoff and moving to the
    /// next endpoint after each failure.
    func withRetries<R: Sendable>(method: String, policy: RetryPolicy? = nil, _ body: (any RPCTransport) async throws(RPCError) -> R) async throws(RPCError) -> R {
        let policy = policy ?? configuration.retry
        var attempt = 0
        while true {
            attempt += 1
            let index = currentIndex
            do {
                return try await body(transports[index])
            } catch {
                guard error.isTransient, attempt < policy.maxAttempts, !Task.isCancelled else { throw error }
                configuration.logger?.warning("retrying \(method) after attempt \(attempt) on \(transports[index].label): \(error)")
                failover(from: index)
                var delay = policy.delay(beforeRetry: attempt)
                if case .rateLimited(let seconds?) = error { delay = max(delay, .seconds(min(seconds, 30))) }
                do { try await Task.sleep(for: delay) } catch { throw .cancelled }
            }
        }
    }

    // MARK: Batches

    /// Sends `requests` as JSON-RPC batches (split at ``RPCConfiguration/maxBatchSize``) and returns one
    /// outcome per request, in order. A failure of the whole batch (transport, HTTP) is thrown; errors of
    /// single calls come back in their slot. Whole-batch failures are retried when transient.
    public func batch(_ requests: [RPCRequest]) async throws(RPCError) -> [Result<RPCResult, RPCError>] {
        var results: [Result<RPCResult, RPCError>] = []
        results.reserveCapacity(requests.count)
        var start = 0
        while start < requests.count {
            let end = min(start + configuration.maxBatchSize, requests.count)
            let chunk = Array(requests[start..<end])
            let part = try await withRetries(method: "batch") { transport throws(RPCError) in
                try await self.batchOnce(chunk, on: transport)
            }
            results.append(contentsOf: part)
            start = end
        }
        return results
    }

    /// Sends the same `method` for each parameter list and decodes every result as `T`; the first failing
    /// call's error is thrown.
    public func batch<T: Decodable & Sendable>(_ method: String, _ paramsList: [[JSONRPCValue]], as type: T.Type = T.self) async throws(RPCError) -> [T] {
        let outcomes = try await batch(paramsList.map { RPCRequest(method, $0) })
        var values: [T] = []
        values.reserveCapacity(outcomes.count)
        for outcome in outcomes { values.append(try outcome.get().decode(as: T.self)) }
        return values
    }

    func batchOnce(_ requests: [RPCRequest], on transport: any RPCTransport) async throws(RPCError) -> [Result<RPCResult, RPCError>] {
        if requests.isEmpty { return [] }
        let first = reserveIDs(requests.count)
        let body = JSONRPCWire.encodeBatch(requests, firstID: first)
        let response = try await transport.roundTrip(body, method: requests.count == 1 ? requests[0].method : "batch", timeout: configuration.requestTimeout)
        let envelopes = try JSONRPCWire.parse(response)
        if envelopes.count == 1, envelopes[0].id == nil, case .failure(let error) = envelopes[0].outcome, requests.count > 1 {
            throw error  // the node refused the whole batch
        }
        var byID: [Int: Result<[UInt8], RPCError>] = [:]
        byID.reserveCapacity(envelopes.count)
        for envelope in envelopes {
            guard let id = envelope.id else { continue }
            byID[id] = envelope.outcome
        }
        return requests.enumerated().map { i, request in
            guard let outcome = byID[first + i] else { return .failure(.missingResponse(id: first + i)) }
            return outcome.map { RPCResult(method: request.method, json: $0) }
        }
    }
}

/// Collects single calls made within a short window and sends them as one batch.
final class Coalescer: Sendable {
    let window: Duration
    private let pending = NIOLockedValueBox<[(RPCRequest, CheckedContinuation<RPCResult, any Error>)]>([])

    init(window: Duration) { self.window = window }

    func enqueue(_ request: RPCRequest, client: RPCClient) async throws(RPCError) -> RPCResult {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let first = pending.withLockedValue { list in
                    list.append((request, continuation))
                    return list.count == 1
                }
                if first {
                    Task {
                        try? await Task.sleep(for: window)
                        await self.flush(client: client)
                    }
                }
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw .cancelled
        }
    }

    private func flush(client: RPCClient) async {
        let taken = pending.withLockedValue { list in
            let all = list
            list.removeAll()
            return all
        }
        if taken.isEmpty { return }
        let requests = taken.map(\.0)
        do {
            let outcomes: [Result<RPCResult, RPCError>]
            if requests.count == 1 {
                let one = try await client.withRetries(method: requests[0].method) { transport throws(RPCError) in
                    try await client.once(requests[0], on: transport)
                }
                outcomes = [.success(one)]
            } else {
                outcomes = try await client.withRetries(method: "batch") { transport throws(RPCError) in
                    try await client.batchOnce(requests, on: transport)
                }
            }
            for (i, (_, continuation)) in taken.enumerated() {
                continuation.resume(with: outcomes[i].mapError { $0 as any Error })
            }
        } catch {
            for (_, continuation) in taken { continuation.resume(throwing: error) }
        }
    }
}
