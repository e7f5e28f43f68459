import AsyncHTTPClient
import EVM
import Foundation
import NIOCore
import NIOHTTP1

/// Carries encoded JSON-RPC bodies to one node and brings back the response bytes.
///
/// Implementations map every failure to ``RPCError`` (transport, timeout, HTTP status, rate limit).
public protocol RPCTransport: Sendable {
    /// A short, credential-free label of the endpoint (for errors and logs).
    var label: String { get }
    /// Sends `body` and returns the response body, within `timeout`.
    func roundTrip(_ body: [UInt8], method: String, timeout: Duration) async throws(RPCError) -> [UInt8]
}

/// JSON-RPC over HTTP(S) on async-http-client: pooled keep-alive connections, gzip responses, TLS.
///
/// ``RPCClient/transport(url:)`` picks it for `https://`; plain `http://` goes to the leaner ``PlainHTTPTransport``.
public final class HTTPTransport: RPCTransport {
    /// The endpoint URL.
    public let url: String
    /// The URL without user name and password.
    public var label: String { HTTPTransport.redact(url) }
    private let client: HTTPClient
    private let ownsClient: Bool
    /// Largest response accepted, in bytes.
    public let maxResponseBytes: Int

    /// A transport to `url` on `client` (the caller shuts it down), or on the process-wide
    /// ``sharedClient`` when nil.
    public init(url: String, client: HTTPClient? = nil, maxResponseBytes: Int = 64 << 20) {
        self.url = url
        self.maxResponseBytes = maxResponseBytes
        self.client = client ?? HTTPTransport.sharedClient
        self.ownsClient = false
    }

    /// The process-wide pooled HTTP client used by default (lives as long as the process).
    public static let sharedClient: HTTPClient = makeClient()

    /// An HTTP client configured for JSON-RPC: pooled connections, gzip decompression, no redirects.
    public static func makeClient(maxConnectionsPerHost: Int = 16) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.decompression = .enabled(limit: .ratio(200))
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)
        configuration.timeout = .init(connect: .seconds(5))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Shuts down the HTTP client if this transport owns it (the shared client is never shut down).
    public func shutdown() async {
        if ownsClient { try? await client.shutdown() }
    }

    /// POSTs `body` as JSON and returns the response body; HTTP 429 is ``RPCError/rateLimited(retryAfterSeconds:)``, other non-2xx statuses ``RPCError/http(status:body:)``.
    ///
    /// `timeout` covers the whole exchange, body included, and is enforced on the connection's event loop: an answer
    /// completed after it is a timeout even when Swift's cooperative pool is too busy to resume this call in time.
    /// (async-http-client's async `execute` stops its deadline at the response head and delivers it through a task on
    /// that pool, so a late answer could come back as a success.) Cancelling the calling task cancels the request.
    public func roundTrip(_ body: [UInt8], method: String, timeout: Duration) async throws(RPCError) -> [UInt8] {
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let deadline = NIODeadline.now() + .nanoseconds(nanos)
        do {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Accept-Encoding", value: "gzip")
            let request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .bytes(body))
            let accumulator = ResponseAccumulator(request: request, maxBodySize: maxResponseBytes)
            let task = client.execute(request: request, delegate: accumulator, deadline: deadline)
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            let bytes = response.body.map { Array($0.readableBytesView) } ?? []
            let status = Int(response.status.code)
            if status == 429 {
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
                throw RPCError.rateLimited(retryAfterSeconds: retryAfter)
            }
            guard (200..<300).contains(status) else {
                throw RPCError.http(status: status, body: String(decoding: bytes.prefix(512), as: UTF8.self))
            }
            return bytes
        } catch let error as RPCError {
            throw error
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                throw .timeout(method: method)
            }
            if error == .cancelled { throw .cancelled }
            throw .transport("\(label): \(error)")
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .transport("\(label): \(error)")
        }
    }

    /// `url` without credentials or query strings (API keys), for messages.
    public static func displayURL(_ url: String) -> String { redact(url) }

    /// Strips credentials and query strings (API keys) from a URL for display.
    static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<url>" }
        components.user = nil
        components.password = nil
        components.query = nil
        let path = components.path
        if path.count > 12 { components.path = String(path.prefix(8)) + "…" }
        return components.string ?? "<url>"
    }
}
