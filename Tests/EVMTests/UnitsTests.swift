import EVM
import Testing

@Suite("Units")
struct UnitsTests {
    @Test("parses exact amounts", arguments: [
        ("1", 18, "1000000000000000000"),
        ("1.5", 18, "1500000000000000000"),
        ("0.000000000000000001", 18, "1"),
        (".5", 18, "500000000000000000"),
        ("1.", 18, "1000000000000000000"),
        ("007.10", 2, "710"),
        ("1.50000000", 2, "150"),
        ("1.5", 9, "1500000000"),
        ("123", 0, "123"),
        ("0", 18, "0"),
        ("0.0", 0, "0"),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639935", 0,
         "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
        ("115792089237316195423570985008687907853269984665640564039457.584007913129639935", 18,
         "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
        ("0.00000000000000000000000000000000000000000000000000000000000000000000000000000001", 80, "1"),
    ])
    func parses(text: String, decimals: Int, wei: String) throws {
        #expect(try Units.parse(text, decimals: decimals) == UInt256(decimalString: wei))
    }

    @Test("rejects malformed amounts with the exact error", arguments: [
        ("", 18, UnitsError.empty),
        (".", 18, .missingDigits),
        ("-1", 18, .negative),
        ("+1", 18, .invalidCharacter("+", offset: 0)),
        ("1.2.3", 18, .multipleDecimalPoints(offset: 3)),
        ("1e18", 18, .invalidCharacter("e", offset: 1)),
        (" 1", 18, .invalidCharacter(" ", offset: 0)),
        ("1 ", 18, .invalidCharacter(" ", offset: 1)),
        ("1,000", 18, .invalidCharacter(",", offset: 1)),
        ("0.0000000001", 9, .tooManyDecimals(decimals: 9, offset: 11)),
        ("1.5", 0, .tooManyDecimals(decimals: 0, offset: 2)),
        ("1.05x", 1, .invalidCharacter("x", offset: 4)),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639936", 0, .overflow),
        ("115792089237316195423570985008687907853269984665640564039458", 18, .overflow),
        ("1", -1, .invalidDecimals(-1)),
    ])
    func rejects(text: String, decimals: Int, error: UnitsError) {
        #expect(throws: error) { try Units.parse(text, decimals: decimals) }
    }

    @Test("formats the shortest exact form", arguments: [
        ("1500000000000000000", 18, "1.5"),
        ("1", 9, "0.000000001"),
        ("1000000000000000000", 18, "1"),
        ("0", 18, "0"),
        ("0", 0, "0"),
        ("1234", 0, "1234"),
        ("1230", 2, "12.3"),
        ("100", 2, "1"),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639935", 18,
         "115792089237316195423570985008687907853269984665640564039457.584007913129639935"),
        ("5", 80, "0.00000000000000000000000000000000000000000000000000000000000000000000000000000005"),
    ])
    func formats(wei: String, decimals: Int, text: String) throws {
        #expect(Units.format(try UInt256(decimalString: wei), decimals: decimals) == text)
    }

    @Test("named denominations")
    func denominations() throws {
        #expect(Denomination.wei.decimals == 0 && Denomination.gwei.decimals == 9 && Denomination.ether.decimals == 18)
        #expect(Denomination(name: "GWEI") == .gwei && Denomination(name: "eth") == .ether && Denomination(name: "x") == nil)
        #expect(try Units.parse("30", unit: .gwei) == 30_000_000_000)
        #expect(Units.format(21_000_000_000_000, unit: .ether) == "0.000021")
        #expect(Denomination(decimals: 6).description == "mwei" && Denomination(decimals: 8).description == "decimals=8")
        #expect(UnitsError.tooManyDecimals(decimals: 9, offset: 11).description
            == "digit at offset 11 is beyond the 9 decimals of the unit (amounts are never rounded)")
    }

    @Test("ethers units vectors: every parse and format case (ethers writes whole amounts as \"1.0\"; negatives are rejected)")
    func ethersVectors() throws {
        let cases = try #require(try fixtureGzipJSON("vectors/ethers/testcases/units.json.gz") as? [[String: String]])
        var checked = 0
        for vector in cases {
            let name = vector["name"] ?? "?"
            let weiText = try #require(vector["wei"])
            for (key, text) in vector where key != "name" && key != "wei" {
                let unitName = key.hasSuffix("_format") ? String(key.dropLast(7)) : key
                let decimals = try #require(Denomination(name: unitName)?.decimals ?? (unitName == "satoshi" ? 8 : nil), "\(unitName)")
                if weiText.hasPrefix("-") {
                    if !key.hasSuffix("_format") {
                        #expect(throws: UnitsError.negative, "\(name) \(key)") { try Units.parse(text, decimals: decimals) }
                    }
                    continue
                }
                let wei = try UInt256(decimalString: weiText)
                if key.hasSuffix("_format") {
                    let expected = text.hasSuffix(".0") ? String(text.dropLast(2)) : text
                    #expect(Units.format(wei, decimals: decimals) == expected, "\(name) \(key)")
                } else {
                    #expect(try Units.parse(text, decimals: decimals) == wei, "\(name) \(key)")
                }
                checked += 1
            }
        }
        #expect(checked > 30)
    }

    @Test("formatting agrees with Python and parses back exactly")
    func differential() throws {
        var rng = SeededRandom()
        var cases: [[Any]] = []
        var mine: [String] = []
        var values: [(UInt256, Int)] = []
        for _ in 0..<600 {
            let value = rng.next() % 3 == 0 ? UInt256(rng.next() % 10_000) : rng.biasedUInt256()
            let decimals = [0, 1, 2, 6, 8, 9, 18, 18, 24, 77, 78, 90][Int(rng.next() % 12)]
            cases.append([value.description, decimals])
            mine.append(Units.format(value, decimals: decimals))
            values.append((value, decimals))
        }
        let answers = try PythonOracle.run("uint.format_units", cases)
        for (i, answer) in answers.enumerated() {
            #expect(renderOracle(answer) == mine[i], "\(cases[i]); \(rng.replay)")
            #expect(try Units.parse(mine[i], decimals: values[i].1) == values[i].0, "\(cases[i]); \(rng.replay)")
        }
    }
}
