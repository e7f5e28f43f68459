import EVM
import Foundation
import Testing

/// `merkle build` from CSV reads simple cells straight from the bytes: the same tree and dump as the same values
/// given as JSON (the general parser), for every spelling a cell may have, and the same errors.
@Suite("sixnines merkle build (CSV reader)")
struct MerkleCSVTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-merkle-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func csv_gives_the_json_tree_for_every_cell_spelling() throws {
        var rng = SystemRandomNumberGenerator()
        let dir = try Self.temporaryDirectory()
        var csv: [String] = ["# address,uint256,uint8,bool,bytes4,uint64 (comment)", ""]
        var json: [[String]] = []
        for i in 0..<300 {
            let raw = (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let address = try Address(raw)
            let spelled: String
            switch i % 4 {
            case 0: spelled = address.checksummed
            case 1: spelled = address.lowercased
            case 2: spelled = "0x" + address.lowercased.dropFirst(2).uppercased()
            default: spelled = "0X" + address.lowercased.dropFirst(2)
            }
            let big = UInt256(limbs: (rng.next(), rng.next(), i % 3 == 0 ? 0 : rng.next(), i % 5 == 0 ? 0 : rng.next()))
            let bigText = i % 7 == 0 ? big.hexString : (i % 11 == 0 ? "000" + big.description : big.description)
            let small = UInt8.random(in: 0...255, using: &rng)
            let flag = Bool.random(using: &rng)
            let four = (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let u64 = rng.next() as UInt64
            let sep = i % 2 == 0 ? "," : " ,\t"
            csv.append([spelled, bigText, "\(small)", "\(flag)", Hex.encode(four), "\(u64)"].joined(separator: sep) + (i % 3 == 0 ? "\r" : ""))
            json.append([address.checksummed, big.description, "\(small)", "\(flag)", Hex.encode(four), "\(u64)"])
        }
        let csvPath = dir.appendingPathComponent("values.csv").path
        try csv.joined(separator: "\n").write(toFile: csvPath, atomically: true, encoding: .utf8)
        let jsonText = "[" + json.map { row in "[\"\(row[0])\",\"\(row[1])\",\(row[2]),\(row[3]),\"\(row[4])\",\"\(row[5])\"]" }.joined(separator: ",") + "]"
        let jsonPath = dir.appendingPathComponent("values.json").path
        try jsonText.write(toFile: jsonPath, atomically: true, encoding: .utf8)
        let types = "address,uint256,uint8,bool,bytes4,uint64"
        let fromCSV = try CLI.value(["merkle", "build", "--types", types, csvPath, "--dump", dir.appendingPathComponent("a.json").path])
        let fromJSON = try CLI.value(["merkle", "build", "--types", types, jsonPath, "--dump", dir.appendingPathComponent("b.json").path])
        #expect(fromCSV == fromJSON)
        #expect(try Data(contentsOf: dir.appendingPathComponent("a.json")) == Data(contentsOf: dir.appendingPathComponent("b.json")))
        // The streamed dump loads back and proves.
        let proof = try CLI.value(["merkle", "prove", "--tree", dir.appendingPathComponent("a.json").path, "--index", "17", "--json"])
        #expect(proof.contains(fromCSV))
    }

    @Test func bad_cells_name_their_line_and_column() throws {
        let dir = try Self.temporaryDirectory()
        let cases: [(String, String)] = [
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,1\n\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD,2\n", "line 3 column 1"),  // bad checksum
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,256\n", "line 1 column 2"),
            ("# header\n0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,-1\n", "line 2 column 2"),
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\n", "line 1: 1 columns, expected 2"),
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,1,2\n", "line 1: 3 columns, expected 2"),
        ]
        for (i, (text, fragment)) in cases.enumerated() {
            let path = dir.appendingPathComponent("bad\(i).csv").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try CLI.fails(["merkle", "build", "--types", "address,uint8", path], mentioning: fragment)
        }
    }
}

