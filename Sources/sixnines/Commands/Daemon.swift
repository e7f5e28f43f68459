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
            commandName: "run",
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
            commandName: "status",
            abstract: "Backlog per kind, open batches, last final batch, lead times (p50/p99/min) and RPC health, from the store.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let queue = try await reportingErrors { try await store.open() }
            let api = BatchAPI(queue: queue)
            let status = try await reportingErrors { try await api.status() }
            await queue.shutdown()
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

/// The anchoring loop as a service: reconcile first, then step until shutdown; a step in progress finishes.
struct WriterService: Service {
    let engine: BatchWriterEngine
    let queue: any BatchQueue
    let interval: Duration
    let logger: Logger

    func recordHealth(_ error: (any Error)?) async {
        var object: [String: Any] = ["healthy": error == nil, "checkedAt": BatchWriterEngine.wallClock()]
        if let error { object["error"] = "\(error)" }
        if let text = try? jsonValue(object).jsonText { try? await queue.setSetting("rpc_health", text) }
    }

    func pause() async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await engine.reconcile()
                await recordHealth(nil)
                break
            } catch {
                logger.warning("reconciliation failed; retrying", metadata: ["error": "\(error)"])
                await recordHealth(error)
                await pause()
            }
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var busy = false
            do {
                let report = try await engine.step()
                busy = !report.closed.isEmpty || report.claimed > 0
                await recordHealth(nil)
            } catch {
                logger.warning("step failed; the backlog waits", metadata: ["error": "\(error)"])
                await recordHealth(error)
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
        let queue: any BatchQueue
        do { queue = try await openBatchQueue(database: settings.database, outbox: settings.outboxDatabase) } catch {
            throw reportingFailure("\(error)")
        }
        let chain = RPCAnchorChain(client: client, signer: KeySigner(key: key), chain: preset, chainId: settings.chainId ?? preset.id, registry: registry)
        let engine: BatchWriterEngine
        do {
            // The core's mark prices (daily price roots): the SQLite database itself, or the core's file beside PostgreSQL.
            let core = PostgresLocation.isURL(settings.database) ? settings.outboxDatabase : settings.database
            let prices = try core.map { path throws(BatchQueueError) in try CorePriceLog(path: path) }
            engine = try await BatchWriterEngine(queue: queue, chain: chain, configuration: settings.batch, logger: Logger(label: "sixnines.batch-writer"),
                                                 prices: prices)
        } catch {
            await queue.shutdown()
            throw reportingFailure("\(error)")
        }
        let ingested = Counter(label: "sixnines_receipts_ingested_total")
        let api = BatchAPI(queue: queue, maxReceiptsPerRequest: settings.maxReceiptsPerRequest, onStored: { ingested.increment(by: $0) })
        let shownDatabase = PostgresLocation.isURL(settings.database) ? ((try? PostgresLocation(url: settings.database))?.description ?? "?")
                                                                       : settings.database
        logger.info("batch writer starting", metadata: ["database": "\(shownDatabase)", "registry": "\(registry)",
                                                       "writer": "\(key.address)", "chain_id": "\(chain.chainId)"])

        let router = Router()
        let maxBody = settings.maxBodyBytes
        @Sendable func respond(_ answer: BatchAPI.Answer) -> Response {
            Response(status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        router.post("/v1/receipts") { request, _ -> Response in
            var request = request
            let buffer: ByteBuffer
            do { buffer = try await request.collectBody(upTo: maxBody) } catch {
                return respond(BatchAPI.error(413, "body larger than \(maxBody) bytes", field: "body"))
            }
            let data = Data(buffer.readableBytesView)
            return respond(await api.postReceipts(data))
        }
        router.get("/v1/receipts/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            return respond(await api.getReceipt(id))
        }
        router.get("/v1/batches") { request, _ -> Response in
            let q = request.uri.queryParameters
            let (kind, state, cursor, limit) = (q.get("kind"), q.get("state"), q.get("cursor"), q.get("limit"))
            return respond(await api.listBatches(kind: kind, state: state, cursor: cursor, limit: limit))
        }
        router.get("/v1/batches/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            return respond(await api.getBatch(id))
        }
        router.get("/health") { _, _ -> Response in respond(BatchAPI.Answer(status: 200, body: Data(#"{"status":"ok"}"#.utf8))) }
        router.get("/ready") { _, _ -> Response in
            let database = await queue.ping()
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
        // The receipt explorer: the page and its scripts, and which registry and RPC endpoint it trusts.
        let explorerRPC = settings.explorerRPCURL ?? settings.rpcURLs.first ?? ""
        let badges = try settings.badges.map { text in try reportingErrors { try parseAddress(text, what: "badges").checksummed } }
        let explorerHeaders = HTTPFields(ExplorerSite.securityHeaders(rpcURL: explorerRPC).compactMap { name, value in
            HTTPFields.Element.Name(name).map { HTTPFields.Element(name: $0, value: value) }
        })
        let explorerConfig = ExplorerSite.configuration(chainId: chain.chainId, registry: registry.checksummed, rpcURL: explorerRPC, badges: badges)
        @Sendable func page(_ path: String) -> Response {
            guard let asset = ExplorerSite.asset(at: path) else { return respond(BatchAPI.error(404, "no such page", field: "path")) }
            var headers = explorerHeaders
            headers[.contentType] = asset.contentType
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.body)))
        }
        router.get("/") { _, _ -> Response in page("/") }
        router.get("/explorer") { _, _ -> Response in page("/explorer") }
        router.get("/explorer/:file") { _, context -> Response in page("/explorer/" + (context.parameters.get("file") ?? "")) }
        router.get("/v1/explorer/config") { _, _ -> Response in
            var headers = explorerHeaders
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: explorerConfig)))
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
            await queue.shutdown()
            throw ExitCode(1)
        }
        await client.shutdown()
        await queue.shutdown()
        logger.info("daemon stopped")
    }
}
