import EVM
import Foundation
import Testing

struct Person: EIP712Struct {
    static let eip712TypeName = "Person"
    static let eip712Members = [EIP712Field("name", "string"), EIP712Field("wallet", "address")]
    var name: String
    var wallet: Address
    var eip712Values: [EIP712Value] { [.value(.string(name)), .value(.address(wallet))] }
}

struct Mail: EIP712Struct {
    static let eip712TypeName = "Mail"
    static let eip712Members = [EIP712Field("from", "Person"), EIP712Field("to", "Person"), EIP712Field("contents", "string")]
    static var eip712Dependencies: [any EIP712Struct.Type] { [Person.self] }
    var from: Person
    var to: Person
    var contents: String
    var eip712Values: [EIP712Value] { [.struct(from), .struct(to), .value(.string(contents))] }
}

struct Group: EIP712Struct {
    static let eip712TypeName = "Group"
    static let eip712Members = [EIP712Field("members", "Person[]"), EIP712Field("scores", "uint8[2]")]
    static var eip712Dependencies: [any EIP712Struct.Type] { [Person.self] }
    var members: [Person]
    var scores: [UInt8]
    var eip712Values: [EIP712Value] {
        [.array(members.map { .struct($0) }), .array(scores.map { .value(.uint(UInt256(UInt64($0)))) })]
    }
}

@Suite("EIP-712")
struct EIP712Tests {
    static let mailFixture = "vectors/eips/eip-712-mail-example.json"

    @Test func mailExampleFromJSON() throws {
        let doc = try fixtureJSONValue(Self.mailFixture)
        let expected = try #require(doc["expected"])
        let typed = try TypedData(json: try #require(doc["typed_data"]))
        #expect(try typed.encodeType("Mail") == expected["encode_type_Mail"]?.stringValue)
        #expect(try typed.encodeType("Person") == expected["encode_type_Person"]?.stringValue)
        #expect(try typed.encodeType("EIP712Domain") == expected["encode_type_EIP712Domain"]?.stringValue)
        #expect(try typed.typeHash("Mail").description == expected["type_hash_Mail"]?.stringValue)
        #expect(try typed.hashStruct("Person", typed.message["from"]!).description
            == expected["encode_data_words"]?["hash_struct_from_Person"]?.stringValue)
        #expect(try typed.messageHash.description == expected["hash_struct_Mail"]?.stringValue)
        #expect(try typed.domainSeparator.description == expected["domain_separator"]?.stringValue)
        #expect(try typed.digest.description == expected["digest"]?.stringValue)
    }

    @Test func mailExampleFromSwiftTypes() throws {
        let doc = try fixtureJSONValue(Self.mailFixture)
        let expected = try #require(doc["expected"])
        let mail = Mail(from: Person(name: "Cow", wallet: try Address("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")),
                        to: Person(name: "Bob", wallet: try Address("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB")),
                        contents: "Hello, Bob!")
        let domain = EIP712Domain(name: "Ether Mail", version: "1", chainId: 1,
                                  verifyingContract: try Address("0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"))
        #expect(Mail.eip712EncodeType == expected["encode_type_Mail"]?.stringValue)
        #expect(Mail.eip712TypeHash.description == expected["type_hash_Mail"]?.stringValue)
        #expect(try mail.eip712HashStruct().description == expected["hash_struct_Mail"]?.stringValue)
        #expect(domain.separator.description == expected["domain_separator"]?.stringValue)
        #expect(domain.encodeType == expected["encode_type_EIP712Domain"]?.stringValue)
        #expect(try mail.eip712Digest(domain: domain).description == expected["digest"]?.stringValue)
    }

    @Test func swiftStructsWithArraysMatchJSON() throws {
        let a = Person(name: "a", wallet: .zero), b = Person(name: "b", wallet: try Address("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"))
        let group = Group(members: [a, b], scores: [7, 9])
        let domain = EIP712Domain(chainId: 5, salt: Keccak256.hash(utf8: "salt"))
        let json = """
            {"types": {"Group": [{"name":"members","type":"Person[]"},{"name":"scores","type":"uint8[2]"}],
                       "Person": [{"name":"name","type":"string"},{"name":"wallet","type":"address"}]},
             "primaryType": "Group", "domain": {"chainId": 5, "salt": "\(Keccak256.hash(utf8: "salt"))"},
             "message": {"members": [{"name":"a","wallet":"0x0000000000000000000000000000000000000000"},
                                     {"name":"b","wallet":"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}], "scores": ["7", 9]}}
            """
        let typed = try TypedData(json: json)
        #expect(try typed.encodeType("Group") == Group.eip712EncodeType)
        #expect(try typed.messageHash == group.eip712HashStruct())
        #expect(try typed.digest == group.eip712Digest(domain: domain))
    }

    @Test func errors() throws {
        #expect(throws: EIP712Error.missingMember(path: "message.contents")) {
            try TypedData(json: #"{"types":{"M":[{"name":"contents","type":"string"}]},"primaryType":"M","domain":{},"message":{}}"#).digest
        }
        #expect(throws: EIP712Error.invalidMemberType("uint7")) {
            try TypedData(json: #"{"types":{"M":[{"name":"x","type":"uint7"}]},"primaryType":"M","domain":{},"message":{"x":1}}"#)
        }
        #expect(throws: EIP712Error.unknownType("Nope")) {
            try TypedData(json: #"{"types":{"M":[{"name":"x","type":"uint8"}]},"primaryType":"Nope","domain":{},"message":{}}"#)
        }
        #expect(throws: EIP712Error.self) {
            try TypedData(json: #"{"types":{"M":[{"name":"x","type":"uint8"}]},"primaryType":"M","domain":{},"message":{"x":256}}"#).digest
        }
        #expect(throws: EIP712Error.self) { try TypedData(json: "{") }
    }

    @Test func ethersTypedDataCases() throws {
        let cases = try #require(try fixtureJSONValue("vectors/ethers/testcases/typed-data.json.gz").arrayValue)
        #expect(cases.count == 130)
        for c in cases {
            let typed = try TypedData(json: c)
            #expect(try typed.digest.description == c["digest"]?.stringValue, "\(c["name"]?.stringValue ?? "")")
        }
    }

    /// Random struct graphs (nested structs, arrays of structs and atomics, any domain subset) against eth_account.
    @Test func digestsMatchEthAccount() throws {
        var rng = SeededRandom()
        var documents: [String] = []
        var digests: [(domain: Bytes32, message: Bytes32, digest: Bytes32)] = []
        for _ in 0..<300 {
            let doc = rng.typedDataDocument()
            let typed = try TypedData(json: doc)
            documents.append(doc)
            digests.append((try typed.domainSeparator, try typed.messageHash, try typed.digest))
        }
        let results = try PythonOracle.run("abi.typed_hash", documents)
        for ((doc, ours), result) in zip(zip(documents, digests), results) {
            let answer = try #require(result as? [String: String], "\(result) \(rng.replay)")
            #expect(answer["domain"] == ours.domain.description, "\(answer["error"] ?? "") \(doc) \(rng.replay)")
            #expect(answer["message"] == ours.message.description, "\(doc) \(rng.replay)")
            #expect(answer["digest"] == ours.digest.description, "\(doc) \(rng.replay)")
        }
    }
}

extension SeededRandom {
    /// A random `eth_signTypedData_v4` document as JSON text.
    mutating func typedDataDocument() -> String {
        let structCount = Int.random(in: 1...4, using: &self)
        var types: [(String, [EIP712Field])] = []
        for i in 0..<structCount {
            var fields: [EIP712Field] = []
            for m in 0..<Int.random(in: 1...4, using: &self) {
                var type: String
                if i + 1 < structCount, Int.random(in: 0..<3, using: &self) == 0 {
                    type = "S\(Int.random(in: (i + 1)..<structCount, using: &self))"
                } else {
                    type = abiType(maxDepth: 0).description
                }
                switch Int.random(in: 0..<5, using: &self) {
                case 0: type += "[]"
                case 1: type += "[\(Int.random(in: 1...3, using: &self))]"
                default: break
                }
                fields.append(EIP712Field("m\(m)", type))
            }
            // eth_account needs every struct reachable from the primary type: chain S0 → S1 → ….
            if i + 1 < structCount { fields.append(EIP712Field("link", "S\(i + 1)" + (Bool.random(using: &self) ? "[]" : ""))) }
            types.append(("S\(i)", fields))
        }
        let typeMap = Dictionary(uniqueKeysWithValues: types)
        func value(_ type: String, depth: Int) -> JSONValue {
            if type.hasSuffix("]"), let open = type.lastIndex(of: "[") {
                let inner = String(type[..<open])
                let digits = type[type.index(after: open)..<type.index(before: type.endIndex)]
                let count = Int(digits) ?? Int.random(in: 0...3, using: &self)
                return .array((0..<count).map { _ in value(inner, depth: depth + 1) })
            }
            if let fields = typeMap[type] {
                return .object(fields.map { ($0.name, value($0.type, depth: depth + 1)) })
            }
            let abi = try! ABIType(type)
            let v = abiValue(abi)
            return v.jsonValue
        }
        let domainFields = TypedData.domainFieldOrder.filter { _ in Bool.random(using: &self) }
        let domain = JSONValue.object(domainFields.map { ($0.name, value($0.type, depth: 0)) })
        let doc = JSONValue.object([
            ("types", .object([("EIP712Domain", .array(domainFields.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) }))]
                + types.map { ($0.0, .array($0.1.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) })) })),
            ("primaryType", .string("S0")),
            ("domain", domain),
            ("message", value("S0", depth: 0)),
        ])
        return doc.description
    }
}
