import EVM
import Foundation
import Receipts
import TestSupport
import Testing

@Suite("sixnines merkle")
struct MerkleCommandTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-merkle-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    /// CSV and JSON inputs build the same tree as the library; the dump loads; proofs verify; a wrong value fails.
    @Test func buildProveVerify() throws {
        let csv = dir.appendingPathComponent("values.csv")
        try """
            # address, amount, tags
            0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, 1000, [1,2]
            0xde709f2102306220921060314715629080e2fb77, 2000, []
            0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359, 3, [7]
            """.write(to: csv, atomically: true, encoding: .utf8)
        let json = dir.appendingPathComponent("values.json")
        try """
            [["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "1000", ["1", "2"]],
             ["0xde709f2102306220921060314715629080e2fb77", 2000, []],
             ["0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0x3", [7]]]
            """.write(to: json, atomically: true, encoding: .utf8)
        let dump = dir.appendingPathComponent("tree.json")
        let types = "address,uint256,uint8[]"
        let root = try CLI.value(["merkle", "build", "--types", types, csv.path, "--dump", dump.path])
        #expect(try CLI.value(["merkle", "build", "--types", types, json.path]) == root)
        let library = try StandardMerkleTree(values: [
            [.address(try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")), .uint(1000), .array([.uint(1), .uint(2)])],
            [.address(try Address("0xde709f2102306220921060314715629080e2fb77")), .uint(2000), .array([])],
            [.address(try Address("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")), .uint(3), .array([.uint(7)])],
        ], leafEncoding: try ["address", "uint256", "uint8[]"].map { try ABIType($0) })
        #expect(root == library.root.description)
        let loaded = try StandardMerkleTree(dump: try JSONValue(parsing: String(contentsOf: dump, encoding: .utf8)))
        #expect(loaded.root == library.root)

        let proof = try CLI.value(["merkle", "prove", "--tree", dump.path, "--index", "1"]).split(separator: "\n").joined(separator: ",")
        #expect(proof == (try library.proof(forValue: 1)).map(\.description).joined(separator: ","))
        let byValue = try CLI.value(["merkle", "prove", "--tree", dump.path, "--value",
                                     #"["0xde709f2102306220921060314715629080e2fb77", "2000", []]"#])
        #expect(byValue.split(separator: "\n").joined(separator: ",") == proof)
        let value = #"["0xde709f2102306220921060314715629080e2fb77", "2000", []]"#
        #expect(try CLI.value(["merkle", "verify", "--root", root, "--types", types, "--value", value, "--proof", proof]) == "valid")
        let wrong = try CLI.run(["merkle", "verify", "--root", root, "--types", types, "--value",
                                 #"["0xde709f2102306220921060314715629080e2fb77", "2001", []]"#, "--proof", proof])
        #expect(wrong.status == 1 && wrong.stdout == "invalid\n")
    }

    @Test func errorsNameTheirPlace() throws {
        let csv = dir.appendingPathComponent("bad.csv")
        try "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, 1000\n0x1234, 5\n".write(to: csv, atomically: true, encoding: .utf8)
        try CLI.fails(["merkle", "build", "--types", "address,uint256", csv.path], mentioning: "line 2 column 1")
        try CLI.fails(["merkle", "build", "--types", "address,uint7", csv.path], mentioning: "--types")
        try CLI.fails(["merkle", "prove", "--tree", csv.path, "--index", "0"], mentioning: "--tree")
    }
}
