import EVM
import Foundation
import Testing

@Suite("sixnines keccak, to-checksum")
struct BasicCommandTests {
    @Test func keccakOfTextAndHex() throws {
        #expect(try CLI.value(["keccak", "transfer(address,uint256)"])
            == "0xa9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b")
        #expect(try CLI.value(["keccak", "0x"]) == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(try CLI.value(["keccak", "0x616263"]) == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        #expect(try CLI.value(["keccak", "abc"]) == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }

    @Test func keccakOfFileAndStdin() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-keccak-\(UUID()).bin")
        // 300,000 bytes: crosses many 136-byte blocks and is not a multiple of the read chunk.
        let data = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try data.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let fromFile = try CLI.value(["keccak", "--file", path.path])
        let fromStdin = try CLI.value(["keccak", "--file", "-"], stdin: data)
        let fromHex = Keccak256.hash(data: data).description
        #expect(fromFile == fromHex)
        #expect(fromStdin == fromHex)
        let json = try CLI.value(["keccak", "--file", path.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["keccak256"] as? String == fromHex)
        #expect(object["length"] as? Int == 300_000)
    }

    @Test func keccakErrors() throws {
        try CLI.fails(["keccak", "0xabc"], mentioning: "odd number")
        try CLI.fails(["keccak", "0x0g"], mentioning: "offset 3")
        try CLI.fails(["keccak", "--file", "/nonexistent/file"], mentioning: "No such file")
        let usage = try CLI.run(["keccak"])
        #expect(usage.status == 64)  // the parser's own usage-error code
        #expect(usage.stdout.isEmpty)
    }

    @Test func toChecksum() throws {
        #expect(try CLI.value(["to-checksum", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"])
            == "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        #expect(try CLI.value(["to-checksum", "FB6916095CA1DF60BB79CE92CE3EA74C37C5D359"])
            == "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        try CLI.fails(["to-checksum", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d358"], mentioning: "checksum")
        try CLI.fails(["to-checksum", "0x1234"], mentioning: "20 bytes")
    }

    @Test func helpListsCommands() throws {
        let help = try CLI.value(["--help"])
        for command in ["keccak", "to-checksum"] { #expect(help.contains(command)) }
    }
}

@Suite("sixnines rlp, to-wei, from-wei")
struct EncodingCommandTests {
    @Test func rlpRoundTrip() throws {
        #expect(try CLI.value(["rlp", "encode", #"["0x636174", ["0x", "0x0400"]]"#]) == "0xc983636174c480820400")
        #expect(try CLI.value(["rlp", "decode", "0xc983636174c480820400"]) == #"["0x636174", ["0x", "0x0400"]]"#)
        #expect(try CLI.value(["rlp", "encode", #""0x7f""#]) == "0x7f")
        #expect(try CLI.value(["rlp", "decode", "0x820400"]) == #""0x0400""#)
    }

    @Test func rlpErrors() throws {
        try CLI.fails(["rlp", "decode", "0xc98363"], mentioning: "offset 0")
        try CLI.fails(["rlp", "decode", "0x8100"], mentioning: "single byte")
        try CLI.fails(["rlp", "decode", "0x0000"], mentioning: "trailing")
        try CLI.fails(["rlp", "encode", #"["0x01", ["abc"]]"#], mentioning: "$[1][0]")
        try CLI.fails(["rlp", "encode", "[1"], mentioning: "invalid JSON at byte 2")
        try CLI.fails(["rlp", "encode", String(repeating: "[", count: 300) + String(repeating: "]", count: 300)], mentioning: "too deep")
    }

    @Test func unitConversionsAreExact() throws {
        #expect(try CLI.value(["to-wei", "1.5"]) == "1500000000000000000")
        #expect(try CLI.value(["to-wei", "30", "gwei"]) == "30000000000")
        #expect(try CLI.value(["to-wei", "12.34", "6"]) == "12340000")
        #expect(try CLI.value(["to-wei", "115792089237316195423570985008687907853269984665640564039457.584007913129639935"])
            == "115792089237316195423570985008687907853269984665640564039457584007913129639935")
        #expect(try CLI.value(["from-wei", "1500000000000000000"]) == "1.5")
        #expect(try CLI.value(["from-wei", "1", "ether"]) == "0.000000000000000001")
        #expect(try CLI.value(["from-wei", "0x10", "gwei"]) == "0.000000016")
        #expect(try CLI.value(["from-wei", "30000000000", "gwei"]) == "30")
    }

    @Test func unitErrors() throws {
        try CLI.fails(["to-wei", "1.0000000000000000001"], mentioning: "18 decimals")
        try CLI.fails(["to-wei", "1.2.3"], mentioning: "<amount>")
        try CLI.fails(["to-wei", "1", "furlong"], mentioning: "unknown unit")
        try CLI.fails(["to-wei", "115792089237316195423570985008687907853269984665640564039457.584007913129639936"], mentioning: "<amount>")
        try CLI.fails(["from-wei", "1.5"], mentioning: "<wei>")
        try CLI.fails(["from-wei", "0x1" + String(repeating: "0", count: 64)], mentioning: "<wei>")
    }
}
