import EVM
import Foundation
import Receipts

/// The column encodings both batch queues share: 32-byte words as blobs, hash lists as concatenated words, unsigned
/// 64-bit values as the bit pattern of a signed one.
enum BatchRows {
    static func i64(_ v: UInt64) -> Int64 { Int64(bitPattern: v) }
    static func u64(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) }

    /// A 32-byte word from a column.
    static func word(_ d: Data?) throws(BatchQueueError) -> Bytes32 {
        guard let d, d.count == 32 else { throw .corrupt("a 32-byte value has \(d?.count ?? 0) bytes") }
        do { return try Bytes32(d) } catch { throw .corrupt("a 32-byte value: \(error)") }
    }

    /// A 20-byte address from a column.
    static func address(_ d: Data?) throws(BatchQueueError) -> Address? {
        guard let d else { return nil }
        guard d.count == 20 else { throw .corrupt("an address has \(d.count) bytes") }
        do { return try Address([UInt8](d)) } catch { throw .corrupt("an address: \(error)") }
    }

    /// A list of 32-byte words from a column.
    static func words(_ d: Data) throws(BatchQueueError) -> [Bytes32] {
        guard d.count % 32 == 0 else { throw .corrupt("a hash list has \(d.count) bytes") }
        let bytes = [UInt8](d)
        var result: [Bytes32] = []
        result.reserveCapacity(bytes.count / 32)
        for start in stride(from: 0, to: bytes.count, by: 32) { result.append(try word(Data(bytes[start..<(start + 32)]))) }
        return result
    }

    /// A list of words as one column.
    static func joined(_ ws: [Bytes32]) -> Data {
        var d = Data(capacity: ws.count * 32)
        for w in ws { d.append(contentsOf: w.bytes) }
        return d
    }

    /// A stored receipt (its 416-byte ABI encoding) decoded.
    static func receipt(_ d: Data, what: String) throws(BatchQueueError) -> Receipt {
        do { return try Receipt(abiEncoded: d) } catch { throw .corrupt("\(what): \(error)") }
    }

    /// The batch time of a receipt: `placedAt` for placements, `settlesAt` otherwise.
    static func batchTime(_ r: Receipt) -> UInt64 { r.kind == .placement ? r.placedAt : r.settlesAt }
}
