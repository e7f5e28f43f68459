import EVM
import EVMRPC
import PredictionCore
import Receipts

/// Why an oracle action (report, finalize, dispute, resolve, read) or a price computation failed.
public enum OracleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a settlement mark (`t % 600 != 540`).
    case notAMark(UInt64)
    /// The report window of the mark is not open yet: reports are accepted from the mark itself.
    case windowNotOpen(asset: String, mark: UInt64, opensAt: UInt64, now: UInt64)
    /// The report window of the mark closed before this reporter reported.
    case windowClosed(asset: String, mark: UInt64, closedAt: UInt64, now: UInt64)
    /// `finalize` before the report window closed.
    case reportWindowOpen(asset: String, mark: UInt64, closesAt: UInt64, now: UInt64)
    /// The price sources gave no aggregated price (fewer than the minimum fresh, agreeing sources).
    case noAggregatedPrice(asset: String, at: UInt64, fresh: Int, outliers: Int, stale: Int, minimum: Int)
    /// An asset the price sources do not quote.
    case unknownAsset(asset: String, sources: String, known: [String])
    /// A quotes file that is not of the documented shape.
    case badQuotes(String)
    /// A price the oracle cannot take (0, or not below 2^96).
    case priceOutOfRange(String)
    /// The contract refused the transaction or call: the action, the sender, and the revert reason as the contract says it.
    case reverted(action: String, sender: Address?, reason: String)
    /// The node or the transaction failed (not a revert).
    case chain(action: String, detail: String)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .notAMark(let t):
            return "\(t) is not a settlement mark (t % 600 != 540; the marks are :09, :19 … :59 UTC)"
        case .windowNotOpen(let asset, let mark, let opensAt, let now):
            return "the report window of \(asset) \(mark) is not open yet: it opens at \(opensAt) (chain time \(now), \(opensAt - min(opensAt, now)) s to go)"
        case .windowClosed(let asset, let mark, let closedAt, let now):
            return "the report window of \(asset) \(mark) closed at \(closedAt) (chain time \(now))"
        case .reportWindowOpen(let asset, let mark, let closesAt, let now):
            return "cannot finalize \(asset) \(mark) yet: its report window is open until \(closesAt) (chain time \(now))"
        case .noAggregatedPrice(let asset, let at, let fresh, let outliers, let stale, let minimum):
            return "no aggregated price of \(asset) at \(at): \(fresh) fresh source(s), \(outliers) outlier(s), \(stale) stale quote(s); at least \(minimum) fresh, agreeing sources are required"
        case .unknownAsset(let asset, let sources, let known):
            return "unknown asset \(asset): \(sources) quote\(known.isEmpty ? " no asset" : " " + known.joined(separator: ", "))"
        case .badQuotes(let why):
            return "quotes file: \(why)"
        case .priceOutOfRange(let text):
            return "price \(text) is out of range (0 < price < 2^96, 8 decimals)"
        case .reverted(let action, let sender, let reason):
            return "\(action) reverted: \(reason)" + (sender.map { " (sent by \($0.checksummed))" } ?? "")
        case .chain(let action, let detail):
            return "\(action): \(detail)"
        }
    }

    /// The oracle error of a contract error raised by `action` sent by `sender`: reverts keep the contract's reason.
    public static func from(_ error: ContractError, action: String, sender: Address?) -> OracleError {
        switch error {
        case .reverted(let revert, let data, let transaction):
            var reason: String
            switch revert {
            case .message(let text)?: reason = text
            case let other?: reason = "\(other)"
            case nil: reason = data.isEmpty ? "no reason given" : "data \(Hex.encode(data))"
            }
            if let transaction { reason += " (transaction \(transaction))" }
            return .reverted(action: action, sender: sender, reason: reason)
        default:
            return .chain(action: action, detail: "\(error)")
        }
    }

    /// The contract's revert reason, when this is a revert.
    public var revertReason: String? {
        if case .reverted(_, _, let reason) = self { return reason }
        return nil
    }
}
