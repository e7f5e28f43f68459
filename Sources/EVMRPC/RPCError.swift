import EVM

/// Everything that can go wrong talking to a node: one type whose cases separate where it failed.
public enum RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection failed, was refused or dropped before a complete response arrived.
    case transport(String)
    /// No response within the per-request timeout.
    case timeout(method: String)
    /// The node answered with a non-2xx HTTP status (other than 429).
    case http(status: Int, body: String)
    /// The node refused the request for rate limiting (HTTP 429 or JSON-RPC `-32005` "limit exceeded").
    case rateLimited(retryAfterSeconds: Int?)
    /// The response was not valid JSON-RPC.
    case invalidResponse(String)
    /// The node answered with a JSON-RPC error.
    case server(code: Int, message: String, data: JSONRPCValue?)
    /// Execution reverted (`eth_call`, `eth_estimateGas`): the raw revert data and the node's message.
    case revert(data: [UInt8], message: String?)
    /// The result was valid JSON-RPC but not of the expected shape.
    case decoding(method: String, detail: String)
    /// A batch response had no answer for a request id.
    case missingResponse(id: Int)
    /// The client was shut down or the task was cancelled.
    case cancelled

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .transport(let m): return "transport failure: \(m)"
        case .timeout(let method): return "timeout waiting for \(method)"
        case .http(let status, let body): return "HTTP \(status): \(body.prefix(200))"
        case .rateLimited(let s): return "rate limited" + (s.map { " (retry after \($0) s)" } ?? "")
        case .invalidResponse(let m): return "invalid JSON-RPC response: \(m)"
        case .server(let code, let message, _): return "JSON-RPC error \(code): \(message)"
        case .revert(let data, let message):
            return (message ?? "execution reverted") + (data.isEmpty ? "" : " (data \(Hex.encode(data)))")
        case .decoding(let method, let detail): return "unexpected result of \(method): \(detail)"
        case .missingResponse(let id): return "no response for request id \(id) in the batch"
        case .cancelled: return "cancelled"
        }
    }

    /// Whether retrying the same request (possibly on another endpoint) can succeed.
    public var isTransient: Bool {
        switch self {
        case .transport, .timeout, .rateLimited, .invalidResponse: return true
        case .http(let status, _): return status >= 500 || status == 408
        case .server(let code, let message, _):
            // -32603 internal errors and "header not found" races behind load balancers are worth another try.
            return code == -32603 || message.lowercased().contains("header not found")
        case .revert, .decoding, .missingResponse, .cancelled: return false
        }
    }

    /// Whether the request may have reached the node (and so may have taken effect).
    public var mayHaveReachedNode: Bool {
        switch self {
        case .transport, .timeout, .invalidResponse, .http: return true
        default: return false
        }
    }

    /// The JSON-RPC error code, when the node answered with one.
    public var code: Int? {
        switch self {
        case .server(let code, _, _): return code
        case .revert: return 3
        default: return nil
        }
    }

    /// The raw revert data (selector + ABI-encoded arguments) when execution reverted: decode it with the
    /// ABI layer's error decoding (`Error(string)`, `Panic(uint256)`, custom errors).
    public var revertData: [UInt8]? {
        if case .revert(let data, _) = self { return data }
        return nil
    }

    /// The JSON-RPC error message, when the node answered with one.
    public var serverMessage: String? {
        switch self {
        case .server(_, let message, _): return message
        case .revert(_, let message): return message
        default: return nil
        }
    }

    /// Classifies a JSON-RPC error object: reverts and rate limits get their own cases.
    static func fromServer(code: Int, message: String, data: JSONRPCValue?) -> RPCError {
        let lower = message.lowercased()
        if code == 3 || (lower.hasPrefix("execution reverted") && data?.stringValue != nil) {
            let bytes = data?.stringValue.flatMap { try? Hex.decode($0) } ?? []
            return .revert(data: bytes, message: message)
        }
        if code == -32005 || code == 429 || code == -32029 {
            let isRange = lower.contains("range") || lower.contains("more than") || lower.contains("too many results")
                || lower.contains("response size")
            if !isRange { return .rateLimited(retryAfterSeconds: nil) }
        }
        if lower.contains("rate limit") || lower.contains("too many requests") {
            return .rateLimited(retryAfterSeconds: nil)
        }
        return .server(code: code, message: message, data: data)
    }
}

extension RPCError {
    /// The revert decoded through the ABI layer: `Error(string)`, `Panic(uint256)`, or a custom error of `abi`
    /// (nil when this is not a revert, or its data matches nothing known).
    public func decodedRevert(abi: ContractABI? = nil) -> ABIRevert? {
        guard case .revert(let data, _) = self else { return nil }
        return try? ABIRevert(decoding: data, abi: abi)
    }
}
