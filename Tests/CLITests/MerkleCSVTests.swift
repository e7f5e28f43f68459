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
        // Without --dump the root comes from rows encoded straight from the bytes: the same root, sorted or not.
        #expect(try CLI.value(["merkle", "build", "--types", types, csvPath]) == fromCSV)
        #expect(try CLI.value(["merkle", "build", "--types", types, csvPath, "--unsorted"])
                == CLI.value(["merkle", "build", "--types", types, jsonPath, "--unsorted"]))
        #expect(try CLI.value(["merkle", "build", "--types", types, csvPath, "--json"]).contains("\"count\":300"))
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

    @Test func decimal_cells_at_every_chunk_and_range_boundary_give_the_general_parsers_root() throws {
        let dir = try Self.temporaryDirectory()
        let max256 = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        var cells = ["0", "1", "000", "9999999999999999999", "10000000000000000000", "18446744073709551615", "18446744073709551616",
                     String(repeating: "9", count: 38), "1" + String(repeating: "0", count: 38), String(repeating: "9", count: 57),
                     "1" + String(repeating: "0", count: 57), max256, "0" + max256, String(repeating: "0", count: 78)]
        cells += (1..<78).map { String(repeating: "7", count: $0) }
        let rows = cells.enumerated().map { "\($0.offset % 2 == 0),\($0.element)" }.joined(separator: "\n")
        let csvPath = dir.appendingPathComponent("d.csv").path
        try rows.write(toFile: csvPath, atomically: true, encoding: .utf8)
        let fast = try CLI.value(["merkle", "build", "--types", "bool,uint256", csvPath])
        #expect(fast == (try CLI.value(["merkle", "build", "--types", "bool,uint256", csvPath, "--dump", dir.appendingPathComponent("d.json").path])))
        // 2^256 and a 79-digit cell are refused with the general parser's error; uint64/uint8 ranges the same way.
        for (types, cell, fragment) in [("bool,uint256", "115792089237316195423570985008687907853269984665640564039457584007913129639936", "line 2 column 2"),
                                        ("bool,uint256", "1" + String(repeating: "0", count: 78), "line 2 column 2"),
                                        ("bool,uint64", "18446744073709551616", "line 2 column 2"),
                                        ("bool,uint8", "256", "line 2 column 2")] {
            let path = dir.appendingPathComponent("e.csv").path
            try "true,1\nfalse,\(cell)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try CLI.fails(["merkle", "build", "--types", types, path], mentioning: fragment)
        }
        for (types, cell) in [("bool,uint64", "18446744073709551615"), ("bool,uint8", "255"), ("bool,uint128", "340282366920938463463374607431768211455")] {
            let path = dir.appendingPathComponent("f.csv").path
            try "true,1\nfalse,\(cell)\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try CLI.value(["merkle", "build", "--types", types, path])
                    == CLI.value(["merkle", "build", "--types", types, path, "--dump", dir.appendingPathComponent("f.json").path]))
        }
    }

    @Test func a_file_over_one_mebibyte_read_in_two_halves_gives_the_general_root_and_its_errors_their_lines() throws {
        let dir = try Self.temporaryDirectory()
        var rng = SystemRandomNumberGenerator()
        var lines: [String] = []
        for i in 0..<24_000 {
            let address = try Address((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })
            lines.append("\(i % 3 == 0 ? address.checksummed : address.lowercased),\(rng.next() as UInt64)\(i % 5 == 0 ? "\r" : "")")
            if i % 997 == 0 { lines.append(i % 2 == 0 ? "# comment \(i)" : "") }
        }
        let text = lines.joined(separator: "\n")
        #expect(text.utf8.count > 1 << 20)
        let path = dir.appendingPathComponent("big.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let general = try CLI.value(["merkle", "build", "--types", "address,uint256", path, "--dump", dir.appendingPathComponent("big.json").path])
        #expect(try CLI.value(["merkle", "build", "--types", "address,uint256", path]) == general)
        #expect(try CLI.value(["merkle", "build", "--types", "address,uint256", path, "--json"]).contains("\"count\":24000"))
        // A bad cell in the second half: the general parser names its line in the whole file.
        var bad = lines
        let index = bad.count - 10
        bad[index] = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,-1"
        try bad.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try CLI.fails(["merkle", "build", "--types", "address,uint256", path], mentioning: "line \(index + 1) column 2")
        bad[index] = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,1,2"
        try bad.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try CLI.fails(["merkle", "build", "--types", "address,uint256", path], mentioning: "line \(index + 1): 3 columns, expected 2")
    }
    /// A dump over 8 MiB is flushed to disk in the background while it is written (then fsynced and renamed): the file
    /// holds exactly the bytes written to a device (stdout, no flushing), no temporary file is left, and it proves.
    @Test func a_dump_over_8_mebibytes_flushed_while_written_is_complete() throws {
        let dir = try Self.temporaryDirectory()
        var rng = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<45_000 {
            let address = try Address((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })
            text += "\(address.lowercased),\(rng.next() as UInt64)\n"
        }
        let csv = dir.appendingPathComponent("rows.csv").path, dump = dir.appendingPathComponent("tree.json").path
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let root = try CLI.value(["merkle", "build", "--types", "address,uint256", csv, "--dump", dump])
        let written = try Data(contentsOf: URL(fileURLWithPath: dump))
        #expect(written.count > 8 << 20)
        // The test's stdout is a regular file: /dev/stdout is written in place, the root line after the dump.
        let streamed = try CLI.run(["merkle", "build", "--types", "address,uint256", csv, "--dump", "/dev/stdout"])
        #expect(streamed.status == 0, "\(streamed.stderr)")
        let same = Data(streamed.stdout.utf8) == written + Data((root + "\n").utf8)  // no diff of megabytes on failure
        #expect(same)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["rows.csv", "tree.json"])
        let proof = try CLI.value(["merkle", "prove", "--tree", dump, "--index", "44999"]).split(separator: "\n")
        #expect((15...16).contains(proof.count))
    }
}
