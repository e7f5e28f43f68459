import Foundation

/// The receipt explorer the daemon serves on its HTTP listener: plain HTML, CSS and JavaScript embedded in the
/// binary (Web/explorer/, Scripts/gen-explorer), a configuration object telling the page which registry to trust
/// and which JSON-RPC endpoint to read the chain from, and the security headers every page carries.
public enum ExplorerSite {
    /// A file to serve.
    public struct Asset: Sendable {
        /// Its `Content-Type`.
        public let contentType: String
        /// Its bytes.
        public let body: [UInt8]
    }

    /// The asset for a request path: `/` and `/explorer` give the page, `/explorer/<file>` its scripts and styles.
    public static func asset(at path: String) -> Asset? {
        let name: String
        switch path {
        case "/", "/explorer", "/explorer/", "/explorer/index.html": name = "index.html"
        default:
            guard path.hasPrefix("/explorer/") else { return nil }
            name = String(path.dropFirst("/explorer/".count))
        }
        guard let file = files[name] else { return nil }
        return Asset(contentType: file.contentType, body: Array(file.text.utf8))
    }

    /// The names of the embedded files.
    public static var fileNames: [String] { files.keys.sorted() }

    /// Headers of every explorer response: a Content-Security-Policy that allows only the page's own scripts and
    /// styles, `data:` images (the badges' SVGs) and connections to this server and the chain's JSON-RPC origin;
    /// no framing, no MIME sniffing, no referrer.
    public static func securityHeaders(rpcURL: String?) -> [(String, String)] {
        var connect = "'self'"
        if let rpcURL, let origin = origin(of: rpcURL) { connect += " \(origin)" }
        let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src \(connect); "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        return [("Content-Security-Policy", policy), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                ("X-Frame-Options", "DENY"), ("Cache-Control", "no-cache")]
    }

    /// `scheme://host[:port]` of an http(s) URL, or nil.
    static func origin(of text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]".contains($0) }) else { return nil }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)\(url.port.map { ":\($0)" } ?? "")"
    }

    /// The page's configuration (`GET /v1/explorer/config`): the chain id, the registry the page trusts, the
    /// JSON-RPC URL it reads the chain through, and the badge contract (optional).
    public static func configuration(chainId: UInt64, registry: String, rpcURL: String, badges: String?) -> Data {
        var object: [String: Any] = ["chainId": chainId, "registry": registry, "rpcUrl": rpcURL]
        if let badges { object["badges"] = badges }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
