import EVM
@testable import EVMRPC
import Foundation
import Testing

/// HTTPTransport (async-http-client, the `https://` transport) against the scripted HTTP server over `http://`: answers
/// and statuses, the size limit, a deadline that covers a stalled body, and cancellation.
@Suite("EVMRPC HTTPTransport (async-http-client)")
struct HTTPTransportTests {
    static let chainId = Array(#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#.utf8)

    static func call(_ param: String) -> [UInt8] {
        Array(#"{"jsonrpc":"2.0","id":1,"method":"m","params":["\#(param)"]}"#.utf8)
    }

    @Test func answersAndStatusesMapLikeThePlainTransport() async throws {
        let server = try TinyHTTPServer(script: { request in
            switch HTTP1TestWire.firstParam(request.body) {
            case "429": .bytes(HTTP1TestWire.response("slow down", status: "429 Too Many Requests", headers: "Retry-After: 7\r\n"))
            case "503": .bytes(HTTP1TestWire.response("down", status: "503 Service Unavailable"))
            case "chunked": .bytes(HTTP1TestWire.chunked(HTTP1TestWire.answer(request.body, result: "\"in pieces\""), size: 5))
            default: .bytes(HTTP1TestWire.response(HTTP1TestWire.answer(request.body, result: "\"0x1\"")))
            }
        })
        defer { server.stop() }
        let transport = HTTPTransport(url: server.url + "/rpc")
        let ok = try await transport.roundTrip(Self.call("ok"), method: "m", timeout: .seconds(60))
        #expect(String(decoding: ok, as: UTF8.self).contains("\"0x1\""))
        let pieces = try await transport.roundTrip(Self.call("chunked"), method: "m", timeout: .seconds(60))
        #expect(String(decoding: pieces, as: UTF8.self).contains("\"in pieces\""))
        await #expect(throws: RPCError.rateLimited(retryAfterSeconds: 7)) {
            _ = try await transport.roundTrip(Self.call("429"), method: "m", timeout: .seconds(60))
        }
        await #expect(throws: RPCError.http(status: 503, body: "down")) {
            _ = try await transport.roundTrip(Self.call("503"), method: "m", timeout: .seconds(60))
        }
    }

    @Test func aResponseOverTheSizeLimitIsATransportError() async throws {
        let server = try TinyHTTPServer(script: { request in
            .bytes(HTTP1TestWire.response(HTTP1TestWire.answer(request.body, result: "\"\(String(repeating: "x", count: 5000))\"")))
        })
        defer { server.stop() }
        let transport = HTTPTransport(url: server.url, maxResponseBytes: 1000)
        await #expect {
            _ = try await transport.roundTrip(Self.chainId, method: "eth_chainId", timeout: .seconds(60))
        } throws: { error in
            guard case .transport(let message)? = error as? RPCError else { return false }
            return message.hasPrefix(server.url)
        }
    }

    /// The head arrives at once, the body never completes: the call is a timeout at its deadline, not a hang.
    @Test func theDeadlineCoversTheBodyOfAStalledResponse() async throws {
        let server = try TinyHTTPServer(script: { _ in
            .stall(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":".utf8))
        })
        defer { server.stop() }
        let transport = HTTPTransport(url: server.url)
        await #expect(throws: RPCError.timeout(method: "eth_chainId")) {
            _ = try await transport.roundTrip(Self.chainId, method: "eth_chainId", timeout: .milliseconds(300))
        }
        // The client dropped the stalled connection at its deadline, timed on the server's thread (the caller may be
        // resumed much later when the test run keeps Swift's pool busy).
        let dropped = try await eventually(timeout: .seconds(300)) { server.stalls.count == 1 }
        #expect(dropped)
        #expect(server.stalls.allSatisfy { $0 < .seconds(5) })
    }

    @Test func aCancelledCallEndsAsCancelled() async throws {
        let server = try TinyHTTPServer(script: { _ in .stall([]) })
        defer { server.stop() }
        let transport = HTTPTransport(url: server.url)
        let call = Task { try await transport.roundTrip(Self.chainId, method: "eth_chainId", timeout: .seconds(600)) }
        let arrived = try await eventually(timeout: .seconds(300)) { server.received.count == 1 }
        #expect(arrived)
        call.cancel()
        await #expect(throws: RPCError.cancelled) { _ = try await call.value }
    }

    @Test func aRefusedConnectionIsATransportError() async throws {
        let transport = HTTPTransport(url: "http://127.0.0.1:1")
        await #expect {
            _ = try await transport.roundTrip(Self.chainId, method: "eth_chainId", timeout: .seconds(30))
        } throws: { error in
            guard case .transport(let message)? = error as? RPCError else { return false }
            return message.hasPrefix("http://127.0.0.1:1")
        }
    }
}
