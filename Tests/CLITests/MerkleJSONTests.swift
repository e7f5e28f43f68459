import EVM
import Foundation
import Testing

/// `merkle build` from JSON reads plain values straight from the bytes, and `--dump` is written from their ABI words;
/// `merkle prove` keeps a dump of simple values as words. Each must give what the general paths give: the same root,
/// the same dump bytes, the same proofs, the same errors. A file with one value the fast reader does not take (a hex
/// integer) goes through the general path as a whole, which is how these tests reach it.
@Suite("sixnines merkle build and prove (JSON reader, word dumps)")
struct MerkleJSONTests {
    static let types = "address,uint256,uint8,bool,bytes4,uint64"

    /// Rows of random values, each spelled as JSON in one of the plain ways; row `hexRow`'s uint256 as a hex string.
    static func rows(_ count: Int, hexRow: Int? = nil) -> (json: String, values: [(Address, UInt256)]) {
        var rng = SystemRandomNumberGenerator()
        var items: [String] = []
        var values: [(Address, UInt256)] = []
        for i in 0..<count {
            let address = try! Address((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })  // invariant: 20 bytes
            let big = UInt256(limbs: (rng.next(), i % 3 == 0 ? 0 : rng.next(), i % 5 == 0 ? 0 : rng.next(), i % 7 == 0 ? 0 : rng.next()))
            values.append((address, big))
            let spelledAddress = [address.checksummed, address.lowercased, "0x" + address.lowercased.dropFirst(2).uppercased()][i % 3]
            let spelledBig = i == hexRow ? "\"\(big.hexString)\"" : (i % 4 == 0 && big < UInt256(UInt64.max) ? big.description : "\"\(big.description)\"")
            let small = UInt8.random(in: 0...255, using: &rng)
            let four = Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let space = i % 2 == 0 ? "" : " \n\t"
            items.append("[\(space)\"\(spelledAddress)\",\(space)\(spelledBig),\(small)\(space),\(Bool.random(using: &rng)),\"\(four)\",\"\(rng.next() as UInt64)\"]")
        }
        return ("[" + items.joined(separator: ", ") + "]\n", values)
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [300, 9_000])
    func plain_json_gives_the_general_root_dump_and_proofs(count: Int) throws {
        let dir = try MerkleCSVTests.temporaryDirectory()
        let hexRow = count / 2 + 1
        let plain = Self.rows(count)
        let fast = try Self.write(plain.json, "fast.json", in: dir)
        // The same values with one integer spelled in hex: the whole file takes the general path.
        var general = plain.json
        let big = plain.values[hexRow].1
        for quoted in ["\"\(big.description)\"", big.description] where general.contains(quoted) {
            general = general.replacingOccurrences(of: quoted, with: "\"\(big.hexString)\"")
            break
        }
        #expect(general != plain.json)
        if count == 9_000 { #expect(plain.json.utf8.count > 1 << 20) }
        let generalPath = try Self.write(general, "general.json", in: dir)
        let fastDump = dir.appendingPathComponent("fast-tree.json").path, generalDump = dir.appendingPathComponent("general-tree.json").path
        let root = try CLI.value(["merkle", "build", "--types", Self.types, generalPath, "--dump", generalDump])
        #expect(try CLI.value(["merkle", "build", "--types", Self.types, fast]) == root)
        #expect(try CLI.value(["merkle", "build", "--types", Self.types, fast, "--dump", fastDump]) == root)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fastDump)) == Data(contentsOf: URL(fileURLWithPath: generalDump)))
        #expect(try CLI.value(["merkle", "build", "--types", Self.types, fast, "--unsorted"])
                == CLI.value(["merkle", "build", "--types", Self.types, generalPath, "--unsorted"]))
        #expect(try CLI.value(["merkle", "build", "--types", Self.types, fast, "--json"]).contains("\"count\":\(count)"))
        // Proofs from the word loader and from the general loader (the same dump with its keys in another order).
        let reordered = try String(contentsOfFile: fastDump, encoding: .utf8)
            .replacingOccurrences(of: #"{"format":"standard-v1","#, with: "{").replacingOccurrences(of: "]}", with: #"],"format":"standard-v1"}"#)
        let reorderedDump = try Self.write(reordered, "reordered-tree.json", in: dir)
        for index in [0, count / 3, count - 1] {
            let proof = try CLI.value(["merkle", "prove", "--tree", fastDump, "--index", "\(index)", "--json"])
            #expect(proof.contains(root))
            #expect(try CLI.value(["merkle", "prove", "--tree", reorderedDump, "--index", "\(index)", "--json"]) == proof)
        }
        let (address, value) = plain.values[count - 2]
        let dumped = try String(contentsOfFile: fastDump, encoding: .utf8)
        // The dump's full value of row count - 2, as `--value` takes it.
        let entry = try #require(dumped.range(of: "[\"\(address.checksummed)\",\"\(value)\"")).lowerBound
        let close = try #require(dumped[entry...].firstIndex(of: "]"))
        let wanted = String(dumped[entry...close])
        let byValue = try CLI.value(["merkle", "prove", "--tree", fastDump, "--value", wanted, "--json"])
        #expect(try byValue == CLI.value(["merkle", "prove", "--tree", reorderedDump, "--value", wanted, "--json"]))
        #expect(byValue.contains("\"index\":\(count - 2)"))
        try CLI.fails(["merkle", "prove", "--tree", fastDump, "--value", wanted.replacingOccurrences(of: "\"\(value)\"", with: "\"\(value + UInt256(1))\"")],
                      mentioning: "not in the tree")
        try CLI.fails(["merkle", "prove", "--tree", fastDump, "--index", "\(count)"], mentioning: "the tree has \(count) values")
        // A dump whose leaf was changed is refused by the word loader and named by the general one.
        let tampered = dumped.replacingOccurrences(of: "\"\(value)\"", with: "\"\(value + UInt256(1))\"")
        try CLI.fails(["merkle", "prove", "--tree", try Self.write(tampered, "tampered.json", in: dir), "--index", "0"],
                      mentioning: "does not hash to the tree node")
    }

    /// Spellings the fast reader leaves to the general path are read, or refused, exactly as before.
    @Test func unusual_json_spellings_are_read_or_refused_by_the_general_path() throws {
        let dir = try MerkleCSVTests.temporaryDirectory()
        let a = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        func root(_ json: String) throws -> String {
            try CLI.value(["merkle", "build", "--types", "address,uint256,bool", try Self.write(json, "v.json", in: dir)])
        }
        let reference = try root("[[\"\(a)\",\"1000\",true],[\"\(a)\",\"7\",false]]")
        #expect(try root("[[\"\(a)\",1000,true],[\"\(a)\",7,false]]") == reference)
        #expect(try root(" \n[ [\"\(a)\" , \"0x3e8\" , true ] ,\n[\"\(a)\",\"7\",false] ]\n") == reference)
        #expect(try root("[[\"\(a)\",\"0001000\",true],[\"\(a)\",\"007\",false]]") == reference)
        #expect(try root("[[\"\\u0030x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\",\"1000\",true],[\"\(a)\",\"7\",false]]") == reference)
        func fails(_ json: String, _ fragment: String) throws {
            try CLI.fails(["merkle", "build", "--types", "address,uint256,bool", try Self.write(json, "bad.json", in: dir)], mentioning: fragment)
        }
        try fails("[[\"\(a)\",\"1000\",\"true\"]]", "<values>[0][2]")
        try fails("[[\"\(a)\",\"1000\",true],[\"\(a)\",07,false]]", "<values>")
        try fails("[[\"\(a)\",\"1000\",true],[\"\(a)\",1.5,false]]", "<values>[1][1]")
        try fails("[[\"\(a)\",\"-1\",true]]", "<values>[0][1]")
        try fails("[[\"\(a)\",\"1000\"]]", "expected an array of 3 elements")
        try fails("[[\"\(a)\",\"1000\",true]", "<values>")
        try fails("[[\"\(a)\",\"1000\",true]] x", "<values>")
        try fails("[[\"\(a.lowercased().dropLast())F\",\"1000\",true]]", "<values>[0][0]")
        try fails("[]", "<values>")
    }

    @Test func an_error_in_the_second_half_of_a_large_json_file_names_its_value() throws {
        let dir = try MerkleCSVTests.temporaryDirectory()
        let plain = Self.rows(9_000)
        let bad = plain.json.replacingOccurrences(of: "\"\(plain.values[8_990].1.description)\"", with: "\"-5\"")
            .replacingOccurrences(of: ",\(plain.values[8_990].1.description),", with: ",\"-5\",")
        try CLI.fails(["merkle", "build", "--types", Self.types, try Self.write(bad, "bad.json", in: dir)], mentioning: "<values>[8990][1]")
    }
}
