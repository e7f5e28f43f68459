import EVM

/// OpenZeppelin's `StandardMerkleTree`: leaves are ABI-encoded values of declared types, hashed twice
/// (`keccak256(keccak256(abi.encode(values)))`), over the same layout as `MerkleTree`.
///
/// Dumps and loads OpenZeppelin's `standard-v1` JSON, so a tree built here loads in their library and
/// the reverse.
public struct StandardMerkleTree: Sendable {
    /// The declared leaf types, e.g. `["address", "uint256"]`.
    public let leafEncoding: [ABIType]
    /// The values in insertion order.
    public let values: [[ABIValue]]
    /// The tree of leaf hashes.
    public let tree: MerkleTree

    /// Errors specific to standard trees (ABI errors and Merkle errors pass through as themselves).
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// A dump that is not `standard-v1` JSON of the expected shape.
        case malformedDump(String)
        /// A value whose leaf hash is not the node at its tree index.
        case valueMismatch(index: Int)

        /// A human-readable message for the error.
        public var description: String {
            switch self {
            case .malformedDump(let why): return "malformed standard-v1 dump: \(why)"
            case .valueMismatch(let i): return "value \(i) does not hash to the tree node at its treeIndex"
            }
        }
    }

    /// The leaf hash of `value` under `types`.
    public static func leafHash(_ value: [ABIValue], types: [ABIType]) throws(ABIError) -> Bytes32 {
        let encoded = try ABI.encode(value, as: types)
        return Keccak256.hash(Keccak256.hash(data: encoded))
    }

    /// Builds the tree of `values` (each a list matching `leafEncoding`); sorted by leaf hash unless `sortLeaves` is false.
    public init(values: [[ABIValue]], leafEncoding: [ABIType], sortLeaves: Bool = true) throws {
        let leaves = try StandardMerkleTree.leafHashes(values, types: leafEncoding)
        self.leafEncoding = leafEncoding
        self.values = values
        self.tree = try MerkleTree(leaves: leaves, sortLeaves: sortLeaves)
    }

    /// A tree whose values were already checked against `tree`.
    init(checked leafEncoding: [ABIType], values: [[ABIValue]], tree: MerkleTree) {
        self.leafEncoding = leafEncoding
        self.values = values
        self.tree = tree
    }

    /// The root.
    public var root: Bytes32 { tree.root }

    /// The proof of value `index`.
    public func proof(forValue index: Int) throws(MerkleError) -> [Bytes32] { try tree.proof(forLeaf: index) }

    /// Index of the first value equal to `value`, if any.
    public func index(of value: [ABIValue]) -> Int? { values.firstIndex(of: value) }

    /// Whether `proof` links `value` (typed by `leafEncoding`) to `root`.
    public static func verify(root: Bytes32, leafEncoding: [ABIType], value: [ABIValue], proof: [Bytes32]) throws(ABIError) -> Bool {
        MerkleTree.verify(root: root, leaf: try leafHash(value, types: leafEncoding), proof: proof)
    }

    /// The `standard-v1` dump as JSON.
    public func dump() -> JSONValue {
        .object([
            ("format", .string("standard-v1")),
            ("leafEncoding", .array(leafEncoding.map { .string($0.description) })),
            ("tree", .array(tree.nodes.map { .string($0.description) })),
            ("values", .array(values.enumerated().map { index, value in
                .object([("value", .array(value.map(\.jsonValue))), ("treeIndex", .number(String(tree.treeIndices[index])))])
            })),
        ])
    }

    /// Loads a `standard-v1` dump, checking every parent node and every value's leaf.
    public init(dump: JSONValue) throws {
        guard dump["format"]?.stringValue == "standard-v1" else { throw Failure.malformedDump("format is not standard-v1") }
        guard let encoding = dump["leafEncoding"]?.arrayValue?.compactMap(\.stringValue) else {
            throw Failure.malformedDump("missing leafEncoding")
        }
        let types = try encoding.map { try ABIType($0) }
        guard let nodeTexts = dump["tree"]?.arrayValue?.compactMap(\.stringValue), !nodeTexts.isEmpty else {
            throw Failure.malformedDump("missing tree")
        }
        let nodes = try nodeTexts.map { try Bytes32(hex: $0) }
        guard let entries = dump["values"]?.arrayValue else { throw Failure.malformedDump("missing values") }
        var values: [[ABIValue]] = []
        var indices: [Int] = []
        for (i, entry) in entries.enumerated() {
            guard let items = entry["value"]?.arrayValue, items.count == types.count else {
                throw Failure.malformedDump("values[\(i)].value is not a list of \(types.count)")
            }
            guard case .number(let text)? = entry["treeIndex"], let treeIndex = Int(text) else {
                throw Failure.malformedDump("values[\(i)].treeIndex is not an integer")
            }
            var value: [ABIValue] = []
            for (k, (item, type)) in zip(items, types).enumerated() {
                value.append(try ABIValue(json: item, as: type, path: [.index(i), .arg(k)]))
            }
            values.append(value)
            indices.append(treeIndex)
        }
        let tree = try MerkleTree(nodes: nodes, treeIndices: indices)
        for (i, value) in values.enumerated() where try StandardMerkleTree.leafHash(value, types: types) != nodes[indices[i]] {
            throw Failure.valueMismatch(index: i)
        }
        self.leafEncoding = types
        self.values = values
        self.tree = tree
    }
}
