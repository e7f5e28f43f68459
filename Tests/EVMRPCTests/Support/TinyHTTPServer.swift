import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted HTTP/1.1 server on 127.0.0.1 (port 0) for the transport tests: one thread per connection reads each
/// request (head + `Content-Length` body) and does what `script` says with it. Stops (closing every connection)
/// on ``stop()``.
final class TinyHTTPServer: @unchecked Sendable {
    /// What to do with one request.
    enum Reply {
        /// Write these bytes and keep reading requests.
        case bytes([UInt8])
        /// Write these bytes, then close the connection.
        case bytesThenClose([UInt8])
        /// Close the connection without answering.
        case close
        /// Write these bytes and then stay silent (neither answer nor close) until the server stops.
        case stall([UInt8])
    }

    /// One request as received.
    struct Request: Sendable {
        let connection: Int
        let indexOnConnection: Int
        let body: String
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let script: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var requests: [Request] = []
    private var open: Set<Int32> = []  // descriptors still open (closed ones leave: their numbers get reused)
    private var acceptedCount = 0
    private var closedCount = 0
    private var stallTimes: [Duration] = []
    private var stopped = false

    init(script: @escaping @Sendable (Request) -> Reply) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Every request received so far.
    var received: [Request] { lock.withLock { requests } }
    /// Connections accepted so far.
    var accepted: Int { lock.withLock { acceptedCount } }
    /// Connections the server has closed so far.
    var closed: Int { lock.withLock { closedCount } }
    /// For each `.stall` reply that ended, how long the client kept the connection open after it (measured on the
    /// server's thread, so a busy cooperative pool in the test process does not count).
    var stalls: [Duration] { lock.withLock { stallTimes } }

    func stop() {
        lock.withLock {
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for c in open { shutdown(c, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                close(listener)
                return
            }
            let index = lock.withLock { () -> Int? in
                if stopped { return nil }
                open.insert(fd)
                acceptedCount += 1
                return acceptedCount - 1
            }
            guard let index else { close(fd); return }
            Thread { [self] in serve(fd, connection: index) }.start()
        }
    }

    private func serve(_ fd: Int32, connection: Int) {
        var buffer: [UInt8] = []
        var count = 0
        defer {
            lock.withLock {
                open.remove(fd)
                close(fd)
                closedCount += 1
            }
        }
        while let body = readRequest(fd, &buffer) {
            let request = Request(connection: connection, indexOnConnection: count, body: body)
            count += 1
            lock.withLock { requests.append(request) }
            switch script(request) {
            case .bytes(let bytes): writeAll(fd, bytes)
            case .bytesThenClose(let bytes): writeAll(fd, bytes); return
            case .close: return
            case .stall(let bytes):
                writeAll(fd, bytes)
                let start = ContinuousClock.now
                var scratch = [UInt8](repeating: 0, count: 256)
                while recv(fd, &scratch, scratch.count, 0) > 0 {}  // until the client or stop() closes it
                lock.withLock { stallTimes.append(ContinuousClock.now - start) }
                return
            }
        }
    }

    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> String? {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = HTTP1TestWire.headEnd(buffer) {
                let head = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if buffer.count >= end + length {
                    let body = String(decoding: buffer[end..<(end + length)], as: UTF8.self)
                    buffer.removeFirst(end + length)
                    return body
                }
            }
            let n = recv(fd, &scratch, scratch.count, 0)
            if n <= 0 { return nil }
            buffer.append(contentsOf: scratch[0..<n])
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }
}

enum HTTP1TestWire {
    static func headEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    /// A `Content-Length` response with `body`.
    static func response(_ body: String, status: String = "200 OK", headers: String = "") -> [UInt8] {
        Array("HTTP/1.1 \(status)\r\nContent-Type: application/json\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    /// A chunked response with `body` cut in pieces of `size` bytes.
    static func chunked(_ body: String, size: Int) -> [UInt8] {
        var out = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let bytes = Array(body.utf8)
        var i = 0
        while i < bytes.count {
            let piece = bytes[i..<min(i + size, bytes.count)]
            out += Array("\(String(piece.count, radix: 16));ext=1\r\n".utf8) + piece + [13, 10]
            i += size
        }
        out += Array("0\r\nX-Trailer: t\r\n\r\n".utf8)
        return out
    }

    /// The JSON-RPC answer to `requestBody` with `result` (a JSON text), echoing its id.
    static func answer(_ requestBody: String, result: String) -> String {
        let id = (try? JSONSerialization.jsonObject(with: Data(requestBody.utf8)) as? [String: Any])?["id"] as? Int ?? 1
        return #"{"jsonrpc":"2.0","id":\#(id),"result":\#(result)}"#
    }

    /// The first parameter of a JSON-RPC request, as a string.
    static func firstParam(_ requestBody: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(requestBody.utf8))) as? [String: Any]
        return (object?["params"] as? [Any])?.first.map { "\($0)" } ?? ""
    }
}
