import EVM
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A live `eth_subscribe` subscription: an async sequence of raw notification results.
///
/// It survives reconnects: the transport subscribes again with the same parameters and keeps feeding
/// this stream. Cancel it with ``WebSocketTransport/unsubscribe(_:)`` or by dropping the iterator's task.
public struct RPCSubscription: Sendable {
    /// Local identifier (stable across reconnects).
    public let id: Int
    /// The `eth_subscribe` parameters.
    public let params: [JSONRPCValue]
    /// The notification results, as JSON bytes.
    public let results: AsyncStream<RPCResult>
}

/// JSON-RPC over one WebSocket (RFC 6455, NIOWebSocket): requests, batches and `eth_subscribe`.
///
/// When the connection drops, pending requests fail with ``RPCError/transport(_:)``; the transport
/// reconnects with exponential backoff and resubscribes every live subscription.
public actor WebSocketTransport: RPCTransport {
    /// The `ws://` URL.
    public nonisolated let url: String
    /// The URL without user name and password.
    public nonisolated var label: String { HTTPTransport.redact(url) }
    private let host: String
    private let port: Int
    private let path: String
    private let reconnect: RetryPolicy

    private var outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>?
    private var rawChannel: (any Channel)?
    private var connecting: Task<Void, any Error>?
    private var pending: [Int: CheckedContinuation<[UInt8], any Error>] = [:]
    private var subscriptions: [Int: (params: [JSONRPCValue], continuation: AsyncStream<RPCResult>.Continuation, remote: String?)] = [:]
    private var remoteToLocal: [String: Int] = [:]
    private var nextLocal = 1
    private var nextID = 1 << 30
    private var internalID = 1 << 40
    private var closed = false
    private var generation = 0
    /// How many times the connection was (re)established.
    public private(set) var connectCount = 0

    /// A transport to `url` (`ws://host:port/path`); connects lazily on first use.
    public init(url: String, reconnect: RetryPolicy = RetryPolicy(maxAttempts: 50, baseDelay: .milliseconds(50), maxDelay: .seconds(5))) throws(RPCError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, scheme == "ws",
              let host = components.host else {
            throw .transport("unsupported WebSocket URL (ws:// only): \(url)")
        }
        self.url = url
        self.host = host
        self.port = components.port ?? 80
        self.path = components.path.isEmpty ? "/" : components.path
        self.reconnect = reconnect
    }

    /// Closes the connection and ends every subscription.
    public func close() async {
        closed = true
        outbound?.finish()
        outbound = nil
        try? await rawChannel?.close()
        rawChannel = nil
        for (_, c) in pending { c.resume(throwing: RPCError.cancelled) }
        pending.removeAll()
        for (_, s) in subscriptions { s.continuation.finish() }
        subscriptions.removeAll()
    }

    // MARK: Requests

    /// Sends `body` as a text frame and returns the answer with the same request id, within `timeout`.
    public nonisolated func roundTrip(_ body: [UInt8], method: String, timeout: Duration) async throws(RPCError) -> [UInt8] {
        do {
            return try await withThrowingTaskGroup(of: [UInt8].self) { group in
                group.addTask { try await self.exchange(body) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw RPCError.timeout(method: method)
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw .cancelled
        }
    }

    /// Rewrites the request id(s) to connection-unique ones, sends, and restores the caller's ids.
    private func exchange(_ body: [UInt8]) async throws -> [UInt8] {
        try await ensureConnected()
        let key = nextID
        nextID += 1
        // The response is matched by the first id of the (possibly batch) request.
        guard let firstID = Self.firstID(body) else { throw RPCError.invalidResponse("request without id") }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                pending[key] = continuation
                aliases[firstID] = key
                send(body)
            }
        } onCancel: {
            Task { await self.cancelPending(key) }
        }
    }

    private var aliases: [Int: Int] = [:]

    private func cancelPending(_ key: Int) {
        if let c = pending.removeValue(forKey: key) { c.resume(throwing: RPCError.cancelled) }
        aliases = aliases.filter { $0.value != key }
    }

    private func send(_ body: [UInt8]) {
        guard let outbound else { return }
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(bytes: body))
        Task { try? await outbound.write(frame) }
    }

    static func firstID(_ body: [UInt8]) -> Int? {
        var scanner = JSONScanner(body)
        scanner.skipWhitespace()
        do {
            let objectRange: Range<Int>
            if scanner.peek() == UInt8(ascii: "[") {
                guard let first = try scanner.arrayElements().first else { return nil }
                objectRange = first
            } else {
                objectRange = try scanner.skipValue()
            }
            var inner = JSONScanner(body)
            inner.index = objectRange.lowerBound
            for (key, value) in try inner.objectMembers() where key.elementsEqual("id".utf8) {
                return Int(String(decoding: body[value], as: UTF8.self))
            }
        } catch {}
        return nil
    }

    /// Closes the current connection as if the network dropped it (tests of reconnection).
    public func dropConnectionForTesting() async {
        try? await rawChannel?.close()
    }

    /// Whether every live subscription is active on the current connection (tests of reconnection).
    public var isSubscribedForTesting: Bool {
        outbound != nil && subscriptions.values.allSatisfy { $0.remote != nil }
    }

    // MARK: Subscriptions

    /// `eth_subscribe` with `params` (e.g. `["newHeads"]`, `["logs", {…}]`).
    public func subscribe(_ params: [JSONRPCValue]) async throws(RPCError) -> RPCSubscription {
        let local = nextLocal
        nextLocal += 1
        let (stream, continuation) = AsyncStream<RPCResult>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        subscriptions[local] = (params, continuation, nil)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.dropSubscription(local, remote: true) }
        }
        do {
            try await activate(local)
        } catch {
            subscriptions[local] = nil
            continuation.finish()
            throw error
        }
        return RPCSubscription(id: local, params: params, results: stream)
    }

    /// New block headers (`newHeads`).
    public nonisolated func newHeads() async throws(RPCError) -> AsyncCompactMapSequence<AsyncStream<RPCResult>, Block> {
        let subscription = try await subscribe(["newHeads"])
        return subscription.results.compactMap { try? $0.decode(as: Block.self) }
    }

    /// Logs matching `addresses` and `topics` (`logs`); removed logs come with `removed == true` after a reorg.
    public nonisolated func logs(addresses: [Address] = [], topics: [[Bytes32]?] = []) async throws(RPCError) -> AsyncCompactMapSequence<AsyncStream<RPCResult>, Log> {
        var filter: [(String, JSONRPCValue)] = []
        if !addresses.isEmpty { filter.append(("address", .array(addresses.map { .address($0) }))) }
        if !topics.isEmpty { filter.append(("topics", LogFilter(topics: topics).topicsJSON)) }
        let subscription = try await subscribe(["logs", .object(filter)])
        return subscription.results.compactMap { try? $0.decode(as: Log.self) }
    }

    /// Ends `subscription` (`eth_unsubscribe` on the node).
    public func unsubscribe(_ subscription: RPCSubscription) async {
        subscriptions[subscription.id]?.continuation.finish()
        await dropSubscription(subscription.id, remote: true)
    }

    private func dropSubscription(_ local: Int, remote: Bool) async {
        guard let entry = subscriptions.removeValue(forKey: local) else { return }
        entry.continuation.finish()
        if let id = entry.remote {
            remoteToLocal[id] = nil
            if remote, !closed {
                internalID += 1
                let body = JSONRPCWire.encode(RPCRequest("eth_unsubscribe", [.string(id)]), id: internalID)
                _ = try? await roundTrip(body, method: "eth_unsubscribe", timeout: .seconds(5))
            }
        }
    }

    private func activate(_ local: Int) async throws(RPCError) {
        guard let entry = subscriptions[local] else { return }
        internalID += 1
        let body = JSONRPCWire.encode(RPCRequest("eth_subscribe", entry.params), id: internalID)
        let response = try await roundTrip(body, method: "eth_subscribe", timeout: .seconds(10))
        let envelopes = try JSONRPCWire.parse(response)
        guard let first = envelopes.first else { throw .invalidResponse("empty eth_subscribe response") }
        let id: String = try RPCResult(method: "eth_subscribe", json: try first.outcome.get()).decode()
        if subscriptions[local] == nil { return }
        subscriptions[local]!.remote = id
        remoteToLocal[id] = local
    }

    // MARK: Connection

    private func ensureConnected() async throws {
        if closed { throw RPCError.cancelled }
        if outbound != nil { return }
        if let connecting {
            try await connecting.value
            return
        }
        let task = Task { try await self.connect() }
        connecting = task
        defer { connecting = nil }
        try await task.value
    }

    private enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case notUpgraded
    }

    private func connect() async throws {
        let host = self.host, port = self.port, path = self.path
        let upgrade: EventLoopFuture<Upgrade>
        do {
            upgrade = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 24) { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                .websocket(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                            }
                        }
                        var headers = HTTPHeaders()
                        headers.add(name: "Host", value: "\(host):\(port)")
                        headers.add(name: "Content-Length", value: "0")
                        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
                        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                            upgradeRequestHead: head, upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeCompletedFuture { .notUpgraded } })
                        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                            configuration: .init(upgradeConfiguration: configuration))
                    }
                }
        } catch {
            throw RPCError.transport("\(label): \(error)")
        }
        guard case .websocket(let channel) = try await upgrade.get() else {
            throw RPCError.transport("\(label): WebSocket upgrade refused")
        }
        generation += 1
        connectCount += 1
        let myGeneration = generation
        let ready = AsyncStream<NIOAsyncChannelOutboundWriter<WebSocketFrame>>.makeStream()
        Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    ready.continuation.yield(outbound)
                    ready.continuation.finish()
                    var message: [UInt8] = []
                    for try await frame in inbound {
                        switch frame.opcode {
                        case .text, .binary, .continuation:
                            message.append(contentsOf: frame.unmaskedData.readableBytesView)
                            if frame.fin {
                                let complete = message
                                message = []
                                self.received(complete)
                            }
                        case .ping:
                            try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData))
                        case .connectionClose:
                            return
                        default:
                            break
                        }
                    }
                }
            } catch {}
            ready.continuation.finish()
            await self.disconnected(generation: myGeneration)
        }
        for await writer in ready.stream {
            outbound = writer
            rawChannel = channel.channel
            return
        }
        throw RPCError.transport("\(label): connection closed during start")
    }

    private func received(_ bytes: [UInt8]) {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "{"), let members = try? scanner.objectMembers() {
            var isNotification = false
            var paramsRange: Range<Int>?
            var idValue: Int?
            for (key, value) in members {
                if key.elementsEqual("method".utf8), bytes[value].elementsEqual(#""eth_subscription""#.utf8) { isNotification = true }
                if key.elementsEqual("params".utf8) { paramsRange = value }
                if key.elementsEqual("id".utf8) { idValue = Int(String(decoding: bytes[value], as: UTF8.self)) }
            }
            if isNotification, let paramsRange {
                var inner = JSONScanner(bytes)
                inner.index = paramsRange.lowerBound
                guard let params = try? inner.objectMembers() else { return }
                var subscriptionID: String?
                var result: Range<Int>?
                for (key, value) in params {
                    if key.elementsEqual("subscription".utf8) {
                        subscriptionID = String(decoding: bytes[value].dropFirst().dropLast(), as: UTF8.self)
                    }
                    if key.elementsEqual("result".utf8) { result = value }
                }
                if let subscriptionID, let result, let local = remoteToLocal[subscriptionID] {
                    subscriptions[local]?.continuation.yield(RPCResult(method: "eth_subscription", json: Array(bytes[result])))
                }
                return
            }
            if let idValue { deliver(bytes, forID: idValue) }
            return
        }
        if let id = Self.firstResponseID(bytes) { deliver(bytes, forID: id) }
    }

    private func deliver(_ bytes: [UInt8], forID id: Int) {
        guard let key = aliases.removeValue(forKey: id), let continuation = pending.removeValue(forKey: key) else { return }
        continuation.resume(returning: bytes)
    }

    static func firstResponseID(_ bytes: [UInt8]) -> Int? {
        firstID(bytes)
    }

    private func disconnected(generation: Int) async {
        guard generation == self.generation else { return }
        outbound = nil
        rawChannel = nil
        for (_, c) in pending { c.resume(throwing: RPCError.transport("\(label): connection lost")) }
        pending.removeAll()
        aliases.removeAll()
        for key in subscriptions.keys { subscriptions[key]!.remote = nil }
        remoteToLocal.removeAll()
        guard !closed, !subscriptions.isEmpty else { return }
        // Reconnect with backoff and resubscribe.
        var attempt = 0
        while !closed && attempt < reconnect.maxAttempts {
            attempt += 1
            try? await Task.sleep(for: reconnect.delay(beforeRetry: attempt))
            do {
                try await ensureConnected()
                for local in subscriptions.keys.sorted() { try await activate(local) }
                return
            } catch {
                continue
            }
        }
    }
}
