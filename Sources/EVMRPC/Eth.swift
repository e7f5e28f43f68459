import EVM

/// Typed `eth_*` calls.
extension RPCClient {
    /// `eth_chainId`.
    public func chainId() async throws(RPCError) -> UInt64 {
        try await call("eth_chainId", as: Quantity.self).value
    }

    /// `eth_blockNumber`.
    public func blockNumber() async throws(RPCError) -> UInt64 {
        try await call("eth_blockNumber", as: Quantity.self).value
    }

    /// `eth_getBalance` of `address` at `block`, in wei.
    public func balance(of address: Address, at block: BlockTag = .latest) async throws(RPCError) -> UInt256 {
        try await call("eth_getBalance", [.address(address), block.json])
    }

    /// `eth_getTransactionCount`: the next nonce of `address` (`.pending` counts pool transactions too).
    public func nonce(of address: Address, at block: BlockTag = .latest) async throws(RPCError) -> UInt64 {
        try await call("eth_getTransactionCount", [.address(address), block.json], as: Quantity.self).value
    }

    /// `eth_getCode`: the deployed bytecode at `address` (empty for accounts without code).
    public func code(at address: Address, block: BlockTag = .latest) async throws(RPCError) -> [UInt8] {
        try await call("eth_getCode", [.address(address), block.json], as: HexData.self).bytes
    }

    /// `eth_getStorageAt`: one storage slot.
    public func storage(at address: Address, slot: UInt256, block: BlockTag = .latest) async throws(RPCError) -> Bytes32 {
        try await call("eth_getStorageAt", [.address(address), .quantity(slot), block.json])
    }

    /// `eth_call`: executes `request` at `block` without a transaction. Reverts throw ``RPCError/revert(data:message:)``.
    public func call(_ request: CallRequest, at block: BlockTag = .latest) async throws(RPCError) -> [UInt8] {
        try await call("eth_call", [request.json, block.json], as: HexData.self).bytes
    }

    /// `eth_estimateGas`. Reverts throw ``RPCError/revert(data:message:)``.
    public func estimateGas(_ request: CallRequest, at block: BlockTag? = nil) async throws(RPCError) -> UInt64 {
        var params = [request.json]
        if let block { params.append(block.json) }
        return try await call("eth_estimateGas", params, as: Quantity.self).value
    }

    /// `eth_gasPrice` (legacy price suggestion), in wei.
    public func gasPrice() async throws(RPCError) -> UInt256 {
        try await call("eth_gasPrice")
    }

    /// `eth_maxPriorityFeePerGas` (tip suggestion), in wei.
    public func maxPriorityFeePerGas() async throws(RPCError) -> UInt256 {
        try await call("eth_maxPriorityFeePerGas")
    }

    /// `eth_feeHistory` over `blockCount` blocks ending at `newest`, with priority fees at `percentiles`.
    public func feeHistory(blockCount: Int, newest: BlockTag = .latest, percentiles: [Double] = []) async throws(RPCError) -> FeeHistory {
        try await call("eth_feeHistory", [.quantity(blockCount), newest.json, .array(percentiles.map { JSONValue.double($0) })])
    }

    /// `eth_getTransactionByHash` (nil when the node does not know it).
    public func transaction(_ hash: Bytes32) async throws(RPCError) -> RPCTransaction? {
        try await call("eth_getTransactionByHash", [.hash(hash)])
    }

    /// `eth_getTransactionReceipt` (nil while not included).
    public func receipt(_ hash: Bytes32) async throws(RPCError) -> Receipt? {
        try await call("eth_getTransactionReceipt", [.hash(hash)])
    }

    /// `eth_getBlockByNumber` / `eth_getBlockByHash` (nil when there is no such block).
    public func block(_ tag: BlockTag, fullTransactions: Bool = false) async throws(RPCError) -> Block? {
        if case .hash(let hash) = tag {
            return try await call("eth_getBlockByHash", [.hash(hash), .bool(fullTransactions)])
        }
        return try await call("eth_getBlockByNumber", [tag.json, .bool(fullTransactions)])
    }

    /// `eth_sendRawTransaction`, never resent blindly.
    ///
    /// The hash is `keccak256(raw)`. When a first attempt fails in a way that may have reached the node
    /// (connection dropped, timeout, malformed response), the client asks `eth_getTransactionByHash` before
    /// sending again; "already known" from the node counts as success. Node rejections (nonce too low,
    /// underpriced, …) are thrown as ``RPCError/server(code:message:data:)`` without a retry.
    @discardableResult
    public func sendRawTransaction(_ raw: [UInt8]) async throws(RPCError) -> Bytes32 {
        let hash = Keccak256.hash(data: raw)
        let request = RPCRequest("eth_sendRawTransaction", [.data(raw)])
        let policy = configuration.retry
        var attempt = 0
        var mayBeKnown = false
        while true {
            attempt += 1
            if mayBeKnown, (try? await transaction(hash)) != nil { return hash }
            let index = currentIndex
            do {
                let result = try await once(request, on: transports[index])
                let returned: Bytes32 = try result.decode()
                return returned
            } catch {
                if case .server(_, let message, _) = error {
                    let lower = message.lowercased()
                    if lower.contains("already known") || lower.contains("known transaction") { return hash }
                    if mayBeKnown, lower.contains("nonce too low"), (try? await transaction(hash)) != nil { return hash }
                }
                guard error.isTransient, attempt < policy.maxAttempts, !Task.isCancelled else { throw error }
                if error.mayHaveReachedNode { mayBeKnown = true }
                failover(from: index)
                do { try await Task.sleep(for: policy.delay(beforeRetry: attempt)) } catch { throw .cancelled }
            }
        }
    }

    /// `eth_getLogs` over `filter`, splitting the block range when the node refuses it as too large
    /// (or too many results), down to single blocks.
    public func logs(_ filter: LogFilter) async throws(RPCError) -> [Log] {
        guard case .number(let from) = filter.fromBlock, case .number(let to) = filter.toBlock else {
            // Resolve tags to numbers so the range can be split if needed.
            var resolved = filter
            if case .number = filter.fromBlock {} else {
                if filter.fromBlock == .earliest { resolved.fromBlock = .number(0) } else {
                    guard let b = try await block(filter.fromBlock) else { return [] }
                    resolved.fromBlock = .number(b.number)
                }
            }
            if case .number = filter.toBlock {} else {
                guard let b = try await block(filter.toBlock) else { return [] }
                resolved.toBlock = .number(b.number)
            }
            return try await logs(resolved)
        }
        if from > to { return [] }
        var result: [Log] = []
        var stack: [(UInt64, UInt64)] = [(from, to)]
        while let range = stack.popLast() {
            let (low, high) = range
            var part = filter
            part.fromBlock = .number(low)
            part.toBlock = .number(high)
            do {
                let found: [Log] = try await call("eth_getLogs", [part.json])
                result.append(contentsOf: found)
            } catch {
                guard RPCClient.isRangeRefusal(error), low < high else { throw error }
                let suggested = RPCClient.suggestedRange(error).map { low + $0 - 1 }
                let mid = min(suggested ?? (low + (high - low) / 2), high - 1)
                stack.append((mid + 1, high))  // popped after the lower half
                stack.append((low, mid))
            }
        }
        return result
    }

    /// Whether `error` is a node refusing an `eth_getLogs` range as too large.
    static func isRangeRefusal(_ error: RPCError) -> Bool {
        guard case .server(let code, let message, _) = error else { return false }
        let lower = message.lowercased()
        return (code == -32005 || code == -32602 || code == -32000 || code == -32600 || code == -32614)
            && (lower.contains("range") || lower.contains("more than") || lower.contains("too many") || lower.contains("limit"))
    }

    /// The largest range a refusal message names ("max 50 blocks"), when it names one.
    static func suggestedRange(_ error: RPCError) -> UInt64? {
        guard case .server(_, let message, _) = error else { return nil }
        let words = message.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        for (i, word) in words.enumerated() where word == "max" || word == "maximum" {
            if i + 1 < words.count, let n = UInt64(words[i + 1]), n > 0 { return n }
        }
        return nil
    }
}
