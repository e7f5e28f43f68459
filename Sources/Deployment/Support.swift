import EVM
import Foundation

/// A deployment failure, with what failed, where and why, in one line (printed as is by the command line).
public struct DeploymentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message.
    public let description: String
    /// A failure described by `description`.
    public init(_ description: String) { self.description = description }
}

/// Files the deployment model reads and writes.
public enum DeploymentFiles {
    /// Largest file read (artifacts are ~100 KB; anything bigger is not ours).
    public static let maximumSize = 64 << 20

    /// The text of a regular file (or `-`, standard input), at most `maximumSize` bytes; `what` names it in errors.
    public static func readText(_ path: String, what: String) throws(DeploymentError) -> String {
        if path == "-" {
            let data = FileHandle.standardInput.readData(ofLength: maximumSize + 1)
            guard data.count <= maximumSize else { throw DeploymentError("\(what) (stdin): larger than \(maximumSize) bytes") }
            return String(decoding: data, as: UTF8.self)
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DeploymentError("\(what) \(path): cannot read the file (\(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw DeploymentError("\(what) \(path): not a regular file") }
        guard Int(info.st_size) <= maximumSize else { throw DeploymentError("\(what) \(path): larger than \(maximumSize) bytes") }
        guard let data = FileManager.default.contents(atPath: path) else { throw DeploymentError("\(what) \(path): cannot read the file") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Replaces `path` with `data` durably: a temporary file beside it, fsync, rename, fsync of the directory.
    public static func writeAtomically(_ data: Data, to path: String) throws(DeploymentError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw DeploymentError("\(directory): cannot create the directory (\(error.localizedDescription))")
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DeploymentError("\(temporary): cannot create (\(String(cString: strerror(errno))))") }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        guard written, fsync(fd) == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            throw DeploymentError("\(temporary): cannot write (\(why))")
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw DeploymentError("\(path): cannot replace (\(String(cString: strerror(errno))))") }
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }
}

/// Amounts as people write them: decimal or `0x`-hex base units, or a decimal with a unit (`1.5ether`, `30gwei`).
public enum AmountText {
    /// Parses `text`; `what` names it in errors.
    public static func parse(_ text: String, what: String) throws(DeploymentError) -> UInt256 {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            do { return try UInt256(hexString: text) } catch { throw DeploymentError("\(what): \(error)") }
        }
        if let split = text.firstIndex(where: { $0.isLetter }) {
            guard let unit = Denomination(name: text[split...]) else { throw DeploymentError("\(what): unknown unit \(text[split...])") }
            do { return try Units.parse(text[..<split], unit: unit) } catch { throw DeploymentError("\(what): \(error)") }
        }
        do { return try UInt256(decimalString: text) } catch { throw DeploymentError("\(what): \(error)") }
    }
}

extension JSONValue {
    /// A JSON number that is a non-negative integer fitting 64 bits.
    public var uint64Value: UInt64? {
        if case .number(let text) = self { return UInt64(text) }
        return nil
    }
}
