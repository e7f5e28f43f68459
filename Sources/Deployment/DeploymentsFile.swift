import EVM
import EVMRPC
import Foundation

/// `deployments/<chain-id>.json`: what `deploy-suite` deployed on one chain. Written atomically (temporary file,
/// fsync, rename) after every change. A creation transaction is recorded as pending before it is sent, and each
/// fee-bumped replacement before it is sent, so a run that crashes is finished by the next one (which finds
/// whichever of them was mined) instead of deploying twice.
public struct DeploymentsFile: Sendable {
    /// One signed transaction of a creation: the first, or a replacement (same nonce, higher fees).
    public struct SentTransaction: Sendable, Equatable {
        /// Its hash.
        public var hash: Bytes32
        /// Its signed bytes, to rebroadcast.
        public var raw: [UInt8]
        /// A transaction of `raw`.
        public init(hash: Bytes32, raw: [UInt8]) {
            self.hash = hash
            self.raw = raw
        }
    }

    /// One contract's record.
    public struct Entry: Sendable, Equatable {
        /// The artifact's contract name.
        public var name: String
        /// Where it is (once deployed).
        public var address: Address?
        /// The creation transaction that was included (while pending: the last one sent).
        public var transactionHash: Bytes32
        /// Block of the creation.
        public var blockNumber: UInt64?
        /// Gas used by the creation.
        public var gasUsed: UInt64?
        /// `keccak256` of the artifact's creation code.
        public var artifactHash: Bytes32
        /// The ABI-encoded constructor arguments.
        public var constructorArguments: [UInt8]
        /// `pending` (sent, not yet seen final) or `deployed`.
        public var status: String
        /// The deployer's nonce the creation uses (while pending).
        public var nonce: UInt64?
        /// Every signed creation transaction while pending: the first and each replacement, oldest first.
        public var transactions: [SentTransaction]

        /// An entry.
        public init(name: String, address: Address?, transactionHash: Bytes32, blockNumber: UInt64?, gasUsed: UInt64?,
                    artifactHash: Bytes32, constructorArguments: [UInt8], status: String, nonce: UInt64? = nil,
                    transactions: [SentTransaction] = []) {
            self.name = name
            self.address = address
            self.transactionHash = transactionHash
            self.blockNumber = blockNumber
            self.gasUsed = gasUsed
            self.artifactHash = artifactHash
            self.constructorArguments = constructorArguments
            self.status = status
            self.nonce = nonce
            self.transactions = transactions
        }

        /// The entry as JSON (Foundation objects).
        public var json: [String: Any] {
            var o: [String: Any] = [
                "name": name, "transactionHash": transactionHash.description, "artifactHash": artifactHash.description,
                "constructorArguments": Hex.encode(constructorArguments), "status": status,
            ]
            if let address { o["address"] = address.checksummed }
            if let blockNumber { o["blockNumber"] = blockNumber }
            if let gasUsed { o["gasUsed"] = gasUsed }
            if let nonce { o["nonce"] = nonce }
            if !transactions.isEmpty {
                o["transactions"] = transactions.map { ["hash": $0.hash.description, "raw": Hex.encode($0.raw)] }
            }
            return o
        }

        /// Reads an entry; `path` names the file in errors.
        public init(json: JSONValue, path: String) throws(DeploymentError) {
            guard json.objectValue != nil else { throw DeploymentError("\(path): a contract entry must be an object") }
            func field(_ key: String) throws(DeploymentError) -> String {
                guard let s = json[key]?.stringValue else { throw DeploymentError("\(path): entry without \"\(key)\"") }
                return s
            }
            do {
                name = try field("name")
                address = try json["address"]?.stringValue.map { try Address($0) }
                transactionHash = try Bytes32(hex: try field("transactionHash"))
                blockNumber = json["blockNumber"]?.uint64Value
                gasUsed = json["gasUsed"]?.uint64Value
                artifactHash = try Bytes32(hex: try field("artifactHash"))
                constructorArguments = try Hex.decode(try field("constructorArguments"))
                status = try field("status")
                nonce = json["nonce"]?.uint64Value
                var sent: [SentTransaction] = []
                if let list = json["transactions"] {
                    guard let items = list.arrayValue else { throw DeploymentError("\(path): \"transactions\" must be an array") }
                    for item in items {
                        guard let hash = item["hash"]?.stringValue, let raw = item["raw"]?.stringValue else {
                            throw DeploymentError("\(path): a transaction needs \"hash\" and \"raw\"")
                        }
                        sent.append(SentTransaction(hash: try Bytes32(hex: hash), raw: try Hex.decode(raw)))
                    }
                }
                // Files written before replacements were recorded hold one "rawTransaction".
                if sent.isEmpty, let raw = json["rawTransaction"]?.stringValue {
                    sent.append(SentTransaction(hash: transactionHash, raw: try Hex.decode(raw)))
                }
                transactions = sent
            } catch let error as DeploymentError {
                throw error
            } catch {
                throw DeploymentError("\(path): invalid entry: \(error)")
            }
            guard status == "pending" || status == "deployed" else {
                throw DeploymentError("\(path): entry \(name): unknown status \(status.debugDescription)")
            }
        }
    }

    /// The file.
    public let path: String
    /// The chain it records.
    public let chainId: UInt64
    /// Who deployed.
    public var deployer: Address
    /// The contracts by name.
    public var contracts: [String: Entry] = [:]

    /// The path of the file for `chainId` in `directory`.
    public static func path(directory: String, chainId: UInt64) -> String {
        (directory as NSString).appendingPathComponent("\(chainId).json")
    }

    /// Reads the file for `chainId` in `directory`, or starts an empty one when there is none. A file of another
    /// chain or of the wrong shape is refused (never treated as empty, so never overwritten).
    public init(directory: String, chainId: UInt64, deployer: Address) throws(DeploymentError) {
        path = Self.path(directory: directory, chainId: chainId)
        self.chainId = chainId
        self.deployer = deployer
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text = try DeploymentFiles.readText(path, what: "deployments file")
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw DeploymentError("\(path): not JSON: \(error)") }
        guard json.objectValue != nil else { throw DeploymentError("\(path): expected a JSON object") }
        if let id = json["chainId"] {
            guard let id = id.uint64Value else { throw DeploymentError("\(path): \"chainId\" must be a number") }
            guard id == chainId else { throw DeploymentError("\(path) records chain \(id), but the node is chain \(chainId)") }
        }
        if let contracts = json["contracts"] {
            guard let members = contracts.objectValue else {
                throw DeploymentError("\(path): \"contracts\" must be an object of contract entries")
            }
            for (name, value) in members { self.contracts[name] = try Entry(json: value, path: path) }
        }
    }

    /// Writes the file durably: temporary file, fsync, rename, fsync of the directory.
    public func save() throws(DeploymentError) {
        let object: [String: Any] = [
            "chainId": chainId, "deployer": deployer.checksummed,
            "contracts": contracts.mapValues(\.json),
        ]
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        } catch {
            throw DeploymentError("\(path): cannot encode: \(error)")
        }
        try DeploymentFiles.writeAtomically(data + Data("\n".utf8), to: path)
    }

    /// The address recorded as deployed for `name`.
    public func deployedAddress(_ name: String) -> Address? {
        guard let entry = contracts[name], entry.status == "deployed" else { return nil }
        return entry.address
    }
}
