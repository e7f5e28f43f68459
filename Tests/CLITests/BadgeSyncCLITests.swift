import BadgeKit
import EVM
import EVMRPC
import DevnetSupport
import Foundation
import SixNinesContracts
import Testing

/// Its own devnet: the sync below is killed mid-way, which must not disturb other suites.
private let badgeDevnet = launchDevnet()

private let deployerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
/// The minter of deployments/suite.example.json (dev account 5).
private let minterKey = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"
private let minterAddress = try! Address("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc")  // invariant: a valid address

@Suite("sixnines badges: plan, sync (killed and resumed), show, render", .serialized)
struct BadgeSyncCLITests {
    var url: String { badgeDevnet.url }

    /// Deploys the suite (deployments/suite.example.json, artifacts from ABI/) and simulates a core into `dir`.
    func setUp(_ dir: URL) throws -> (db: String, deployments: String) {
        let example = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryRoot.appendingPathComponent("deployments/suite.example.json"))) as? [String: Any])
        var config = example
        config["artifacts"] = repositoryRoot.appendingPathComponent("ABI").path
        let configPath = dir.appendingPathComponent("suite.json").path
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        let deployments = dir.appendingPathComponent("deployments").path
        _ = try CLI.value(["deploy-suite", "--config", configPath, "--deployments", deployments, "--rpc-url", url, "--private-key", deployerKey])
        let db = dir.appendingPathComponent("core.sqlite").path
        _ = try CLI.value(["simulate", "--assets", "BTC-USD", "--rounds", "12", "--users", "40", "--seed", "5", "--db", db])
        return (db, deployments)
    }

    var seasons: [String] { ["--season-origin", "1795608540", "--season-length", "3600"] }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func syncKilledMidwayResumesWithoutDoubleMintsAndRerunsSendNothing() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-badges-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (db, deployments) = try setUp(dir)
        let common = ["--db", db, "--deployments", deployments, "--rpc-url", url] + seasons
        let plan = try json(try CLI.value(["badges", "plan", "--json"] + common))
        let planned = try #require(plan["transactions"] as? Int)
        #expect(planned > 60, "\(plan)")
        #expect((plan["mints"] as? [[String: Any]])?.contains { $0["class"] as? String == "season-champion" } == true)

        // Start a sync, SIGKILL it once a dozen transactions are on chain, then run it again.
        let client = RPCClient(urls: [url])
        defer { Task { await client.shutdown() } }
        let start = try await client.nonce(of: minterAddress)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["badges", "sync", "--private-key", minterKey] + common
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let processExit = try process.start()
        let nonceArguments = ["nonce", minterAddress.checksummed, "--rpc-url", url]
        let killedMidway = killWhen(process, exit: processExit, within: 180) {
            let answer = (try? CLI.run(nonceArguments))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return (UInt64(answer) ?? 0) >= start + 12
        }
        #expect(killedMidway, "the sync finished before it could be killed")

        let resumed = try json(try CLI.value(["badges", "sync", "--private-key", minterKey, "--json"] + common))
        #expect((resumed["failed"] as? [Any])?.isEmpty == true, "\(resumed)")
        let again = try json(try CLI.value(["badges", "sync", "--private-key", minterKey, "--json"] + common))
        #expect(again["sent"] as? Int == 0, "\(again)")
        let after = try json(try CLI.value(["badges", "plan", "--json"] + common))
        #expect(after["transactions"] as? Int == 0, "\(after)")
        // A key that is not a minter is refused before anything is sent.
        let stranger = try CLI.run(["badges", "sync", "--private-key", "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"] + common)
        #expect(stranger.status == 1 && stranger.stderr.contains("is not a minter"), "\(stranger.stderr)")
        // Exactly the planned transactions were used: nothing was sent twice.
        #expect(try await client.nonce(of: minterAddress) == start + UInt64(planned))

        // Every badge minted once.
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: deployments + "/31337.json"))) as? [String: Any])
        let badgesAddress = try Address(try #require(((record["contracts"] as? [String: Any])?["Badges"] as? [String: Any])?["address"] as? String))
        let state = try await BadgeChainState.read(Badges(address: badgesAddress, connection: ContractConnection(client: client, chainId: 31337)))
        var seen = Set<String>()
        for t in state.tokens.values {
            #expect(seen.insert("\(t.receiver)-\(t.badgeClass)-\(t.badgeClass == .seasonChampion ? t.serial : 0)").inserted)
        }

        // show: a user's badges with level, stats and token ids.
        let someone = try #require(state.tokens.values.first { $0.badgeClass == .firstWin }).receiver
        let shown = try json(try CLI.value(["badges", "show", someone.checksummed, "--json", "--db", db, "--deployments", deployments, "--rpc-url", url]))
        let tokens = try #require(shown["tokens"] as? [[String: Any]])
        #expect(tokens.contains { $0["class"] as? String == "first-win" && ($0["stats"] as? [String: Any])?["level"] as? String == "bronze" })
        #expect(tokens.contains { $0["class"] as? String == "founder" })
        #expect((shown["user"] as? [String: Any])?["wins"] as? Int ?? 0 >= 1)

        // render: the off-chain card of a token equals the contract's own.
        let token = try #require(state.tokens.values.first { $0.badgeClass == .firstWin }).tokenID.hexString
        let offChain = try CLI.value(["badges", "render", token, "--deployments", deployments, "--rpc-url", url])
        let onChain = try CLI.value(["badges", "render", token, "--on-chain", "--deployments", deployments, "--rpc-url", url])
        #expect(offChain == onChain && offChain.hasPrefix("<svg"))
    }

    @Test func renderWritesSVGAndPNGAndRefusesBadInput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-render-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = try CLI.value(["badges", "render", "--class", "legendary", "--level", "diamond"])
        #expect(svg.contains(">diamond<") && svg.contains(">1000 wins<") && svg.contains("#1b9aaa"))
        let out = dir.appendingPathComponent("card.svg").path
        _ = try CLI.value(["badges", "render", "--class", "season-champion", "--serial", "7", "--stats", "120,200,12", "--out", out])
        #expect(try String(contentsOfFile: out, encoding: .utf8) == BadgeRenderer.svg(.init(badgeClass: .seasonChampion, serial: 7,
                                                                                            stats: TokenStats(wins: 120, predictions: 200, bestStreak: 12))))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.value(["badges", "render", "--class", "founder", "--stats", "5,9,2", "--json"]).utf8)) as? [String: Any])
        #expect(json["level"] as? String == "bronze" && (json["tokenURI"] as? String)?.hasPrefix("data:application/json;base64,") == true)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") {
            let png = dir.appendingPathComponent("card.png").path
            _ = try CLI.value(["badges", "render", "--class", "hot-streak", "--stats", "640,900,31", "--png", png])
            let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
            #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        }
        let missing = try CLI.run(["badges", "render", "--class", "founder", "--png", dir.appendingPathComponent("x.png").path],
                                  environment: ["PATH": "/nonexistent"])
        #expect(missing.status == 1 && missing.stderr.contains("rsvg-convert") && missing.stderr.contains("librsvg2-bin"))
        for (arguments, message) in [
            (["--class", "founder", "--stats", "5,3,1"], "streak ≤ wins ≤ predictions"),
            (["--class", "nope"], "unknown class"),
            (["--class", "founder", "--stats", "1,2"], "WINS,PREDICTIONS,STREAK"),
            (["--class", "founder", "--level", "silver", "--stats", "5,9,2"], "does not match"),
            (["--class", "founder", "--serial", "x"], "--serial"),
        ] {
            let result = try CLI.run(["badges", "render"] + arguments)
            #expect(result.status == 1 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try CLI.run(["badges", "render", "0x10", "--class", "founder"]).status == 64)
        let sync = try CLI.run(["badges", "plan", "--db", dir.appendingPathComponent("missing.sqlite").path, "--rpc-url", url])
        #expect(sync.status == 1 && sync.stderr.contains("no such file"))
    }
}
