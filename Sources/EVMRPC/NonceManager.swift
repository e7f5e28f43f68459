import EVM

/// Hands out consecutive nonces for one sender to concurrent tasks, and resynchronises from the chain.
///
/// The first call reads the chain's `pending` nonce (all concurrent first callers share that one read).
/// A nonce whose transaction definitely did not reach the pool is given back with ``release(_:)`` and handed
/// out again before any new one, so no nonce is skipped. After "nonce too low", a dropped transaction or a
/// restart, ``resync(force:)`` takes the chain's view again.
public actor NonceManager {
    /// The sender.
    public nonisolated let address: Address
    private let client: RPCClient
    private var next: UInt64?
    private var released: [UInt64] = []  // sorted ascending
    private var loading: Task<UInt64, any Error>?

    /// A manager for `address` on `client`.
    public init(address: Address, client: RPCClient) {
        self.address = address
        self.client = client
    }

    /// The next nonce to use.
    public func next() async throws(RPCError) -> UInt64 {
        if !released.isEmpty { return released.removeFirst() }
        if next == nil { try await load() }
        guard let value = next else { throw .cancelled }
        next = value + 1
        return value
    }

    /// Gives back `nonce` whose transaction was refused (never reached the pool): it is handed out again first.
    public func release(_ nonce: UInt64) {
        guard let n = next, nonce < n, !released.contains(nonce) else { return }
        if nonce == n - 1 && released.isEmpty {
            next = nonce
            return
        }
        let index = released.firstIndex { $0 > nonce } ?? released.count
        released.insert(nonce, at: index)
    }

    /// Reads the chain's `pending` nonce again and continues from the higher of it and the local counter
    /// (`force` takes the chain's value even when lower, e.g. after dropped transactions).
    public func resync(force: Bool = false) async throws(RPCError) {
        let chain = try await client.nonce(of: address, at: .pending)
        released.removeAll { $0 < chain }
        if force || next == nil { next = chain } else { next = max(next!, chain) }
    }

    /// The nonce that ``next()`` would hand out if no nonce were released (nil before the first load).
    public var peek: UInt64? { released.first ?? next }

    private func load() async throws(RPCError) {
        if let loading {
            do { let value = try await loading.value; if next == nil { next = value } } catch let e as RPCError { throw e } catch { throw .cancelled }
            return
        }
        let client = self.client, address = self.address
        let task = Task { () async throws -> UInt64 in try await client.nonce(of: address, at: .pending) }
        loading = task
        defer { loading = nil }
        do {
            let value = try await task.value
            if next == nil { next = value }
        } catch let e as RPCError { throw e } catch { throw .cancelled }
    }
}
