import Foundation
import TestSupport
import Testing

@Suite("sixnines abi to-swift")
struct BindingsCommandTests {
    @Test func generatesTheCommittedBindings() throws {
        for name in ["ReceiptRegistry", "PriceOracle", "PredictionVault", "Badges"] {
            let generated = try CLI.run(["abi", "to-swift", repositoryRoot.appendingPathComponent("ABI/\(name).json").path])
            #expect(generated.status == 0, "\(generated.stderr)")
            let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/SixNinesContracts/\(name).swift"), encoding: .utf8)
            // The header names the artifact as given on the command line; the rest is identical.
            let body = { (text: String) in text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n") }
            #expect(body(generated.stdout) == body(committed), "\(name): run Scripts/gen-bindings")
            #expect(generated.stdout.contains("public struct \(name): ContractBinding {"))
        }
    }

    @Test func writesAFileAndRenames() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("binding-\(UUID()).swift").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let abi = #"[{"type": "function", "name": "get", "stateMutability": "view", "inputs": [], "outputs": [{"name": "", "type": "uint256"}]}]"#
        #expect(try CLI.value(["abi", "to-swift", "-", "--name", "Counter", "--output", path], stdin: Data(abi.utf8)) == "")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("public struct Counter: ContractBinding {"))
        #expect(text.contains("public func get(block: BlockTag = .latest) async throws(ContractError) -> UInt256 {"))
    }

    @Test func refusesBadInput() throws {
        try CLI.fails(["abi", "to-swift", "/nonexistent/abi.json"], mentioning: "cannot read")
        let dir = FileManager.default.temporaryDirectory
        let notJSON = dir.appendingPathComponent("bad-\(UUID()).json").path
        try Data("{ nope".utf8).write(to: URL(fileURLWithPath: notJSON))
        try CLI.fails(["abi", "to-swift", notJSON], mentioning: "invalid JSON")
        let notABI = dir.appendingPathComponent("bad-\(UUID()).json").path
        try Data(#"{"abi": 3}"#.utf8).write(to: URL(fileURLWithPath: notABI))
        try CLI.fails(["abi", "to-swift", notABI], mentioning: "expected an array of entries")
        try CLI.fails(["abi", "to-swift", repositoryRoot.appendingPathComponent("ABI/Badges.json").path, "--name", "not a name"],
                      mentioning: "not a Swift identifier")
    }
}
