import EVM
import EVMSigner
import Foundation
import TestSupport
import Testing

@Suite("sixnines wallet sign-typed-data, tx sign --sig")
struct TypedSigningCommandTests {
    /// The EIP-712 Mail example signed with keccak256("cow") gives the signature published with the EIP.
    @Test func signTypedDataReproducesTheMailExample() throws {
        let example = try #require(try fixtureJSON("vectors/eips/eip-712-mail-example.json") as? [String: Any])
        let expected = try #require(example["expected"] as? [String: Any])
        let signature = try #require(expected["signature"] as? [String: Any])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID()).json")
        try JSONSerialization.data(withJSONObject: try #require(example["typed_data"])).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let key = try #require(expected["private_key"] as? String)
        #expect(try CLI.value(["wallet", "sign-typed-data", "--private-key", key, file.path]) == signature["rsv_hex"] as? String)
        let json = try CLI.value(["wallet", "sign-typed-data", "--private-key", key, file.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(object["digest"] == expected["digest"] as? String)
        #expect(object["signer"]?.lowercased() == expected["signer_address"] as? String)

        try Data(#"{"types": {}}"#.utf8).write(to: file)
        try CLI.fails(["wallet", "sign-typed-data", "--private-key", key, file.path], mentioning: "<file>")
    }

    /// `--sig` builds the call data from a signature and arguments; the signed transaction carries it.
    @Test func txSignWithSignatureAndArguments() throws {
        let key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
        let common = ["tx", "sign", "--chain-id", "137", "--nonce", "3", "--gas-limit", "60000", "--max-fee", "100gwei",
                      "--priority-fee", "30gwei", "--to", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "--private-key", key]
        let raw = try CLI.value(common + ["--sig", "transfer(address,uint256)", "0xde709f2102306220921060314715629080e2fb77", "1000"])
        let signed = try SignedTransaction(hex: raw)
        let expectedData = try ABIFunction("transfer(address,uint256)").encodeCall(
            [.address(try Address("0xde709f2102306220921060314715629080e2fb77")), .uint(1000)])
        guard case .dynamicFee(let tx) = signed.transaction else {
            Issue.record("expected an EIP-1559 transaction")
            return
        }
        #expect(tx.data == expectedData)
        #expect(try signed.recoverSender() == (try PrivateKey(hex: key)).address)

        try CLI.fails(common + ["--sig", "transfer(address,uint256)", "0xde709f2102306220921060314715629080e2fb77"],
                      mentioning: "expected 2 arguments")
        try CLI.fails(common + ["--sig", "transfer(address,uint256)", "0x1234", "1"], mentioning: "argument 1")
        let both = try CLI.run(common + ["--data", "0x", "--sig", "f()"])
        #expect(both.status == 64)
    }
}
