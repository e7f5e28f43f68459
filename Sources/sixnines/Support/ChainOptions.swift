import ArgumentParser
import EVM
import EVMRPC
import Foundation

/// Options of every command that talks to a node: `--rpc-url` (repeatable, `SIXNINES_RPC_URL`) and `--chain`.
struct ChainOptions: ParsableArguments {
    @Option(name: .customLong("rpc-url"), help: "JSON-RPC endpoint; repeat for failover (default: $SIXNINES_RPC_URL, comma-separated, or http://127.0.0.1:8545).")
    var rpcURLs: [String] = []

    @Option(name: .long, help: "Chain preset: polygon, amoy, ethereum, sepolia, local (sets the fee floor and finality rule).")
    var chain: String?

    @Option(name: .long, help: "Timeout of one request, in seconds.")
    var timeout: Double = 10

    func validate() throws {
        if let chain, Chain.named(chain) == nil {
            throw ValidationError("unknown chain \(chain.debugDescription) (polygon, amoy, ethereum, sepolia, local)")
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
        for url in rpcURLs { try Self.checkURL(url) }
    }

    /// The endpoints: the flags, else the environment, else the local devnet.
    var urls: [String] { Self.endpoints(rpcURLs, defaultLocal: true) }

    /// The endpoints of `flags`, else of `$SIXNINES_RPC_URL` (comma-separated), else the local devnet when
    /// `defaultLocal`, else none.
    static func endpoints(_ flags: [String], defaultLocal: Bool) -> [String] {
        if !flags.isEmpty { return flags }
        if let env = ProcessInfo.processInfo.environment["SIXNINES_RPC_URL"], !env.isEmpty {
            return env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return defaultLocal ? ["http://127.0.0.1:8545"] : []
    }

    /// Refuses a URL the client cannot use: scheme http, https, ws or wss; a host; a port 1…65535.
    static func checkURL(_ url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            throw CLIError("--rpc-url \(terminalSafe(url)): not a URL")
        }
        guard ["http", "https", "ws", "wss"].contains(scheme) else {
            throw CLIError("--rpc-url \(terminalSafe(url)): unsupported scheme \(scheme.debugDescription) (http, https, ws, wss)")
        }
        guard let host = parts.host, !host.isEmpty else { throw CLIError("--rpc-url \(terminalSafe(url)): no host") }
        // URLComponents accepts any digits as a port; a socket address does not.
        if let colon = url.range(of: "://").map({ url[$0.upperBound...] }), let authority = colon.split(separator: "/").first,
           let portText = authority.split(separator: "@").last?.split(separator: "]").last?.split(separator: ":", omittingEmptySubsequences: false).dropFirst().last {
            guard let port = Int(portText), (1...65_535).contains(port) else {
                throw CLIError("--rpc-url \(terminalSafe(url)): port \(terminalSafe(String(portText))) is not in 1…65535")
            }
        }
    }

    /// A client over `urls` (checked first): HTTP(S) URLs over HTTP, ws(s) URLs over a WebSocket.
    static func client(urls: [String], timeout: Double) throws -> RPCClient {
        var transports: [any RPCTransport] = []
        for url in urls {
            try checkURL(url)
            let scheme = URLComponents(string: url)?.scheme?.lowercased()
            if scheme == "ws" || scheme == "wss" {
                do { transports.append(try WebSocketTransport(url: url)) } catch { throw CLIError("--rpc-url \(url): \(error)") }
            } else {
                transports.append(RPCClient.transport(url: url))
            }
        }
        guard !transports.isEmpty else { throw CLIError("no --rpc-url given") }
        // A closed port fails at once, by name, instead of after the HTTP client's connection retries.
        let refused = urls.filter { isConnectionRefused($0) }
        if refused.count == urls.count { throw CLIError("connection refused: \(refused.map(HTTPTransport.displayURL).joined(separator: ", "))") }
        return RPCClient(transports: transports, configuration: RPCConfiguration(
            requestTimeout: .milliseconds(Int64(timeout * 1000)),
            retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(200))))
    }

    /// The preset chosen with `--chain`.
    var preset: Chain? { chain.flatMap(Chain.named) }

    /// Runs `body` with a client, shutting it down after; errors become one stderr line and exit code 1.
    func withClient(_ body: (RPCClient) async throws -> Void) async throws {
        let client = try reportingErrors { try Self.client(urls: urls, timeout: timeout) }
        do {
            if let preset {
                let id = try await client.chainId()
                guard id == preset.id else { throw CLIError("the node's chain id is \(id), not \(preset.name) (\(preset.id))") }
            }
            try await body(client)
            await client.shutdown()
        } catch let error as ExitCode {
            await client.shutdown()
            throw error
        } catch {
            await client.shutdown()
            if case .timeout(let method)? = error as? RPCError {
                reportError(CLIError("timed out: \(urls.map(HTTPTransport.displayURL).joined(separator: ", ")) did not answer \(method) within \(timeout) s (--timeout)"))
            } else {
                reportError(error)
            }
            throw ExitCode(1)
        }
    }
}

/// How commands that send transactions wait for them: `send`, `deploy`, `deploy-suite`.
struct WaitOptions: ParsableArguments {
    @Option(help: "Confirmations to wait for.") var confirmations: UInt64 = 1
    @Option(help: "Replace the transaction when not included after this many seconds.") var replaceAfter: Double = 60
    @Option(help: "Give up waiting for a transaction after this many seconds.") var waitTimeout: Double = 600

    /// The lifecycle's options for `chain`.
    func sendOptions(chain: Chain) -> SendOptions {
        SendOptions(confirmations: confirmations, replaceAfter: .milliseconds(Int64(replaceAfter * 1000)),
                    pollInterval: min(chain.blockTime, .milliseconds(500)), timeout: .milliseconds(Int64(waitTimeout * 1000)))
    }
}

/// Whether a TCP connection to `url`'s host and port is refused right now (a closed port on a host that answers).
/// Unknown hosts, timeouts and other failures are not "refused": the client reports those itself.
func isConnectionRefused(_ url: String) -> Bool {
    guard let parts = URLComponents(string: url), let host = parts.host, let scheme = parts.scheme?.lowercased() else { return false }
    let port = parts.port ?? (scheme == "https" || scheme == "wss" ? 443 : 80)
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), String(port), &hints, &list) == 0,
          let first = list else { return false }
    defer { freeaddrinfo(list) }
    let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    if connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 { return false }
    if errno == ECONNREFUSED { return true }
    guard errno == EINPROGRESS else { return false }
    var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    guard poll(&poller, 1, 2_000) == 1 else { return false }
    var error: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
    return error == ECONNREFUSED
}
