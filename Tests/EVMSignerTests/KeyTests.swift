import EVM
@testable import EVMSigner
import Foundation
import Testing

@Suite("Signer: keys and signatures")
struct KeyTests {
    static let orderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

    @Test func rejects_zero_and_out_of_range_private_keys() {
        #expect(throws: KeyError.zeroPrivateKey) { try PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: KeyError.privateKeyOutOfRange) { try PrivateKey(hex: Self.orderHex) }
        #expect(throws: KeyError.privateKeyOutOfRange) { try PrivateKey(hex: String(repeating: "ff", count: 32)) }
        #expect(throws: KeyError.wrongPrivateKeyLength(got: 31)) { try PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        // n − 1 is the largest valid key.
        #expect((try? PrivateKey(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")) != nil)
        #expect((try? PrivateKey(hex: "0x" + String(repeating: "0", count: 63) + "1")) != nil)
    }

    @Test func private_key_is_never_printed() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        #expect("\(key)" == "PrivateKey(<redacted>)")
        #expect(String(reflecting: key) == "PrivateKey(<redacted>)")
        #expect(!"\(key)".contains("4c0883"))
    }

    @Test func public_key_forms_round_trip() throws {
        let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
        let pub = key.publicKey
        #expect(pub.compressedRepresentation.count == 33)
        #expect(pub.uncompressedRepresentation.count == 65)
        #expect(try PublicKey(rawRepresentation: pub.compressedRepresentation) == pub)
        #expect(try PublicKey(rawRepresentation: pub.uncompressedRepresentation) == pub)
        #expect(try PublicKey(rawRepresentation: pub.rawRepresentation) == pub)
        #expect(throws: KeyError.wrongPublicKeyLength(got: 32)) { try PublicKey(rawRepresentation: [UInt8](repeating: 2, count: 32)) }
        #expect(throws: KeyError.invalidPublicKey) { try PublicKey(rawRepresentation: [0x04] + [UInt8](repeating: 0, count: 64)) }
        #expect(key.address == (try Address("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")))
    }

    /// ethereum/tests BasicTests/keyaddrtest.json: key → address, and keccak256("") signed without a prefix.
    @Test func keyaddrtest() throws {
        let cases = try fixtureJSON("vectors/ethereum-tests/BasicTests/keyaddrtest.json") as! [[String: Any]]
        #expect(cases.count > 0)
        let digest = Keccak256.hash(data: [UInt8]())
        for c in cases {
            let key = try PrivateKey(hex: c["key"] as! String)
            #expect(key.address == (try Address(c["addr"] as! String)))
            // `sig_of_emptystring` predates RFC 6979 and low s, and recovers neither address over keccak256("")
            // nor over a zero digest (checked with eth-keys), so only the key → address half is a usable vector;
            // our own signature of the same digest must recover the address.
            let sig = key.signature(for: digest)
            #expect(try sig.recoverAddress(for: digest) == key.address)
            #expect(key.publicKey.isValidSignature(sig, for: digest))
        }
    }

    @Test func signature_encodings_round_trip_and_reject_bad_input() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let digest = Keccak256.hash(utf8: "sixnines")
        let sig = key.signature(for: digest)
        #expect(sig.s <= Secp256k1.halfOrder)
        #expect(try Signature(rawRepresentation: sig.rawRepresentation) == sig)
        #expect(try Signature(compactRepresentation: sig.compactRepresentation) == sig)
        #expect(try Signature(hex: sig.description) == sig)
        #expect(sig.rawRepresentation[64] == 27 || sig.rawRepresentation[64] == 28)
        // Same digest, same key: RFC 6979 gives the same signature.
        #expect(key.signature(for: digest) == sig)

        // High s: the same signature with s' = n − s is valid ECDSA but rejected.
        let highS = Secp256k1.order - sig.s
        var raw = sig.rawRepresentation
        raw.replaceSubrange(32..<64, with: highS.bigEndianBytes)
        #expect(throws: SignatureError.highS) { try Signature(rawRepresentation: raw) }
        #expect(throws: SignatureError.highS) { try Signature(r: sig.r, s: highS, yParity: 0) }
        #expect(throws: SignatureError.rOutOfRange) { try Signature(r: .zero, s: sig.s, yParity: 0) }
        #expect(throws: SignatureError.rOutOfRange) { try Signature(r: Secp256k1.order, s: sig.s, yParity: 0) }
        #expect(throws: SignatureError.sOutOfRange) { try Signature(r: sig.r, s: .zero, yParity: 0) }
        #expect(throws: SignatureError.sOutOfRange) { try Signature(r: sig.r, s: Secp256k1.order, yParity: 0) }
        #expect(throws: SignatureError.invalidRecoveryByte(2)) { try Signature(r: sig.r, s: sig.s, yParity: 2) }
        raw = sig.rawRepresentation
        raw[64] = 29
        #expect(throws: SignatureError.invalidRecoveryByte(29)) { try Signature(rawRepresentation: raw) }
        #expect(throws: SignatureError.wrongLength(expected: 65, got: 64)) { try Signature(rawRepresentation: raw.prefix(64)) }
        #expect(throws: SignatureError.wrongLength(expected: 64, got: 65)) { try Signature(compactRepresentation: raw) }
        // A signature over another digest recovers someone else; verify reports the mismatch.
        let other = Keccak256.hash(utf8: "other")
        #expect(throws: SignatureError.self) { try sig.verify(digest: other, signer: key.address) }
        try sig.verify(digest: digest, signer: key.address)
        #expect(!key.publicKey.isValidSignature(sig, for: other))
    }

    /// EIP-2098's own examples.
    @Test func eip2098_examples() throws {
        let sig1 = try Signature(compactRepresentation: hex("0x68a020a209d3d56c46f38cc50a33f704f4a9a10a59377f8dd762ac66910e9b907e865ad05c4035ab5792787d4a0297a43617ae897930a6fe4d822b8faea52064"))
        #expect(sig1.yParity == 0)
        #expect(sig1.r == u256("0x68a020a209d3d56c46f38cc50a33f704f4a9a10a59377f8dd762ac66910e9b90"))
        let sig2 = try Signature(compactRepresentation: hex("0x9328da16089fcba9bececa81663203989f2df5fe1faa6291a45381c81bd17f76939c6d6b623b42da56557e5e734a43dc83345ddfadec52cbe24d0cc64f550793"))
        #expect(sig2.yParity == 1)
        #expect(sig2.s == u256("0x139c6d6b623b42da56557e5e734a43dc83345ddfadec52cbe24d0cc64f550793"))
    }

    /// eth-account and ethers EIP-191 vectors.
    @Test func eip191_personal_messages() throws {
        let file = try fixtureJSON("vectors/eth-account/eip191-personal-sign.json") as! [String: Any]
        for c in file["hash_message"] as! [[String: Any]] {
            let message = (c["message_text"] as? String).map { Array($0.utf8) } ?? hex(c["message_hex"] as! String)
            #expect(PersonalMessage.hash(message) == word(c["hash"] as! String), "\(c["id"]!)")
        }
        for c in file["sign_message"] as! [[String: Any]] {
            let key = try PrivateKey(hex: c["private_key"] as! String)
            let message = (c["message_text"] as? String).map { Array($0.utf8) } ?? hex(c["message_hex"] as! String)
            let sig = key.signPersonalMessage(message)
            #expect(sig.description == (c["signature"] as! String).lowercased())
            #expect(Int(sig.v) == c["v"] as! Int)
            #expect(try sig.recoverAddress(personalMessage: message) == (try Address(c["address"] as! String)))
        }
        for c in file["recover_message"] as! [[String: Any]] {
            let sig = try Signature(r: u256(c["r_hex"]), s: u256(c["s_hex"]), yParity: UInt8(c["v"] as! Int - 27))
            #expect(try sig.recoverAddress(personalMessage: Array((c["message_text"] as! String).utf8)) == (try Address(c["address"] as! String)))
        }
        let ethers = try fixtureJSON("vectors/ethers/eip191-hash-message.json") as! [String: Any]
        for c in ethers["tests"] as! [[String: Any]] {
            let message = (c["message_text"] as? String).map { Array($0.utf8) } ?? hex(c["message_bytes_hex"] as! String)
            #expect(PersonalMessage.hash(message) == word(c["hash"] as! String), "\(c["test"]!)")
        }
    }

    /// go-ethereum crypto vectors: ecrecover, high-s rejection, key → address, invalid keys.
    @Test func go_ethereum_vectors() throws {
        let file = try fixtureJSON("vectors/go-ethereum/crypto/secp256k1-vectors.json") as! [String: Any]
        for c in file["ecrecover"] as! [[String: Any]] {
            let sig = try Signature(rawRepresentation: hex(c["sig_rsv01"] as! String))
            let pub = try sig.recoverPublicKey(for: word(c["msg_hash"] as! String))
            #expect(pub.uncompressedRepresentation == hex(c["pubkey_uncompressed"] as! String))
            #expect(pub.compressedRepresentation == hex(c["pubkey_compressed"] as! String))
        }
        for c in file["verify_must_fail"] as! [[String: Any]] {
            let rs = hex(c["sig_rs"] as! String)
            #expect(throws: SignatureError.highS) { try Signature(rawRepresentation: rs + [0]) }
        }
        for c in file["private_key_to_address"] as! [[String: Any]] {
            #expect(try PrivateKey(hex: c["private_key"] as! String).address == (try Address(c["address"] as! String)))
        }
        for c in file["invalid_private_keys"] as! [[String: Any]] {
            #expect(throws: KeyError.self) { try PrivateKey(hex: c["private_key"] as! String) }
        }
    }

    @Test func concurrent_signing_shares_one_context() async throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let digest = Keccak256.hash(utf8: "message \(i)")
                    let sig = key.signature(for: digest)
                    return (try? sig.recoverAddress(for: digest)) == key.address
                }
            }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }
}
