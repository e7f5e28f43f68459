import EVM
import Receipts

/// A receipt waiting for the batch writer, with its Merkle leaf.
public struct OutboxEntry: Hashable, Sendable {
    /// Position in the outbox, from 1, increasing by one per receipt.
    public let sequence: UInt64
    /// The receipt.
    public let receipt: Receipt
    /// `receipt.leaf`, computed once at emission.
    public let leaf: Bytes32

    static let placeholder = OutboxEntry(
        sequence: 0, receipt: Receipt(kind: .settlement, predictionId: .zero, userCommitment: .zero, asset: try! AssetID(symbol: "-"),
                                      direction: .up, stake: 0, placedAt: 0, settlesAt: 0, entryPrice: 0),
        leaf: .zero)
}

/// The in-memory outbox of emitted receipts, in emission order. The batch writer takes them with
/// `drain(max:)`; a durable table with the same columns replaces it later.
public struct ReceiptOutbox: Sendable {
    private var storage: [OutboxEntry] = []
    private var head = 0
    /// Sequence number the next receipt gets.
    public private(set) var nextSequence: UInt64 = 1
    /// Whether receipts are kept (a benchmark may turn it off: leaves are still computed, receipts counted).
    public var keepsEntries: Bool

    /// An empty outbox.
    public init(keepsEntries: Bool = true) { self.keepsEntries = keepsEntries }

    /// Number of receipts emitted so far.
    public var emitted: UInt64 { nextSequence - 1 }

    /// Number of receipts not yet drained.
    public var pendingCount: Int { storage.count - head }

    /// The pending receipts, oldest first.
    public var pending: ArraySlice<OutboxEntry> { storage[head...] }

    /// Appends a receipt with its leaf.
    @inlinable
    public mutating func append(_ receipt: Receipt, leaf: Bytes32) {
        appendEntry(receipt, leaf: leaf)
    }

    @usableFromInline
    mutating func appendEntry(_ receipt: Receipt, leaf: Bytes32) {
        if keepsEntries { storage.append(OutboxEntry(sequence: nextSequence, receipt: receipt, leaf: leaf)) }
        nextSequence += 1
    }

    /// Appends `count` entries with the sequence numbers `nextSequence ..< nextSequence + count`: `fill` gets
    /// `count` uninitialized slots and the first sequence number and must initialize every slot (it may do so
    /// from several threads). When entries are not kept, the slots are scratch memory, dropped afterwards.
    mutating func appendEntries(count: Int, _ fill: (UnsafeMutableBufferPointer<OutboxEntry>, UInt64) -> Void) {
        let first = nextSequence
        if keepsEntries {
            let start = storage.count
            // Array has no uninitialized tail: append placeholders, then let `fill` overwrite them (trivial values).
            storage.append(contentsOf: repeatElement(OutboxEntry.placeholder, count: count))
            storage.withUnsafeMutableBufferPointer { all in
                let slots = UnsafeMutableBufferPointer(rebasing: all[start..<(start + count)])
                _ = slots.deinitialize()
                fill(slots, first)
            }
        } else {
            let scratch = [OutboxEntry](unsafeUninitializedCapacity: count) { buffer, initialized in
                fill(buffer, first)
                initialized = count
            }
            _ = scratch
        }
        nextSequence += UInt64(count)
    }

    /// Removes and returns up to `max` of the oldest pending receipts.
    public mutating func drain(max: Int) -> [OutboxEntry] {
        let end = head + Swift.min(storage.count - head, Swift.max(0, max))
        let taken = Array(storage[head..<end])
        head = end
        if head > 4096, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return taken
    }
}
