import EVM

/// When a transaction counts as final on a chain.
public enum FinalityRule: Sendable, Hashable {
    /// Final once the node's `finalized` block tag reaches its block.
    case finalizedTag
    /// Final after this many confirmations (the including block counts as one).
    case confirmations(UInt64)
}

/// A network preset: chain id, fee floor, block time and finality rule.
public struct Chain: Sendable, Hashable, CustomStringConvertible {
    /// Short name used on the command line (`polygon`, `amoy`, …).
    public var name: String
    /// The EIP-155 chain id.
    public var id: UInt64
    /// The smallest priority fee the network accepts (Polygon: 25 gwei), in wei.
    public var minPriorityFee: UInt256
    /// Typical block interval.
    public var blockTime: Duration
    /// When a transaction is final.
    public var finality: FinalityRule
    /// Whether the chain prices gas with EIP-1559 (otherwise legacy `gasPrice`).
    public var supportsEIP1559: Bool

    /// A custom preset.
    public init(name: String, id: UInt64, minPriorityFee: UInt256 = .zero, blockTime: Duration = .seconds(12),
                finality: FinalityRule = .finalizedTag, supportsEIP1559: Bool = true) {
        self.name = name
        self.id = id
        self.minPriorityFee = minPriorityFee
        self.blockTime = blockTime
        self.finality = finality
        self.supportsEIP1559 = supportsEIP1559
    }

    /// The name and the chain id, as `polygon (137)`.
    public var description: String { "\(name) (\(id))" }

    static let gwei = UInt256(1_000_000_000)

    /// Polygon PoS mainnet: 25 gwei minimum tip, ~2 s blocks, finality by the `finalized` tag (milestones).
    public static let polygon = Chain(name: "polygon", id: 137, minPriorityFee: gwei * 25, blockTime: .seconds(2))
    /// Polygon Amoy testnet.
    public static let amoy = Chain(name: "amoy", id: 80002, minPriorityFee: gwei * 25, blockTime: .seconds(2))
    /// Ethereum mainnet.
    public static let ethereum = Chain(name: "ethereum", id: 1, blockTime: .seconds(12))
    /// Sepolia testnet.
    public static let sepolia = Chain(name: "sepolia", id: 11_155_111, blockTime: .seconds(12))
    /// The local devnet (`Scripts/devnet`), anvil and hardhat: instant blocks, one confirmation.
    public static let local = Chain(name: "local", id: 31337, blockTime: .milliseconds(100), finality: .confirmations(1))

    /// Every preset.
    public static let presets: [Chain] = [.polygon, .amoy, .ethereum, .sepolia, .local]

    /// The preset named `name` (case-insensitive; also `mainnet`, `matic`, `devnet`, `anvil`, `hardhat`).
    public static func named(_ name: String) -> Chain? {
        switch name.lowercased() {
        case "polygon", "matic", "polygon-mainnet": return .polygon
        case "amoy", "polygon-amoy": return .amoy
        case "ethereum", "mainnet", "eth": return .ethereum
        case "sepolia": return .sepolia
        case "local", "devnet", "anvil", "hardhat", "localhost": return .local
        default: return nil
        }
    }

    /// The preset with chain id `id`.
    public static func withID(_ id: UInt64) -> Chain? { presets.first { $0.id == id } }
}
