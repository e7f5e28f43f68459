import EVM
import Foundation

/// The `deploy-suite` configuration file (`deployments/suite.example.json`), checked whole before anything is sent.
public struct SuiteConfig: Sendable, Equatable {
    /// Admin of the registry and oracle, owner of the badges (default: the deployer).
    public var admin: Address?
    /// The registry's writer (the batch writer's key).
    public var writer: Address
    /// The oracle's reporters.
    public var reporters: [Address]
    /// The oracle's disputer (default: the vault).
    public var disputer: Address?
    /// The oracle's resolver (`RESOLVER_ROLE`: settles disputed rounds and rounds without a median): a multisig,
    /// never the deployer key by default (default: the admin when one is given).
    public var resolver: Address
    /// May mint badges.
    public var minter: Address
    /// The vault's signers, ascending.
    public var signers: [Address]
    /// Signatures the vault requires.
    public var threshold: UInt256
    /// Tokens with a daily payout limit (the zero address is the native token).
    public var tokens: [Address]
    /// The daily limit of each token.
    public var dailyLimits: [UInt256]
    /// Where badge sale proceeds go (default: the vault).
    public var treasury: Address?
    /// The directory of the artifacts (default `ABI`).
    public var artifacts: String
    /// The chain the configuration is for (checked against the node).
    public var chainId: UInt64?

    /// Most signers the vault accepts.
    public static let maximumSigners = 10
    /// The keys a configuration may have.
    public static let keys: Set<String> = ["admin", "writer", "reporter", "reporters", "disputer", "resolver", "minter", "signers", "threshold",
                                           "tokens", "dailyLimits", "treasury", "artifacts", "chainId"]

    /// Reads and checks the configuration at `path`.
    public init(path: String) throws(DeploymentError) {
        try self.init(json: try DeploymentFiles.readText(path, what: "--config"), path: path)
    }

    /// Parses and checks a configuration; `path` names it in errors.
    public init(json text: String, path: String) throws(DeploymentError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw DeploymentError("\(path): not JSON: \(error)") }
        guard let object = json.objectValue else { throw DeploymentError("\(path): expected a JSON object") }
        if let unknown = object.map(\.0).sorted().first(where: { !Self.keys.contains($0) }) {
            throw DeploymentError("\(path): unknown key \"\(unknown)\" (known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        func address(_ key: String, _ value: JSONValue?) throws(DeploymentError) -> Address {
            guard let s = value?.stringValue else { throw DeploymentError("\(path): \"\(key)\" must be an address string") }
            let parsed: Address
            do { parsed = try Address(s) } catch { throw DeploymentError("\(path): \"\(key)\": \(error)") }
            guard parsed != Address.zero || key.hasPrefix("tokens") else {
                throw DeploymentError("\(path): \"\(key)\" is the zero address")
            }
            return parsed
        }
        func addresses(_ key: String) throws(DeploymentError) -> [Address] {
            guard let value = json[key] else { return [] }
            guard let items = value.arrayValue else { throw DeploymentError("\(path): \"\(key)\" must be an array of addresses") }
            var out: [Address] = []
            for (i, item) in items.enumerated() { out.append(try address("\(key)[\(i)]", item)) }
            return out
        }
        func amount(_ key: String, _ value: JSONValue) throws(DeploymentError) -> UInt256 {
            if let s = value.stringValue { return try AmountText.parse(s, what: "\(path): \"\(key)\"") }
            if case .number(let n) = value { return try AmountText.parse(n, what: "\(path): \"\(key)\"") }
            throw DeploymentError("\(path): \"\(key)\" must be a non-negative integer or a decimal string")
        }
        admin = try json["admin"].map { v throws(DeploymentError) in try address("admin", v) }
        writer = try address("writer", json["writer"])
        reporters = try addresses("reporters")
        if let one = json["reporter"] { reporters.append(try address("reporter", one)) }
        guard !reporters.isEmpty else { throw DeploymentError("\(path): give \"reporter\" or \"reporters\"") }
        if let dup = Self.firstDuplicate(reporters) { throw DeploymentError("\(path): reporter \(dup.checksummed) is listed twice") }
        disputer = try json["disputer"].map { v throws(DeploymentError) in try address("disputer", v) }
        if let value = json["resolver"] {
            resolver = try address("resolver", value)
        } else if let admin {
            resolver = admin
        } else {
            throw DeploymentError("\(path): give \"resolver\" (or \"admin\"): the oracle's resolver settles disputes and must be a multisig, never the deployer key by default")
        }
        minter = try address("minter", json["minter"])
        signers = try addresses("signers")
        guard !signers.isEmpty else { throw DeploymentError("\(path): \"signers\" (the vault's multisig signers) is required") }
        guard signers.count <= Self.maximumSigners else {
            throw DeploymentError("\(path): \(signers.count) signers; the vault takes at most \(Self.maximumSigners)")
        }
        // The vault stores its signers in ascending order and refuses any other.
        signers.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        if let dup = Self.firstDuplicate(signers) { throw DeploymentError("\(path): signer \(dup.checksummed) is listed twice") }
        guard let t = json["threshold"] else { throw DeploymentError("\(path): \"threshold\" is required") }
        threshold = try amount("threshold", t)
        guard threshold >= UInt256(2), threshold <= UInt256(signers.count) else {
            throw DeploymentError("\(path): \"threshold\" \(threshold) must be between 2 and the number of signers (\(signers.count))")
        }
        tokens = try addresses("tokens")
        if let dup = Self.firstDuplicate(tokens) { throw DeploymentError("\(path): token \(dup.checksummed) is listed twice") }
        var limits: [UInt256] = []
        if let value = json["dailyLimits"] {
            guard let items = value.arrayValue else { throw DeploymentError("\(path): \"dailyLimits\" must be an array of amounts") }
            for (i, item) in items.enumerated() { limits.append(try amount("dailyLimits[\(i)]", item)) }
        }
        dailyLimits = limits
        guard tokens.count == dailyLimits.count else {
            throw DeploymentError("\(path): \"tokens\" and \"dailyLimits\" must have the same length (\(tokens.count) vs \(dailyLimits.count))")
        }
        treasury = try json["treasury"].map { v throws(DeploymentError) in try address("treasury", v) }
        if let value = json["artifacts"] {
            guard let s = value.stringValue, !s.isEmpty else { throw DeploymentError("\(path): \"artifacts\" must be a directory path") }
            artifacts = s
        } else {
            artifacts = "ABI"
        }
        if let value = json["chainId"] {
            guard let id = value.uint64Value, id > 0 else { throw DeploymentError("\(path): \"chainId\" must be a positive integer") }
            chainId = id
        } else {
            chainId = nil
        }
    }

    private static func firstDuplicate(_ list: [Address]) -> Address? {
        var seen = Set<Address>()
        return list.first { !seen.insert($0).inserted }
    }
}
