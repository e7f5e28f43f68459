import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading the files users name on the command line: never a directory, never more than a bound (a device such as
/// /dev/zero or a huge file is refused with a message, not read until memory runs out), pipes and FIFOs allowed (a
/// FIFO nobody writes to reads as empty; a writer that says nothing for 30 s is an error), never a hang.
enum InputFile {
    /// The default bound of a data file (CSV/JSON inputs, ABIs, proof files): 1 GiB.
    static let defaultLimit = 1 << 30
    /// The bound of a device (/dev/zero, /dev/urandom never end).
    static let deviceLimit = 16 << 20
    /// How long a pipe's writer may stay silent.
    static let pipeTimeoutMilliseconds: Int32 = 30_000

    /// Opens `path` (`-` is standard input) non-blocking and checks its type; the descriptor and the bound to use.
    private static func open(_ path: String, what: String, limit: Int) throws -> (fd: Int32, limit: Int, size: Int?) {
        let fd = path == "-" ? STDIN_FILENO : Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("\(what) \(path): cannot read file (\(String(cString: strerror(errno))))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            if fd != STDIN_FILENO { close(fd) }
            throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))")
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
            if fd != STDIN_FILENO { close(fd) }
            throw CLIError("\(what) \(path): is a directory")
        }
        if type == S_IFREG, Int(info.st_size) > limit {
            if fd != STDIN_FILENO { close(fd) }
            throw CLIError("\(what) \(path): \(info.st_size) bytes, more than the \(limit) this command reads")
        }
        return (fd, type == S_IFCHR ? min(limit, deviceLimit) : limit, type == S_IFREG ? Int(info.st_size) : nil)
    }

    /// Reads up to `count` bytes; 0 at the end; waits (bounded) while a pipe's writer is silent.
    private static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String, what: String) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, pipeTimeoutMilliseconds)
                if ready == 0 { throw CLIError("\(what) \(path): nothing to read within \(pipeTimeoutMilliseconds / 1000) s") }
                continue
            }
            throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The bytes of `path` (`-` is standard input), at most `limit`; `what` names the argument in errors.
    static func read(_ path: String, what: String, limit: Int = defaultLimit) throws -> [UInt8] {
        let (fd, limit, size) = try open(path, what: what, limit: limit)
        defer { if fd != STDIN_FILENO { close(fd) } }
        var out: [UInt8] = []
        if let size, size > 0, size <= limit {
            // A regular file of known size is read straight into the result (no chunk copies); anything appended
            // since the size was taken is read by the loop below.
            out = try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = 0
                if size >= 8 << 20 { adviseHugePages(UnsafeMutableRawBufferPointer(buffer)) }
                // A large file: its second half is read by a second thread (pread) while this one reads the first.
                if size >= 32 << 20, let whole = try readInHalves(fd, into: UnsafeMutableRawBufferPointer(buffer), path: path, what: what) {
                    count = whole
                    if count == size, lseek(fd, off_t(size), SEEK_SET) < 0 {
                        throw CLIError("\(what) \(path): \(String(cString: strerror(errno)))")
                    }
                    if count < size { return }
                }
                while count < size {
                    let n = try readSome(fd, into: buffer.baseAddress! + count, count: size - count, path: path, what: what)
                    if n == 0 { break }
                    count += n
                }
            }
            if out.count < size { return out }
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try readSome(fd, into: $0.baseAddress!, count: $0.count, path: path, what: what) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw CLIError("\(what) \(path): more than the \(limit) bytes this command reads") }
        }
        return out
    }

    /// Reads `buffer.count` bytes from offset 0 of the regular file `fd` on two threads (`pread` of each half); the
    /// bytes read when the file is shorter than that (it shrank), or nil when `pread` is refused (then `read` is used).
    private static func readInHalves(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String, what: String) throws -> Int? {
        let middle = buffer.count / 2
        let halves = [0..<middle, middle..<buffer.count]
        let results = ThreadSlots<HalfRead>(count: 2, initial: .bytes(0))
        let target = UnsafeSendable(buffer)
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            var done = halves[k].lowerBound
            while done < halves[k].upperBound {
                let n = pread(fd, target.value.baseAddress! + done, halves[k].upperBound - done, off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    results.set(k, n < 0 ? .failed(errno) : .bytes(done - halves[k].lowerBound))
                    return
                }
                done += n
            }
            results.set(k, .bytes(done - halves[k].lowerBound))
        }
        switch (results.get(0), results.get(1)) {
        case (.failed(ESPIPE), _), (_, .failed(ESPIPE)): return nil
        case (.failed(let e), _), (_, .failed(let e)): throw CLIError("\(what) \(path): \(String(cString: strerror(e)))")
        case (.bytes(let first), .bytes(let second)):
            // A file that shrank while being read: only the first half's bytes up to its end count.
            return first < middle ? first : first + second
        }
    }

    /// What one half of `readInHalves` read: its byte count, or the `errno` of a failed `pread`.
    private enum HalfRead { case bytes(Int), failed(Int32) }

    /// The text of `path` (UTF-8), at most `limit` bytes.
    static func readText(_ path: String, what: String, limit: Int = defaultLimit) throws -> String {
        String(decoding: try read(path, what: what, limit: limit), as: UTF8.self)
    }

    /// The first line of `path` (without its line end), reading at most `limit` bytes: for password files. An input
    /// with no line end within the bound (such as /dev/zero) is refused.
    static func firstLine(_ path: String, what: String, limit: Int = 4_096) throws -> String {
        let (fd, _, _) = try open(path, what: what, limit: Int.max)
        defer { if fd != STDIN_FILENO { close(fd) } }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count <= limit {
            let n = try readSome(fd, into: &byte, count: 1, path: path, what: what)
            if n == 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        guard bytes.count <= limit else { throw CLIError("\(what) \(path): no line end within the first \(limit) bytes") }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CLIError("\(what) \(path): the first line is not UTF-8 text") }
        return text
    }
}

/// Asks the kernel to back the whole 2 MiB pages inside `buffer` (not touched yet) with huge pages: a large file read
/// into it then takes a few hundred page faults instead of one per 4 KiB. Only advice (`madvise`); refused is fine.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress else { return }
    let huge = 2 << 20
    let start = (UInt(bitPattern: base) + UInt(huge - 1)) & ~UInt(huge - 1)
    let end = (UInt(bitPattern: base) + UInt(buffer.count)) & ~UInt(huge - 1)
    guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(aligned, Int(end - start), MADV_HUGEPAGE)
}
