import ContractGen
import EVM
import EVMRPC
import Foundation
import TestSupport
import Testing

/// The Swift generator's outputs for the fixtures in Tests/Fixtures/abigen are committed in Generated/ (Scripts/gen-bindings,
/// checked by Scripts/check-bindings): they compile as part of this target, and these tests exercise them offline,
/// against the dynamic ABI coder. The contracts' own bindings are exercised on the devnet (CLITests).
@Suite struct SwiftBindingTests {
    /// The fixture's JSON ABI, parsed.
    func fixture(_ name: String) throws -> ContractABI {
        try ContractABI(json: String(decoding: try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/abigen/\(name).json")), as: UTF8.self))
    }

    /// A log as a node would return it.
    func log(topics: [Bytes32], data: [UInt8]) throws -> Log {
        let json = """
            {"address": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "topics": [\(topics.map { "\"\($0)\"" }.joined(separator: ","))],
             "data": "\(Hex.encode(data))", "blockNumber": "0x1", "logIndex": "0x0", "removed": false}
            """
        return try JSONDecoder().decode(Log.self, from: Data(json.utf8))
    }

    @Test func everyGeneratedFunctionDefinitionIsTheABIsOwn() throws {
        let overloads = try fixture("overloads")
        let generated = [
            Overloads.Functions.transfer_address_uint256, Overloads.Functions.transfer_address_uint256_bytes,
            Overloads.Functions.transfer_addressArray_uint256Array, Overloads.Functions.balanceOf, Overloads.Functions.deposit,
            Overloads.Functions.quote_uint256_uint16, Overloads.Functions.quote_uint256,
        ]
        #expect(generated.map(\.signature) == overloads.functions.map(\.signature))
        #expect(generated.map(\.selector) == overloads.functions.map(\.selector))
        #expect(generated.map(\.stateMutability) == overloads.functions.map(\.stateMutability))
        #expect(generated.map { $0.outputs.map(\.type) } == overloads.functions.map { $0.outputs.map(\.type) })
        let nested = try fixture("nested_tuples")
        #expect([NestedTuples.Functions.submit, NestedTuples.Functions.routes, NestedTuples.Functions.settle].map(\.signature)
                == nested.functions.map(\.signature))
        #expect(EventsErrors.errorDefinitions.map(\.signature) == (try fixture("events_errors")).errors.map(\.signature))
    }

    @Test func overloadedCallsEncodeLikeTheDynamicCoder() throws {
        let to = try Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
        let amount = UInt256(123_456_789)
        #expect(try Overloads.Calls.transfer(to: to, amount: amount)
                == (try ABIFunction("transfer(address,uint256)").encodeCall([.address(to), .uint(amount)])))
        #expect(try Overloads.Calls.transfer(to: to, amount: amount, data: [1, 2, 3])
                == (try ABIFunction("transfer(address,uint256,bytes)").encodeCall([.address(to), .uint(amount), .bytes([1, 2, 3])])))
        #expect(try Overloads.Calls.transfer(recipients: [to, .zero], amounts: [1, 2])
                == (try ABIFunction("transfer(address[],uint256[])").encodeCall([.array([.address(to), .address(.zero)]), .array([.uint(1), .uint(2)])])))
        #expect(try Overloads.Calls.quote(amount: 5, bps: 30) == (try ABIFunction("quote(uint256,uint16)").encodeCall([.uint(5), .uint(30)])))
    }

    @Test func nestedStructsRoundTripThroughTheABI() throws {
        let route = NestedTuples.Route(pool: try Address("0x5FbDB2315678afecb367f032d93F642f64180aa3"), path: [0xde, 0xad], fees: [500, 3000, 10000])
        let order = NestedTuples.Order(id: Keccak256.hash(utf8: "order"), leg: NestedTuples.Leg(amount: 10, route: route), memo: "härte")
        let encoded = try ABI.encode(order.abiValue, as: NestedTuples.Order.abiType)
        #expect(try NestedTuples.Order(abiValue: try ABI.decode(NestedTuples.Order.abiType, from: encoded)) == order)
        #expect(NestedTuples.Order.abiType == (try fixture("nested_tuples")).functions[0].inputs[0].type)
        // The calldata of a nested struct argument is the dynamic coder's.
        #expect(try NestedTuples.Calls.submit(order: order) == (try fixture("nested_tuples")).functions[0].encodeCall([order.abiValue]))
        // Arrays of arrays of structs, and a fixed array of the wrong length is refused by the encoder.
        let grid = [[NestedTuples.Grid(x: -1, y: 2)], [], [NestedTuples.Grid(x: .min, y: .max), NestedTuples.Grid(x: 0, y: 0)]]
        let settle = try NestedTuples.Calls.settle(grid: grid, weights: [[1, 2], [3, 4]])
        let decoded = try (try fixture("nested_tuples")).functions[2].decodeCall(settle)
        #expect(try decoded[0].asArray(count: 3) { (row: ABIValue) throws(ABIError) in
            try row.asArray { (cell: ABIValue) throws(ABIError) in try NestedTuples.Grid(abiValue: cell) }
        } == grid)
        #expect(throws: ABIError.self) { try NestedTuples.Calls.settle(grid: [[]], weights: []) }
        #expect(throws: ABIError.self) { try NestedTuples.Calls.settle(grid: grid, weights: [[1, 2, 3]]) }
    }

    @Test func structsRefuseValuesOfTheWrongShapeNamingTheField() throws {
        let wrong: ABIValue = .tuple([.int(1), .string("not an int")])
        #expect(throws: ABIError.typeMismatch([.field(1)], expected: "int", got: "string")) { try NestedTuples.Grid(abiValue: wrong) }
        #expect(throws: ABIError.valueOutOfRange([.field(0)], type: "Int16")) {
            try NestedTuples.Grid(abiValue: .tuple([.int(Int256(40_000)), .int(0)]))
        }
        #expect(throws: ABIError.wrongCount([], expected: 2, got: 1)) { try NestedTuples.Grid(abiValue: .tuple([.int(0)])) }
    }

    @Test func eventsDecodeFromLogsIndexedDynamicValuesAsTheirHash() throws {
        let text = "hello"
        let logged = EventsErrors.Logged.definition
        let topics = [logged.topic0, Keccak256.hash(utf8: "topic"), Keccak256.hash(data: [1, 2]), Keccak256.hash(utf8: "ids")]
        let event = try EventsErrors.Logged(log: try log(topics: topics, data: try ABI.encode([.string(text)], as: [.string])))
        #expect(event.topic == topics[1] && event.blob == topics[2] && event.ids == topics[3] && event.text == text)
        // Another event's log, or a missing topic, is refused.
        #expect(throws: ABIError.self) { try EventsErrors.Logged(log: try log(topics: Array(topics.prefix(3)), data: [])) }
        #expect(throws: ABIError.self) { try EventsErrors.PointIndexed(log: try log(topics: topics, data: [])) }
        // Anonymous events have no topic 0.
        let words = (0..<4).map { Keccak256.hash(utf8: "\($0)") }
        let raw = try EventsErrors.Raw(log: try log(topics: words, data: try ABI.encode([.uint(7)], as: [.uint(256)])))
        #expect(raw.a == words[0] && raw.d == words[3] && raw.arg4 == UInt256(7))
    }

    @Test func customErrorsComeBackAsSwiftValues() throws {
        let abi = try fixture("events_errors")
        let caller = try Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
        let unauthorized = try ABIRevert(decoding: try abi.errors[0].encode([.address(caller)]), abi: abi)
        #expect(EventsErrors.Revert(unauthorized) == .unauthorized(caller: caller))
        let point = EventsErrors.Point(x: 1, y: 2)
        let tooMany = try ABIRevert(decoding: try abi.errors[2].encode([.array([point.abiValue]), .uint(1)]), abi: abi)
        #expect(EventsErrors.Revert(tooMany) == .tooMany(points: [point], limit: 1))
        let badPoint = try ABIRevert(decoding: try abi.errors[1].encode([point.abiValue, .string("off curve")]), abi: abi)
        #expect(EventsErrors.Revert(badPoint) == .badPoint(point: point, arg1: "off curve"))
        #expect(EventsErrors.Revert(try ABIRevert(decoding: try abi.errors[3].encode([]), abi: abi)) == .paused)
        #expect(EventsErrors.Revert(.message("nope")) == nil)
        // Through the binding's error type, as a failed call reports it.
        let error = EventsErrors.contractError(.revert(data: try abi.errors[0].encode([.address(caller)]), message: "execution reverted"))
        #expect(EventsErrors.Revert(error) == .unauthorized(caller: caller))
        #expect(EventsErrors.Revert(ContractError.rpc(.timeout(method: "eth_call"))) == nil)
    }

    @Test func awkwardNamesBecomeUsableSwift() throws {
        // Keywords are escaped, duplicates and empty names renamed; the calldata is still the ABI's.
        let data = try AwkwardNames.Calls.schedule(days: 1, from: .zero, arg2: [0xff], memory: 2, arg0: true, from_: .zero)
        #expect(Array(data.prefix(4)) == (try fixture("awkward_names")).functions[0].selector)
        let function: [UInt8] = Array(repeating: 0xab, count: 24)
        #expect(try AwkwardNames.Calls.subscribe(callback: function, backups: [function])
                == (try ABIFunction("subscribe(function,function[])").encodeCall([.fixedBytes(function), .array([.fixedBytes(function)])])))
        #expect(throws: ABIError.self) { try AwkwardNames.Calls.subscribe(callback: [1, 2, 3], backups: []) }
    }

    @Test func generationIsDeterministicAndNamesTheSource() throws {
        let abi = try fixture("overloads")
        let model = ContractModel(name: "Overloads", abi: abi)
        let a = SwiftBindingGenerator.generate(model, source: "x.json")
        #expect(a == SwiftBindingGenerator.generate(model, source: "x.json"))
        #expect(a.hasPrefix("// Overloads: typed binding generated by `sixnines abi to-swift` from x.json. Do not edit.\n"))
        #expect(a.hasSuffix("}\n"))
    }
}
