import EVM
import Foundation
import Testing

@Suite("sixnines sig, abi, calldata, decode-error, decode-event, typed-data")
struct ABICommandTests {
    let alice = "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"

    func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-abi-\(UUID()).json")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func selectorsAndTopics() throws {
        #expect(try CLI.value(["sig", "transfer(address,uint256)"]) == "0xa9059cbb")
        #expect(try CLI.value(["sig", "function transfer(address to, uint256 amount) external returns (bool)"]) == "0xa9059cbb")
        #expect(try CLI.value(["sig", "error Unauthorized(address caller)"]) == "0x8e4a23d6")
        #expect(try CLI.value(["sig-event", "event Transfer(address indexed from, address indexed to, uint256 value)"])
            == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        let json = try CLI.value(["sig", "transfer(address, uint256)", "--json"])
        #expect(json == #"{"selector":"0xa9059cbb","signature":"transfer(address,uint256)"}"#)
        try CLI.fails(["sig", "transfer(address,uint7)"], mentioning: "unknown type")
        try CLI.fails(["sig-event", "Transfer(address"], mentioning: "invalid signature")
    }

    @Test func encodeAndCalldata() throws {
        let transfer = "0xa9059cbb000000000000000000000000cd2a3d9f938e13cd947ec05abc7fe734df8dd82600000000000000000000000000000000000000000000000000000000000003e8"
        #expect(try CLI.value(["calldata", "transfer(address,uint256)", alice, "1000"]) == transfer)
        #expect(try CLI.value(["calldata", "transfer(address,uint256)", alice, "0x3e8"]) == transfer)
        #expect(try CLI.value(["abi", "encode", "f(address,uint256)", alice, "1000"]) == "0x" + transfer.dropFirst(10))
        #expect(try CLI.value(["abi", "encode", "--packed", "int16,bytes1,uint16,string", "-1", "0x42", "0x03", "Hello, world!"])
            == "0xffff42000348656c6c6f2c20776f726c6421")
        // The Solidity docs' sam(bytes,bool,uint256[]) example.
        #expect(try CLI.value(["calldata", "sam(bytes,bool,uint256[])", "0x64617665", "true", "[1,2,3]"]).hasPrefix("0xa5643bf2"))
        let nested = try CLI.value(["abi", "encode", "(((uint8,string)[],bool))", #"([(1,"a, b"),(2,c)],true)"#])
        let expected = try ABI.encode(
            .tuple([.array([.tuple([.uint(1), .string("a, b")]), .tuple([.uint(2), .string("c")])]), .bool(true)]),
            as: try ABIType("((uint8,string)[],bool)"))
        #expect(nested == expected.hexString)
        try CLI.fails(["calldata", "transfer(address,uint256)", alice], mentioning: "expected 2 arguments")
        try CLI.fails(["abi", "encode", "uint8", "256"], mentioning: "out of range")
        try CLI.fails(["abi", "encode", "(uint8[2])", "[1]"], mentioning: "expected 2 elements")
        try CLI.fails(["abi", "encode", "address", "0x1234"], mentioning: "20 bytes")
    }

    @Test func decodeReturnDataAndCalldata() throws {
        let encoded = try CLI.value(["abi", "encode", "address,string", alice, "hi there"])
        #expect(try CLI.value(["abi", "decode", "f(uint256)(address,string)", encoded]) == "\(alice)\nhi there")
        #expect(try CLI.value(["abi", "decode", "function f(uint256) returns (address a, string s)", encoded]) == "\(alice)\nhi there")
        #expect(try CLI.value(["abi", "decode", "(address,string)", encoded, "--json"]) == #"["\#(alice)","hi there"]"#)
        let call = try CLI.value(["calldata", "transfer(address,uint256)", alice, "1000"])
        #expect(try CLI.value(["abi", "decode", "--input", "transfer(address,uint256)", call]) == "\(alice)\n1000")
        try CLI.fails(["abi", "decode", "--input", "approve(address,uint256)", call], mentioning: "selector mismatch")
        let dirty = "0x0000000000000000000000000000000000000000000000000000000000000100"
        try CLI.fails(["abi", "decode", "f()(uint8)", dirty], mentioning: "arg 0: uint8 at byte 0 has non-zero high bits")
        #expect(try CLI.value(["abi", "decode", "--lenient", "f()(uint8)", dirty]) == "0")
        try CLI.fails(["abi", "decode", "f(uint256)", dirty], mentioning: "no outputs")
        try CLI.fails(["abi", "decode", "f()(uint8)", "0x12"], mentioning: "input too short")
    }

    @Test func decodeError() throws {
        #expect(try CLI.value(["decode-error", "0x4e487b710000000000000000000000000000000000000000000000000000000000000011"])
            == "Panic(0x11): arithmetic overflow or underflow")
        let message = try CLI.value(["abi", "encode", "string", "Not enough Ether provided."])
        #expect(try CLI.value(["decode-error", "0x08c379a0" + message.dropFirst(2)]) == #"Error("Not enough Ether provided.")"#)
        let abi = try temporaryFile(#"[{"type":"error","name":"Unauthorized","inputs":[{"name":"caller","type":"address"}]}]"#)
        defer { try? FileManager.default.removeItem(at: abi) }
        let custom = "0x8e4a23d6000000000000000000000000cd2a3d9f938e13cd947ec05abc7fe734df8dd826"
        #expect(try CLI.value(["decode-error", custom, "--abi", abi.path]) == "Unauthorized(\(alice))")
        let json = try CLI.value(["decode-error", custom, "--abi", abi.path, "--json"])
        #expect(json.contains(#""name":"Unauthorized""#))
        try CLI.fails(["decode-error", custom], mentioning: "no ABI entry matches 0x8e4a23d6")
        try CLI.fails(["decode-error", custom, "--abi", "/nonexistent.json"], mentioning: "cannot read")
    }

    @Test func decodeEvent() throws {
        let abi = try temporaryFile(#"""
            [{"type":"event","name":"Transfer","anonymous":false,"inputs":[
              {"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},
              {"name":"value","type":"uint256","indexed":false}]}]
            """#)
        defer { try? FileManager.default.removeItem(at: abi) }
        let topics = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef,"
            + "0x000000000000000000000000cd2a3d9f938e13cd947ec05abc7fe734df8dd826,"
            + "0x000000000000000000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        let data = "0x00000000000000000000000000000000000000000000000000000000000003e8"
        #expect(try CLI.value(["decode-event", "--abi", abi.path, "--topics", topics, "--data", data])
            == "Transfer(address,address,uint256)\nfrom: \(alice)\nto: 0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\nvalue: 1000")
        let json = try CLI.value(["decode-event", "--event", "event Transfer(address indexed from, address indexed to, uint256 value)",
                                  "--topics", topics, "--data", data, "--json"])
        #expect(json.contains(#""value":"1000""#))
        let hashed = try CLI.value(["decode-event", "--event", "event Named(string indexed name)", "--topics",
                                    "\(Keccak256.hash(utf8: "Named(string)")),\(Keccak256.hash(utf8: "alice"))"])
        #expect(hashed == "Named(string)\nname: \(Keccak256.hash(utf8: "alice")) (hash)")
        try CLI.fails(["decode-event", "--abi", abi.path, "--topics", topics.replacingOccurrences(of: "0xddf2", with: "0xddf3"), "--data", data],
                      mentioning: "no event")
        try CLI.fails(["decode-event", "--abi", abi.path, "--topics", String(topics.prefix(66)), "--data", data], mentioning: "expected 3 topics")
    }

    @Test func typedDataHash() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fixture = try String(contentsOf: root.appendingPathComponent("Tests/Fixtures/vectors/eips/eip-712-mail-example.json"), encoding: .utf8)
        let typed = try #require(try JSONValue(parsing: fixture)["typed_data"])
        let file = try temporaryFile(typed.description)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try CLI.value(["typed-data", "hash", file.path]) == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        #expect(try CLI.value(["typed-data", "hash", "--verbose", "-"], stdin: Data(typed.description.utf8)) == """
            domainSeparator: 0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f
            structHash: 0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e
            digest: 0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2
            """)
        let json = try CLI.value(["typed-data", "hash", file.path, "--json"])
        #expect(json.contains(#""encodeType":"Mail(Person from,Person to,string contents)Person(string name,address wallet)""#))
        let bad = try temporaryFile(#"{"types":{},"primaryType":"Mail","domain":{},"message":{}}"#)
        defer { try? FileManager.default.removeItem(at: bad) }
        try CLI.fails(["typed-data", "hash", bad.path], mentioning: "unknown type \"Mail\"")
    }

    @Test func helpHasExamples() throws {
        for command in [["sig"], ["sig-event"], ["abi", "encode"], ["abi", "decode"], ["calldata"], ["decode-error"],
                        ["decode-event"], ["typed-data", "hash"]] {
            let help = try CLI.run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "\(command)")
        }
    }

    /// `--` ends the options: a negative number or a value starting with `-` passes as an argument.
    @Test func doubleDashEndsOptions() throws {
        #expect(try CLI.value(["calldata", "f(int256)", "--", "-5"])
                == "0x" + Array(try CLI.value(["sig", "f(int256)"]).dropFirst(2)) .map(String.init).joined()
                    + String(repeating: "f", count: 63) + "b")
        #expect(try CLI.value(["keccak", "--", "--json"]) == (try CLI.value(["keccak", "--json".utf8.map { String(format: "%02x", $0) }.joined().isEmpty ? "" : "0x" + "--json".utf8.map { String(format: "%02x", $0) }.joined()])))
    }
}
