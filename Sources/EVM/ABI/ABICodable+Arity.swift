// Fixed-arity typed coders (generated for 1…8 values). Fixed generic parameters specialise fully at
// the call site, where parameter packs would go through run-time metadata on every value.

extension ABI {
    /// The largest output `makeBytes` builds in a stack buffer before copying it into its array.
    @inlinable static var stackOutputLimit: Int { 1024 }

    /// A `[UInt8]` of exactly `count` bytes, all written by `body` through a raw pointer: the single output
    /// allocation of every encoder.
    ///
    /// `[UInt8](unsafeUninitializedCapacity:)` is not used for small outputs: it allocates through the
    /// standard library's unspecialised `Array._allocateBufferUninitialized` (`@inline(never)`, not inlinable),
    /// which looks `_ContiguousArrayStorage<UInt8>`'s metadata up in the runtime's generic-metadata cache on
    /// every call: about 360 of the 600 instructions of a 128-byte typed encode under callgrind. Writing into a
    /// stack buffer and copying it with `[UInt8](UnsafeRawBufferPointer)` allocates through the inlined,
    /// specialised `_ContiguousArrayBuffer` initialiser instead (a cached metadata load); copying a few hundred
    /// bytes costs far less than the lookup. Outputs over `stackOutputLimit` bytes are written in place.
    @inlinable @inline(__always)
    static func makeBytes(count: Int, _ body: (UnsafeMutableRawPointer) -> Void) -> [UInt8] {
        if count > 0 && count <= stackOutputLimit {
            return withUnsafeTemporaryAllocation(byteCount: count, alignment: 16) { scratch in
                body(scratch.baseAddress!)
                return [UInt8](UnsafeRawBufferPointer(scratch))
            }
        }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(UnsafeMutableRawPointer(buffer.baseAddress!))
            initialized = count
        }
    }

    @inlinable @inline(__always)
    static func writeArgument<T: ABIEncodable>(_ v: T, _ base: UnsafeMutableRawPointer, _ h: inout Int, _ t: inout Int) {
        if T.abiIsDynamic {
            storeWord(UInt64(t), at: base + h)
            v.abiEncode(into: base + t)
            t += v.abiTailSize
            h += 32
        } else {
            v.abiEncode(into: base + h)
            h += T.abiHeadSize
        }
    }

    @inlinable @inline(__always)
    static func readArgument<T: ABIDecodable>(_ type: T.Type, _ reader: inout ABIReader, _ h: inout Int,
                                              _ index: Int, _ headSize: Int) throws(ABIError) -> T {
        do {
            if T.abiIsDynamic {
                let target = try reader.follow(offsetAt: h, base: 0, headSize: headSize)
                h += 32
                return try T.abiDecode(from: &reader, at: target)
            }
            let value = try T.abiDecode(from: &reader, at: h)
            h += T.abiHeadSize
            return value
        } catch {
            throw error.prefixed(.arg(index))
        }
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable>(_ a: A) -> [UInt8] {
        let head = A.abiHeadSize
        let total = 0 + head + a.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable>(selector: [UInt8], _ a: A) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize
        let total = 4 + head + a.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable>(_: A.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> A {
        let head = A.abiHeadSize
        let result: Result<A, ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> A in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                return a
            }
        }
        return try result.get()
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable, B: ABIEncodable>(_ a: A, _ b: B) -> [UInt8] {
        let head = A.abiHeadSize + B.abiHeadSize
        let total = 0 + head + a.abiTailSize + b.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable, B: ABIEncodable>(selector: [UInt8], _ a: A, _ b: B) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize + B.abiHeadSize
        let total = 4 + head + a.abiTailSize + b.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable, B: ABIDecodable>(_: A.Type, _: B.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> (A, B) {
        let head = A.abiHeadSize + B.abiHeadSize
        let result: Result<(A, B), ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> (A, B) in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                let b = try readArgument(B.self, &reader, &h, 1, head)
                return (a, b)
            }
        }
        return try result.get()
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable>(_ a: A, _ b: B, _ c: C) -> [UInt8] {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize
        let total = 0 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable>(selector: [UInt8], _ a: A, _ b: B, _ c: C) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize
        let total = 4 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable, B: ABIDecodable, C: ABIDecodable>(_: A.Type, _: B.Type, _: C.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> (A, B, C) {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize
        let result: Result<(A, B, C), ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> (A, B, C) in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                let b = try readArgument(B.self, &reader, &h, 1, head)
                let c = try readArgument(C.self, &reader, &h, 2, head)
                return (a, b, c)
            }
        }
        return try result.get()
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable>(_ a: A, _ b: B, _ c: C, _ d: D) -> [UInt8] {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize
        let total = 0 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable>(selector: [UInt8], _ a: A, _ b: B, _ c: C, _ d: D) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize
        let total = 4 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable, B: ABIDecodable, C: ABIDecodable, D: ABIDecodable>(_: A.Type, _: B.Type, _: C.Type, _: D.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> (A, B, C, D) {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize
        let result: Result<(A, B, C, D), ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> (A, B, C, D) in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                let b = try readArgument(B.self, &reader, &h, 1, head)
                let c = try readArgument(C.self, &reader, &h, 2, head)
                let d = try readArgument(D.self, &reader, &h, 3, head)
                return (a, b, c, d)
            }
        }
        return try result.get()
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable>(_ a: A, _ b: B, _ c: C, _ d: D, _ e: E) -> [UInt8] {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize
        let total = 0 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable>(selector: [UInt8], _ a: A, _ b: B, _ c: C, _ d: D, _ e: E) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize
        let total = 4 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable, B: ABIDecodable, C: ABIDecodable, D: ABIDecodable, E: ABIDecodable>(_: A.Type, _: B.Type, _: C.Type, _: D.Type, _: E.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> (A, B, C, D, E) {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize
        let result: Result<(A, B, C, D, E), ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> (A, B, C, D, E) in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                let b = try readArgument(B.self, &reader, &h, 1, head)
                let c = try readArgument(C.self, &reader, &h, 2, head)
                let d = try readArgument(D.self, &reader, &h, 3, head)
                let e = try readArgument(E.self, &reader, &h, 4, head)
                return (a, b, c, d, e)
            }
        }
        return try result.get()
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable, F: ABIEncodable>(_ a: A, _ b: B, _ c: C, _ d: D, _ e: E, _ f: F) -> [UInt8] {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize
        let total = 0 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize + f.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
            writeArgument(f, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable, F: ABIEncodable>(selector: [UInt8], _ a: A, _ b: B, _ c: C, _ d: D, _ e: E, _ f: F) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize
        let total = 4 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize + f.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
            writeArgument(f, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable, B: ABIDecodable, C: ABIDecodable, D: ABIDecodable, E: ABIDecodable, F: ABIDecodable>(_: A.Type, _: B.Type, _: C.Type, _: D.Type, _: E.Type, _: F.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> (A, B, C, D, E, F) {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize
        let result: Result<(A, B, C, D, E, F), ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> (A, B, C, D, E, F) in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                let b = try readArgument(B.self, &reader, &h, 1, head)
                let c = try readArgument(C.self, &reader, &h, 2, head)
                let d = try readArgument(D.self, &reader, &h, 3, head)
                let e = try readArgument(E.self, &reader, &h, 4, head)
                let f = try readArgument(F.self, &reader, &h, 5, head)
                return (a, b, c, d, e, f)
            }
        }
        return try result.get()
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable, F: ABIEncodable, G: ABIEncodable>(_ a: A, _ b: B, _ c: C, _ d: D, _ e: E, _ f: F, _ g: G) -> [UInt8] {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize + G.abiHeadSize
        let total = 0 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize + f.abiTailSize + g.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
            writeArgument(f, base, &h, &t)
            writeArgument(g, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable, F: ABIEncodable, G: ABIEncodable>(selector: [UInt8], _ a: A, _ b: B, _ c: C, _ d: D, _ e: E, _ f: F, _ g: G) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize + G.abiHeadSize
        let total = 4 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize + f.abiTailSize + g.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
            writeArgument(f, base, &h, &t)
            writeArgument(g, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable, B: ABIDecodable, C: ABIDecodable, D: ABIDecodable, E: ABIDecodable, F: ABIDecodable, G: ABIDecodable>(_: A.Type, _: B.Type, _: C.Type, _: D.Type, _: E.Type, _: F.Type, _: G.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> (A, B, C, D, E, F, G) {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize + G.abiHeadSize
        let result: Result<(A, B, C, D, E, F, G), ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> (A, B, C, D, E, F, G) in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                let b = try readArgument(B.self, &reader, &h, 1, head)
                let c = try readArgument(C.self, &reader, &h, 2, head)
                let d = try readArgument(D.self, &reader, &h, 3, head)
                let e = try readArgument(E.self, &reader, &h, 4, head)
                let f = try readArgument(F.self, &reader, &h, 5, head)
                let g = try readArgument(G.self, &reader, &h, 6, head)
                return (a, b, c, d, e, f, g)
            }
        }
        return try result.get()
    }

    /// `abi.encode` of typed Swift values: one output allocation, no `ABIValue`.
    @inlinable
    public static func encode<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable, F: ABIEncodable, G: ABIEncodable, K: ABIEncodable>(_ a: A, _ b: B, _ c: C, _ d: D, _ e: E, _ f: F, _ g: G, _ k: K) -> [UInt8] {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize + G.abiHeadSize + K.abiHeadSize
        let total = 0 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize + f.abiTailSize + g.abiTailSize + k.abiTailSize
        return makeBytes(count: total) { start in
            let base = start + 0
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
            writeArgument(f, base, &h, &t)
            writeArgument(g, base, &h, &t)
            writeArgument(k, base, &h, &t)
        }
    }

    /// Calldata for typed Swift arguments: `selector ‖ abi.encode(values…)`, one allocation.
    @inlinable
    public static func calldata<A: ABIEncodable, B: ABIEncodable, C: ABIEncodable, D: ABIEncodable, E: ABIEncodable, F: ABIEncodable, G: ABIEncodable, K: ABIEncodable>(selector: [UInt8], _ a: A, _ b: B, _ c: C, _ d: D, _ e: E, _ f: F, _ g: G, _ k: K) -> [UInt8] {
        precondition(selector.count == 4, "a selector is 4 bytes")
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize + G.abiHeadSize + K.abiHeadSize
        let total = 4 + head + a.abiTailSize + b.abiTailSize + c.abiTailSize + d.abiTailSize + e.abiTailSize + f.abiTailSize + g.abiTailSize + k.abiTailSize
        return makeBytes(count: total) { start in
            selector.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: 4) }
            let base = start + 4
            var h = 0
            var t = head
            writeArgument(a, base, &h, &t)
            writeArgument(b, base, &h, &t)
            writeArgument(c, base, &h, &t)
            writeArgument(d, base, &h, &t)
            writeArgument(e, base, &h, &t)
            writeArgument(f, base, &h, &t)
            writeArgument(g, base, &h, &t)
            writeArgument(k, base, &h, &t)
        }
    }

    /// Decodes `abi.encode` output into typed Swift values, strictly by default:
    /// `let (to, amount) = try ABI.decode(Address.self, UInt256.self, from: data)`.
    @inlinable
    public static func decode<A: ABIDecodable, B: ABIDecodable, C: ABIDecodable, D: ABIDecodable, E: ABIDecodable, F: ABIDecodable, G: ABIDecodable, K: ABIDecodable>(_: A.Type, _: B.Type, _: C.Type, _: D.Type, _: E.Type, _: F.Type, _: G.Type, _: K.Type, from data: [UInt8],
                                    options: ABIDecodingOptions = .strict) throws(ABIError) -> (A, B, C, D, E, F, G, K) {
        let head = A.abiHeadSize + B.abiHeadSize + C.abiHeadSize + D.abiHeadSize + E.abiHeadSize + F.abiHeadSize + G.abiHeadSize + K.abiHeadSize
        let result: Result<(A, B, C, D, E, F, G, K), ABIError> = data.withUnsafeBytes { raw in
            Result { () throws(ABIError) -> (A, B, C, D, E, F, G, K) in
                guard head <= raw.count else { throw .inputTooShort([], offset: 0, needed: head) }
                var reader = ABIReader(buffer: raw, options: options)
                var h = 0
                let a = try readArgument(A.self, &reader, &h, 0, head)
                let b = try readArgument(B.self, &reader, &h, 1, head)
                let c = try readArgument(C.self, &reader, &h, 2, head)
                let d = try readArgument(D.self, &reader, &h, 3, head)
                let e = try readArgument(E.self, &reader, &h, 4, head)
                let f = try readArgument(F.self, &reader, &h, 5, head)
                let g = try readArgument(G.self, &reader, &h, 6, head)
                let k = try readArgument(K.self, &reader, &h, 7, head)
                return (a, b, c, d, e, f, g, k)
            }
        }
        return try result.get()
    }
}
