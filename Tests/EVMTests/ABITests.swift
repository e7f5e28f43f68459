import EVM
import DevnetSupport
import Foundation
import Testing

/// Fixture text (parsed with the EVM module's own JSON reader).
func fixtureText(_ relativePath: String) throws -> String {
    if relativePath.hasSuffix(".gz") {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", repositoryRoot.appendingPathComponent("Tests/Fixtures/\(relativePath)").path]
        let output = Pipe()
        process.standardOutput = output
        let processExit = try process.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        processExit.wait()
        return String(decoding: data, as: UTF8.self)
    }
    return String(decoding: try fixtureData(relativePath), as: UTF8.self)
}

func fixtureJSONValue(_ relativePath: String) throws -> JSONValue { try JSONValue(parsing: fixtureText(relativePath)) }

/// A vector value: like `ABIValue(json:as:)`, but `bytes`/`bytesN` given as plain text mean their ASCII bytes
/// (the Solidity docs and ethereum/tests write them that way).
func vectorValue(_ json: JSONValue, _ type: ABIType) throws -> ABIValue {
    switch (type, json) {
    case (.bytes, .string(let s)) where !s.hasPrefix("0x"): return .bytes(Array(s.utf8))
    case (.fixedBytes, .string(let s)) where !s.hasPrefix("0x"): return .fixedBytes(Array(s.utf8))
    case (.array(let t), .array(let items)), (.fixedArray(let t, _), .array(let items)):
        return .array(try items.map { try vectorValue($0, t) })
    default: return try ABIValue(json: json, as: type)
    }
}

@Suite("ABI types and signatures")
struct ABISignatureTests {
    @Test func typeGrammarRoundTrips() throws {
        for text in ["uint8", "uint256", "int8", "int256", "address", "bool", "bytes1", "bytes32", "bytes", "string",
                     "function", "uint256[]", "uint8[3]", "(address,uint256)", "(bool,(bytes,string[2])[])[][4]", "()",
                     "uint256[0]", "bytes7[][2][]"] {
            #expect(try ABIType(text).description == text)
        }
        #expect(try ABIType("uint") == .uint(256))
        #expect(try ABIType("int[]") == .array(.int(256)))
        #expect(try ABIType("tuple(uint256, bool)[2]") == .fixedArray(.tuple([.uint(256), .bool]), 2))
        #expect(try ABIType(" address ") == .address)
    }

    @Test func rejectsTypesOutsideTheGrammar() {
        for text in ["uint7", "uint264", "uint0", "uint08", "int", "bytes0", "bytes33", "bytes08", "address[", "uint256[01]",
                     "(uint256", "uint256)", "", "foo", "uint256[-1]", "(uint256,)", "string[]x"] where text != "int" {
            #expect(throws: ABIError.invalidType(text)) { try ABIType(text) }
        }
    }

    @Test func dynamicAndHeadSizes() throws {
        #expect(try ABIType("(uint256,bool)[3]").headSize == 192)
        #expect(try ABIType("(uint256,string)[3]").headSize == 32)
        #expect(try ABIType("uint256[0]").isDynamic == false)
        #expect(try ABIType("string[0]").isDynamic == false)
        #expect(try ABIType("(bytes)").isDynamic)
    }

    @Test func selectorsAndTopics() throws {
        #expect(try ABIFunction("transfer(address,uint256)").selector.hexString == "0xa9059cbb")
        let f = try ABIFunction("function transfer(address to, uint256 amount) external returns (bool)")
        #expect(f.signature == "transfer(address,uint256)")
        #expect(f.inputs.map(\.name) == ["to", "amount"])
        #expect(f.outputs.map(\.type) == [.bool])
        #expect(f.humanReadable == "function transfer(address to, uint256 amount) returns (bool)")
        let cast = try ABIFunction("balanceOf(address)(uint256)")
        #expect(cast.outputs.map(\.type) == [.uint(256)])
        let e = try ABIEvent("event Transfer(address indexed from, address indexed to, uint256 value)")
        #expect(e.topic0.description == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        #expect(e.inputs.map(\.indexed) == [true, true, false])
        let err = try ABIErrorDefinition("error Unauthorized(address caller)")
        #expect(err.signature == "Unauthorized(address)")
        #expect(err.selector.hexString == "0x8e4a23d6")
        let nested = try ABIFunction("function f((uint256 a, (bool b, string c)[] d) s, bytes32 memory x) view")
        #expect(nested.signature == "f((uint256,(bool,string)[]),bytes32)")
        #expect(nested.inputs[0].components.map(\.name) == ["a", "d"])
        #expect(nested.inputs[0].components[1].components.map(\.name) == ["b", "c"])
        #expect(nested.stateMutability == "view")
    }

    @Test func rejectsBadSignatures() {
        #expect(throws: ABIError.self) { try ABIFunction("transfer(address,uint256") }
        #expect(throws: ABIError.self) { try ABIFunction("transfer(addres,uint256)") }
        #expect(throws: ABIError.self) { try ABIFunction("function f(uint256 indexed a)") }
        #expect(throws: ABIError.self) { try ABIEvent("event E(uint256) extra") }
        #expect(throws: ABIError.self) { try ABIFunction("(uint256)") }
    }

    @Test func jsonABIWithTuplesConstructorFallbackReceive() throws {
        let json = #"""
        [
          {"type":"constructor","inputs":[{"name":"owner","type":"address"}],"stateMutability":"payable"},
          {"type":"fallback","stateMutability":"nonpayable"},
          {"type":"receive","stateMutability":"payable"},
          {"type":"function","name":"submit","stateMutability":"nonpayable",
           "inputs":[{"name":"order","type":"tuple","internalType":"struct Book.Order",
                      "components":[{"name":"maker","type":"address"},{"name":"legs","type":"tuple[2][]",
                        "components":[{"name":"amount","type":"uint128"},{"name":"memo","type":"string"}]}]}],
           "outputs":[{"name":"","type":"bool"}]},
          {"type":"event","name":"Filled","anonymous":false,
           "inputs":[{"name":"id","type":"uint256","indexed":true},{"name":"note","type":"string","indexed":true},
                     {"name":"price","type":"uint256","indexed":false}]},
          {"type":"error","name":"Slippage","inputs":[{"name":"want","type":"uint256"},{"name":"got","type":"uint256"}]},
          {"name":"vyperStyle","outputs":[],"inputs":[{"type":"uint256","name":"x"}],"stateMutability":"view","type":"function","gas":1234}
        ]
        """#
        let abi = try ContractABI(json: json)
        #expect(abi.constructor?.inputs.map(\.type) == [.address])
        #expect(abi.constructor?.stateMutability == "payable")
        #expect(abi.fallbackPayable == false)
        #expect(abi.hasReceive)
        let submit = try #require(abi.functions(named: "submit").first)
        #expect(submit.signature == "submit((address,(uint128,string)[2][]))")
        #expect(submit.inputs[0].components[1].components.map(\.name) == ["amount", "memo"])
        #expect(submit.inputs[0].internalType == "struct Book.Order")
        #expect(abi.function(selector: submit.selector) == submit)
        #expect(abi.events[0].signature == "Filled(uint256,string,uint256)")
        #expect(abi.errors[0].signature == "Slippage(uint256,uint256)")
        #expect(abi.functions(named: "vyperStyle").first?.stateMutability == "view")
        #expect(throws: ABIError.self) { try ContractABI(json: #"[{"type":"function","name":"f","inputs":[{"type":"uint7"}]}]"#) }
        #expect(throws: ABIError.self) { try ContractABI(json: #"{"not":"an abi"}"#) }
        let artifact = try ContractABI(json: #"{"abi":[{"type":"function","name":"g","inputs":[]}],"bytecode":"0x"}"#)
        #expect(artifact.functions[0].signature == "g()")
    }

    @Test func humanReadableABI() throws {
        let abi = try ContractABI(humanReadable: [
            "constructor(address owner) payable",
            "function transfer(address to, uint256 amount) external returns (bool)",
            "event Transfer(address indexed from, address indexed to, uint256 value)",
            "error Unauthorized(address caller)",
            "receive() external payable",
        ])
        #expect(abi.functions.count == 1)
        #expect(abi.events.count == 1)
        #expect(abi.errors.count == 1)
        #expect(abi.constructor?.stateMutability == "payable")
        #expect(abi.hasReceive)
    }

    @Test func strictJSONReader() throws {
        let v = try JSONValue(parsing: #" {"a": [1, -2.5e3, "x\u00e9\ud83d\ude80", true, null], "b": {}} "#)
        #expect(v["a"]?.arrayValue?[2] == .string("xé🚀"))
        #expect(v["a"]?.arrayValue?[1] == .number("-2.5e3"))
        for bad in [#"{"a":1,}"#, "[1,]", #"{"a":1,"a":2}"#, "01", "[1] x", #""\ud800""#, "{'a':1}", "", "tru", "[" ] {
            #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: bad) }
        }
        let many = (0..<12).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(try JSONValue(parsing: "{\(many)}").objectValue?.count == 12)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: "{\(many),\"k3\":0}") }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: "[\"a\u{01}b\"]") }
        #expect(try JSONValue(parsing: #"["a\"b", "plain"]"#) == .array([.string("a\"b"), .string("plain")]))
    }
}

@Suite("ABI encoding vectors")
struct ABIVectorTests {
    @Test func solidityDocsExamples() throws {
        let doc = try fixtureJSONValue("vectors/solidity-docs/abi-spec-examples.json")
        for call in try #require(doc["function_calls"]?.arrayValue) {
            let f = try ABIFunction(try #require(call["signature"]?.stringValue))
            #expect(f.selector.hexString == call["selector"]?.stringValue)
            let types = f.inputs.map(\.type)
            let values = try #require((call["values_hex"] ?? call["values"])?.arrayValue)
            let abiValues = try zip(values, types).map { try vectorValue($0, $1) }
            let calldata = try f.encodeCall(abiValues)
            #expect(calldata.hexString == call["calldata"]?.stringValue, "\(f.signature)")
            #expect(try f.decodeCall(calldata) == abiValues)
            if let ret = call["return_example"] {
                let rtypes = try ret["types"]!.arrayValue!.map { try ABIType($0.stringValue!) }
                let rvalues = try zip(ret["values"]!.arrayValue!, rtypes).map { try vectorValue($0, $1) }
                #expect(try ABI.encode(rvalues, as: rtypes).hexString == ret["return_encoding"]?.stringValue)
            }
        }
        for packed in try #require(doc["packed"]?.arrayValue) {
            let types = try packed["types"]!.arrayValue!.map { try ABIType($0.stringValue!) }
            let values = try zip(packed["values"]!.arrayValue!, types).map { try vectorValue($0, $1) }
            #expect(try ABI.encodePacked(values, as: types).hexString == packed["encoding"]?.stringValue)
        }
    }

    @Test func ethereumTestsABITests() throws {
        let doc = try fixtureJSONValue("vectors/ethereum-tests/ABITests/basic_abi_tests.json")
        for (name, test) in try #require(doc.objectValue) {
            let types = try test["types"]!.arrayValue!.map { try ABIType($0.stringValue!) }
            let values = try zip(test["args"]!.arrayValue!, types).map { try vectorValue($0, $1) }
            let encoded = try ABI.encode(values, as: types)
            #expect(Hex.encode(encoded, prefix: false) == test["result"]?.stringValue, "\(name)")
            #expect(try ABI.decode(types, from: encoded) == values, "\(name)")
        }
    }

    @Test func ethersAbiCases() throws {
        let cases = try #require(try fixtureJSONValue("vectors/ethers/testcases/abi.json.gz").arrayValue)
        #expect(cases.count == 1024)
        for c in cases {
            let typeText = c["type"]!.stringValue!
            let type = try ABIType(typeText)
            let value = try ABIValue(json: c["value"]!, as: type)
            let encoded = try ABI.encode(value, as: type)
            #expect(encoded.hexString == c["encoded"]?.stringValue, "\(c["name"]!.stringValue!)")
            #expect(try ABI.decode(type, from: encoded) == value, "\(typeText)")
        }
    }
}
