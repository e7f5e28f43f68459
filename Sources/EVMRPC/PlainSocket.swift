#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A non-blocking TCP socket driven with poll(2) against an absolute deadline, for PlainHTTPTransport's threads
// (which block in poll, never Swift's cooperative pool).

/// Why a socket operation failed.
enum SocketFailure: Error, Equatable {
    /// The deadline passed.
    case timeout
    /// The peer closed or reset the connection (or it was shut down to cancel the request).
    case closed(String)
    /// Any other failure, with the system's message.
    case system(String)
}

/// Monotonic nanoseconds (CLOCK_MONOTONIC), for deadlines.
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

private func errnoText(_ what: String, _ code: Int32) -> String {
    "\(what): \(String(cString: strerror(code))) (errno \(code))"
}

final class PlainSocket {
    /// The descriptor; -1 once closed.
    private(set) var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close() }

    /// Connects to `host`:`port` (each resolved address in turn) before `deadline`.
    static func connect(host: String, port: Int, deadline: UInt64) throws(SocketFailure) -> PlainSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let status = getaddrinfo(bare, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .system("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var lastError = SocketFailure.system("no address for \(host)")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            do {
                return try connect(info.pointee, deadline: deadline)
            } catch .timeout {
                throw .timeout
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(_ info: addrinfo, deadline: UInt64) throws(SocketFailure) -> PlainSocket {
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { throw .system(errnoText("socket", errno)) }
        let sock = PlainSocket(fd: fd)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        if systemConnect(fd, info.ai_addr, info.ai_addrlen) != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EINTR else { throw .system(errnoText("connect", code)) }
            try sock.wait(for: Int16(POLLOUT), deadline: deadline)
            var failure: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &size)
            if failure != 0 { throw .system(errnoText("connect", failure)) }
        }
        return sock
    }

    /// Whether an idle connection can carry another request: nothing to read (no early data, no close from the peer).
    func isReusable() -> Bool {
        guard fd >= 0 else { return false }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) == 0
    }

    /// Waits until `events` are ready or `deadline` passes.
    func wait(for events: Int16, deadline: UInt64) throws(SocketFailure) {
        while true {
            let now = monotonicNanos()
            guard now < deadline else { throw .timeout }
            let remaining = deadline - now
            let millis = Int32(min((remaining + 999_999) / 1_000_000, UInt64(Int32.max)))
            var p = pollfd(fd: fd, events: events, revents: 0)
            let n = poll(&p, 1, millis)
            if n > 0 { return }
            if n < 0, errno != EINTR { throw .system(errnoText("poll", errno)) }
        }
    }

    /// Writes all of `bytes` before `deadline`; `sentAny` tells whether any byte left.
    func writeAll(_ bytes: [UInt8], deadline: UInt64, sentAny: inout Bool) throws(SocketFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                sendFlags(fd, raw.baseAddress! + offset, raw.count - offset)  // invariant: offset < count, so non-empty
            }
            if n > 0 {
                offset += n
                sentAny = true
                continue
            }
            let code = errno
            if n < 0, code == EAGAIN || code == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), deadline: deadline)
            } else if n < 0, code == EINTR {
                continue
            } else if code == EPIPE || code == ECONNRESET || code == ENOTCONN || code == EBADF {
                throw .closed(errnoText("write", code))
            } else {
                throw .system(errnoText("write", code))
            }
        }
    }

    /// Reads what is available into `reader` (waiting first when `waitFirst`, or when nothing is there yet) before
    /// `deadline`; returns false at the end of the stream.
    func read(into reader: inout HTTP1ResponseReader, scratch: inout [UInt8], deadline: UInt64, waitFirst: Bool) throws(SocketFailure) -> Bool {
        if waitFirst { try wait(for: Int16(POLLIN), deadline: deadline) }
        while true {
            let n = scratch.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress, raw.count, 0) }
            if n > 0 {
                scratch.withUnsafeBytes { raw in reader.append(UnsafeRawBufferPointer(rebasing: raw[0..<n])) }
                return true
            }
            if n == 0 { return false }
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), deadline: deadline)
            } else if code == EINTR {
                continue
            } else if code == ECONNRESET || code == ENOTCONN || code == EBADF {
                throw .closed(errnoText("read", code))
            } else {
                throw .system(errnoText("read", code))
            }
        }
    }

    /// Wakes a thread blocked on this socket (poll returns, reads see the end): used to cancel from another thread.
    static func interrupt(_ fd: Int32) {
        #if canImport(Darwin)
        _ = shutdown(fd, SHUT_RDWR)
        #else
        _ = shutdown(fd, Int32(SHUT_RDWR))
        #endif
    }

    func close() {
        if fd >= 0 {
            #if canImport(Darwin)
            _ = Darwin.close(fd)
            #else
            _ = Glibc.close(fd)
            #endif
            fd = -1
        }
    }
}

private func systemConnect(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
    #if canImport(Darwin)
    return Darwin.connect(fd, address, length)
    #else
    return Glibc.connect(fd, address, length)
    #endif
}

private func sendFlags(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    return send(fd, pointer, count, 0)
    #else
    return send(fd, pointer, count, Int32(MSG_NOSIGNAL))
    #endif
}
