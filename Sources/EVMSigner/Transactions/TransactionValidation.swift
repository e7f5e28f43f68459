import EVM

extension Transaction {
    /// Gas charged before execution (Shanghai/Prague rules): 21000, +32000 and 2 per init-code word when creating,
    /// 4 per zero and 16 per non-zero data byte, 2400 per access-list address, 1900 per storage key,
    /// 25000 per EIP-7702 authorization.
    public var intrinsicGas: UInt64 {
        let data = self.data
        var gas: UInt64 = 21_000
        var zeros: UInt64 = 0
        for byte in data where byte == 0 { zeros += 1 }
        gas += zeros * 4 + (UInt64(data.count) - zeros) * 16
        if to == nil { gas += 32_000 + 2 * ((UInt64(data.count) + 31) / 32) }
        for entry in accessList { gas += 2_400 + 1_900 * UInt64(entry.storageKeys.count) }
        if case .setCode(let t) = self { gas += 25_000 * UInt64(t.authorizationList.count) }
        return gas
    }

    /// Checks the rules a node applies before accepting the transaction.
    ///
    /// - Parameters:
    ///   - expectedChainId: when given, the transaction's chain id must equal it (a pre-EIP-155 legacy
    ///     transaction, valid on every chain, is accepted unless `requireReplayProtection`).
    ///   - requireReplayProtection: refuse a pre-EIP-155 legacy transaction (no chain id) when
    ///     `expectedChainId` is given.
    /// - Throws: `chainIdMismatch`, `feeCapBelowPriorityFee`, `gasLimitPriceProductOverflow`,
    ///   `gasLimitBelowIntrinsicCost`, `initCodeTooLarge`, `valueTooLarge(field: "nonce")` (2^64−1, EIP-2681),
    ///   `emptyAuthorizationList`.
    public func validate(chainId expectedChainId: UInt64? = nil, requireReplayProtection: Bool = false) throws(TransactionError) {
        if let expectedChainId {
            let got = chainId
            if got != expectedChainId && (got != nil || requireReplayProtection) {
                throw .chainIdMismatch(expected: expectedChainId, got: got)
            }
        }
        if nonce == .max { throw .valueTooLarge(field: "nonce") }
        if let tip = maxPriorityFeePerGas, maxFeePerGas < tip {
            throw .feeCapBelowPriorityFee(maxFeePerGas: maxFeePerGas, maxPriorityFeePerGas: tip)
        }
        if UInt256(gasLimit).multipliedReportingOverflow(by: maxFeePerGas).overflow { throw .gasLimitPriceProductOverflow }
        if to == nil, data.count > 49_152 { throw .initCodeTooLarge(data.count) }
        if case .setCode(let t) = self, t.authorizationList.isEmpty { throw .emptyAuthorizationList }
        let intrinsic = intrinsicGas
        if gasLimit < intrinsic { throw .gasLimitBelowIntrinsicCost(gasLimit: gasLimit, intrinsicGas: intrinsic) }
    }
}

extension SignedTransaction {
    /// `transaction.validate(chainId:requireReplayProtection:)`.
    public func validate(chainId: UInt64? = nil, requireReplayProtection: Bool = false) throws(TransactionError) {
        try transaction.validate(chainId: chainId, requireReplayProtection: requireReplayProtection)
    }
}
