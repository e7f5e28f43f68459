// HTTP/1.1 on the wire for `PlainHTTPTransport`: the request written as one buffer, the response parsed straight
// from the bytes read (status line, headers, `Content-Length`, chunked or read-to-close bodies), with limits.

/// Why an HTTP/1.1 response could not be read.
enum HTTP1Error: Error, Equatable {
    /// The status line, a header line or a chunk header is not HTTP/1.1.
    case malformed(String)
    /// The head or the body is larger than allowed.
    case tooLarge(String)
    /// The response uses something this client does not speak (a content or transfer coding).
    case unsupported(String)
    /// The peer closed the connection; `afterBytes` tells whether any byte of a response had arrived.
    case closed(afterBytes: Bool)

    /// The message for ``RPCError/transport(_:)``.
    var detail: String {
        switch self {
        case .malformed(let what): return "malformed HTTP response: \(what)"
        case .tooLarge(let what): return what
        case .unsupported(let what): return "unsupported HTTP response: \(what)"
        case .closed(let afterBytes):
            return afterBytes ? "connection closed in the middle of the response" : "connection closed before any response"
        }
    }
}

/// A complete HTTP response: status, `Retry-After` seconds, body, and whether the connection can carry another request.
struct HTTP1Response: Equatable {
    var status: Int
    var retryAfter: Int?
    var body: [UInt8]
    var keepAlive: Bool
}

/// The head of a response: status, framing of the body, and the headers this client uses.
struct HTTP1Head: Equatable {
    var status: Int
    var contentLength: Int?
    var chunked = false
    var keepAlive = true
    var retryAfter: Int?
    /// Index just past the blank line that ends the head.
    var end: Int
}

enum HTTP1Wire {
    /// Largest response head accepted (status line and headers), in bytes.
    static let maxHeadBytes = 64 << 10

    /// The bytes of a request head up to (excluding) the `Content-Length` value: method, target, host, auth, type.
    static func requestPrefix(target: String, host: String, authorization: String?) -> [UInt8] {
        var head = "POST \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        head += "Content-Type: application/json\r\nContent-Length: "
        return Array(head.utf8)
    }

    /// The whole request, head and body, in one buffer.
    static func request(prefix: [UInt8], body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(prefix.count + body.count + 24)
        out.append(contentsOf: prefix)
        appendDecimal(body.count, to: &out)
        out.append(contentsOf: [13, 10, 13, 10])
        out.append(contentsOf: body)
        return out
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(48 + value % 10))
    }

    /// Parses the head in `data[start...]`; nil while the blank line that ends it has not arrived.
    static func parseHead(_ data: [UInt8], from start: Int) throws(HTTP1Error) -> HTTP1Head? {
        guard let end = headEnd(data, from: start) else {
            if data.count - start > maxHeadBytes { throw .tooLarge("response head larger than \(maxHeadBytes) bytes") }
            return nil
        }
        if end - start > maxHeadBytes { throw .tooLarge("response head larger than \(maxHeadBytes) bytes") }
        guard let statusEnd = crlf(data, from: start), statusEnd < end else { throw .malformed("no status line") }
        let (minor, status) = try parseStatusLine(data[start..<statusEnd])
        var head = HTTP1Head(status: status, keepAlive: minor >= 1, end: end)
        var lineStart = statusEnd + 2
        while lineStart < end - 2, let lineEnd = crlf(data, from: lineStart) {  // each header line, in place
            let line = data[lineStart..<lineEnd]
            lineStart = lineEnd + 2
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(isTokenByte) else {
                throw .malformed("header line \(printable(line))")
            }
            let name = line[line.startIndex..<colon]
            let value = trimmed(line[(colon + 1)...])
            if equalsLowercase(name, "content-length") {
                guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    throw .malformed("Content-Length \(printable(value))")
                }
                let length = value.reduce(0) { $0 * 10 + Int($1 - 48) }
                if let earlier = head.contentLength, earlier != length { throw .malformed("two different Content-Length headers") }
                head.contentLength = length
            } else if equalsLowercase(name, "transfer-encoding") {
                guard equalsLowercase(value, "chunked") else { throw .unsupported("Transfer-Encoding \(printable(value))") }
                head.chunked = true
            } else if equalsLowercase(name, "content-encoding") {
                guard value.isEmpty || equalsLowercase(value, "identity") else {
                    throw .unsupported("Content-Encoding \(printable(value))")
                }
            } else if equalsLowercase(name, "connection") {
                let lower = String(decoding: value, as: UTF8.self).lowercased()
                if lower.contains("close") { head.keepAlive = false } else if lower.contains("keep-alive") { head.keepAlive = true }
            } else if equalsLowercase(name, "retry-after") {
                head.retryAfter = Int(String(decoding: value, as: UTF8.self))
            }
        }
        return head
    }

    /// `HTTP/1.x SSS reason`: the minor version and the status.
    static func parseStatusLine(_ b: ArraySlice<UInt8>) throws(HTTP1Error) -> (minor: Int, status: Int) {
        let s = b.startIndex
        func digit(_ i: Int) -> Int? { b[s + i] >= 48 && b[s + i] <= 57 ? Int(b[s + i] - 48) : nil }
        guard b.count >= 12, b[s..<(s + 7)].elementsEqual("HTTP/1.".utf8), let minor = digit(7), b[s + 8] == 32,
              let d0 = digit(9), let d1 = digit(10), let d2 = digit(11), b.count == 12 || b[s + 12] == 32, d0 >= 1 else {
            throw .malformed("status line \(printable(b))")
        }
        return (minor, d0 * 100 + d1 * 10 + d2)
    }

    /// The index just past the first CRLF CRLF at or after `start`.
    static func headEnd(_ data: [UInt8], from start: Int) -> Int? {
        var i = start
        let limit = data.count - 3
        while i < limit {
            if data[i + 3] != 10 { i += data[i + 3] == 13 ? 1 : 4; continue }  // the 4th byte must be LF
            if data[i] == 13, data[i + 1] == 10, data[i + 2] == 13 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// Decodes a chunked body starting at `start`: the body and the index past the last chunk's trailers, or nil
    /// while incomplete. At most `limit` body bytes.
    static func chunkedBody(_ data: [UInt8], from start: Int, limit: Int) throws(HTTP1Error) -> (body: [UInt8], end: Int)? {
        var ranges: [Range<Int>] = []
        var total = 0
        var i = start
        while true {
            guard let lineEnd = crlf(data, from: i) else {
                if data.count - i > 4096 { throw .malformed("chunk header longer than 4 KiB") }
                return nil
            }
            var sizeEnd = i
            while sizeEnd < lineEnd, data[sizeEnd] != 59 { sizeEnd += 1 }  // ';' starts chunk extensions
            let digits = trimmed(data[i..<sizeEnd])
            guard !digits.isEmpty, digits.count <= 15, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
                throw .malformed("chunk size \(printable(data[i..<lineEnd]))")
            }
            i = lineEnd + 2
            if size == 0 {
                // Trailers (ignored) up to an empty line.
                while true {
                    guard let trailerEnd = crlf(data, from: i) else {
                        if data.count - i > maxHeadBytes { throw .tooLarge("chunked trailers larger than \(maxHeadBytes) bytes") }
                        return nil
                    }
                    let empty = trailerEnd == i
                    i = trailerEnd + 2
                    if empty { break }
                }
                var body: [UInt8] = []
                body.reserveCapacity(total)
                for range in ranges { body.append(contentsOf: data[range]) }
                return (body, i)
            }
            total += size
            if total > limit { throw .tooLarge("response larger than \(limit) bytes") }
            guard data.count >= i + size + 2 else { return nil }
            guard data[i + size] == 13, data[i + size + 1] == 10 else { throw .malformed("chunk not followed by CRLF") }
            ranges.append(i..<(i + size))
            i += size + 2
        }
    }

    static func crlf(_ data: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + 1 < data.count {
            if data[i] == 13, data[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): return true
        default: return false
        }
    }

    static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = s.startIndex, hi = s.endIndex
        while lo < hi, s[lo] == 32 || s[lo] == 9 { lo += 1 }
        while hi > lo, s[hi - 1] == 32 || s[hi - 1] == 9 { hi -= 1 }
        return s[lo..<hi]
    }

    /// Whether `s` equals the lowercase ASCII `name`, ignoring case.
    static func equalsLowercase(_ s: ArraySlice<UInt8>, _ name: StaticString) -> Bool {
        guard s.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { n in
            var j = 0
            for b in s {
                let lower = (b >= 65 && b <= 90) ? b + 32 : b
                if lower != n[j] { return false }
                j += 1
            }
            return true
        }
    }

    /// At most 80 bytes of `s`, control bytes escaped, for error messages.
    static func printable(_ s: ArraySlice<UInt8>) -> String {
        let text = String(decoding: s.prefix(80), as: UTF8.self)
        let safe = text.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\"" + safe + (s.count > 80 ? "…" : "") + "\""
    }
}

/// Accumulates the bytes of one response and tells when it is complete.
struct HTTP1ResponseReader {
    /// Largest body accepted.
    let maxBodyBytes: Int
    /// Everything read so far.
    private(set) var buffer: [UInt8] = []
    private var start = 0
    private var head: HTTP1Head?

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        buffer.reserveCapacity(4096)
    }

    /// Whether any byte of a response has arrived.
    var receivedAny: Bool { !buffer.isEmpty }

    mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }

    /// The response once complete (nil: read more). `eof` says the peer closed the connection.
    mutating func response(eof: Bool) throws(HTTP1Error) -> HTTP1Response? {
        while true {
            if head == nil {
                guard let parsed = try HTTP1Wire.parseHead(buffer, from: start) else {
                    if eof { throw .closed(afterBytes: receivedAny) }
                    return nil
                }
                if parsed.status < 200, parsed.status != 101 {  // interim (100 Continue, 103): the real one follows
                    start = parsed.end
                    continue
                }
                if parsed.status == 101 { throw .unsupported("101 Switching Protocols") }
                head = parsed
            }
            guard let head else { return nil }
            let bodyStart = head.end
            if head.status == 204 || head.status == 304 {
                return HTTP1Response(status: head.status, retryAfter: head.retryAfter, body: [],
                                     keepAlive: head.keepAlive && buffer.count == bodyStart)
            }
            if head.chunked {
                guard let (body, end) = try HTTP1Wire.chunkedBody(buffer, from: bodyStart, limit: maxBodyBytes) else {
                    if eof { throw .closed(afterBytes: true) }
                    return nil
                }
                return HTTP1Response(status: head.status, retryAfter: head.retryAfter, body: body,
                                     keepAlive: head.keepAlive && buffer.count == end)
            }
            if let length = head.contentLength {
                if length > maxBodyBytes { throw .tooLarge("response larger than \(maxBodyBytes) bytes") }
                guard buffer.count >= bodyStart + length else {
                    if eof { throw .closed(afterBytes: true) }
                    return nil
                }
                return HTTP1Response(status: head.status, retryAfter: head.retryAfter,
                                     body: Array(buffer[bodyStart..<(bodyStart + length)]),
                                     keepAlive: head.keepAlive && buffer.count == bodyStart + length)
            }
            // Neither: the body runs to the end of the connection.
            if buffer.count - bodyStart > maxBodyBytes { throw .tooLarge("response larger than \(maxBodyBytes) bytes") }
            guard eof else { return nil }
            return HTTP1Response(status: head.status, retryAfter: head.retryAfter, body: Array(buffer[bodyStart...]), keepAlive: false)
        }
    }
}
