import EVM
import Receipts

/// The commands that change a prediction engine: what the in-memory `PredictionEngine` and the durable engine
/// of the `PredictionStore` module both implement, so code that drives an engine (`Simulation`, the CLI) is
/// written once. A durable implementation returns only after the command is committed, and throws when its store
/// fails (nothing is then acknowledged); the engine's own refusals are thrown as the engine's typed errors.
public protocol PredictionCommands {
    /// The engine's state after every command so far.
    var engine: PredictionEngine { get }
    /// Registers an asset.
    mutating func addAsset(_ id: AssetID, enabled: Bool) throws
    /// Sets the current price of an asset (the entry price of the next placements).
    mutating func setCurrentPrice(_ price: UInt64?, asset id: AssetID) throws
    /// Registers a user.
    mutating func registerUser(address: Address, tier: VIPTier) throws -> UserID
    /// Credits a user's balance from the faucet.
    mutating func deposit(_ amount: UInt64, to user: UserID) throws
    /// Places predictions in order; each gets its placement or its refusal. Throws only when the store fails.
    mutating func place(batch: [(PlacementRequest, UInt64)]) throws -> [Result<Placement, PlacementError>]
    /// Records a round's lock price (the price at its cutoff; `nil` when there was none).
    mutating func lock(asset id: AssetID, settlesAt: UInt64, price: UInt64?) throws
    /// Settles a round on its settlement price (`nil`: no price, the round is voided and refunded).
    mutating func settle(asset id: AssetID, settlesAt: UInt64, price: UInt64?) throws -> RoundReport
}

extension PredictionCommands {
    /// Places one prediction: its placement or its refusal. Throws only when the store fails.
    public mutating func submit(_ request: PlacementRequest, at now: UInt64) throws -> Result<Placement, PlacementError> {
        try place(batch: [(request, now)])[0]
    }
}

extension PredictionEngine: PredictionCommands {
    /// The engine itself.
    public var engine: PredictionEngine { self }

    /// `place(contentsOf:)` of an array (the in-memory engine never fails to store).
    public mutating func place(batch: [(PlacementRequest, UInt64)]) -> [Result<Placement, PlacementError>] {
        place(contentsOf: batch)
    }
}
