/// Errors from EIP-712 typed data.
public enum EIP712Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// The typed-data JSON is not valid JSON.
    case invalidJSON(String)
    /// The document does not have the `eth_signTypedData_v4` shape (`types`, `primaryType`, `domain`, `message`).
    case invalidShape(String)
    /// A referenced struct type is not defined in `types`.
    case unknownType(String)
    /// A member type that is neither an ABI type nor a defined struct (or an array of one).
    case invalidMemberType(String)
    /// A struct value lacks a member its type declares; `path` is where (`message.from.wallet`).
    case missingMember(path: String)
    /// A value that does not fit its member type.
    case invalidValue(path: String, reason: String)

    /// The same error with its path placed under `parent` (`from` + `wallet` → `from.wallet`).
    func under(_ parent: String) -> EIP712Error {
        func join(_ p: String) -> String { p.isEmpty ? parent : p.hasPrefix("[") ? parent + p : parent + "." + p }
        switch self {
        case .missingMember(let p): return .missingMember(path: join(p))
        case .invalidValue(let p, let r): return .invalidValue(path: join(p), reason: r)
        default: return self
        }
    }

    /// A human-readable message for the error, prefixed with `typed data:`.
    public var description: String {
        switch self {
        case .invalidJSON(let r): return "typed data: \(r)"
        case .invalidShape(let r): return "typed data: \(r)"
        case .unknownType(let t): return "typed data: unknown type \"\(t)\""
        case .invalidMemberType(let t): return "typed data: invalid member type \"\(t)\""
        case .missingMember(let p): return "typed data: missing value for \(p)"
        case .invalidValue(let p, let r): return "typed data: \(p): \(r)"
        }
    }
}

/// One member of an EIP-712 struct type: `{"name": "wallet", "type": "address"}`.
public struct EIP712Field: Hashable, Sendable {
    /// Member name.
    public var name: String
    /// Member type: an ABI type, a struct name, or either with array suffixes.
    public var type: String
    /// `type` parsed as an atomic ABI type when it is one (cached for hashing Swift-declared structs).
    let atomicType: ABIType?
    /// A member.
    public init(_ name: String, _ type: String) {
        self.name = name
        self.type = type
        if let t = try? ABIType(type) {
            switch t {
            case .array, .fixedArray, .tuple: atomicType = nil
            default: atomicType = t
            }
        } else {
            atomicType = nil
        }
    }

    /// Whether the two fields have the same name and type.
    public static func == (lhs: EIP712Field, rhs: EIP712Field) -> Bool { lhs.name == rhs.name && lhs.type == rhs.type }

    /// Hashes the name and type.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(type)
    }

    /// A member without the cached atomic type (`TypedData` resolves member types itself).
    init(unparsed name: String, _ type: String) {
        self.name = name
        self.type = type
        self.atomicType = nil
    }
}

/// Hashing of EIP-712 typed structured data (the `eth_signTypedData_v4` rules).
///
/// Build it from the JSON document (`TypedData(json:)`), or from `types` and JSON values;
/// type hashes are computed once, at construction, so `digest` only hashes the values.
public struct TypedData: Sendable {
    /// Struct types by name (the domain type included, derived from the domain fields if not given).
    public let types: [String: [EIP712Field]]
    /// The type of `message`.
    public let primaryType: String
    /// The domain object.
    public let domain: JSONValue
    /// The message object.
    public let message: JSONValue
    /// Every struct type, resolved at construction: members, parsed member types, type hash.
    let infos: [StructInfo]
    /// Index of each struct type in `infos`.
    let indexByName: [String: Int]

    struct StructInfo: Sendable {
        let name: String
        let fields: [EIP712Field]
        let kinds: [MemberKind]
        let typeHash: Bytes32
    }

    /// The domain fields in the order EIP-712 defines, with their types.
    public static let domainFieldOrder: [EIP712Field] = [
        .init("name", "string"), .init("version", "string"), .init("chainId", "uint256"),
        .init("verifyingContract", "address"), .init("salt", "bytes32"),
    ]

    /// Parses an `eth_signTypedData_v4` JSON document.
    public init(json text: String) throws(EIP712Error) {
        let value: JSONValue
        do { value = try JSONValue(parsing: text) } catch { throw .invalidJSON(error.description) }
        try self.init(json: value)
    }

    /// Reads a parsed `eth_signTypedData_v4` document (`message` may also be called `data`, as ethers does).
    public init(json value: JSONValue) throws(EIP712Error) {
        guard let typesObject = value["types"]?.objectValue else { throw .invalidShape("missing \"types\" object") }
        var types: [String: [EIP712Field]] = [:]
        for (name, fields) in typesObject {
            guard let items = fields.arrayValue else { throw .invalidShape("types.\(name) is not an array") }
            var out: [EIP712Field] = []
            for item in items {
                guard let n = item["name"]?.stringValue, let t = item["type"]?.stringValue else {
                    throw .invalidShape("types.\(name): each member needs \"name\" and \"type\"")
                }
                out.append(EIP712Field(unparsed: n, t))
            }
            types[name] = out
        }
        guard let primary = value["primaryType"]?.stringValue else { throw .invalidShape("missing \"primaryType\"") }
        let domain = value["domain"] ?? .object([])
        guard domain.objectValue != nil else { throw .invalidShape("\"domain\" is not an object") }
        guard let message = value["message"] ?? value["data"] else { throw .invalidShape("missing \"message\"") }
        try self.init(types: types, primaryType: primary, domain: domain, message: message)
    }

    /// Typed data from its parts. Without an `EIP712Domain` entry in `types`, the domain type is made
    /// from the domain fields present, in the standard order.
    public init(types: [String: [EIP712Field]], primaryType: String, domain: JSONValue, message: JSONValue) throws(EIP712Error) {
        var types = types
        if types["EIP712Domain"] == nil {
            let present = Set(domain.objectValue?.map(\.0) ?? [])
            for key in present where !Self.domainFieldOrder.contains(where: { $0.name == key }) {
                throw .invalidShape("unknown domain field \"\(key)\"")
            }
            types["EIP712Domain"] = Self.domainFieldOrder.filter { present.contains($0.name) }
        }
        guard types[primaryType] != nil else { throw .unknownType(primaryType) }
        self.types = types
        self.primaryType = primaryType
        self.domain = domain
        self.message = message
        let names = types.keys.sorted()
        var indexByName: [String: Int] = [:]
        for (i, name) in names.enumerated() { indexByName[name] = i }
        var infos: [StructInfo] = []
        for name in names {
            let fields = types[name]!
            var kinds: [MemberKind] = []
            for f in fields { kinds.append(try MemberKind(f.type, indexByName: indexByName)) }
            infos.append(StructInfo(name: name, fields: fields, kinds: kinds,
                                    typeHash: Keccak256.hash(utf8: try Self.encodeType(name, types: types))))
        }
        self.infos = infos
        self.indexByName = indexByName
    }

    /// `encodeType`: `Name(type member,…)` followed by every referenced struct type, sorted by name.
    public func encodeType(_ name: String) throws(EIP712Error) -> String { try Self.encodeType(name, types: types) }

    static func encodeType(_ name: String, types: [String: [EIP712Field]]) throws(EIP712Error) -> String {
        var deps = Set<String>()
        try collectDependencies(name, types: types, into: &deps)
        deps.remove(name)
        var out = ""
        for t in [name] + deps.sorted() {
            guard let fields = types[t] else { throw .unknownType(t) }
            out += t + "(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }
        return out
    }

    static func baseTypeName(_ type: String) -> Substring {
        if let bracket = type.firstIndex(of: "[") { return type[..<bracket] }
        return Substring(type)
    }

    static func collectDependencies(_ name: String, types: [String: [EIP712Field]], into deps: inout Set<String>) throws(EIP712Error) {
        guard !deps.contains(name) else { return }
        guard let fields = types[name] else { throw .unknownType(name) }
        deps.insert(name)
        for f in fields {
            let base = String(baseTypeName(f.type))
            if types[base] != nil { try collectDependencies(base, types: types, into: &deps) }
        }
    }

    /// `typeHash(name)`: Keccak-256 of `encodeType(name)`.
    public func typeHash(_ name: String) throws(EIP712Error) -> Bytes32 {
        guard let i = indexByName[name] else { throw .unknownType(name) }
        return infos[i].typeHash
    }

    /// `hashStruct(name, value)`: `keccak256(typeHash ‖ encodeData(value))`.
    public func hashStruct(_ name: String, _ value: JSONValue) throws(EIP712Error) -> Bytes32 {
        guard let i = indexByName[name] else { throw .unknownType(name) }
        do { return try hashStruct(i, value) } catch { throw error.under(name) }
    }

    /// The domain separator: `hashStruct("EIP712Domain", domain)`.
    public var domainSeparator: Bytes32 { get throws(EIP712Error) { try hashStruct("EIP712Domain", domain, root: "domain") } }

    /// `hashStruct(primaryType, message)`.
    public var messageHash: Bytes32 { get throws(EIP712Error) { try hashStruct(primaryType, message, root: "message") } }

    /// The signing digest: `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))`.
    public var digest: Bytes32 {
        get throws(EIP712Error) {
            if primaryType == "EIP712Domain" { return EIP712.digest(domainSeparator: try domainSeparator, structHash: nil) }
            return EIP712.digest(domainSeparator: try domainSeparator, structHash: try messageHash)
        }
    }

    func hashStruct(_ name: String, _ value: JSONValue, root: String) throws(EIP712Error) -> Bytes32 {
        guard let i = indexByName[name] else { throw .unknownType(name) }
        do { return try hashStruct(i, value) } catch { throw error.under(root) }
    }

    /// Errors carry paths relative to the struct; callers prefix them as the error unwinds,
    /// so the successful path builds no strings.
    func hashStruct(_ index: Int, _ value: JSONValue) throws(EIP712Error) -> Bytes32 {
        let info = infos[index]
        guard case .object(let members) = value else { throw .invalidValue(path: "", reason: "expected an object") }
        var hasher = Keccak256()
        info.typeHash.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        for (n, field) in info.fields.enumerated() {
            var member: JSONValue?
            for (k, v) in members where k == field.name {
                member = v
                break
            }
            guard let member else { throw EIP712Error.missingMember(path: "").under(field.name) }
            do {
                let word = try encodeValue(info.kinds[n], member)
                word.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            } catch {
                throw error.under(field.name)
            }
        }
        return hasher.finalize()
    }

    /// `encodeData` of one member value: a 32-byte word.
    func encodeValue(_ kind: MemberKind, _ value: JSONValue) throws(EIP712Error) -> Bytes32 {
        switch kind {
        case .structType(let index):
            return try hashStruct(index, value)
        case .array(let element, let length):
            guard case .array(let items) = value else { throw .invalidValue(path: "", reason: "expected an array") }
            if let length, items.count != length {
                throw .invalidValue(path: "", reason: "expected \(length) elements, got \(items.count)")
            }
            var hasher = Keccak256()
            for (i, item) in items.enumerated() {
                do {
                    let word = try encodeValue(element, item)
                    word.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                } catch {
                    throw error.under("[\(i)]")
                }
            }
            return hasher.finalize()
        case .atomic(let type):
            do { return try EIP712.atomicWord(value, type) } catch {
                throw .invalidValue(path: "", reason: error.description)
            }
        }
    }

}

/// A member type, resolved once.
indirect enum MemberKind: Sendable {
    case atomic(ABIType)
    case structType(Int)
    case array(MemberKind, Int?)

    init(_ type: String, indexByName: [String: Int]) throws(EIP712Error) {
        if type.hasSuffix("]"), let open = type.lastIndex(of: "[") {
            let inner = String(type[..<open])
            let digits = type[type.index(after: open)..<type.index(before: type.endIndex)]
            let length: Int?
            if digits.isEmpty { length = nil } else {
                guard let k = Int(digits), k >= 0 else { throw .invalidMemberType(type) }
                length = k
            }
            self = .array(try MemberKind(inner, indexByName: indexByName), length)
            return
        }
        if let index = indexByName[type] { self = .structType(index); return }
        guard let abi = try? ABIType(type), !(abi.isDynamic && abi != .bytes && abi != .string) else {
            throw .invalidMemberType(type)
        }
        if case .tuple = abi { throw .invalidMemberType(type) }
        if case .fixedArray = abi { throw .invalidMemberType(type) }
        self = .atomic(abi)
    }
}

/// EIP-712 building blocks shared by `TypedData` and `EIP712Struct`.
public enum EIP712 {
    /// `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`; without a struct hash (primary type is the domain)
    /// only the domain separator is hashed, as the reference implementations do.
    public static func digest(domainSeparator: Bytes32, structHash: Bytes32?) -> Bytes32 {
        var hasher = Keccak256()
        withUnsafeBytes(of: (UInt8(0x19), UInt8(0x01))) { hasher.update(bufferPointer: $0) }
        domainSeparator.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        structHash?.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }
}
