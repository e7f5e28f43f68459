/// An unsigned 256-bit integer: the EVM word.
///
/// Four 64-bit limbs stored inline, least significant first; no operation allocates.
///
/// Overflow and division by zero follow Swift's integer conventions, with EVM forms beside them:
/// - `+`, `-`, `*`, `power(_:)` trap on overflow; `&+`, `&-`, `&*`, `wrappingPower(_:)` wrap modulo 2^256
///   (the EVM `ADD`, `SUB`, `MUL`, `EXP`); `addingReportingOverflow(_:)` and friends return the wrapped
///   value and a flag.
/// - `/` and `%` trap when the divisor is zero; `dividedReportingOverflow(by:)` returns `(self, true)`
///   and `remainderReportingOverflow(dividingBy:)` returns `(self, true)`, as for Swift's own integers;
///   `evmDivided(by:)` and `evmRemainder(dividingBy:)` return 0 (the EVM `DIV` and `MOD`).
/// - `addmod(_:_:)` and `mulmod(_:_:)` use a full-width intermediate and return 0 for a zero modulus.
///
/// Shifts by `Self` with `&<<`/`&>>` mask the amount to 0..<256 (Swift's masking shift); `<<` and `>>`
/// are Swift's smart shifts, so `x << 256` and `x >> 300` are 0, as the EVM `SHL`/`SHR` define.
///
/// Text: `description` is decimal, `hexString` is minimal `0x` hex; `init(decimalString:)`,
/// `init(hexString:)` and `init(parsing:)` throw `IntegerParseError`. `Codable` uses the JSON-RPC
/// quantity form, a `0x` hex string (decoding also accepts a decimal string).
public struct UInt256: Sendable, Hashable {
    /// Least significant limb.
    @usableFromInline internal var w0: UInt64
    @usableFromInline internal var w1: UInt64
    @usableFromInline internal var w2: UInt64
    /// Most significant limb.
    @usableFromInline internal var w3: UInt64

    @inlinable @inline(__always)
    internal init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Creates a value from its four 64-bit limbs, least significant first.
    @inlinable
    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) {
        self.init(limbs.0, limbs.1, limbs.2, limbs.3)
    }

    /// The four 64-bit limbs, least significant first.
    @inlinable
    public var limbs: (UInt64, UInt64, UInt64, UInt64) { (w0, w1, w2, w3) }

    /// Creates a value equal to `value`.
    @inlinable
    public init(_ value: UInt64) {
        self.init(value, 0, 0, 0)
    }

    /// Limb `i` (0 is least significant); `i` must be in 0..<4.
    @inlinable @inline(__always)
    internal func limb(_ i: Int) -> UInt64 {
        switch i {
        case 0: return w0
        case 1: return w1
        case 2: return w2
        default: return w3
        }
    }

    /// True when the value is zero.
    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// Number of significant limbs (0 for zero).
    @inlinable
    internal var limbCount: Int {
        if w3 != 0 { return 4 }
        if w2 != 0 { return 3 }
        if w1 != 0 { return 2 }
        return w0 != 0 ? 1 : 0
    }
}

// MARK: - Limb primitives

/// Carry-propagating primitives on 64-bit limbs.
@usableFromInline
internal enum Limb {
    /// `a + b + carry`, with the carry out.
    @inlinable @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64, _ carry: Bool) -> (UInt64, Bool) {
        let (s1, o1) = a.addingReportingOverflow(b)
        let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
        return (s2, o1 || o2)
    }

    /// `a - b - borrow`, with the borrow out.
    @inlinable @inline(__always)
    static func sub(_ a: UInt64, _ b: UInt64, _ borrow: Bool) -> (UInt64, Bool) {
        let (d1, o1) = a.subtractingReportingOverflow(b)
        let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
        return (d2, o1 || o2)
    }

    /// The reciprocal `floor((2^128 - 1) / d) - 2^64` of a normalised divisor (top bit set), for
    /// `divide2by1`.
    @inlinable
    static func reciprocal(_ d: UInt64) -> UInt64 {
        d.dividingFullWidth((~d, .max)).quotient
    }

    /// `(u1 * 2^64 + u0) / d` and its remainder for a normalised `d` with reciprocal `v` and `u1 < d`,
    /// with two multiplications instead of a 128-bit division (Möller and Granlund, "Improved division
    /// by invariant integers", algorithm 4).
    @inlinable @inline(__always)
    static func divide2by1(_ u1: UInt64, _ u0: UInt64, _ d: UInt64, _ v: UInt64) -> (q: UInt64, r: UInt64) {
        var (q1, q0) = v.multipliedFullWidth(by: u1)
        let (s0, c) = q0.addingReportingOverflow(u0)
        q0 = s0
        q1 = q1 &+ u1 &+ (c ? 1 : 0) &+ 1
        var r = u0 &- q1 &* d
        if r > q0 {
            q1 &-= 1
            r &+= d
        }
        if r >= d {
            q1 &+= 1
            r &-= d
        }
        return (q1, r)
    }

    /// `acc + x * y + carry` as a 128-bit `(high, low)`; it cannot overflow.
    @inlinable @inline(__always)
    static func mac(_ acc: UInt64, _ x: UInt64, _ y: UInt64, _ carry: UInt64) -> (hi: UInt64, lo: UInt64) {
        let (h, l) = x.multipliedFullWidth(by: y)
        let (l1, o1) = l.addingReportingOverflow(acc)
        let (l2, o2) = l1.addingReportingOverflow(carry)
        return (h &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0), l2)
    }
}

// MARK: - Constants and comparison

extension UInt256: Comparable {
    /// Zero.
    @inlinable public static var zero: UInt256 { UInt256(0, 0, 0, 0) }
    /// One.
    @inlinable public static var one: UInt256 { UInt256(1, 0, 0, 0) }
    /// 2^256 - 1.
    @inlinable public static var max: UInt256 { UInt256(.max, .max, .max, .max) }
    /// Zero.
    @inlinable public static var min: UInt256 { .zero }

    /// Orders values numerically.
    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }

    /// Equality of all four limbs.
    @inlinable
    public static func == (lhs: UInt256, rhs: UInt256) -> Bool {
        ((lhs.w0 ^ rhs.w0) | (lhs.w1 ^ rhs.w1) | (lhs.w2 ^ rhs.w2) | (lhs.w3 ^ rhs.w3)) == 0
    }
}

// MARK: - Addition and subtraction

extension UInt256 {
    /// `self + rhs` modulo 2^256, and whether it wrapped.
    @inlinable
    public func addingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = Limb.add(w0, rhs.w0, false)
        let (r1, c1) = Limb.add(w1, rhs.w1, c0)
        let (r2, c2) = Limb.add(w2, rhs.w2, c1)
        let (r3, c3) = Limb.add(w3, rhs.w3, c2)
        return (UInt256(r0, r1, r2, r3), c3)
    }

    /// `self - rhs` modulo 2^256, and whether it wrapped (borrowed).
    @inlinable
    public func subtractingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = Limb.sub(w0, rhs.w0, false)
        let (r1, b1) = Limb.sub(w1, rhs.w1, b0)
        let (r2, b2) = Limb.sub(w2, rhs.w2, b1)
        let (r3, b3) = Limb.sub(w3, rhs.w3, b2)
        return (UInt256(r0, r1, r2, r3), b3)
    }

    /// Sum; traps on overflow.
    @inlinable
    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (r, o) = lhs.addingReportingOverflow(rhs)
        precondition(!o, "UInt256 arithmetic overflow in +")
        return r
    }

    /// Difference; traps when `rhs > lhs`.
    @inlinable
    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (r, o) = lhs.subtractingReportingOverflow(rhs)
        precondition(!o, "UInt256 arithmetic overflow in -")
        return r
    }

    // `&+`, `&-` and `&*` come from `FixedWidthInteger`'s generic defaults (through the reporting forms
    // above, inlined so the unused overflow flag costs nothing). Concrete overloads here would make
    // untyped literal expressions elsewhere (`(0..<n).map { $0 &* 31 }`) ambiguous.

    /// Adds in place; traps on overflow.
    @inlinable public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }
    /// Subtracts in place; traps on overflow.
    @inlinable public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }
}

// MARK: - Multiplication

extension UInt256 {
    /// The full 512-bit product `self * other` as `(high, low)` halves.
    @inlinable
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        let a0 = w0, a1 = w1, a2 = w2, a3 = w3
        let b0 = other.w0, b1 = other.w1, b2 = other.w2, b3 = other.w3
        var c: UInt64
        var r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64, r4: UInt64, r5: UInt64, r6: UInt64, r7: UInt64
        (c, r0) = Limb.mac(0, a0, b0, 0)
        (c, r1) = Limb.mac(0, a0, b1, c)
        (c, r2) = Limb.mac(0, a0, b2, c)
        (c, r3) = Limb.mac(0, a0, b3, c)
        r4 = c
        (c, r1) = Limb.mac(r1, a1, b0, 0)
        (c, r2) = Limb.mac(r2, a1, b1, c)
        (c, r3) = Limb.mac(r3, a1, b2, c)
        (c, r4) = Limb.mac(r4, a1, b3, c)
        r5 = c
        (c, r2) = Limb.mac(r2, a2, b0, 0)
        (c, r3) = Limb.mac(r3, a2, b1, c)
        (c, r4) = Limb.mac(r4, a2, b2, c)
        (c, r5) = Limb.mac(r5, a2, b3, c)
        r6 = c
        (c, r3) = Limb.mac(r3, a3, b0, 0)
        (c, r4) = Limb.mac(r4, a3, b1, c)
        (c, r5) = Limb.mac(r5, a3, b2, c)
        (c, r6) = Limb.mac(r6, a3, b3, c)
        r7 = c
        return (UInt256(r4, r5, r6, r7), UInt256(r0, r1, r2, r3))
    }

    /// `self * rhs` modulo 2^256, and whether the true product needed more than 256 bits.
    @inlinable @inline(__always)
    public func multipliedReportingOverflow(by rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        // Two independent computations, so that `&*` (which drops the flag) inlines to the low half only.
        (UInt256.wrappingProduct(self, rhs), UInt256.productOverflows(self, rhs))
    }

    /// Whether `a * b` needs more than 256 bits, from the operands' lengths where they decide it.
    @inlinable @inline(__always)
    internal static func productOverflows(_ a: UInt256, _ b: UInt256) -> Bool {
        let la = a.limbCount, lb = b.limbCount
        if la == 0 || lb == 0 || la + lb <= 4 { return false }
        if la + lb >= 6 { return true }
        return !a.multipliedFullWidth(by: b).high.isZero
    }

    /// Product modulo 2^256 (EVM `MUL`); computes only the low 256 bits. `&*` is the public spelling.
    @inlinable @inline(__always)
    internal static func wrappingProduct(_ lhs: UInt256, _ rhs: UInt256) -> UInt256 {
        let a0 = lhs.w0, a1 = lhs.w1, a2 = lhs.w2, a3 = lhs.w3
        let b0 = rhs.w0, b1 = rhs.w1, b2 = rhs.w2, b3 = rhs.w3
        var c: UInt64
        var r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64
        (c, r0) = Limb.mac(0, a0, b0, 0)
        (c, r1) = Limb.mac(0, a0, b1, c)
        (c, r2) = Limb.mac(0, a0, b2, c)
        r3 = a0 &* b3 &+ c
        (c, r1) = Limb.mac(r1, a1, b0, 0)
        (c, r2) = Limb.mac(r2, a1, b1, c)
        r3 = r3 &+ a1 &* b2 &+ c
        (c, r2) = Limb.mac(r2, a2, b0, 0)
        r3 = r3 &+ a2 &* b1 &+ c
        r3 = r3 &+ a3 &* b0
        return UInt256(r0, r1, r2, r3)
    }

    /// Product; traps on overflow.
    @inlinable
    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (r, o) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!o, "UInt256 arithmetic overflow in *")
        return r
    }

    /// Multiplies in place; traps on overflow.
    @inlinable public static func *= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs * rhs }

    /// `x * x` modulo 2^256 with six limb multiplications instead of ten (each cross product once, doubled).
    @inlinable
    internal static func wrappingSquare(_ x: UInt256) -> UInt256 {
        let a0 = x.w0, a1 = x.w1, a2 = x.w2, a3 = x.w3
        let (h00, l00) = a0.multipliedFullWidth(by: a0)
        let (h01, l01) = a0.multipliedFullWidth(by: a1)
        let (h02, l02) = a0.multipliedFullWidth(by: a2)
        let (h11, l11) = a1.multipliedFullWidth(by: a1)
        // Cross terms a0a1·B + a0a2·B² + (a0a3 + a1a2)·B³, then doubled.
        let (c2, k) = h01.addingReportingOverflow(l02)
        let c3 = h02 &+ a0 &* a3 &+ a1 &* a2 &+ (k ? 1 : 0)
        let d1 = l01 &<< 1
        let d2 = (c2 &<< 1) | (l01 &>> 63)
        let d3 = (c3 &<< 1) | (c2 &>> 63)
        // Plus the squares a0² + a1²·B².
        let (r1, k1) = Limb.add(d1, h00, false)
        let (r2, k2) = Limb.add(d2, l11, k1)
        let r3 = d3 &+ h11 &+ (k2 ? 1 : 0)
        return UInt256(l00, r1, r2, r3)
    }

    /// `self * m + a` modulo 2^256, returning the limb carried out.
    @inlinable
    internal mutating func multiplyAdd(_ m: UInt64, _ a: UInt64) -> UInt64 {
        var c: UInt64
        (c, w0) = Limb.mac(a, w0, m, 0)
        (c, w1) = Limb.mac(c, w1, m, 0)
        (c, w2) = Limb.mac(c, w2, m, 0)
        (c, w3) = Limb.mac(c, w3, m, 0)
        return c
    }
}

// MARK: - Division

extension UInt256 {
    /// Quotient and remainder of dividing by a single nonzero limb.
    @inlinable
    public func quotientAndRemainder(dividingBy d: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(d != 0, "Division by zero")
        let s = d.leadingZeroBitCount
        let dn = d &<< s
        return shiftedDivide(s, dn, Limb.reciprocal(dn))
    }

    /// Divides by `dn >> s`, given the normalised `dn` and its reciprocal `v`.
    @inlinable
    internal func shiftedDivide(_ s: Int, _ dn: UInt64, _ v: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        // The dividend shifted left by s, as five limbs u4...u0.
        let u4 = s == 0 ? 0 : w3 &>> (64 - s)
        let u3 = s == 0 ? w3 : (w3 &<< s) | (w2 &>> (64 - s))
        let u2 = s == 0 ? w2 : (w2 &<< s) | (w1 &>> (64 - s))
        let u1 = s == 0 ? w1 : (w1 &<< s) | (w0 &>> (64 - s))
        let u0 = w0 &<< s
        var q = UInt256.zero
        var r: UInt64
        (q.w3, r) = Limb.divide2by1(u4, u3, dn, v)
        (q.w2, r) = Limb.divide2by1(r, u2, dn, v)
        (q.w1, r) = Limb.divide2by1(r, u1, dn, v)
        (q.w0, r) = Limb.divide2by1(r, u0, dn, v)
        return (q, r &>> s)
    }

    /// Quotient and remainder for a nonzero divisor (no checks beyond that).
    @inlinable
    internal static func divide(_ a: UInt256, _ b: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        if a < b { return (.zero, a) }
        if (b.w1 | b.w2 | b.w3) == 0 {
            if (a.w1 | a.w2 | a.w3) == 0 { return (UInt256(a.w0 / b.w0), UInt256(a.w0 % b.w0)) }
            let (q, r) = a.quotientAndRemainder(dividingBy: b.w0)
            return (q, UInt256(r))
        }
        return knuthDivide(a, b)
    }

    /// Knuth's algorithm D for a divisor of two or more limbs and `a >= b`.
    @usableFromInline
    internal static func knuthDivide(_ a: UInt256, _ b: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        var u: (UInt64, UInt64, UInt64, UInt64, UInt64) = (a.w0, a.w1, a.w2, a.w3, 0)
        var v: (UInt64, UInt64, UInt64, UInt64) = (b.w0, b.w1, b.w2, b.w3)
        var q: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let m = a.limbCount, n = b.limbCount
        withUnsafeMutablePointer(to: &u) { up in
            withUnsafeMutablePointer(to: &v) { vp in
                withUnsafeMutablePointer(to: &q) { qp in
                    up.withMemoryRebound(to: UInt64.self, capacity: 5) { u in
                        vp.withMemoryRebound(to: UInt64.self, capacity: 4) { v in
                            qp.withMemoryRebound(to: UInt64.self, capacity: 4) { q in
                                divideLimbs(u, m, v, n, q)
                            }
                        }
                    }
                }
            }
        }
        return (UInt256(q.0, q.1, q.2, q.3), UInt256(u.0, u.1, u.2, u.3))
    }

    /// Knuth's algorithm D (TAOCP 4.3.1) on 64-bit limbs.
    ///
    /// `u` holds the `m`-limb dividend and has room for `m + 1` limbs; `v` holds the `n`-limb divisor
    /// (`n >= 2`, `v[n-1] != 0`, `m >= n`) and is normalised in place; `q` receives `m - n + 1` quotient
    /// limbs. On return `u[0..<n]` holds the remainder and `u[n...m]` is zero.
    @usableFromInline
    internal static func divideLimbs(
        _ u: UnsafeMutablePointer<UInt64>, _ m: Int,
        _ v: UnsafeMutablePointer<UInt64>, _ n: Int,
        _ q: UnsafeMutablePointer<UInt64>
    ) {
        let s = v[n - 1].leadingZeroBitCount
        if s > 0 {
            var i = n - 1
            while i > 0 { v[i] = (v[i] &<< s) | (v[i - 1] &>> (64 - s)); i -= 1 }
            v[0] = v[0] &<< s
            u[m] = u[m - 1] &>> (64 - s)
            i = m - 1
            while i > 0 { u[i] = (u[i] &<< s) | (u[i - 1] &>> (64 - s)); i -= 1 }
            u[0] = u[0] &<< s
        } else {
            u[m] = 0
        }
        let vTop = v[n - 1], vNext = v[n - 2]
        let vInverse = Limb.reciprocal(vTop)
        var j = m - n
        while j >= 0 {
            // Estimate the quotient digit from the top two limbs of the remainder.
            var qhat: UInt64, rhat: UInt64
            var rhatOverflow = false
            let uTop = u[j + n]
            if uTop >= vTop {
                // The remainder invariant keeps uTop <= vTop, so here they are equal and qhat = b - 1.
                qhat = .max
                (rhat, rhatOverflow) = u[j + n - 1].addingReportingOverflow(vTop)
            } else {
                (qhat, rhat) = Limb.divide2by1(uTop, u[j + n - 1], vTop, vInverse)
            }
            // Refine with the next divisor limb: at most two corrections.
            while !rhatOverflow {
                let (ph, pl) = qhat.multipliedFullWidth(by: vNext)
                let uNext = u[j + n - 2]
                guard ph > rhat || (ph == rhat && pl > uNext) else { break }
                qhat &-= 1
                (rhat, rhatOverflow) = rhat.addingReportingOverflow(vTop)
            }
            // Multiply and subtract qhat * v from u[j...j+n]; `k` folds the product's high limb and
            // the borrow together (it stays below 2^64), which keeps the loop free of branches.
            var k: UInt64 = 0
            for i in 0..<n {
                let (ph, pl) = qhat.multipliedFullWidth(by: v[i])
                let (s1, b1) = u[i + j].subtractingReportingOverflow(pl)
                let (s2, b2) = s1.subtractingReportingOverflow(k)
                u[i + j] = s2
                k = ph &+ (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
            }
            let (top, lastBorrow) = u[j + n].subtractingReportingOverflow(k)
            u[j + n] = top
            if lastBorrow {
                // qhat was one too large: add the divisor back.
                qhat &-= 1
                var c = false
                for i in 0..<n { (u[i + j], c) = Limb.add(u[i + j], v[i], c) }
                u[j + n] &+= c ? 1 : 0
            }
            q[j] = qhat
            j -= 1
        }
        if s > 0 {
            for i in 0..<(n - 1) { u[i] = (u[i] &>> s) | (u[i + 1] &<< (64 - s)) }
            u[n - 1] = u[n - 1] &>> s
        }
    }

    /// Quotient and remainder; traps when `rhs` is zero.
    @inlinable
    public func quotientAndRemainder(dividingBy rhs: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!rhs.isZero, "Division by zero")
        return UInt256.divide(self, rhs)
    }

    /// Quotient; traps when `rhs` is zero.
    @inlinable
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).quotient
    }

    /// Remainder; traps when `rhs` is zero.
    @inlinable
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).remainder
    }

    /// Divides in place; traps when `rhs` is zero.
    @inlinable public static func /= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs / rhs }
    /// Takes the remainder in place; traps when `rhs` is zero.
    @inlinable public static func %= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs % rhs }

    /// Quotient, or `(self, true)` when `rhs` is zero (Swift's convention).
    @inlinable
    public func dividedReportingOverflow(by rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        return (UInt256.divide(self, rhs).quotient, false)
    }

    /// Remainder, or `(self, true)` when `rhs` is zero (Swift's convention).
    @inlinable
    public func remainderReportingOverflow(dividingBy rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        return (UInt256.divide(self, rhs).remainder, false)
    }

    /// EVM `DIV`: the quotient, or 0 when `rhs` is zero.
    @inlinable
    public func evmDivided(by rhs: UInt256) -> UInt256 {
        rhs.isZero ? .zero : UInt256.divide(self, rhs).quotient
    }

    /// EVM `MOD`: the remainder, or 0 when `rhs` is zero.
    @inlinable
    public func evmRemainder(dividingBy rhs: UInt256) -> UInt256 {
        rhs.isZero ? .zero : UInt256.divide(self, rhs).remainder
    }

    /// Divides the 512-bit `dividend` by `self`; traps when `self` is zero or the quotient needs more
    /// than 256 bits (`dividend.high >= self`).
    @inlinable
    public func dividingFullWidth(_ dividend: (high: UInt256, low: UInt256)) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!isZero, "Division by zero")
        precondition(dividend.high < self, "Quotient overflow in dividingFullWidth")
        return UInt256.divideWide(dividend.high, dividend.low, self)
    }

    /// Quotient (low 256 bits) and remainder of the 512-bit `(high, low)` by a nonzero `d`.
    @usableFromInline
    internal static func divideWide(_ high: UInt256, _ low: UInt256, _ d: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        if high.isZero { return divide(low, d) }
        var u: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (low.w0, low.w1, low.w2, low.w3, high.w0, high.w1, high.w2, high.w3, 0)
        var v: (UInt64, UInt64, UInt64, UInt64) = (d.w0, d.w1, d.w2, d.w3)
        var q: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let m = 4 + high.limbCount, n = d.limbCount
        withUnsafeMutablePointer(to: &u) { up in
            withUnsafeMutablePointer(to: &q) { qp in
                up.withMemoryRebound(to: UInt64.self, capacity: 9) { u in
                    qp.withMemoryRebound(to: UInt64.self, capacity: 8) { q in
                        if n == 1 {
                            let s = d.w0.leadingZeroBitCount
                            let dn = d.w0 &<< s
                            let inverse = Limb.reciprocal(dn)
                            var r: UInt64 = 0
                            var i = m - 1
                            while i >= 0 {
                                // Feed the dividend shifted left by s, one limb at a time.
                                let limb = s == 0 ? u[i] : (u[i] &<< s) | (i > 0 ? u[i - 1] &>> (64 - s) : 0)
                                if i == m - 1 && s > 0 { r = u[i] &>> (64 - s) }
                                (q[i], r) = Limb.divide2by1(r, limb, dn, inverse)
                                i -= 1
                            }
                            u[0] = r &>> s
                            for k in 1..<m { u[k] = 0 }
                        } else {
                            withUnsafeMutablePointer(to: &v) { vp in
                                vp.withMemoryRebound(to: UInt64.self, capacity: 4) { v in
                                    divideLimbs(u, m, v, n, q)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (UInt256(q.0, q.1, q.2, q.3), UInt256(u.0, u.1, u.2, u.3))
    }

    /// EVM `MULMOD`: `(self * other) % modulus` over the exact 512-bit product; 0 when `modulus` is zero.
    @inlinable
    public func mulmod(_ other: UInt256, _ modulus: UInt256) -> UInt256 {
        if modulus.isZero { return .zero }
        let (high, low) = multipliedFullWidth(by: other)
        return UInt256.divideWide(high, low, modulus).remainder
    }

    /// EVM `ADDMOD`: `(self + other) % modulus` over the exact 257-bit sum; 0 when `modulus` is zero.
    @inlinable
    public func addmod(_ other: UInt256, _ modulus: UInt256) -> UInt256 {
        if modulus.isZero { return .zero }
        let (sum, carry) = addingReportingOverflow(other)
        return UInt256.divideWide(UInt256(carry ? 1 : 0), sum, modulus).remainder
    }
}

// MARK: - Exponentiation

extension UInt256 {
    /// `self` raised to `exponent` modulo 2^256, and whether the true power needed more than 256 bits.
    /// `0 ** 0` is 1.
    @inlinable
    public func powerReportingOverflow(_ exponent: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.one
        var base = self
        var e = exponent
        var overflow = false
        var baseOverflow = false
        while !e.isZero {
            if e.w0 & 1 == 1 {
                let (r, o) = result.multipliedReportingOverflow(by: base)
                result = r
                overflow = overflow || o || baseOverflow
            }
            e = e &>> 1
            if !e.isZero {
                let (b, o) = base.multipliedReportingOverflow(by: base)
                base = b
                baseOverflow = baseOverflow || o
            }
        }
        return (result, overflow)
    }

    /// EVM `EXP`: `self` raised to `exponent` modulo 2^256.
    @inlinable
    public func wrappingPower(_ exponent: UInt256) -> UInt256 {
        var result = UInt256.one
        var base = self
        var e = exponent
        while !e.isZero {
            if e.w0 & 1 == 1 { result = UInt256.wrappingProduct(result, base) }
            e = e &>> 1
            if !e.isZero { base = UInt256.wrappingSquare(base) }
        }
        return result
    }

    /// `self` raised to `exponent`; traps on overflow.
    @inlinable
    public func power(_ exponent: UInt256) -> UInt256 {
        let (r, o) = powerReportingOverflow(exponent)
        precondition(!o, "UInt256 arithmetic overflow in power")
        return r
    }
}

// MARK: - Bitwise operations and shifts

extension UInt256 {
    /// Bitwise AND.
    @inlinable
    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(lhs.w0 & rhs.w0, lhs.w1 & rhs.w1, lhs.w2 & rhs.w2, lhs.w3 & rhs.w3)
    }

    /// Bitwise OR.
    @inlinable
    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(lhs.w0 | rhs.w0, lhs.w1 | rhs.w1, lhs.w2 | rhs.w2, lhs.w3 | rhs.w3)
    }

    /// Bitwise XOR.
    @inlinable
    public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(lhs.w0 ^ rhs.w0, lhs.w1 ^ rhs.w1, lhs.w2 ^ rhs.w2, lhs.w3 ^ rhs.w3)
    }

    /// Bitwise NOT.
    @inlinable
    public static prefix func ~ (x: UInt256) -> UInt256 {
        UInt256(~x.w0, ~x.w1, ~x.w2, ~x.w3)
    }

    /// ANDs in place.
    @inlinable public static func &= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs & rhs }
    /// ORs in place.
    @inlinable public static func |= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs | rhs }
    /// XORs in place.
    @inlinable public static func ^= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs ^ rhs }

    /// Left shift by `s` in 0..<256.
    @inlinable
    internal func shiftedLeft(_ s: Int) -> UInt256 {
        var r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64
        switch s &>> 6 {
        case 0: (r0, r1, r2, r3) = (w0, w1, w2, w3)
        case 1: (r0, r1, r2, r3) = (0, w0, w1, w2)
        case 2: (r0, r1, r2, r3) = (0, 0, w0, w1)
        default: (r0, r1, r2, r3) = (0, 0, 0, w0)
        }
        let b = s & 63
        if b != 0 {
            r3 = (r3 &<< b) | (r2 &>> (64 - b))
            r2 = (r2 &<< b) | (r1 &>> (64 - b))
            r1 = (r1 &<< b) | (r0 &>> (64 - b))
            r0 = r0 &<< b
        }
        return UInt256(r0, r1, r2, r3)
    }

    /// Right shift by `s` in 0..<256, filling with `fill` (0 or all ones).
    @inlinable
    internal func shiftedRight(_ s: Int, fill: UInt64 = 0) -> UInt256 {
        var r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64
        switch s &>> 6 {
        case 0: (r0, r1, r2, r3) = (w0, w1, w2, w3)
        case 1: (r0, r1, r2, r3) = (w1, w2, w3, fill)
        case 2: (r0, r1, r2, r3) = (w2, w3, fill, fill)
        default: (r0, r1, r2, r3) = (w3, fill, fill, fill)
        }
        let b = s & 63
        if b != 0 {
            r0 = (r0 &>> b) | (r1 &<< (64 - b))
            r1 = (r1 &>> b) | (r2 &<< (64 - b))
            r2 = (r2 &>> b) | (r3 &<< (64 - b))
            r3 = (r3 &>> b) | (fill &<< (64 - b))
        }
        return UInt256(r0, r1, r2, r3)
    }

    /// Shift amount `rhs` clamped to 0...256 (negative amounts are returned negated in `reverse`).
    @inlinable
    internal static func clampedShift<RHS: BinaryInteger>(_ rhs: RHS) -> (amount: Int, reverse: Bool) {
        if RHS.isSigned && rhs < (0 as RHS) {
            return rhs <= (-256 as Int) ? (256, true) : (-Int(truncatingIfNeeded: rhs), true)
        }
        return rhs >= (256 as Int) ? (256, false) : (Int(truncatingIfNeeded: rhs), false)
    }

    /// Left shift with the amount masked to 0..<256.
    @inlinable
    public static func &<< (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.shiftedLeft(Int(truncatingIfNeeded: rhs.w0 & 255))
    }

    /// Right shift with the amount masked to 0..<256.
    @inlinable
    public static func &>> (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.shiftedRight(Int(truncatingIfNeeded: rhs.w0 & 255))
    }

    /// Left shift with the amount masked to 0..<256.
    @inlinable
    public static func &<< (lhs: UInt256, rhs: Int) -> UInt256 { lhs.shiftedLeft(rhs & 255) }

    /// Right shift with the amount masked to 0..<256.
    @inlinable
    public static func &>> (lhs: UInt256, rhs: Int) -> UInt256 { lhs.shiftedRight(rhs & 255) }

    /// Smart left shift: amounts of 256 or more give 0, negative amounts shift right (EVM `SHL`).
    @inlinable
    public static func << <RHS: BinaryInteger>(lhs: UInt256, rhs: RHS) -> UInt256 {
        let (s, reverse) = clampedShift(rhs)
        if s >= 256 { return .zero }
        return reverse ? lhs.shiftedRight(s) : lhs.shiftedLeft(s)
    }

    /// Smart right shift: amounts of 256 or more give 0, negative amounts shift left (EVM `SHR`).
    @inlinable
    public static func >> <RHS: BinaryInteger>(lhs: UInt256, rhs: RHS) -> UInt256 {
        let (s, reverse) = clampedShift(rhs)
        if s >= 256 { return .zero }
        return reverse ? lhs.shiftedLeft(s) : lhs.shiftedRight(s)
    }

    /// Smart left shift by an `Int`.
    @inlinable
    public static func << (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs >= 0 { return rhs >= 256 ? .zero : lhs.shiftedLeft(rhs) }
        return rhs <= -256 ? .zero : lhs.shiftedRight(-rhs)
    }

    /// Smart right shift by an `Int`.
    @inlinable
    public static func >> (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs >= 0 { return rhs >= 256 ? .zero : lhs.shiftedRight(rhs) }
        return rhs <= -256 ? .zero : lhs.shiftedLeft(-rhs)
    }
}

// MARK: - Bit counts and words

extension UInt256 {
    /// 256.
    @inlinable public static var bitWidth: Int { 256 }

    /// Number of zero bits above the highest set bit (256 for zero).
    @inlinable
    public var leadingZeroBitCount: Int {
        if w3 != 0 { return w3.leadingZeroBitCount }
        if w2 != 0 { return 64 + w2.leadingZeroBitCount }
        if w1 != 0 { return 128 + w1.leadingZeroBitCount }
        return 192 + w0.leadingZeroBitCount
    }

    /// Number of zero bits below the lowest set bit (256 for zero).
    @inlinable
    public var trailingZeroBitCount: Int {
        if w0 != 0 { return w0.trailingZeroBitCount }
        if w1 != 0 { return 64 + w1.trailingZeroBitCount }
        if w2 != 0 { return 128 + w2.trailingZeroBitCount }
        return 192 + w3.trailingZeroBitCount
    }

    /// Number of set bits.
    @inlinable
    public var nonzeroBitCount: Int {
        w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount
    }

    /// The value with its 32 bytes in reverse order.
    @inlinable
    public var byteSwapped: UInt256 {
        UInt256(w3.byteSwapped, w2.byteSwapped, w1.byteSwapped, w0.byteSwapped)
    }

    /// The machine words of the value, least significant first.
    public struct Words: RandomAccessCollection, Sendable {
        @usableFromInline internal let value: UInt256

        @inlinable internal init(_ value: UInt256) { self.value = value }

        /// 0.
        @inlinable public var startIndex: Int { 0 }
        /// 256 / `UInt.bitWidth`.
        @inlinable public var endIndex: Int { 256 / UInt.bitWidth }

        /// Word `i`, least significant first.
        @inlinable
        public subscript(i: Int) -> UInt {
            precondition(i >= 0 && i < endIndex, "Word index out of range")
            if UInt.bitWidth == 64 { return UInt(truncatingIfNeeded: value.limb(i)) }
            return UInt(truncatingIfNeeded: value.limb(i &>> 1) &>> (UInt64(i & 1) &* 32))
        }
    }

    /// The machine words of the value, least significant first.
    @inlinable public var words: Words { Words(self) }

    /// Creates a value from the low word `bits` (used by the standard library's conversions).
    @inlinable
    public init(_truncatingBits bits: UInt) {
        self.init(UInt64(truncatingIfNeeded: bits), 0, 0, 0)
    }

    /// Creates a value from the low 256 bits of `source`, sign-extending negative values.
    @inlinable
    public init<T: BinaryInteger>(truncatingIfNeeded source: T) {
        let fill: UInt64 = T.isSigned && source < (0 as T) ? .max : 0
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (fill, fill, fill, fill)
        var it = source.words.makeIterator()
        func nextLimb() -> UInt64? {
            if UInt.bitWidth == 64 { return it.next().map { UInt64(truncatingIfNeeded: $0) } }
            guard let lo = it.next() else { return nil }
            let hi = it.next().map { UInt64(truncatingIfNeeded: $0) } ?? (fill & 0xFFFF_FFFF)
            return (hi << 32) | UInt64(truncatingIfNeeded: lo)
        }
        if let l = nextLimb() {
            limbs.0 = l
            if let l = nextLimb() {
                limbs.1 = l
                if let l = nextLimb() {
                    limbs.2 = l
                    if let l = nextLimb() { limbs.3 = l }
                }
            }
        }
        self.init(limbs: limbs)
    }
}

// MARK: - Standard protocols

extension UInt256: FixedWidthInteger, UnsignedInteger, LosslessStringConvertible {
    /// The magnitude of an unsigned value is itself.
    public typealias Magnitude = UInt256

    /// Integer literals of any size up to 2^256 - 1 (`StaticBigInt`), checked at compile time
    /// where the optimiser folds them and otherwise when the literal is evaluated.
    public typealias IntegerLiteralType = StaticBigInt

    /// Creates a value from an integer literal; traps on a negative literal or one above 2^256 - 1.
    @inlinable
    public init(integerLiteral value: StaticBigInt) {
        precondition(value.signum() >= 0, "Negative integer literal for UInt256")
        precondition(value.bitWidth <= 257, "Integer literal overflows UInt256")
        #if _pointerBitWidth(_64)
        self.init(
            UInt64(truncatingIfNeeded: value[0]), UInt64(truncatingIfNeeded: value[1]),
            UInt64(truncatingIfNeeded: value[2]), UInt64(truncatingIfNeeded: value[3]))
        #else
        func limb(_ i: Int) -> UInt64 {
            UInt64(truncatingIfNeeded: value[2 * i]) | UInt64(truncatingIfNeeded: value[2 * i + 1]) << 32
        }
        self.init(limb(0), limb(1), limb(2), limb(3))
        #endif
    }
}
