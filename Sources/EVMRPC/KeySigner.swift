import EVM
import EVMSigner

/// A ``TransactionSigner`` holding a secp256k1 private key (EVMSigner): EIP-1559 transactions for
/// ``Fees/eip1559(maxFeePerGas:maxPriorityFeePerGas:)``, EIP-155 legacy ones for ``Fees/legacy(gasPrice:)``.
public struct KeySigner: TransactionSigner {
    /// The key's address.
    public let address: Address
    private let key: PrivateKey

    /// A signer for `key`.
    public init(key: PrivateKey) {
        self.key = key
        self.address = key.address
    }

    /// Signs `request` with `nonce`, `fees` and `gasLimit`.
    public func sign(_ request: TransactionRequest, nonce: UInt64, fees: Fees, gasLimit: UInt64) async throws -> RawTransaction {
        let signed: SignedTransaction
        switch fees {
        case .eip1559(let maxFee, let tip):
            signed = try DynamicFeeTransaction(
                chainId: request.chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gasLimit,
                to: request.to, value: request.value, data: request.data
            ).signed(by: key)
        case .legacy(let price):
            signed = try LegacyTransaction(
                chainId: request.chainId, nonce: nonce, gasPrice: price, gasLimit: gasLimit,
                to: request.to, value: request.value, data: request.data
            ).signed(by: key)
        }
        return RawTransaction(raw: signed.rawRepresentation, nonce: nonce, fees: fees, gasLimit: gasLimit)
    }
}
