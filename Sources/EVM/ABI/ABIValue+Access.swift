/// Typed access to decoded values: each accessor checks the kind (and range or length) and throws
/// `ABIError.typeMismatch`, `.valueOutOfRange` or `.wrongCount` otherwise. Generated contract bindings read
/// return values and event fields through these.
extension ABIValue {
    /// The `uintN` value.
    public func asUInt256() throws(ABIError) -> UInt256 {
        guard case .uint(let v) = self else { throw .typeMismatch([], expected: "uint", got: kindName) }
        return v
    }

    /// The `uintN` value as a narrower Swift integer (`UInt8`, `UInt64`…), refusing values that do not fit.
    public func asUInt<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(ABIError) -> T {
        let v = try asUInt256()
        guard let narrow = T(exactly: v) else { throw .valueOutOfRange([], type: "UInt\(T.bitWidth)") }
        return narrow
    }

    /// The `intN` value.
    public func asInt256() throws(ABIError) -> Int256 {
        guard case .int(let v) = self else { throw .typeMismatch([], expected: "int", got: kindName) }
        return v
    }

    /// The `intN` value as a narrower Swift integer (`Int8`, `Int64`…), refusing values that do not fit.
    public func asInt<T: FixedWidthInteger & SignedInteger>(_: T.Type) throws(ABIError) -> T {
        let v = try asInt256()
        guard let narrow = T(exactly: v) else { throw .valueOutOfRange([], type: "Int\(T.bitWidth)") }
        return narrow
    }

    /// The `address` value.
    public func asAddress() throws(ABIError) -> Address {
        guard case .address(let v) = self else { throw .typeMismatch([], expected: "address", got: kindName) }
        return v
    }

    /// The `bool` value.
    public func asBool() throws(ABIError) -> Bool {
        guard case .bool(let v) = self else { throw .typeMismatch([], expected: "bool", got: kindName) }
        return v
    }

    /// A `bytes32` value.
    public func asBytes32() throws(ABIError) -> Bytes32 {
        let bytes = try asFixedBytes(count: 32)
        do { return try Bytes32(bytes) } catch { throw .wrongCount([], expected: 32, got: bytes.count) }
    }

    /// A `bytesN` (or `function`, N = 24) value of exactly `count` bytes.
    public func asFixedBytes(count: Int) throws(ABIError) -> [UInt8] {
        guard case .fixedBytes(let v) = self else { throw .typeMismatch([], expected: "bytes\(count)", got: kindName) }
        guard v.count == count else { throw .wrongCount([], expected: count, got: v.count) }
        return v
    }

    /// The `bytes` value.
    public func asBytes() throws(ABIError) -> [UInt8] {
        guard case .bytes(let v) = self else { throw .typeMismatch([], expected: "bytes", got: kindName) }
        return v
    }

    /// The `string` value.
    public func asString() throws(ABIError) -> String {
        guard case .string(let v) = self else { throw .typeMismatch([], expected: "string", got: kindName) }
        return v
    }

    /// The elements of an array (of exactly `count` elements when given), each read by `element`;
    /// errors name the element's index.
    public func asArray<T>(count: Int? = nil, _ element: (ABIValue) throws(ABIError) -> T) throws(ABIError) -> [T] {
        guard case .array(let values) = self else { throw .typeMismatch([], expected: "array", got: kindName) }
        if let count, values.count != count { throw .wrongCount([], expected: count, got: values.count) }
        var out: [T] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            do { out.append(try element(v)) } catch { throw error.prefixed(.index(i)) }
        }
        return out
    }

    /// The components of a tuple of exactly `count` components.
    public func asTuple(count: Int) throws(ABIError) -> [ABIValue] {
        guard case .tuple(let values) = self else { throw .typeMismatch([], expected: "tuple", got: kindName) }
        guard values.count == count else { throw .wrongCount([], expected: count, got: values.count) }
        return values
    }
}
