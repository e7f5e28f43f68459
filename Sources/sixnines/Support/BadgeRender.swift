import ArgumentParser
import BadgeKit
import EVM
import EVMRPC
import Dispatch
import Foundation
import SixNinesContracts

extension BadgesCommand {
    /// `sixnines badges render`.
    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Draw a badge card: the SVG the contract's tokenURI holds, rendered off chain; a PNG with rsvg-convert.",
            discussion: """
                Either a minted token (its stats are read from the contract; --on-chain takes the SVG out of the contract's own tokenURI instead of rendering it), or a card from --class with --stats WINS,PREDICTIONS,STREAK and/or --level (a level alone shows its fewest wins). The SVG goes to stdout or --out; --png FILE converts it with rsvg-convert (Debian: apt-get install librsvg2-bin). --json prints the token id, class, level, stats, metadata JSON, SVG and tokenURI.
                Examples:
                  sixnines badges render 0x100000000000000000000000000000001 --out card.svg   # first-win #1
                  sixnines badges render --class season-champion --serial 7 --stats 120,200,12 --png card.png
                  sixnines badges render --class legendary --level diamond
                """)
        @Argument(help: "A token id (decimal or 0x-hex): the card of that minted token.") var tokenID: String?
        @Option(name: .customLong("class"), help: "The class: first-win, wins-100, hot-streak, legendary, win-420, win-69, season-champion, founder, vip-diamond, vip-gold (or its number).")
        var badgeClass: String?
        @Option(help: "The level shown: bronze, silver, gold, diamond (without --stats: its fewest wins).") var level: String?
        @Option(help: "WINS,PREDICTIONS,STREAK with streak ≤ wins ≤ predictions.") var stats: String?
        @Option(help: "The serial (the season of a champion).") var serial: String = "1"
        @Flag(help: "With a token id: the SVG from the contract's own tokenURI.") var onChain = false
        @Option(help: "Write the SVG to this file instead of stdout.") var out: String?
        @Option(help: "Also write a PNG preview to this file (rsvg-convert).") var png: String?
        @OptionGroup var contract: BadgeContractOptions
        @OptionGroup var options: ChainOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if tokenID != nil, badgeClass != nil || level != nil || stats != nil {
                throw ValidationError("give either a token id or --class/--level/--stats, not both")
            }
            if tokenID == nil, badgeClass == nil { throw ValidationError("give a token id, or --class with --stats or --level") }
            if onChain, tokenID == nil { throw ValidationError("--on-chain needs a token id") }
        }

        func run() async throws {
            if let tokenID {
                let id = try reportingErrors { () throws -> UInt256 in
                    guard let id = try? UInt256(parsing: tokenID) else { throw CLIError("<token-id>: \(terminalSafe(tokenID)) is not a number") }
                    guard BadgeClass.split(id) != nil else { throw CLIError("<token-id>: \(id.hexString) is not of a badge class (class << 128 | serial)") }
                    return id
                }
                try await options.withClient { client in
                    let (address, _, chainId) = try await contract.resolve(client)
                    let badges = Badges(address: address, connection: ContractConnection(client: client, chainId: chainId))
                    let (w, p, s) = try await badges.stats(tokenId: id)
                    // invariant: split succeeded above
                    guard let card = BadgeRenderer.Card(tokenID: id, stats: TokenStats(wins: w, predictions: p, bestStreak: s)) else { return }
                    var uri = BadgeRenderer.tokenURI(card)
                    if onChain { uri = try await badges.tokenURI(tokenId: id) }
                    try emit(card, uri: uri)
                }
            } else {
                let card = try reportingErrors { try cardFromOptions() }
                try reportingErrors { try emit(card, uri: BadgeRenderer.tokenURI(card)) }
            }
        }

        func cardFromOptions() throws -> BadgeRenderer.Card {
            guard let text = badgeClass, let c = BadgeClass(parsing: text) else {
                throw CLIError("--class: unknown class \(terminalSafe((badgeClass ?? "").debugDescription)) (first-win, wins-100, hot-streak, legendary, win-420, win-69, season-champion, founder, vip-diamond, vip-gold)")
            }
            guard let serialNumber = UInt128(serial) else { throw CLIError("--serial: \(terminalSafe(serial)) is not a number below 2^128") }
            var chosen: BadgeLevel?
            if let level {
                guard let l = BadgeLevel.allCases.first(where: { $0.description == level.lowercased() }) else {
                    throw CLIError("--level: unknown level \(terminalSafe(level.debugDescription)) (bronze, silver, gold, diamond)")
                }
                chosen = l
            }
            var values = TokenStats(wins: chosen?.minimumWins ?? 0, predictions: chosen?.minimumWins ?? 0, bestStreak: 0)
            if let stats {
                let parts = stats.split(separator: ",", omittingEmptySubsequences: false).map { UInt32($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count == 3, let w = parts[0], let p = parts[1], let s = parts[2] else {
                    throw CLIError("--stats: \(terminalSafe(stats)) is not WINS,PREDICTIONS,STREAK (three numbers below 2^32)")
                }
                values = TokenStats(wins: w, predictions: p, bestStreak: s)
                guard values.isValid else { throw CLIError("--stats \(stats): the contract requires streak ≤ wins ≤ predictions") }
                if let chosen, values.level != chosen {
                    throw CLIError("--level \(chosen) does not match --stats \(stats): \(w) wins is \(values.level)")
                }
            }
            return BadgeRenderer.Card(badgeClass: c, serial: serialNumber, stats: values)
        }

        /// Writes the SVG (from `uri`), the PNG and/or the JSON.
        func emit(_ card: BadgeRenderer.Card, uri: String) throws {
            let svg = try Self.svg(fromURI: uri)
            if let png { try Self.writePNG(svg: svg, to: png) }
            if output.json {
                let json = try Self.metadata(fromURI: uri)
                try printJSON([
                    "tokenId": card.tokenID.hexString, "class": card.badgeClass.slug, "serial": card.serial.description,
                    "level": card.stats.level.description, "stats": BadgeJSON.stats(card.stats), "metadata": json, "svg": svg, "tokenURI": uri,
                ] as [String: Any])
                if let out { try writeOutput(svg, to: out, what: "--out") }
            } else if out != nil || png == nil {
                try writeOutput(out == nil ? svg + "\n" : svg, to: out, what: "--out")
            }
        }

        static let uriPrefix = "data:application/json;base64,"
        static let imagePrefix = "data:image/svg+xml;base64,"

        static func metadata(fromURI uri: String) throws -> String {
            guard uri.hasPrefix(uriPrefix), let bytes = Base64.decode(String(uri.dropFirst(uriPrefix.count))),
                  let text = String(validating: bytes, as: UTF8.self) else { throw CLIError("the token URI is not a base64 JSON data URI") }
            return text
        }

        static func svg(fromURI uri: String) throws -> String {
            let json = try JSONValue(parsing: try metadata(fromURI: uri))
            guard let image = json["image"]?.stringValue, image.hasPrefix(imagePrefix),
                  let bytes = Base64.decode(String(image.dropFirst(imagePrefix.count))), let svg = String(validating: bytes, as: UTF8.self) else {
                throw CLIError("the metadata's image is not a base64 SVG data URI")
            }
            return svg
        }

        /// Converts with Debian's `rsvg-convert` (librsvg2-bin).
        static func writePNG(svg: String, to path: String) throws {
            let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/rsvg-convert" }
            guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw CLIError("--png: rsvg-convert not found on PATH (Debian: apt-get install librsvg2-bin)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["--format", "png"]
            let input = Pipe(), output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            // The exit is awaited on a semaphore: `waitUntilExit()` spins a run loop that can miss it off the main thread.
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            do { try process.run() } catch { throw CLIError("--png: cannot run \(tool): \(error)") }
            input.fileHandleForWriting.write(Data(svg.utf8))
            try? input.fileHandleForWriting.close()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let why = errors.fileHandleForReading.readDataToEndOfFile()
            exited.wait()
            guard process.terminationStatus == 0, !data.isEmpty else {
                throw CLIError("--png: rsvg-convert failed: \(String(decoding: why, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            try writeFile(data, to: path, what: "--png")
        }
    }
}
