import EVM

/// Why a payout batch, signature or proposal file was refused, or a payout cannot go ahead. Each case names what
/// is wrong and where; `description` is the one-line message the command line prints.
public enum PayoutError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not valid JSON, or a field is missing or malformed (`path` as `$.payouts[2].amount`).
    case malformed(path: String, reason: String)
    /// The file's `format` is not the one expected.
    case wrongFormat(expected: String, got: String)
    /// The digest written in the file is not the digest of its content (tampered or corrupted).
    case digestMismatch(stored: Bytes32, computed: Bytes32)
    /// The per-token totals written in the file are not the sums of its payouts.
    case totalsMismatch(token: Address)
    /// A payout the vault would refuse (zero amount, zero recipient, zero receipt, a receipt twice).
    case invalidPayout(index: Int, reason: String)
    /// More payouts than one batch may hold, or none.
    case batchSize(count: Int, maximum: Int)
    /// The file is for another chain or vault than the one configured.
    case wrongTarget(what: String, file: String, expected: String)
    /// A signature file does not sign this batch or proposal.
    case signatureMismatch(file: String, reason: String)
    /// A round id that is not `ASSET@SETTLES_AT`.
    case badRoundID(String, reason: String)
    /// The prediction store could not be read.
    case store(String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .malformed(let path, let reason): return "\(path): \(reason)"
        case .wrongFormat(let expected, let got): return "format \(got.debugDescription), expected \(expected.debugDescription)"
        case .digestMismatch(let stored, let computed):
            return "digest mismatch: the file says \(stored) but its content hashes to \(computed) (the batch was changed after it was proposed)"
        case .totalsMismatch(let token): return "the totals do not add up for token \(token.checksummed)"
        case .invalidPayout(let index, let reason): return "payout \(index): \(reason)"
        case .batchSize(let count, let maximum): return "\(count) payouts: a batch holds 1 to \(maximum)"
        case .wrongTarget(let what, let file, let expected): return "the file is for \(what) \(file), not \(expected)"
        case .signatureMismatch(let file, let reason): return "\(file): \(reason)"
        case .badRoundID(let text, let reason): return "round id \(text.debugDescription): \(reason) (expected ASSET@SETTLES_AT, e.g. BTC-USD@1795612140)"
        case .store(let why): return "prediction store: \(why)"
        }
    }
}

/// Path-aware reading of a JSON object (the file models' strict parser): unknown keys and wrong types are errors.
struct JSONFields {
    let path: String
    let members: [(String, JSONValue)]

    init(_ value: JSONValue, path: String, allowed: Set<String>) throws(PayoutError) {
        guard let members = value.objectValue else { throw .malformed(path: path, reason: "expected a JSON object") }
        for (key, _) in members where !allowed.contains(key) {
            throw .malformed(path: path, reason: "unknown key \(key.debugDescription)")
        }
        var seen = Set<String>()
        for (key, _) in members where !seen.insert(key).inserted {
            throw .malformed(path: path, reason: "key \(key.debugDescription) given twice")
        }
        self.path = path
        self.members = members
    }

    func optional(_ key: String) -> JSONValue? { members.first { $0.0 == key }?.1 }

    func value(_ key: String) throws(PayoutError) -> JSONValue {
        guard let v = optional(key) else { throw .malformed(path: "\(path).\(key)", reason: "missing") }
        return v
    }

    func string(_ key: String) throws(PayoutError) -> String {
        guard let s = try value(key).stringValue else { throw .malformed(path: "\(path).\(key)", reason: "expected a string") }
        return s
    }

    func address(_ key: String) throws(PayoutError) -> Address {
        let text = try string(key)
        do { return try Address(text) } catch { throw .malformed(path: "\(path).\(key)", reason: "\(error)") }
    }

    func word(_ key: String) throws(PayoutError) -> Bytes32 {
        let text = try string(key)
        guard text.count == 66 else { throw .malformed(path: "\(path).\(key)", reason: "expected 0x and 64 hex digits") }
        do { return try Bytes32(hex: text) } catch { throw .malformed(path: "\(path).\(key)", reason: "\(error)") }
    }

    /// A decimal string (amounts): digits only, no sign, no leading zeros beyond "0", at most 78 digits.
    func decimal(_ key: String) throws(PayoutError) -> UInt256 {
        let text = try string(key)
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), text == "0" || !text.hasPrefix("0") else {
            throw .malformed(path: "\(path).\(key)", reason: "expected a decimal integer string such as \"1500000\"")
        }
        do { return try UInt256(decimalString: text) } catch { throw .malformed(path: "\(path).\(key)", reason: "\(error)") }
    }

    /// A non-negative JSON integer that fits 64 bits.
    func integer(_ key: String) throws(PayoutError) -> UInt64 {
        guard case .number(let text) = try value(key), let n = UInt64(text) else {
            throw .malformed(path: "\(path).\(key)", reason: "expected a non-negative integer")
        }
        return n
    }

    func array(_ key: String) throws(PayoutError) -> [JSONValue] {
        guard let a = try value(key).arrayValue else { throw .malformed(path: "\(path).\(key)", reason: "expected an array") }
        return a
    }
}

/// Parses `text` as JSON with a `PayoutError` naming the file.
func parseJSON(_ text: String) throws(PayoutError) -> JSONValue {
    do { return try JSONValue(parsing: text) } catch { throw .malformed(path: "$", reason: "\(error)") }
}
