/// A growable random-access collection stored in fixed-size chunks of `SegmentedArray.chunkCapacity` elements,
/// each allocated once at full size: appending never moves or copies the elements already stored (an `Array`
/// copies all of them whenever it doubles), so the cost of an append does not depend on the count. Indices are
/// `0 ..< count`, as in an `Array`. It is a value type with copy-on-write per chunk: mutating a copy copies only
/// the chunks it writes to.
public struct SegmentedArray<Element> {
    /// Elements per chunk (a power of two).
    public static var chunkCapacity: Int { 1 << shift }
    @usableFromInline static var shift: Int { 14 }
    @usableFromInline static var mask: Int { (1 << shift) - 1 }

    /// One chunk: `capacity` slots, the first `count` of them initialized.
    @usableFromInline
    final class Chunk {
        @usableFromInline let base: UnsafeMutablePointer<Element>
        @usableFromInline var count = 0

        @usableFromInline
        init() { base = .allocate(capacity: SegmentedArray.chunkCapacity) }

        @usableFromInline
        func copy() -> Chunk {
            let c = Chunk()
            c.base.initialize(from: base, count: count)
            c.count = count
            return c
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }

    @usableFromInline var chunks: [Chunk] = []
    /// Physical position of index 0 in `chunks[0]` (elements before it were removed by `removeFirst`).
    @usableFromInline var offset = 0
    @usableFromInline var storedCount = 0

    /// An empty collection.
    @inlinable
    public init() {}

    /// The elements of `elements`, in order.
    @inlinable
    public init<S: Sequence>(_ elements: S) where S.Element == Element {
        append(contentsOf: elements)
    }

    /// Makes chunk `c` uniquely referenced (copying it if it is shared) and returns its slots.
    @inlinable
    mutating func uniqueBase(_ c: Int) -> UnsafeMutablePointer<Element> {
        if !isKnownUniquelyReferenced(&chunks[c]) { chunks[c] = chunks[c].copy() }
        return chunks[c].base
    }

    /// Appends `element`.
    @inlinable
    public mutating func append(_ element: Element) {
        let p = offset + storedCount
        if p & Self.mask == 0 {
            chunks.append(Chunk())
        }
        let c = chunks.count - 1
        let base = uniqueBase(c)
        (base + chunks[c].count).initialize(to: element)
        chunks[c].count += 1
        storedCount += 1
    }

    /// Appends the elements of `elements`, in order.
    @inlinable
    public mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        for e in elements { append(e) }
    }

    /// Appends `count` elements that `initialize` writes in place: it gets the slots (`slots[i]` is where the
    /// `i`-th new element goes, `0 ..< count`, uninitialized) and must initialize every one of them, in any
    /// order and possibly from several threads; the slots are valid only during the call.
    @inlinable
    public mutating func append(count: Int, initializingWith initialize: (UnsafeSlots) -> Void) {
        precondition(count >= 0, "negative count")
        guard count > 0 else { return }
        let start = offset + storedCount
        let end = start + count
        let firstChunk = start >> Self.shift
        // Chunks receiving new elements: the partly filled last one (made unique) and fresh ones.
        if start & Self.mask != 0 { _ = uniqueBase(chunks.count - 1) }
        while chunks.count << Self.shift < end { chunks.append(Chunk()) }
        let bases = chunks[firstChunk...].map(\.base)
        initialize(UnsafeSlots(bases: bases, first: start & Self.mask, count: count))
        for c in firstChunk..<chunks.count {
            chunks[c].count = Swift.min(Self.chunkCapacity, end - (c << Self.shift))
        }
        storedCount += count
    }

    /// Removes the first `k` elements; a chunk is freed once all of its elements were removed. O(`k` /
    /// `chunkCapacity`); the elements of a partly removed chunk are released with it.
    @inlinable
    public mutating func removeFirst(_ k: Int) {
        precondition(k >= 0 && k <= storedCount, "removeFirst out of range")
        offset += k
        storedCount -= k
        let dropped = offset >> Self.shift
        if dropped > 0 {
            chunks.removeFirst(dropped)
            offset &= Self.mask
        }
        if storedCount == 0, offset & Self.mask == 0 {
            chunks.removeAll()
            offset = 0
        }
    }

    /// Removes all elements and frees every chunk.
    @inlinable
    public mutating func removeAll() {
        chunks = []
        offset = 0
        storedCount = 0
    }

    /// Calls `body` with the slots of all elements (`slots[i]` is element `i`), each chunk made unique
    /// first so that they may be written. The slots are valid only during the call; the collection must
    /// not be changed otherwise meanwhile.
    @inlinable
    public mutating func withUnsafeMutableSlots<R>(_ body: (UnsafeSlots) throws -> R) rethrows -> R {
        for c in chunks.indices { _ = uniqueBase(c) }
        return try withExtendedLifetime(chunks) {
            try body(UnsafeSlots(bases: chunks.map(\.base), first: offset, count: storedCount))
        }
    }

    /// Calls `body` with the slots of all elements for reading (`slots[i]` is element `i`); they may be read
    /// from several threads. The slots are valid only during the call; they must not be written.
    @inlinable
    public func withUnsafeSlots<R>(_ body: (UnsafeSlots) throws -> R) rethrows -> R {
        try withExtendedLifetime(chunks) {
            try body(UnsafeSlots(bases: chunks.map(\.base), first: offset, count: storedCount))
        }
    }

    /// Addresses of a run of elements spread over chunks: `slots[i]` points at the `i`-th of them. Valid only
    /// inside the call that provides it; a plain value (no reference counting per access), so it can be shared
    /// across threads.
    public struct UnsafeSlots: @unchecked Sendable {
        @usableFromInline let bases: [UnsafeMutablePointer<Element>]
        @usableFromInline let first: Int
        /// Number of slots.
        public let count: Int

        @inlinable
        init(bases: [UnsafeMutablePointer<Element>], first: Int, count: Int) {
            self.bases = bases
            self.first = first
            self.count = count
        }

        /// The address of slot `i` (`0 ..< count`).
        @inlinable
        public subscript(i: Int) -> UnsafeMutablePointer<Element> {
            precondition(i >= 0 && i < count, "slot out of range")
            let p = first + i
            return bases[p >> SegmentedArray.shift] + (p & SegmentedArray.mask)
        }
    }
}

extension SegmentedArray: RandomAccessCollection, MutableCollection {
    /// Positions are offsets from the first element, as in an `Array`.
    public typealias Index = Int
    /// `0 ..< count`.
    public typealias Indices = Range<Int>

    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The number of elements.
    @inlinable public var endIndex: Int { storedCount }
    /// The number of elements.
    @inlinable public var count: Int { storedCount }
    /// `0 ..< count`.
    @inlinable public var indices: Range<Int> { 0..<storedCount }
    /// `i + 1`.
    @inlinable public func index(after i: Int) -> Int { i + 1 }
    /// `i - 1`.
    @inlinable public func index(before i: Int) -> Int { i - 1 }

    /// The element at `position` (`0 ..< count`).
    @inlinable
    public subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < storedCount, "index out of range")
            let p = offset + position
            return chunks[p >> Self.shift].base[p & Self.mask]
        }
        _modify {
            precondition(position >= 0 && position < storedCount, "index out of range")
            let p = offset + position
            let base = uniqueBase(p >> Self.shift)
            yield &base[p & Self.mask]
        }
    }
}

extension SegmentedArray: Equatable where Element: Equatable {
    /// Equal when the elements are, in order.
    @inlinable
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }
}

extension SegmentedArray: Hashable where Element: Hashable {
    /// Hashes the count and the elements in order.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for e in self { hasher.combine(e) }
    }
}

extension SegmentedArray: ExpressibleByArrayLiteral {
    /// The listed elements, in order.
    @inlinable
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension SegmentedArray: CustomStringConvertible {
    /// The elements as an array literal would print them.
    public var description: String { Array(self).description }
}

/// Chunks are only written when uniquely referenced (copy-on-write), so copies may cross threads.
extension SegmentedArray: @unchecked Sendable where Element: Sendable {}
