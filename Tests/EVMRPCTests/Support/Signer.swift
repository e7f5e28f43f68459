import EVM
import EVMRPC
import Foundation
import TestSupport

/// eth-account in a long-lived Python process (Support/signer.py), one JSON line per signature.
final class PythonSigningService: @unchecked Sendable {
    static let shared: PythonSigningService = try! PythonSigningService()

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let queue = DispatchQueue(label: "python-signer")
    private var buffer = Data()

    init() throws {
        process.executableURL = pythonInterpreter
        process.arguments = [repositoryRoot.appendingPathComponent("Tests/EVMRPCTests/Support/signer.py").path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Signs `tx` (eth-account field names) with `key`; returns the raw transaction.
    func sign(key: String, tx: [String: Any]) async throws -> [UInt8] {
        let line = try JSONSerialization.data(withJSONObject: ["key": key, "tx": tx]) + Data([0x0A])
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                self.input.fileHandleForWriting.write(line)
                var answer = Data()
                while true {
                    if let newline = self.buffer.firstIndex(of: 0x0A) {
                        answer = self.buffer[self.buffer.startIndex..<newline]
                        self.buffer = Data(self.buffer[(newline + 1)...])
                        break
                    }
                    let chunk = self.output.fileHandleForReading.availableData
                    if chunk.isEmpty { continuation.resume(throwing: ChildProcessError(description: "signer exited")); return }
                    self.buffer.append(chunk)
                }
                guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any],
                      let raw = object["raw"] as? String, let bytes = try? Hex.decode(raw) else {
                    continuation.resume(throwing: ChildProcessError(description: "signer: \(String(decoding: answer, as: UTF8.self))"))
                    return
                }
                continuation.resume(returning: bytes)
            }
        }
    }
}

/// A ``TransactionSigner`` backed by eth-account (stands in for EVMSigner until it lands).
struct EthAccountSigner: TransactionSigner {
    let address: Address
    let key: String

    func sign(_ request: TransactionRequest, nonce: UInt64, fees: Fees, gasLimit: UInt64) async throws -> RawTransaction {
        var tx: [String: Any] = [
            "chainId": Int(request.chainId), "nonce": Int(nonce), "gas": Int(gasLimit),
            "value": request.value.hexString, "data": Hex.encode(request.data),
        ]
        if let to = request.to { tx["to"] = to.checksummed }
        switch fees {
        case .eip1559(let maxFee, let tip):
            tx["type"] = 2
            tx["maxFeePerGas"] = maxFee.hexString
            tx["maxPriorityFeePerGas"] = tip.hexString
        case .legacy(let price):
            tx["gasPrice"] = price.hexString
        }
        let raw = try await PythonSigningService.shared.sign(key: key, tx: tx)
        return RawTransaction(raw: raw, nonce: nonce, fees: fees, gasLimit: gasLimit)
    }
}
