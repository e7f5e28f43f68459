import EVM
import Foundation
import Testing

@Suite("ABI strictness vs eth_abi")
struct ABIStrictnessTests {
    /// Single-bit corruptions of valid encodings (random nested types): we accept exactly what eth_abi's
    /// strict decoder accepts, and then read the same values.
    @Test func corruptedEncodingsAgreeWithEthAbi() throws {
        var rng = SeededRandom()
        var cases: [[String: Any]] = []
        var ours: [Result<[ABIValue], ABIError>] = []
        var typeLists: [[ABIType]] = []
        for _ in 0..<1500 {
            let types = (0..<Int.random(in: 1...3, using: &rng)).map { _ in rng.abiType(maxDepth: 3) }
            var data = try ABI.encode(types.map { rng.abiValue($0) }, as: types)
            if !data.isEmpty { data[Int.random(in: 0..<data.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng) }
            typeLists.append(types)
            ours.append(Result { () throws(ABIError) -> [ABIValue] in try ABI.decode(types, from: data) })
            cases.append(["types": types.map(\.description), "data": data.hexString])
        }
        let results = try PythonOracle.run("abi.decode_accepts", cases)
        var disagreements: [String] = []
        for ((types, mine), (c, theirs)) in zip(zip(typeLists, ours), zip(cases, results)) {
            let theirValues = theirs as? String
            switch mine {
            case .success(let values):
                if let theirValues {
                    #expect(try JSONValue(parsing: theirValues) == JSONValue.array(values.map(\.jsonValue)), "\(types) \(rng.replay)")
                } else {
                    disagreements.append("we accept, eth_abi refuses: \(types) \(c["data"]!) \(theirs)")
                }
            case .failure(let error):
                if theirValues != nil { disagreements.append("we refuse (\(error)), eth_abi accepts: \(types) \(c["data"]!)") }
            }
        }
        // Both directions: eth_abi's strict mode and ours refuse exactly the same corruptions.
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5)) \(rng.replay)")
    }
}
