import EVM
import Testing

@Suite("Address (EIP-55)")
struct AddressTests {
    /// The examples listed in EIP-55 itself: all-caps, all-lower and mixed-case groups.
    static let examples = [
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]

    @Test(arguments: examples)
    func eip55Examples(_ text: String) throws {
        let address = try Address(text)
        #expect(address.checksummed == text)
        #expect(try Address(text.lowercased()) == address)
        #expect(try Address("0x" + text.dropFirst(2).uppercased()) == address)
    }

    /// All 259 checksummed addresses of ethers' accounts.json.gz.
    @Test func ethersAccounts() throws {
        let cases = try #require(try fixtureGzipJSON("vectors/ethers/testcases/accounts.json.gz") as? [[String: Any]])
        #expect(cases.count == 259)
        for entry in cases {
            let text = try #require(entry["address"] as? String)
            #expect(try Address(text.lowercased()).checksummed == text)
            #expect(try Address(text).description == text)
        }
    }

    @Test func rejectsWrongLength() {
        #expect(throws: AddressError.wrongLength(got: 19)) { try Address("0x" + String(repeating: "ab", count: 19)) }
        #expect(throws: AddressError.wrongLength(got: 21)) { try Address(String(repeating: "ab", count: 21)) }
        #expect(throws: AddressError.wrongLength(got: 0)) { try Address("0x") }
        #expect(throws: AddressError.wrongLength(got: 32)) { try Address([UInt8](repeating: 0, count: 32)) }
    }

    @Test func rejectsBadHex() {
        #expect(throws: AddressError.invalidHex(.invalidCharacter("g", offset: 41))) {
            try Address("0x" + String(repeating: "0", count: 39) + "g")
        }
        #expect(throws: AddressError.invalidHex(.oddLength(39))) { try Address("0x" + String(repeating: "0", count: 39)) }
    }

    @Test func rejectsWrongChecksumNamingTheRightOne() {
        // Flip the case of one letter of a valid checksum.
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        let bad = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        #expect(throws: AddressError.badChecksum(expected: good)) { try Address(bad) }
    }

    @Test func wordAndOrderAndCodable() throws {
        let address = try Address("0xde709f2102306220921060314715629080e2fb77")
        #expect(address.word.description == "0x000000000000000000000000de709f2102306220921060314715629080e2fb77")
        #expect(Address(lastBytesOf: address.word) == address)
        #expect(Address.zero < address)
        #expect(Address.zero.description == "0x0000000000000000000000000000000000000000")
    }
}
