import CFileSync
import ArgumentParser
import EVM
import Foundation

/// A user-facing failure: printed as one line on stderr, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning any thrown error into one stderr line and exit code 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        reportError(error)
        throw ExitCode(1)
    }
}

/// Prints a JSON value (objects with sorted keys) on stdout, written by EVM's `JSONValue` (the one JSON writer).
func printJSON(_ object: Any) throws {
    print(try jsonValue(object).jsonText)
}

/// The `JSONValue` of a Foundation-style value (dictionaries with sorted keys, arrays, strings, numbers, booleans,
/// `NSNull`, and `JSONValue`s as they are).
func jsonValue(_ object: Any) throws -> JSONValue {
    switch object {
    case let value as JSONValue: return value
    case let value as String: return .string(value)
    case let value as Substring: return .string(String(value))
    case let value as Bool: return .bool(value)
    case let value as Int: return .int(value)
    case let value as Int64: return .int(value)
    case let value as UInt64: return .int(value)
    case let value as UInt32: return .int(value)
    case let value as Int32: return .int(value)
    case let value as UInt8: return .int(value)
    case let value as Double: return .double(value)
    case is NSNull: return .null
    case let value as [String: Any]:
        return .object(try value.keys.sorted().map { ($0, try jsonValue(value[$0]!)) })  // invariant: the key is in the dictionary
    case let value as [Any]: return .array(try value.map(jsonValue))
    case let value as CustomStringConvertible: return .string(value.description)
    default: throw CLIError("internal: cannot write \(type(of: object)) as JSON")
    }
}

/// Options shared by commands that can print JSON.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print structured JSON instead of a plain value.")
    var json = false

    /// Prints `object` as JSON with --json, else the plain `value`.
    func emit(_ value: @autoclosure () -> CustomStringConvertible, json object: @autoclosure () -> [String: Any]) throws {
        if json { try printJSON(object()) } else { print(value()) }
    }
}

/// Writes `text` to `path` atomically, or to stdout when `path` is nil.
func writeOutput(_ text: String, to path: String?, what: String = "--output") throws {
    guard let path else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    try writeFile(Data(text.utf8), to: path, what: what)
}

/// Writes `data` to `path`: a regular file (or a new one) is replaced atomically (temporary file beside it, fsync,
/// rename); a device, FIFO or socket (`/dev/null`, `/dev/stdout`, a pipe) is written in place, never replaced; a
/// symbolic link is followed to its target; a directory is refused.
func writeFile(_ data: Data, to path: String, what: String) throws {
    try writeFile(to: path, what: what) { write in try write(data) }
}

/// `writeFile` for content produced in pieces: `produce` calls its argument with each piece in order (nothing is held
/// in memory beyond a piece); the file appears complete or not at all.
func writeFile(to path: String, what: String, produce: ((Data) throws -> Void) throws -> Void) throws {
    try writeFile(to: path, what: what, produceBytes: { write in
        try withoutActuallyEscaping(write) { write in try produce { data in try data.withUnsafeBytes { try write($0) } } }
    })
}

/// `writeFile(to:what:produce:)` for pieces in borrowed buffers (each valid during its call; no copy into `Data`).
func writeFile(to path: String, what: String, produceBytes produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
    if let fd = namedDescriptor(path) {
        // `/dev/stdout` and the like: written to the descriptor itself, after what was printed before (also when it is a
        // regular file, which must not be replaced: the shell holds it open).
        fflush(nil)  // every stdio output stream (what print buffered)
        try produce { try writeAll(fd, $0, path: path, what: what) }
        return
    }
    var info = stat()
    let exists = stat(path, &info) == 0
    let type = info.st_mode & S_IFMT
    if exists && type == S_IFDIR { throw CLIError("\(what) \(path): is a directory") }
    if exists && type != S_IFREG {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("\(what) \(path): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        try produce { try writeAll(fd, $0, path: path, what: what) }
        return
    }
    try replaceAtomically(path, what: what) { fd, writeback in
        try produce {
            try writeAll(fd, $0, path: path, what: what)
            writeback.wrote($0.count)
        }
    }
}

/// The file descriptor `path` names directly, if any: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`.
func namedDescriptor(_ path: String) -> Int32? {
    switch path {
    case "/dev/stdin": return 0
    case "/dev/stdout": return 1
    case "/dev/stderr": return 2
    default: break
    }
    for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
        return Int32(path.dropFirst(prefix.count))
    }
    return nil
}

/// Keeps a large file's flush to disk going while it is written: every 8 MiB written starts the kernel's write-back of
/// those bytes (`sync_file_range`, which does not wait) and asks a background thread (started on the first such
/// request) to `fdatasync` what is written so far. On a virtual disk the device flush, not the write-back, is most
/// of the final `fsync` (≈ 0.2 s for 250 MB here, however early the write-back started): flushing in the background
/// while the rest is produced leaves the final `fsync` the tail only.
private struct Writeback {
    let fd: Int32
    /// Bytes written, and where the write-back last started.
    var written = 0, started = 0
    var flusher: BackgroundFlush?

    /// `count` more bytes were appended to the file.
    mutating func wrote(_ count: Int) {
        written += count
        guard written - started >= 8 << 20 else { return }
        _ = sixnines_start_writeback(fd, Int64(started), Int64(written - started))
        started = written
        if flusher == nil { flusher = BackgroundFlush(fd: fd) }
        flusher?.request()
    }

    /// Waits for the background flush; the errno of a flush that failed, else 0.
    func finish() -> Int32 { flusher?.finish() ?? 0 }
}

/// A thread that runs `fdatasync(fd)` whenever asked (requests during a flush make one more flush after it).
private final class BackgroundFlush: @unchecked Sendable {
    private let fd: Int32
    private let condition = NSCondition()
    private var requested = false, stopping = false, done = false
    private var failure: Int32 = 0

    init(fd: Int32) {
        self.fd = fd
        Thread.detachNewThread { [self] in run() }
    }

    func request() {
        condition.lock()
        requested = true
        condition.signal()
        condition.unlock()
    }

    /// Runs a flush still asked for, then stops the thread; the errno of the first failed flush, else 0.
    func finish() -> Int32 {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while !done { condition.wait() }
        return failure
    }

    private func run() {
        condition.lock()
        while true {
            while !requested && !stopping { condition.wait() }
            guard requested else { break }
            requested = false
            condition.unlock()
            let failed = fdatasync(fd) == 0 ? 0 : errno
            condition.lock()
            if failure == 0 { failure = failed }
        }
        done = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Writes a temporary file beside `path` (through a symbolic link: beside its target) with `body`, fsyncs it and
/// renames it over the target; on any error the temporary file is removed.
private func replaceAtomically(_ path: String, what: String, body: (Int32, inout Writeback) throws -> Void) throws {
    // Through a symbolic link: replace the target, keep the link.
    let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { link in
        link.hasPrefix("/") ? link : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(link)
    } ?? path
    let temporary = target + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CLIError("\(what) \(path): cannot write (\(String(cString: strerror(errno))))") }
    do {
        var writeback = Writeback(fd: fd)
        let produced = Result { try body(fd, &writeback) }
        let flushFailure = writeback.finish()  // the background flush is waited for, also after an error
        try produced.get()
        guard flushFailure == 0 else { throw CLIError("\(what) \(path): cannot write (\(String(cString: strerror(flushFailure))))") }
        guard fsync(fd) == 0 else { throw CLIError("\(what) \(path): cannot write (\(String(cString: strerror(errno))))") }
        close(fd)
    } catch {
        close(fd)
        unlink(temporary)
        throw error
    }
    guard rename(temporary, target) == 0 else {
        let why = String(cString: strerror(errno))
        unlink(temporary)
        throw CLIError("\(what) \(path): cannot replace (\(why))")
    }
}

private func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String, what: String) throws {
    var offset = 0
    while offset < buffer.count {
        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            throw CLIError("\(what) \(path): cannot write (\(String(cString: strerror(errno))))")
        }
        offset += n
    }
}

/// One line of progress on stderr, when stderr is a terminal (scripts get clean output).
func progress(_ message: String) {
    guard isatty(STDERR_FILENO) != 0 else { return }
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// A one-line description of a JSON decoding failure, naming the field path.
func describe(decodingError error: any Error) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "$" : "$" + keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context): return "missing field \(path(context.codingPath + [key]))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        if context.codingPath.isEmpty, context.underlyingError != nil { return "not valid JSON" }
        return "\(path(context.codingPath)): \(context.debugDescription)"
    case nil: return "\(error)"
    @unknown default: return "\(error)"
    }
}

/// A JSON-serialisable object for `printJSON` from a JSONValue.
func foundationJSON(_ value: JSONValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .bool(let b): return b
    case .number(let n): return n
    case .string(let s): return s
    case .array(let a): return a.map(foundationJSON)
    case .object(let o): return Dictionary(o.map { ($0.0, foundationJSON($0.1)) }, uniquingKeysWith: { a, _ in a })
    }
}

/// Prints `error` as one line on stderr: `error: …`, control characters escaped (foreign text cannot repaint the
/// terminal), long messages cut.
func reportError(_ error: any Error) {
    var text = terminalSafe("\(error)")
    if text.count > 2_000 { text = String(text.prefix(2_000)) + "… (cut)" }
    FileHandle.standardError.write(Data("error: \(text)\n".utf8))
}

/// `text` with control characters (ESC, CR, LF, BEL, DEL, C1 …) written as escapes, for printing foreign text (revert
/// reasons, RPC messages, file contents) to a terminal.
func terminalSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}
