import ArgumentParser
import BatchWriter
import EVM
import EVMRPC
import EVMSigner
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import PredictionStore
import Prometheus
import ServiceLifecycle
import Synchronization

/// `--db`: the store (default `$SIXNINES_DATABASE`, else the `database` of `--config`).
struct StoreOptions: ParsableArguments {
    @Option(help: "The batch writer's store: a SQLite file or postgres://user@host:port/db (default: $SIXNINES_DATABASE, else the database of --config).")
    var db: String?

    @Option(help: "A daemon config file to take the database from.")
    var config: String?

    /// Opens the queue (an existing SQLite file, or a PostgreSQL database).
    func open() async throws -> any BatchQueue {
        var location = db ?? ProcessInfo.processInfo.environment["SIXNINES_DATABASE"]
        if location == nil, let config { location = try DaemonSettings.load(file: config).database }
        guard let location else { throw CLIError("no database: give --db, $SIXNINES_DATABASE or --config") }
        if !PostgresLocation.isURL(location) {
            guard FileManager.default.fileExists(atPath: location) else { throw CLIError("no database at \(terminalSafe(location))") }
        }
        return try await openBatchQueue(database: location, outbox: nil)
    }
}

/// The batch queue at `database`: PostgreSQL for a `postgres://` URL (claiming the outbox of the core's SQLite database
/// `outbox`, if given), else the SQLite file (whose own `outbox` is claimed).
func openBatchQueue(database: String, outbox: String?) async throws -> any BatchQueue {
    do {
        if PostgresLocation.isURL(database) { return try await PostgresBatchQueue(url: database, outboxPath: outbox) }
        if outbox != nil { throw CLIError("outbox_database is for a PostgreSQL database: a SQLite database claims its own outbox") }
        return try SQLiteBatchQueue(path: database)
    } catch let error as CLIError {
        throw error
    } catch {
        throw CLIError("\(error)")
    }
}

/// The daemon's settings: the JSON config file, then `SIXNINES_*` variables on top.
struct DaemonSettings: Sendable {
    var database = "sixnines.sqlite"
    var outboxDatabase: String?
    var rpcURLs: [String] = ["http://127.0.0.1:8545"]
    var chain = "local"
    var chainId: UInt64?
    var registry: String?
    var explorerRPCURL: String?
    var badges: String?
    var writerKey: String?
    var writerKeyFile: String?
    var listenHost = "127.0.0.1"
    var listenPort = 8086
    var pollIntervalMillis: Int64 = 250
    var rpcTimeoutMillis: Int64 = 10_000
    var maxBodyBytes = 8 << 20
    var maxReceiptsPerRequest = 10_000
    var logLevel = "info"
    var batch = BatchWriterConfiguration()

    /// Keys with their help text.
    static let keys: [(String, String)] = [
        ("database", "SQLite file shared with the prediction core, or postgres://user@host:port/db shared by several daemons, one key each (default sixnines.sqlite)"),
        ("outbox_database", "with PostgreSQL: the core's SQLite file whose outbox this daemon claims (default none: POST /v1/receipts only)"),
        ("rpc_url", "JSON-RPC endpoint(s), comma-separated (default http://127.0.0.1:8545)"),
        ("chain", "chain preset for the fee floor: polygon, amoy, ethereum, sepolia, local (default local)"),
        ("chain_id", "chain id (default: the preset's)"),
        ("registry", "ReceiptRegistry address (required)"),
        ("explorer_rpc_url", "JSON-RPC URL the explorer page reads the chain through, from the user's browser (default: the first rpc_url)"),
        ("badges", "Badges contract address for the explorer's gallery (default: none)"),
        ("writer_key", "writer private key, hex (prefer writer_key_file)"),
        ("writer_key_file", "file holding the writer private key, hex"),
        ("listen_host", "HTTP listener address (default 127.0.0.1)"),
        ("listen_port", "HTTP port, 0 for any (default 8086)"),
        ("poll_interval_ms", "pause between steps (default 250)"),
        ("rpc_timeout_ms", "timeout of one RPC request (default 10000)"),
        ("max_body_bytes", "largest POST body (default 8 MiB)"),
        ("max_receipts_per_request", "most receipts per POST (default 10000)"),
        ("log_level", "trace, debug, info, notice, warning, error, critical (default info)"),
        ("max_batch_size", "receipts per batch (default 1000)"),
        ("max_age_ms", "a batch closes when its oldest receipt waited this long (default 30000)"),
        ("placement_lead_seconds", "placements anchored at least this long before their settlement (default 60)"),
        ("anchor_allowance_seconds", "time allowed for anchoring a closed placement batch (default 30)"),
        ("confirmations", "confirmations that make a block final (default 1)"),
        ("use_finalized_tag", "final = covered by the finalized tag (default false)"),
        ("replace_after_ms", "replace a transaction not included after this long (default 60000)"),
        ("bump_percent", "fee increase per replacement (default 12)"),
        ("rebroadcast_after_ms", "resend the same bytes after this long (default 10000)"),
        ("gas_limit", "gas limit of an anchor transaction (default 150000)"),
        ("claim_limit", "outbox rows claimed per step (default 20000)"),
        ("max_fee_per_gas_gwei", "fee ceiling of anchor transactions and replacements, gwei (default none)"),
        ("daily_root_delay_seconds", "anchor a UTC day's price root this long after the day ends, chain time (default 900)"),
    ]

    static var help: String { keys.map { "  \($0.0) (SIXNINES_\($0.0.uppercased())): \($0.1)" }.joined(separator: "\n") }

    /// Loads `file` (if any), then the environment.
    static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DaemonSettings {
        var values: [String: String] = [:]
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw CLIError("cannot read \(terminalSafe(file)): \(error.localizedDescription)") }
            let parsed: JSONValue
            do { parsed = try JSONValue(parsing: String(decoding: data, as: UTF8.self)) } catch {
                throw CLIError("\(terminalSafe(file)): \(error)")
            }
            guard let object = parsed.objectValue else { throw CLIError("\(terminalSafe(file)): expected a JSON object") }
            let known = Set(keys.map(\.0))
            func scalar(_ value: JSONValue) -> String? {
                switch value {
                case .string(let s): return s
                case .number(let n): return n
                case .bool(let b): return b ? "true" : "false"
                default: return nil
                }
            }
            for (key, value) in object {
                guard known.contains(key) else { throw CLIError("\(terminalSafe(file)): unknown setting \(terminalSafe(key).debugDescription)") }
                if let text = scalar(value) {
                    values[key] = text
                } else if let items = value.arrayValue, case let texts = items.compactMap(scalar), texts.count == items.count {
                    values[key] = texts.joined(separator: ",")
                } else {
                    throw CLIError("\(terminalSafe(file)): \(key): expected a string, number, boolean or a list of them")
                }
            }
        }
        for (key, _) in keys {
            if let v = environment["SIXNINES_\(key.uppercased())"], !v.isEmpty { values[key] = v }
        }
        var s = DaemonSettings()
        func int<T: FixedWidthInteger>(_ key: String, _: T.Type = T.self) throws -> T? {
            guard let text = values[key] else { return nil }
            guard let v = T(text) else { throw CLIError("setting \(key): \(terminalSafe(text).debugDescription) is not an integer") }
            return v
        }
        func bool(_ key: String) throws -> Bool? {
            guard let text = values[key]?.lowercased() else { return nil }
            switch text {
            case "1", "true", "yes": return true
            case "0", "false", "no": return false
            default: throw CLIError("setting \(key): expected true or false")
            }
        }
        if let v = values["database"] {
            if PostgresLocation.isURL(v) {
                do { _ = try PostgresLocation(url: v) } catch { throw CLIError("setting database: \(error)") }
            }
            s.database = v
        }
        s.outboxDatabase = values["outbox_database"]
        if let v = values["rpc_url"] { s.rpcURLs = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let v = values["chain"] {
            guard Chain.named(v) != nil else { throw CLIError("setting chain: unknown preset \(terminalSafe(v).debugDescription)") }
            s.chain = v
        }
        s.chainId = try int("chain_id")
        s.registry = values["registry"]
        s.explorerRPCURL = values["explorer_rpc_url"]
        s.badges = values["badges"]
        s.writerKey = values["writer_key"]
        s.writerKeyFile = values["writer_key_file"]
        if let v = values["listen_host"] { s.listenHost = v }
        if let v: Int = try int("listen_port") {
            guard (0...65_535).contains(v) else { throw CLIError("setting listen_port: 0…65535") }
            s.listenPort = v
        }
        if let v: Int64 = try int("poll_interval_ms") { s.pollIntervalMillis = max(1, v) }
        if let v: Int64 = try int("rpc_timeout_ms") { s.rpcTimeoutMillis = max(1, v) }
        if let v: Int = try int("max_body_bytes") { s.maxBodyBytes = max(1024, v) }
        if let v: Int = try int("max_receipts_per_request") { s.maxReceiptsPerRequest = max(1, v) }
        if let v = values["log_level"] {
            guard Logger.Level(rawValue: v) != nil else { throw CLIError("setting log_level: unknown level \(terminalSafe(v).debugDescription)") }
            s.logLevel = v
        }
        if let v: Int = try int("max_batch_size") {
            guard (1...65_536).contains(v) else { throw CLIError("setting max_batch_size: 1…65536") }
            s.batch.maxBatchSize = v
        }
        if let v: Int64 = try int("max_age_ms") { s.batch.maxAgeMillis = v }
        if let v: UInt64 = try int("placement_lead_seconds") { s.batch.placementLeadSeconds = v }
        if let v: UInt64 = try int("anchor_allowance_seconds") { s.batch.anchorAllowanceSeconds = v }
        if let v: UInt64 = try int("confirmations") { s.batch.confirmations = max(1, v) }
        if let v = try bool("use_finalized_tag") { s.batch.useFinalizedTag = v }
        if let v: Int64 = try int("replace_after_ms") { s.batch.replaceAfterMillis = v }
        if let v: Int = try int("bump_percent") { s.batch.bumpPercent = max(10, v) }
        if let v: Int64 = try int("rebroadcast_after_ms") { s.batch.rebroadcastAfterMillis = v }
        if let v: UInt64 = try int("gas_limit") { s.batch.gasLimit = v }
        if let v: Int = try int("claim_limit") { s.batch.claimLimit = max(1, v) }
        if let v: UInt64 = try int("max_fee_per_gas_gwei") { s.batch.maxFeePerGasGwei = v }
        if let v: UInt64 = try int("daily_root_delay_seconds") { s.batch.dailyRootDelaySeconds = v }
        return s
    }
}

/// Log lines as JSON objects on stderr: `ts`, `level`, `label`, `msg`, then the metadata (batch_id, receipt id…).
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    private static let lock = Mutex(())

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message, explicit) = (event.level, event.message, event.metadata)
        var object: [String: Any] = ["ts": ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds]),
                                     "level": level.rawValue, "label": label, "msg": "\(message)"]
        for (k, v) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) { object[k] = "\(v)" }
        guard let text = try? jsonValue(object).jsonText else { return }
        let data = Data((text + "\n").utf8)
        Self.lock.withLock { _ in FileHandle.standardError.write(data) }
    }
}

/// Runs the async `body`, turning any thrown error into one stderr line and exit code 1 (as the synchronous one).
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        reportError(error)
        throw ExitCode(1)
    }
}
