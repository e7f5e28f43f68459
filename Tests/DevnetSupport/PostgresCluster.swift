import Foundation

/// A private PostgreSQL cluster for tests and benchmarks: Debian's server binaries (`apt-get install postgresql`, any
/// version under /usr/lib/postgresql) run `initdb` in a fresh temporary directory and `pg_ctl start` on a free loopback
/// port (unix socket in that directory, trust authentication for `postgres`). As root (CI), the server runs as the
/// `postgres` user (`runuser`), the directory chowned to it. A shell watchdog owns the cluster: it prints one JSON line
/// once the server answers (polled with `pg_isready`), and stops the server and deletes the directory when its stdin
/// closes — when ``stop()`` is called or the test process dies, however it dies. Clusters left by a killed watchdog are
/// swept by the next start.
public final class PostgresCluster: @unchecked Sendable {
    /// The watchdog.
    public let child: ChildProcess
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The server binaries' directory.
    public let binaries: String

    /// Starts a cluster; `durable: false` (tests) turns fsync off, `true` (benchmarks) keeps PostgreSQL's defaults.
    public init(durable: Bool = false) throws {
        let options = durable ? "" : "-c fsync=off -c full_page_writes=off"
        child = try ChildProcess(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", Self.watchdog, "pgcluster", options])
        if let error = child.readyLine["error"] as? String { throw ChildProcessError(description: "PostgreSQL cluster: \(error)") }
        guard let port = child.readyLine["port"] as? Int, let bin = child.readyLine["bin"] as? String else {
            throw ChildProcessError(description: "PostgreSQL cluster: unexpected ready line \(child.readyLine)")
        }
        self.port = port
        binaries = bin
    }

    /// The URL of database `name` (default: `postgres`).
    public func url(database name: String = "postgres") -> String { "postgres://postgres@127.0.0.1:\(port)/\(name)" }

    /// Creates a fresh, empty database named `prefix` plus a random suffix; returns its URL.
    public func createDatabase(prefix: String = "test") throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries).appendingPathComponent("createdb")
        process.arguments = ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let processExit = try process.start()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        processExit.wait()
        guard process.terminationStatus == 0 else {
            throw ChildProcessError(description: "createdb \(name): \(String(decoding: message, as: UTF8.self))")
        }
        return url(database: name)
    }

    /// Stops the server and deletes its directory (waits for the watchdog).
    public func stop() { child.stop() }

    /// The watchdog (POSIX sh). `$1`: extra server options.
    static let watchdog = #"""
        fail() { printf '{"error":"%s"}\n' "$(printf '%s' "$1" | tr -d '"\\\n' | cut -c1-300)"; exit 1; }
        BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
        [ -n "$BIN" ] && [ -x "$BIN/initdb" ] || fail "no PostgreSQL server under /usr/lib/postgresql: apt-get install postgresql"
        if [ "$(id -u)" = 0 ]; then AS="runuser -u postgres --"; else AS=""; fi
        # Sweep clusters whose watchdog is gone (killed before it could clean up).
        for old in /tmp/sixnines-pg.*; do
          [ -f "$old/watchdog.pid" ] || continue
          kill -0 "$(cat "$old/watchdog.pid")" 2>/dev/null && continue
          $AS "$BIN/pg_ctl" -D "$old/data" -m immediate stop >/dev/null 2>&1
          rm -rf "$old"
        done
        DIR=$(mktemp -d /tmp/sixnines-pg.XXXXXXXX) || fail "mktemp failed"
        echo $$ > "$DIR/watchdog.pid"
        [ -n "$AS" ] && chown postgres "$DIR"
        cleanup() { $AS "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$DIR"; }
        trap cleanup EXIT
        trap 'exit 1' INT TERM HUP
        $AS "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 \
          || fail "initdb failed: $(tail -n 3 "$DIR/initdb.log")"
        PORT=""
        for attempt in 1 2 3 4 5 6 7 8 9 10; do
          CANDIDATE=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
          if $AS "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
               -o "-h 127.0.0.1 -p $CANDIDATE -k $DIR -c max_connections=200 $1" start >/dev/null 2>&1; then
            PORT=$CANDIDATE; break
          fi
        done
        [ -n "$PORT" ] || fail "postgres did not start: $(tail -n 3 "$DIR/server.log")"
        until "$BIN/pg_isready" -q -t 1 -h 127.0.0.1 -p "$PORT"; do :; done
        printf '{"port":%s,"bin":"%s","dir":"%s"}\n' "$PORT" "$BIN" "$DIR"
        cat >/dev/null
        """#
}
