/// A member value of a Swift-declared EIP-712 struct.
public enum EIP712Value: Sendable {
    /// An atomic value (integer, address, bool, `bytesN`, `bytes`, `string`).
    case value(ABIValue)
    /// A nested struct.
    case `struct`(any EIP712Struct)
    /// An array (of atomic values, structs or arrays).
    case array([EIP712Value])
}

/// A Swift type that is an EIP-712 struct: declare its name and members, list its values,
/// and get `typeHash`, `hashStruct` and the signing digest without any JSON.
///
/// ```swift
/// struct Person: EIP712Struct {
///     static let eip712TypeName = "Person"
///     static let eip712Members = [EIP712Field("name", "string"), EIP712Field("wallet", "address")]
///     var name: String, wallet: Address
///     var eip712Values: [EIP712Value] { [.value(.string(name)), .value(.address(wallet))] }
/// }
/// ```
/// Structs that contain other structs list them in `eip712Dependencies`.
public protocol EIP712Struct: Sendable {
    /// The struct's type name.
    static var eip712TypeName: String { get }
    /// Members in declaration order.
    static var eip712Members: [EIP712Field] { get }
    /// Struct types used by members (directly; their own dependencies are followed).
    static var eip712Dependencies: [any EIP712Struct.Type] { get }
    /// The member values, in the order of `eip712Members`.
    var eip712Values: [EIP712Value] { get }
    /// `keccak256(encodeType)`. The default computes it on every use; declare
    /// `static let eip712TypeHash = eip712ComputedTypeHash` to compute it once.
    static var eip712TypeHash: Bytes32 { get }
    /// `hashStruct(self)`; the default hashes `eip712Values` under `eip712TypeHash`.
    func eip712HashStruct() throws(EIP712Error) -> Bytes32
}

extension EIP712Struct {
    /// No nested struct types, unless a conforming type says otherwise.
    public static var eip712Dependencies: [any EIP712Struct.Type] { [] }

    /// All struct types reachable from this one, by name (this one included).
    public static var eip712Types: [String: [EIP712Field]] {
        var out: [String: [EIP712Field]] = [:]
        func visit(_ t: any EIP712Struct.Type) {
            guard out[t.eip712TypeName] == nil else { return }
            out[t.eip712TypeName] = t.eip712Members
            for d in t.eip712Dependencies { visit(d) }
        }
        visit(self)
        return out
    }

    /// `encodeType`, e.g. `Mail(Person from,Person to,string contents)Person(string name,address wallet)`.
    public static var eip712EncodeType: String {
        (try? TypedData.encodeType(eip712TypeName, types: eip712Types)) ?? ""
    }

    /// `keccak256(encodeType)`, computed from the declarations.
    public static var eip712ComputedTypeHash: Bytes32 { Keccak256.hash(utf8: eip712EncodeType) }

    /// `eip712ComputedTypeHash`, computed on every use unless a conforming type stores it.
    public static var eip712TypeHash: Bytes32 { eip712ComputedTypeHash }

    /// `hashStruct(self)`.
    /// - Throws: `EIP712Error.invalidValue` when a value does not fit its member type.
    public func eip712HashStruct() throws(EIP712Error) -> Bytes32 {
        let members = Self.eip712Members
        let values = eip712Values
        guard members.count == values.count else {
            throw .invalidValue(path: Self.eip712TypeName, reason: "expected \(members.count) values, got \(values.count)")
        }
        var hasher = Keccak256()
        Self.eip712TypeHash.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        for (member, value) in zip(members, values) {
            do {
                let word = try EIP712.encodeMember(value, field: member)
                word.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            } catch {
                throw error.under(member.name).under(Self.eip712TypeName)
            }
        }
        return hasher.finalize()
    }

    /// The signing digest of this struct under `domain`.
    public func eip712Digest(domain: EIP712Domain) throws(EIP712Error) -> Bytes32 {
        EIP712.digest(domainSeparator: try domain.eip712HashStruct(), structHash: try eip712HashStruct())
    }
}

extension EIP712 {
    /// `encodeData` of one member value (errors carry the path below the member).
    static func encodeMember(_ value: EIP712Value, field: EIP712Field) throws(EIP712Error) -> Bytes32 {
        switch value {
        case .struct(let s):
            return try s.eip712HashStruct()
        case .array(let items):
            guard field.type.hasSuffix("]"), let open = field.type.lastIndex(of: "[") else {
                throw .invalidValue(path: "", reason: "array given for \(field.type)")
            }
            let inner = EIP712Field(field.name, String(field.type[..<open]))
            var hasher = Keccak256()
            for (i, item) in items.enumerated() {
                do {
                    let word = try encodeMember(item, field: inner)
                    word.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                } catch {
                    throw error.under("[\(i)]")
                }
            }
            return hasher.finalize()
        case .value(let v):
            guard let abiType = field.atomicType else { throw .invalidMemberType(field.type) }
            do { return try atomicWord(v, abiType) } catch { throw .invalidValue(path: "", reason: error.description) }
        }
    }
}

/// The EIP-712 domain; only the fields that are set are part of the domain type.
public struct EIP712Domain: EIP712Struct, Hashable {
    /// Name of the signing domain (dapp or protocol).
    public var name: String?
    /// Its major version.
    public var version: String?
    /// EIP-155 chain id.
    public var chainId: UInt256?
    /// The contract that verifies signatures.
    public var verifyingContract: Address?
    /// A disambiguating salt.
    public var salt: Bytes32?

    /// A domain with any subset of the fields.
    public init(name: String? = nil, version: String? = nil, chainId: UInt256? = nil,
                verifyingContract: Address? = nil, salt: Bytes32? = nil) {
        self.name = name
        self.version = version
        self.chainId = chainId
        self.verifyingContract = verifyingContract
        self.salt = salt
    }

    /// `EIP712Domain`.
    public static let eip712TypeName = "EIP712Domain"
    /// All five fields; instances use only the ones set (see `eip712HashStruct`).
    public static var eip712Members: [EIP712Field] { TypedData.domainFieldOrder }
    /// The values of the fields that are set, in the standard order (name, version, chainId, verifyingContract, salt).
    public var eip712Values: [EIP712Value] { presentFields.map(\.1) }

    var presentFields: [(EIP712Field, EIP712Value)] {
        var out: [(EIP712Field, EIP712Value)] = []
        if let name { out.append((.init("name", "string"), .value(.string(name)))) }
        if let version { out.append((.init("version", "string"), .value(.string(version)))) }
        if let chainId { out.append((.init("chainId", "uint256"), .value(.uint(chainId)))) }
        if let verifyingContract { out.append((.init("verifyingContract", "address"), .value(.address(verifyingContract)))) }
        if let salt { out.append((.init("salt", "bytes32"), .value(.fixedBytes(salt.bytes)))) }
        return out
    }

    /// Which fields are set, as a 5-bit mask in the standard order.
    var fieldMask: Int {
        (name != nil ? 1 : 0) | (version != nil ? 2 : 0) | (chainId != nil ? 4 : 0)
            | (verifyingContract != nil ? 8 : 0) | (salt != nil ? 16 : 0)
    }

    /// `encodeType` of every subset of the domain fields, by mask.
    static let typeHashesByMask: [Bytes32] = (0..<32).map { mask in
        let fields = TypedData.domainFieldOrder.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
        return Keccak256.hash(utf8: "EIP712Domain(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")")
    }

    /// `encodeType` of this domain: `EIP712Domain(…)` with the fields that are set.
    public var encodeType: String {
        "EIP712Domain(" + presentFields.map { "\($0.0.type) \($0.0.name)" }.joined(separator: ",") + ")"
    }

    /// The domain separator (no allocation: the type hashes of all 32 field subsets are precomputed).
    public func eip712HashStruct() throws(EIP712Error) -> Bytes32 {
        var hasher = Keccak256()
        EIP712Domain.typeHashesByMask[fieldMask].withUnsafeBytes { hasher.update(bufferPointer: $0) }
        func add(_ word: Bytes32) { word.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        if let name { add(Keccak256.hash(utf8: name)) }
        if let version { add(Keccak256.hash(utf8: version)) }
        if let chainId { add(Bytes32 { chainId.storeBigEndian(into: $0) }) }
        if let verifyingContract { add(verifyingContract.word) }
        if let salt { add(salt) }
        return hasher.finalize()
    }

    /// The domain separator (same as `eip712HashStruct()`).
    public var separator: Bytes32 { (try? eip712HashStruct()) ?? .zero }
}
