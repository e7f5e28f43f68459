@testable import EVMRPC
import Testing

/// The HTTP/1.1 response reader on bytes alone: every split of the input gives the same response, and each limit
/// and malformed form is caught where it is read.
@Suite("EVMRPC HTTP/1.1 response reader")
struct HTTP1WireTests {
    /// Feeds `raw` in pieces of `step` bytes (then the end of the stream when `eof`), returning the response.
    func read(_ raw: [UInt8], step: Int, limit: Int = 1 << 20, eof: Bool = false) throws(HTTP1Error) -> HTTP1Response? {
        var reader = HTTP1ResponseReader(maxBodyBytes: limit)
        var i = 0
        while i < raw.count {
            let piece = Array(raw[i..<min(i + step, raw.count)])
            piece.withUnsafeBytes { reader.append($0) }
            i += step
            if let response = try reader.response(eof: false) {
                #expect(i >= raw.count, "complete before the last byte")
                return response
            }
        }
        return eof ? try reader.response(eof: true) : nil
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func everySplitGivesTheSameResponse(step: Int) throws {
        let body = #"{"jsonrpc":"2.0","id":1,"result":"0x7a69"}"#
        let plain = HTTP1TestWire.response(body, headers: "Retry-After: 3\r\n")
        let chunked = HTTP1TestWire.chunked(body, size: 5)
        #expect(try read(plain, step: step) == HTTP1Response(status: 200, retryAfter: 3, body: Array(body.utf8), keepAlive: true))
        #expect(try read(chunked, step: step) == HTTP1Response(status: 200, retryAfter: nil, body: Array(body.utf8), keepAlive: true))
        let toClose = Array("HTTP/1.0 200 OK\r\n\r\n\(body)".utf8)
        #expect(try read(toClose, step: step, eof: true) == HTTP1Response(status: 200, retryAfter: nil, body: Array(body.utf8), keepAlive: false))
    }

    @Test func limitsTheBodyAndTheHead() {
        #expect(throws: HTTP1Error.tooLarge("response larger than 10 bytes")) { try read(HTTP1TestWire.response(String(repeating: "x", count: 11)), step: 4096, limit: 10) }
        #expect(throws: HTTP1Error.tooLarge("response larger than 10 bytes")) { try read(HTTP1TestWire.chunked(String(repeating: "x", count: 11), size: 4), step: 1, limit: 10) }
        #expect(throws: HTTP1Error.tooLarge("response larger than 10 bytes")) { try read(Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n0123456789A".utf8), step: 3, limit: 10) }
        let hugeHead = Array("HTTP/1.1 200 OK\r\nX: \(String(repeating: "h", count: HTTP1Wire.maxHeadBytes))".utf8)
        #expect(throws: HTTP1Error.tooLarge("response head larger than \(HTTP1Wire.maxHeadBytes) bytes")) { try read(hugeHead, step: 8192) }
        #expect(throws: HTTP1Error.malformed("chunk size \"fffffffffffffffff\"")) { try read(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n".utf8), step: 5) }
    }

    @Test func anEndOfStreamSaysWhetherAnyByteArrived() {
        #expect(throws: HTTP1Error.closed(afterBytes: false)) { try read([], step: 1, eof: true) }
        #expect(throws: HTTP1Error.closed(afterBytes: true)) { try read(Array("HTTP/1.1 200".utf8), step: 1, eof: true) }
        #expect(throws: HTTP1Error.closed(afterBytes: true)) { try read(Array(HTTP1TestWire.response("{}").dropLast()), step: 1, eof: true) }
    }

    @Test func interimResponsesAreSkippedAndNoBodyStatusesHaveNone() throws {
        let raw = Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n".utf8)
        #expect(try read(raw, step: 1) == HTTP1Response(status: 204, retryAfter: nil, body: [], keepAlive: true))
    }

    @Test func writesTheRequestInOneBuffer() {
        let prefix = HTTP1Wire.requestPrefix(target: "/", host: "h:1", authorization: "Basic dTpw")
        #expect(String(decoding: HTTP1Wire.request(prefix: prefix, body: Array("{}".utf8)), as: UTF8.self)
            == "POST / HTTP/1.1\r\nHost: h:1\r\nAuthorization: Basic dTpw\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        #expect(String(decoding: HTTP1Wire.request(prefix: [], body: []), as: UTF8.self) == "0\r\n\r\n")
    }
}
