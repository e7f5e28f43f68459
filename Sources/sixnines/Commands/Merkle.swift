import ArgumentParser
import EVM
import Foundation
import PredictionCore
import Receipts

/// `sixnines merkle`: OpenZeppelin-compatible standard Merkle trees.
struct MerkleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merkle",
        abstract: "Build OpenZeppelin StandardMerkleTrees, prove values, verify proofs.",
        discussion: """
            Leaves are keccak256(keccak256(abi.encode(value))) for the declared types; dumps are OpenZeppelin's standard-v1 JSON, so trees load in @openzeppelin/merkle-tree and the reverse.
            """,
        subcommands: [Build.self, Prove.self, Verify.self]
    )

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Build a tree from values and print its root.",
            discussion: """
                Values: a JSON array of arrays (one JSON value per type), or CSV with one row per value (cast-style text per column: decimal or 0x numbers, addresses, 0x bytes, true/false, [a,b] arrays).

                Example:
                  sixnines merkle build --types "address,uint256" airdrop.csv --dump tree.json
                """
        )

        @Option(name: .long, help: "Comma-separated ABI types of each value, e.g. \"address,uint256\".")
        var types: String

        @Argument(help: "A .json or .csv file of values (- for JSON on stdin).")
        var values: String

        @Option(name: .long, help: "Write the standard-v1 dump to this file.")
        var dump: String?

        @Flag(name: .long, help: "Keep insertion order instead of sorting leaves by hash.")
        var unsorted = false

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let leafTypes = try parseTypeList(types)
                let bytes = try InputFile.read(values, what: "<values>")
                let isCSV = values.lowercased().hasSuffix(".csv")
                // CSV or JSON rows of simple static types: encoded straight from the bytes into their ABI words and hashed
                // four at a time (two halves of a large file on two threads), no value objects; the dump, when asked
                // for, is written from the words. Anything else takes the general path below.
                let fast = isCSV ? csvRows(bytes: bytes, types: leafTypes, keepWords: dump != nil)
                    : jsonRows(bytes: bytes, types: leafTypes, keepWords: dump != nil)
                if let fast, !fast.leaves.isEmpty {
                    let tree: MerkleTree
                    do { tree = try MerkleTree(leaves: fast.leaves, sortLeaves: !unsorted) } catch { throw CLIError("<values>: \(error)") }
                    if let dump {
                        try writeFile(to: dump, what: "--dump", produceBytes: { write in
                            try fast.words.withUnsafeBytes { words in
                                try StandardMerkleTree.writeDump(leafEncoding: leafTypes, tree: tree, encodedValues: words, to: write)
                            }
                        })
                    }
                    if output.json { try printJSON(["root": tree.root.description, "count": fast.leaves.count]) } else { print(tree.root) }
                    return
                }
                let rows = isCSV
                    ? try csvValues(bytes: bytes, types: leafTypes)
                    : try jsonValues(String(decoding: bytes, as: UTF8.self), types: leafTypes)
                let tree: StandardMerkleTree
                do { tree = try StandardMerkleTree(values: rows, leafEncoding: leafTypes, sortLeaves: !unsorted) } catch {
                    throw CLIError("<values>: \(error)")
                }
                if let dump {
                    try writeFile(to: dump, what: "--dump") { write in try tree.writeDump { try write(Data($0)) } }
                }
                if output.json {
                    try printJSON(["root": tree.root.description, "count": rows.count])
                } else {
                    print(tree.root)
                }
            }
        }
    }

    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prove",
            abstract: "Print the proof of one value of a dumped tree (one hash per line; --json for an object).",
            discussion: """
                Examples:
                  sixnines merkle prove --tree tree.json --index 3
                  sixnines merkle prove --tree tree.json --value '["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "1000"]'
                """
        )

        @Option(name: .long, help: "A standard-v1 dump.")
        var tree: String

        @Option(name: .long, help: "Index of the value in the dump's values list.")
        var index: Int?

        @Option(name: .long, help: "The value as a JSON array (one element per type).")
        var value: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if (index == nil) == (value == nil) { throw ValidationError("give either --index or --value") }
        }

        func run() throws {
            try reportingErrors {
                let bytes = try InputFile.read(tree, what: "--tree")
                // A dump of simple static values is checked and kept as ABI words (the tree and the values' halves on
                // three threads); any other dump, or one that does not check out, goes through the general loader,
                // which names the error.
                let proved: (root: Bytes32, tree: MerkleTree, position: Int)
                if let words = bytes.withUnsafeBytes({ StandardDumpWords(dumpBytes: $0) }) {
                    proved = (words.root, words.tree, try position(count: words.count, types: words.leafEncoding) { words.index(of: $0) })
                } else {
                    let loaded: StandardMerkleTree
                    do { loaded = try StandardMerkleTree(dumpBytes: bytes) } catch let error as CLIError {
                        throw error
                    } catch {
                        throw CLIError("--tree \(tree): \(error)")
                    }
                    proved = (loaded.root, loaded.tree, try position(count: loaded.values.count, types: loaded.leafEncoding) { loaded.index(of: $0) })
                }
                let proof = try proved.tree.proof(forLeaf: proved.position)
                if output.json {
                    try printJSON(["root": proved.root.description, "index": proved.position,
                                   "leaf": try proved.tree.leaf(at: proved.position).description, "proof": proof.map(\.description)])
                } else {
                    proof.forEach { print($0) }
                }
            }
        }

        /// The position `--index` names, or the first of the value `--value` gives (found by `find`).
        private func position(count: Int, types: [ABIType], find: ([ABIValue]) -> Int?) throws -> Int {
            if let index {
                guard (0..<count).contains(index) else { throw CLIError("--index \(index): the tree has \(count) values") }
                return index
            }
            let wanted = try jsonValues("[\(value ?? "")]", types: types, what: "--value")[0]
            guard let found = find(wanted) else { throw CLIError("--value: not in the tree") }
            return found
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a value's proof against a root; prints valid/invalid, exit code 0 only when valid.",
            discussion: """
                Example:
                  sixnines merkle verify --root 0x… --types "address,uint256" --value '["0x…", "1000"]' --proof 0xab…,0xcd…
                """
        )

        @Option(name: .long, help: "The root.")
        var root: String

        @Option(name: .long, help: "Comma-separated ABI types.")
        var types: String

        @Option(name: .long, help: "The value as a JSON array.")
        var value: String

        @Option(name: .long, help: "The proof: comma-separated hashes or a JSON array (empty for a one-leaf tree).")
        var proof: String = ""

        @OptionGroup var output: OutputOptions

        func run() throws {
            let valid: Bool = try reportingErrors {
                let rootWord: Bytes32
                do { rootWord = try Bytes32(hex: root) } catch { throw CLIError("--root: \(error)") }
                let leafTypes = try parseTypeList(types)
                let parsed = try jsonValues("[\(value)]", types: leafTypes, what: "--value")[0]
                let hashes = proof.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
                    .replacingOccurrences(of: "\"", with: "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let proofWords: [Bytes32] = try hashes.enumerated().map { i, h in
                    do { return try Bytes32(hex: h) } catch { throw CLIError("--proof[\(i)]: \(error)") }
                }
                do {
                    return try StandardMerkleTree.verify(root: rootWord, leafEncoding: leafTypes, value: parsed, proof: proofWords)
                } catch {
                    throw CLIError("--value: \(error)")
                }
            }
            try output.emit(valid ? "valid" : "invalid", json: ["valid": valid])
            if !valid { throw ExitCode(1) }
        }
    }
}
