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
}

/// The in-memory outbox of emitted receipts, in emission order. The batch writer takes them with
/// `drain(max:)`; a durable table with the same columns replaces it later.
public struct ReceiptOutbox: Sendable {
    /// The pending entries, oldest first (chunked: emitting never copies the entries already pending).
    private var storage = SegmentedArray<OutboxEntry>()
    /// Sequence number the next receipt gets.
    public private(set) var nextSequence: UInt64 = 1
    /// Whether receipts are kept (a benchmark may turn it off: leaves are still computed, receipts counted).
    public var keepsEntries: Bool

    /// An empty outbox.
    public init(keepsEntries: Bool = true) { self.keepsEntries = keepsEntries }

    /// Number of receipts emitted so far.
    public var emitted: UInt64 { nextSequence - 1 }

    /// Number of receipts not yet drained.
    public var pendingCount: Int { storage.count }

    /// The pending receipts, oldest first (indices `0 ..< pendingCount`; O(1), the entries are shared).
    public var pending: SegmentedArray<OutboxEntry> { storage }

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
    /// the `count` uninitialized slots (`slots[i]` for the `i`-th entry, spread over the storage's chunks) and
    /// the first sequence number, and must initialize every slot (it may do so from several threads). When
    /// entries are not kept, the slots are scratch memory, dropped afterwards.
    mutating func appendEntries(count: Int, _ fill: (SegmentedArray<OutboxEntry>.UnsafeSlots, UInt64) -> Void) {
        let first = nextSequence
        if keepsEntries {
            storage.append(count: count) { fill($0, first) }
        } else {
            var scratch = SegmentedArray<OutboxEntry>()
            scratch.append(count: count) { fill($0, first) }
        }
        nextSequence += UInt64(count)
    }

    /// Removes and returns up to `max` of the oldest pending receipts.
    public mutating func drain(max: Int) -> [OutboxEntry] {
        let k = Swift.min(storage.count, Swift.max(0, max))
        let taken = Array(storage[0..<k])
        storage.removeFirst(k)
        return taken
    }
}
