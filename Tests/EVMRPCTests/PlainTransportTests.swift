import EVM
@testable import EVMRPC
import Foundation
import Testing

/// PlainHTTPTransport against a scripted HTTP server (framing, closed connections, limits, deadlines, malformed
/// answers, concurrency); the devnet suites run through it too, since their clients are built from http URLs.
@Suite("EVMRPC plain HTTP/1.1 transport")
struct PlainTransportTests {
    /// Runs `body` with a server following `script` and a client (no retries) on it.
    func withServer(maxConnections: Int = 16, maxResponseBytes: Int = 64 << 20, timeout: Duration = .seconds(10),
                    script: @escaping @Sendable (TinyHTTPServer.Request) -> TinyHTTPServer.Reply,
                    _ body: @Sendable (TinyHTTPServer, PlainHTTPTransport, RPCClient) async throws -> Void) async throws {
        let server = try TinyHTTPServer(script: script)
        // Idle connections kept an hour: a test process busy elsewhere must not retire them between two calls.
        let transport = try PlainHTTPTransport(url: server.url + "/rpc?key=secret", maxConnections: maxConnections,
                                               maxResponseBytes: maxResponseBytes, idleTimeout: .seconds(3600))
        let client = RPCClient(transports: [transport], configuration: RPCConfiguration(requestTimeout: timeout, retry: .noRetries))
        defer { server.stop() }
        try await body(server, transport, client)
        await client.shutdown()
    }

    /// Calls `method` with one string parameter and decodes a string.
    func string(_ client: RPCClient, _ method: String, _ param: String) async throws -> String {
        try await client.call(method, [.string(param)], as: String.self)
    }

    /// An echo node: the result is the request's first parameter, as a JSON string.
    static func echo(_ request: TinyHTTPServer.Request) -> String {
        HTTP1TestWire.answer(request.body, result: "\"\(HTTP1TestWire.firstParam(request.body))\"")
    }

    @Test func readsContentLengthAndChunkedBodies() async throws {
        try await withServer(script: { request in
            let answer = Self.echo(request)
            return .bytes(request.indexOnConnection % 2 == 0 ? HTTP1TestWire.response(answer) : HTTP1TestWire.chunked(answer, size: 3))
        }) { server, _, client in
            for i in 0..<6 {
                let text = String(repeating: "v\(i)", count: 40 * i + 1)
                let got1 = try await string(client, "echo", text)
                #expect(got1 == text)
            }
            #expect(server.accepted == 1)  // one keep-alive connection carried all six
        }
    }

    @Test func sendsOneWellFormedRequestWithTheURLsPathAndQuery() async throws {
        let server = try TinyHTTPServer(script: { .bytes(HTTP1TestWire.response(Self.echo($0))) })
        defer { server.stop() }
        let transport = try PlainHTTPTransport(url: server.url + "/v1/abc?key=secret")
        #expect(transport.label == "\(server.url)/v1/abc")
        let answer = try await transport.roundTrip(Array(#"{"jsonrpc":"2.0","id":9,"method":"m","params":["x"]}"#.utf8),
                                                   method: "m", timeout: .seconds(10))
        #expect(String(decoding: answer, as: UTF8.self) == #"{"jsonrpc":"2.0","id":9,"result":"x"}"#)
        #expect(HTTP1Wire.requestPrefix(target: "/v1/abc?key=secret", host: "127.0.0.1:1", authorization: nil)
            == Array("POST /v1/abc?key=secret HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Type: application/json\r\nContent-Length: ".utf8))
        await transport.shutdown()
    }

    /// An echo node that closes its first connection as the second request arrives (a keep-alive expiry race).
    static func closingTheFirstConnectionAtItsSecondRequest(_ request: TinyHTTPServer.Request) -> TinyHTTPServer.Reply {
        request.connection == 0 && request.indexOnConnection == 1 ? .close : .bytes(HTTP1TestWire.response(echo(request)))
    }

    @Test func aReadOnAReusedConnectionClosedBeforeAnyAnswerIsRetriedOnceOnANewOne() async throws {
        try await withServer(script: Self.closingTheFirstConnectionAtItsSecondRequest) { server, _, client in
            let got2 = try await string(client, "eth_chainId", "a")
            #expect(got2 == "a")
            let got3 = try await string(client, "eth_chainId", "b")
            #expect(got3 == "b")
            #expect(server.accepted == 2)
            #expect(server.received.count == 3)
        }
    }

    @Test func aSendOnAReusedConnectionClosedBeforeAnyAnswerIsNotSentAgain() async throws {
        try await withServer(script: Self.closingTheFirstConnectionAtItsSecondRequest) { server, _, client in
            let got4 = try await string(client, "eth_chainId", "a")
            #expect(got4 == "a")
            await #expect {
                _ = try await client.call("eth_sendRawTransaction", [.string("0x02")], as: String.self)
            } throws: { error in
                guard case .transport(let message) = error as? RPCError else { return false }
                return message.contains("closed before any response") && !message.contains("secret")
            }
            #expect(server.received.filter { $0.body.contains("eth_sendRawTransaction") }.count == 1)
            #expect(server.accepted == 1)
        }
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedBeforeASendGoesOut() async throws {
        try await withServer(script: { .bytesThenClose(HTTP1TestWire.response(Self.echo($0))) }) { server, _, client in
            let got5 = try await string(client, "eth_chainId", "a")
            #expect(got5 == "a")
            let closed = try await eventually(timeout: .seconds(300)) { server.closed == 1 }
            #expect(closed)
            let got7 = try await string(client, "eth_sendRawTransaction", "0x02")
            #expect(got7 == "0x02")
            #expect(server.received.count == 2)
            #expect(server.accepted == 2)
        }
    }

    @Test(arguments: [false, true])
    func aResponseOverTheSizeLimitIsATransportError(chunked: Bool) async throws {
        try await withServer(maxResponseBytes: 1000, script: { request in
            let answer = HTTP1TestWire.answer(request.body, result: "\"\(String(repeating: "x", count: 5000))\"")
            return .bytes(chunked ? HTTP1TestWire.chunked(answer, size: 700) : HTTP1TestWire.response(answer))
        }) { _, _, client in
            await #expect(throws: RPCError.self) { _ = try await client.chainId() }
            do { _ = try await client.chainId() } catch {
                guard case .transport(let message)? = error as? RPCError else { Issue.record("got \(error)"); return }
                #expect(message.contains("response larger than 1000 bytes"))
            }
        }
    }

    @Test func theDeadlineCoversTheBodyOfAStalledResponse() async throws {
        try await withServer(timeout: .milliseconds(300), script: { _ in
            .stall(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":".utf8))
        }) { server, _, client in
            await #expect(throws: RPCError.timeout(method: "eth_chainId")) { _ = try await client.chainId() }
            // The client dropped the stalled connection at its deadline (timed on the server's thread).
            let dropped = try await eventually(timeout: .seconds(300)) { server.stalls.count == 1 }
            #expect(dropped)
            #expect(server.stalls.allSatisfy { $0 < .seconds(5) })
        }
    }

    @Test(arguments: [
        "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\n{}",
        "HTTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\n: empty name\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{}",
        "garbage",
    ])
    func malformedResponsesAreTransportErrors(_ raw: String) async throws {
        try await withServer(script: { _ in .bytesThenClose(Array(raw.utf8)) }) { server, _, client in
            do {
                _ = try await client.chainId()
                Issue.record("expected a failure")
            } catch {
                guard case .transport(let message)? = error as? RPCError else { Issue.record("got \(error)"); return }
                #expect(message.hasPrefix("\(server.url)/rpc: "))
            }
        }
    }

    @Test func statusesMapLikeHTTPTransport() async throws {
        try await withServer(script: { request in
            switch HTTP1TestWire.firstParam(request.body) {
            case "429": return .bytes(HTTP1TestWire.response("slow down", status: "429 Too Many Requests", headers: "Retry-After: 7\r\n"))
            case "503": return .bytes(HTTP1TestWire.response("down", status: "503 Service Unavailable"))
            case "continue": return .bytes(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8) + HTTP1TestWire.response(Self.echo(request)))
            default: return .bytes(HTTP1TestWire.response(Self.echo(request), headers: "Connection: close\r\n"))
            }
        }) { _, _, client in
            await #expect(throws: RPCError.rateLimited(retryAfterSeconds: 7)) { _ = try await client.call("m", ["429"], as: String.self) }
            await #expect(throws: RPCError.http(status: 503, body: "down")) { _ = try await client.call("m", ["503"], as: String.self) }
            let got8 = try await string(client, "m", "continue")
            #expect(got8 == "continue")
            let got9 = try await string(client, "m", "ok")
            #expect(got9 == "ok")
        }
    }

    @Test func aCallWaitingForABusyPoolTimesOutAtItsDeadline() async throws {
        let server = try TinyHTTPServer(script: { _ in .stall([]) })
        defer { server.stop() }
        let transport = try PlainHTTPTransport(url: server.url, maxConnections: 1)
        let body = Array(#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#.utf8)
        let first = Task { try await transport.roundTrip(body, method: "eth_chainId", timeout: .seconds(600)) }
        let arrived = try await eventually(timeout: .seconds(300)) { server.received.count == 1 }
        #expect(arrived)
        await #expect(throws: RPCError.timeout(method: "eth_blockNumber")) {
            _ = try await transport.roundTrip(body, method: "eth_blockNumber", timeout: .milliseconds(300))
        }
        #expect(server.closed == 0)  // timed out while the only connection was still busy with the first call
        first.cancel()
        await #expect(throws: RPCError.cancelled) { _ = try await first.value }
        await transport.shutdown()
    }

    @Test func aCancelledCallEndsAtOnceAsCancelled() async throws {
        // The call's own deadline is far away: under a loaded test run the request may take long to arrive, and the
        // call must then still end as cancelled, not as a timeout.
        try await withServer(timeout: .seconds(600), script: { _ in .stall([]) }) { server, _, client in
            let call = Task { try await client.chainId() }
            let arrived = try await eventually(timeout: .seconds(300)) { server.received.count == 1 }
            #expect(arrived)
            call.cancel()
            await #expect(throws: RPCError.cancelled) { _ = try await call.value }
        }
    }

    @Test func aRefusedConnectionIsATransportErrorAtOnce() async throws {
        let transport = try PlainHTTPTransport(url: "http://127.0.0.1:1")
        await #expect {
            _ = try await transport.roundTrip(Array("{}".utf8), method: "eth_chainId", timeout: .seconds(10))
        } throws: { error in
            guard case .transport(let message) = error as? RPCError else { return false }
            return message.contains("refused")
        }
    }

    @Test func rejectsURLsItCannotServe() {
        #expect(throws: RPCError.self) { try PlainHTTPTransport(url: "https://node.example") }
        #expect(throws: RPCError.self) { try PlainHTTPTransport(url: "http://") }
        #expect(RPCClient.transport(url: "https://node.example") is HTTPTransport)
        #expect(RPCClient.transport(url: "HTTP://127.0.0.1:8545") is PlainHTTPTransport)
    }

    @Test func hundredConcurrentCallsOverASmallPoolGetTheirOwnAnswers() async throws {
        try await withServer(maxConnections: 4, script: { request in
            request.indexOnConnection % 3 == 0 ? .bytes(HTTP1TestWire.chunked(Self.echo(request), size: 5))
                : .bytes(HTTP1TestWire.response(Self.echo(request)))
        }) { server, transport, client in
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for i in 0..<100 {
                    group.addTask { (i, try await client.call("echo", [.string("call-\(i)")], as: String.self)) }
                }
                var all: [Int: String] = [:]
                for try await (i, answer) in group { all[i] = answer }
                return all
            }
            #expect(answers.count == 100)
            #expect(answers.allSatisfy { $0.value == "call-\($0.key)" })
            #expect(server.accepted <= 4)
            #expect(transport.pool.openLanes <= 4)
        }
    }
}
