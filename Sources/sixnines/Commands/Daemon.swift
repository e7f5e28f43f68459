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

/// `sixnines daemon`: the batch writer.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "The batch writer: batches receipts into Merkle trees and anchors their roots in the ReceiptRegistry.",
        subcommands: [Run.self, Status.self]
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the batch writer: outbox and POST /v1/receipts in, anchored batches and proofs out.",
            discussion: """
                Every setting is a key of the JSON config file and a SIXNINES_<KEY> environment variable (the variable wins):
                \(DaemonSettings.help)
                Prints one JSON line on stdout once listening ({"listening": "host:port"}); logs are JSON lines on stderr.
                SIGTERM/SIGINT: the current step finishes, in-flight batches stay parked in the store (a restart reconciles them).
                """
        )

        @Option(help: "JSON config file (keys as listed; environment variables override it).")
        var config: String?

        func run() async throws {
            let settings = try reportingErrors { try DaemonSettings.load(file: config) }
            try await DaemonRunner(settings: settings).run()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Backlog per kind, open batches, last final batch, lead times (p50/p99/min) and RPC health, from the store.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let api = BatchAPI(queue: try reportingErrors { try store.open() })
            let status = try reportingErrors { try api.status() }
            if output.json { try printJSON(status); return }
            func line(_ name: String, _ value: Any?) { print("\(name): \(value.map { "\($0)" } ?? "-")") }
            let backlog = status["backlog"] as? [String: Any] ?? [:]
            line("backlog", backlog.isEmpty ? "0" : backlog.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            let pending = status["pending"] as? [String: Any] ?? [:]
            line("open batches (receipts waiting)", pending.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            line("batches in flight", status["openBatches"])
            line("final batches", status["finalBatches"])
            if let last = status["lastFinal"] as? [String: Any] {
                line("last final", "\(last["kind"] ?? "") #\(last["sequence"] ?? "") block \(last["block"] ?? "-") (\(last["receipts"] ?? 0) receipts)")
            }
            let lead = status["leadTimeSeconds"] as? [String: Any] ?? [:]
            line("lead time s (p50/p99/min)", "\(lead["p50"] ?? "-")/\(lead["p99"] ?? "-")/\(lead["min"] ?? "-") over \(lead["count"] ?? 0)")
            if let rpc = status["rpc"] as? [String: Any] {
                line("rpc", (rpc["healthy"] as? Bool == true ? "healthy" : "failing: \(rpc["error"] ?? "")"))
            } else {
                line("rpc", "never checked")
            }
        }
    }
}

/// `--db`: the store (default `$SIXNINES_DATABASE`, else the `database` of `--config`).
struct StoreOptions: ParsableArguments {
    @Option(help: "The SQLite database of the batch writer (default: $SIXNINES_DATABASE, else the database of --config).")
    var db: String?

    @Option(help: "A daemon config file to take the database from.")
    var config: String?

    /// Opens the queue.
    func open() throws -> SQLiteBatchQueue {
        var path = db ?? ProcessInfo.processInfo.environment["SIXNINES_DATABASE"]
        if path == nil, let config { path = try DaemonSettings.load(file: config).database }
        guard let path else { throw CLIError("no database: give --db, $SIXNINES_DATABASE or --config") }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no database at \(terminalSafe(path))") }
        do { return try SQLiteBatchQueue(path: path) } catch { throw CLIError("\(error)") }
    }
}

/// The daemon's settings: the JSON config file, then `SIXNINES_*` variables on top.
struct DaemonSettings: Sendable {
    var database = "sixnines.sqlite"
    var rpcURLs: [String] = ["http://127.0.0.1:8545"]
    var chain = "local"
    var chainId: UInt64?
    var registry: String?
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
        ("database", "SQLite file shared with the prediction core (default sixnines.sqlite)"),
        ("rpc_url", "JSON-RPC endpoint(s), comma-separated (default http://127.0.0.1:8545)"),
        ("chain", "chain preset for the fee floor: polygon, amoy, ethereum, sepolia, local (default local)"),
        ("chain_id", "chain id (default: the preset's)"),
        ("registry", "ReceiptRegistry address (required)"),
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
        if let v = values["database"] { s.database = v }
        if let v = values["rpc_url"] { s.rpcURLs = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let v = values["chain"] {
            guard Chain.named(v) != nil else { throw CLIError("setting chain: unknown preset \(terminalSafe(v).debugDescription)") }
            s.chain = v
        }
        s.chainId = try int("chain_id")
        s.registry = values["registry"]
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

/// The anchoring loop as a service: reconcile first, then step until shutdown; a step in progress finishes.
struct WriterService: Service {
    let engine: BatchWriterEngine
    let queue: SQLiteBatchQueue
    let interval: Duration
    let logger: Logger

    func recordHealth(_ error: (any Error)?) {
        var object: [String: Any] = ["healthy": error == nil, "checkedAt": BatchWriterEngine.wallClock()]
        if let error { object["error"] = "\(error)" }
        if let text = try? jsonValue(object).jsonText { try? queue.setSetting("rpc_health", text) }
    }

    func pause() async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await engine.reconcile()
                recordHealth(nil)
                break
            } catch {
                logger.warning("reconciliation failed; retrying", metadata: ["error": "\(error)"])
                recordHealth(error)
                await pause()
            }
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var busy = false
            do {
                let report = try await engine.step()
                busy = !report.closed.isEmpty || report.claimed > 0
                recordHealth(nil)
            } catch {
                logger.warning("step failed; the backlog waits", metadata: ["error": "\(error)"])
                recordHealth(error)
            }
            if !busy { await pause() }
        }
        logger.info("batch writer stopping: batches in flight stay parked in the store")
    }
}

/// Builds and runs the daemon.
struct DaemonRunner {
    let settings: DaemonSettings

    func run() async throws {
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let prometheus = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))
        let logger = Logger(label: "sixnines.daemon")

        let key: PrivateKey
        if let text = settings.writerKey {
            key = try reportingErrors { try parseKey(text, source: "writer_key") }
        } else if let file = settings.writerKeyFile {
            let text = try reportingErrors { try readText(file, what: "writer_key_file") }
            key = try reportingErrors { try parseKey(text.trimmingCharacters(in: .whitespacesAndNewlines), source: file) }
        } else {
            throw reportingFailure("no writer key: set writer_key_file (or SIXNINES_WRITER_KEY_FILE / SIXNINES_WRITER_KEY)")
        }
        guard let registryText = settings.registry else { throw reportingFailure("no registry: set registry (or SIXNINES_REGISTRY)") }
        let registry = try reportingErrors { try parseAddress(registryText, what: "registry") }
        let preset = Chain.named(settings.chain) ?? .local
        let client = try reportingErrors { try ChainOptions.client(urls: settings.rpcURLs, timeout: Double(settings.rpcTimeoutMillis) / 1000) }
        let queue: SQLiteBatchQueue
        do { queue = try SQLiteBatchQueue(path: settings.database) } catch { throw reportingFailure("\(error)") }
        let chain = RPCAnchorChain(client: client, signer: KeySigner(key: key), chain: preset, chainId: settings.chainId ?? preset.id, registry: registry)
        let engine = try BatchWriterEngine(queue: queue, chain: chain, configuration: settings.batch, logger: Logger(label: "sixnines.batch-writer"))
        let ingested = Counter(label: "sixnines_receipts_ingested_total")
        let api = BatchAPI(queue: queue, maxReceiptsPerRequest: settings.maxReceiptsPerRequest, onStored: { ingested.increment(by: $0) })
        logger.info("batch writer starting", metadata: ["database": "\(settings.database)", "registry": "\(registry)",
                                                       "writer": "\(key.address)", "chain_id": "\(chain.chainId)"])

        let router = Router()
        let maxBody = settings.maxBodyBytes
        @Sendable func respond(_ answer: BatchAPI.Answer) -> Response {
            Response(status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        @Sendable func offload(_ body: @escaping @Sendable () -> BatchAPI.Answer) async -> BatchAPI.Answer {
            (try? await NIOThreadPool.singleton.runIfActive(body)) ?? BatchAPI.error(503, "shutting down")
        }
        router.post("/v1/receipts") { request, _ -> Response in
            var request = request
            let buffer: ByteBuffer
            do { buffer = try await request.collectBody(upTo: maxBody) } catch {
                return respond(BatchAPI.error(413, "body larger than \(maxBody) bytes", field: "body"))
            }
            let data = Data(buffer.readableBytesView)
            return respond(await offload { api.postReceipts(data) })
        }
        router.get("/v1/receipts/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            return respond(await offload { api.getReceipt(id) })
        }
        router.get("/v1/batches") { request, _ -> Response in
            let q = request.uri.queryParameters
            let (kind, state, cursor, limit) = (q.get("kind"), q.get("state"), q.get("cursor"), q.get("limit"))
            return respond(await offload { api.listBatches(kind: kind, state: state, cursor: cursor, limit: limit) })
        }
        router.get("/v1/batches/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            return respond(await offload { api.getBatch(id) })
        }
        router.get("/health") { _, _ -> Response in respond(BatchAPI.Answer(status: 200, body: Data(#"{"status":"ok"}"#.utf8))) }
        router.get("/ready") { _, _ -> Response in
            let database = queue.ping()
            var rpcError: String?
            do { _ = try await chain.head() } catch { rpcError = "\(error)" }
            var object: [String: Any] = ["database": database, "rpc": rpcError == nil]
            if let rpcError { object["rpcError"] = rpcError }
            let data = Data(((try? jsonValue(object).jsonText) ?? "{}").utf8)
            return respond(BatchAPI.Answer(status: database && rpcError == nil ? 200 : 503, body: data))
        }
        router.get("/metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            prometheus.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(settings.listenHost, port: settings.listenPort), serverName: "sixnines"),
            onServerRunning: { channel in
                let address = channel.localAddress
                let line = "{\"listening\":\"\(address?.ipAddress ?? settings.listenHost):\(address?.port ?? settings.listenPort)\"}\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            },
            logger: logger)
        let writer = WriterService(engine: engine, queue: queue, interval: .milliseconds(settings.pollIntervalMillis), logger: logger)
        let group = ServiceGroup(services: [app, writer], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch {
            logger.error("daemon failed", metadata: ["error": "\(error)"])
            await client.shutdown()
            throw ExitCode(1)
        }
        await client.shutdown()
        logger.info("daemon stopped")
    }
}
