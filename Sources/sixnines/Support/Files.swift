import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading the files users name on the command line: never a directory, never more than a bound (a device such as
/// /dev/zero or a huge file is refused with a message, not read until memory runs out), pipes and FIFOs allowed.
enum InputFile {
    /// The default bound of a data file (CSV/JSON inputs, ABIs, proof files): 1 GiB.
    static let defaultLimit = 1 << 30

    /// The bytes of `path` (`-` is standard input), at most `limit`; `what` names the argument in errors.
    static func read(_ path: String, what: String, limit: Int = defaultLimit) throws -> [UInt8] {
        let fd: Int32
        if path == "-" {
            fd = STDIN_FILENO
        } else {
            fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))") }
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))") }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { throw CLIError("\(what) \(path): is a directory") }
        if type == S_IFREG, Int(info.st_size) > limit {
            throw CLIError("\(what) \(path): \(info.st_size) bytes, more than the \(limit) this command reads")
        }
        if type == S_IFIFO || type == S_IFSOCK {
            // Opened non-blocking so a FIFO without a writer cannot hang the open; wait for data with a bound.
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 30_000)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var out: [UInt8] = []
        if type == S_IFREG { out.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { break }
                throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw CLIError("\(what) \(path): more than the \(limit) bytes this command reads") }
        }
        return out
    }

    /// The text of `path` (UTF-8), at most `limit` bytes.
    static func readText(_ path: String, what: String, limit: Int = defaultLimit) throws -> String {
        String(decoding: try read(path, what: what, limit: limit), as: UTF8.self)
    }

    /// The first line of `path` (without its line end), reading at most `limit` bytes: for password files. An input
    /// with no line end within the bound (such as /dev/zero) is refused.
    static func firstLine(_ path: String, what: String, limit: Int = 4_096) throws -> String {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))") }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw CLIError("\(what) \(path): is a directory") }
        if (info.st_mode & S_IFMT) == S_IFIFO {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 30_000)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count <= limit {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { break }
                throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        guard bytes.count <= limit else { throw CLIError("\(what) \(path): no line end within the first \(limit) bytes") }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CLIError("\(what) \(path): the first line is not UTF-8 text") }
        return text
    }
}
