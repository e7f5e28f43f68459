extension PredictionEngine {
    /// The number of registered users (user ids are `0 ..< userCount`).
    public var userCount: Int { users.count }

    /// Changes a user's VIP tier (from then on, settlements charge the fee of the new tier). Used when a VIP pass
    /// is bought, sold or transferred on chain (BadgeKit's VIP tier sync). Refused for an unknown user.
    public mutating func setTier(_ tier: VIPTier, of user: UserID) throws(LedgerError) {
        guard Int(user.raw) < users.count else { throw .unknownUser(user) }
        users[Int(user.raw)].tier = tier
    }
}
