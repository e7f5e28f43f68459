import ContractGen
import EVM
import Testing

@Suite struct ContractModelTests {
    @Test func namesFromSnakeCase() {
        #expect(ContractModel.lowerCamel("batch_id") == "batchId")
        #expect(ContractModel.lowerCamel("nonce_") == "nonce")
        #expect(ContractModel.lowerCamel("_owner") == "owner")
        #expect(ContractModel.lowerCamel("DOMAIN_SEPARATOR") == "domainSeparator")
        #expect(ContractModel.lowerCamel("totalSupply") == "totalSupply")
        #expect(ContractModel.lowerCamel("tokenURI") == "tokenURI")
        #expect(ContractModel.upperCamel("receipt_count") == "ReceiptCount")
    }

    @Test func structNamesAreSharedByShapeAndSuffixedOnClash() throws {
        let abi = try ContractABI(humanReadable: [
            "function put((uint8 kind, bytes32 id) receipt)",
            "function check((uint8 kind, bytes32 id) other) view returns (bool)",
            "function other((address who) receipt)",
            "function pay((address to, uint256 amount)[] payouts)",
            "function batch(bytes32 id) view returns ((bool anchored, uint64 time))",
        ])
        let model = ContractModel(name: "Test", abi: abi)
        #expect(model.structs.map(\.name) == ["Receipt", "Receipt2", "Payout", "Batch"])
        #expect(model.structName(of: abi.functions[1].inputs[0]) == "Receipt")
        #expect(model.structName(of: abi.functions[2].inputs[0]) == "Receipt2")
        #expect(model.structName(of: abi.functions[3].inputs[0]) == "Payout")
        #expect(model.structName(of: abi.functions[4].outputs[0]) == "Batch")
        #expect(model.structName(of: abi.functions[4].inputs[0]) == nil)
    }

    @Test func nestedStructsComeBeforeTheirUsers() throws {
        let abi = try ContractABI(humanReadable: ["function f(((uint8 a) inner, bool b) outer)"])
        let model = ContractModel(name: "T", abi: abi)
        #expect(model.structs.map(\.name) == ["Inner", "Outer"])
    }

    @Test func internalTypeWins() throws {
        let json = """
            {"contractName": "Vault", "abi": [{"type": "function", "name": "f", "stateMutability": "nonpayable",
              "inputs": [{"name": "p", "type": "tuple[]", "internalType": "struct Vault.Payment[]",
                          "components": [{"name": "x", "type": "uint256"}]}], "outputs": []}]}
            """
        let model = try ContractModel(artifactJSON: json, fallbackName: "ignored")
        #expect(model.name == "Vault")
        #expect(model.structs.map(\.name) == ["Payment"])
    }
}
