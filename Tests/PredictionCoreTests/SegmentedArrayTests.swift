import PredictionCore
import TestSupport
import Testing

/// A reference-counted element, to check that chunk copies and frees balance.
private final class Tracked: Equatable, @unchecked Sendable {
    nonisolated(unsafe) static var live = 0
    let value: Int
    init(_ value: Int) { self.value = value; Tracked.live += 1 }
    deinit { Tracked.live -= 1 }
    static func == (a: Tracked, b: Tracked) -> Bool { a.value == b.value }
}

@Suite("SegmentedArray")
struct SegmentedArrayTests {
    let chunk = SegmentedArray<Int>.chunkCapacity

    @Test func appendAcrossChunkBoundaries() {
        var s = SegmentedArray<Int>()
        #expect(s.isEmpty && s.first == nil && s.last == nil)
        let n = 3 * chunk + 17
        for i in 0..<n { s.append(i * 3) }
        #expect(s.count == n && s.startIndex == 0 && s.endIndex == n)
        for i in [0, chunk - 1, chunk, chunk + 1, 2 * chunk - 1, 2 * chunk, 3 * chunk, n - 1] { #expect(s[i] == i * 3) }
        #expect(s.last == (n - 1) * 3)
        #expect(Array(s) == (0..<n).map { $0 * 3 })
        #expect(s.map { $0 / 3 } == Array(0..<n))
        #expect(s.filter { $0 % 2 == 0 }.count == (n + 1) / 2)
        #expect(s.reversed().first == (n - 1) * 3)
        var t = SegmentedArray<Int>()
        t.append(contentsOf: 0..<(chunk - 2))
        t.append(contentsOf: [7, 8, 9, 10])
        #expect(t.count == chunk + 2 && t[chunk - 2] == 7 && t[chunk + 1] == 10)
    }

    @Test func mutationThroughSubscripts() {
        var s = SegmentedArray(0..<(2 * chunk + 5))
        s[chunk] = -1
        s[chunk - 1] += 100
        s[2 * chunk + 4] *= 2
        #expect(s[chunk] == -1 && s[chunk - 1] == chunk - 1 + 100 && s[2 * chunk + 4] == (2 * chunk + 4) * 2)
        s.swapAt(0, 2 * chunk)
        #expect(s[0] == 2 * chunk && s[2 * chunk] == 0)
        var pairs = SegmentedArray<(Int, Int)>()
        pairs.append((1, 2))
        pairs[0].1 = 5
        #expect(pairs[0] == (1, 5))
        var sorted = SegmentedArray([5, 3, 9, 1])
        sorted.sort()
        #expect(Array(sorted) == [1, 3, 5, 9])
    }

    @Test func copyOnWrite() {
        var a = SegmentedArray(0..<(chunk + 10))
        let b = a
        a[3] = -3
        a.append(99)
        #expect(b[3] == 3 && b.count == chunk + 10 && a[3] == -3 && a.count == chunk + 11)
        var c = b
        c.append(1)
        #expect(b.count == chunk + 10 && c.last == 1 && b.last == chunk + 9)
        var d = a
        d.removeFirst(chunk + 1)
        #expect(a.count == chunk + 11 && a[0] == 0 && d.first == chunk + 1 && d.count == 10)
    }

    @Test func bulkAppendAndSlots() {
        var s = SegmentedArray(0..<(chunk - 3))
        s.append(count: 2 * chunk + 7) { slots in
            #expect(slots.count == 2 * chunk + 7)
            for i in stride(from: slots.count - 1, through: 0, by: -1) { slots[i].initialize(to: chunk - 3 + i) }
        }
        #expect(Array(s) == Array(0..<(3 * chunk + 4)))
        s.append(count: 0) { _ in Issue.record("called for zero elements") }
        s.withUnsafeMutableSlots { slots in
            for i in 0..<slots.count { slots[i].pointee += 1 }
        }
        let sum = s.withUnsafeSlots { slots in (0..<slots.count).reduce(0) { $0 + slots[$1].pointee } }
        #expect(sum == (1...(3 * chunk + 4)).reduce(0, +))
    }

    @Test func removeFirstAndRemoveAll() {
        var s = SegmentedArray(0..<(2 * chunk + 3))
        s.removeFirst(5)
        #expect(s.count == 2 * chunk - 2 && s.first == 5 && s[chunk] == chunk + 5)
        s.removeFirst(chunk)
        #expect(s.first == chunk + 5 && s.last == 2 * chunk + 2)
        s.append(-1)
        #expect(s.last == -1 && s[s.count - 2] == 2 * chunk + 2)
        s.removeFirst(s.count)
        #expect(s.isEmpty)
        s.append(4)
        #expect(Array(s) == [4])
        s.removeAll()
        #expect(s.isEmpty && s == [])
    }

    @Test func elementsAreReleased() {
        do {
            var s = SegmentedArray<Tracked>()
            for i in 0..<(chunk + 5) { s.append(Tracked(i)) }
            var copy = s
            copy[1] = Tracked(-1)
            #expect(Tracked.live == chunk + 6)
            copy.removeFirst(chunk + 1)
            s.removeAll()
            // The removed element of the partly removed chunk is released with the chunk.
            #expect(Tracked.live == 5 && copy.count == 4)
            _ = copy
        }
        #expect(Tracked.live == 0)
    }

    /// Random appends, bulk appends, writes, front removals and copies agree with an `Array` doing the same.
    @Test func matchesArrayUnderRandomOperations() {
        var random = SeededRandom()
        var s = SegmentedArray<UInt64>()
        var a: [UInt64] = []
        var snapshots: [(SegmentedArray<UInt64>, [UInt64])] = []
        for step in 0..<4_000 {
            switch random.next() % 8 {
            case 0, 1:
                let v = random.next()
                s.append(v); a.append(v)
            case 2:
                let k = Int(random.next() % UInt64(chunk / 2))
                let values = (0..<k).map { _ in random.next() }
                s.append(contentsOf: values); a.append(contentsOf: values)
            case 3:
                let k = Int(random.next() % UInt64(2 * chunk))
                let seed = random.next()
                s.append(count: k) { slots in for i in 0..<k { slots[i].initialize(to: seed &+ UInt64(i)) } }
                a.append(contentsOf: (0..<k).map { seed &+ UInt64($0) })
            case 4, 5:
                if !a.isEmpty {
                    let i = Int(random.next() % UInt64(a.count)), v = random.next()
                    s[i] = v; a[i] = v
                }
            case 6:
                let k = a.isEmpty ? 0 : Int(random.next() % UInt64(a.count + 1))
                s.removeFirst(k); a.removeFirst(k)
            default:
                if snapshots.count < 8 { snapshots.append((s, a)) }
            }
            #expect(s.count == a.count, "step \(step)")
            if step % 97 == 0 { #expect(s == SegmentedArray(a) && Array(s) == a, "step \(step), seed \(random.seed)") }
        }
        #expect(Array(s) == a && s.first == a.first && s.last == a.last, "seed \(random.seed)")
        for (copy, expected) in snapshots { #expect(Array(copy) == expected, "seed \(random.seed)") }
    }
}
