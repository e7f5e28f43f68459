import EVM
import Foundation

/// A compiled contract: `ABI/<Name>.json` as Scripts/compile writes it (or any artifact with `abi` and `bytecode`).
public struct Artifact: Sendable {
    /// The file it was read from.
    public let path: String
    /// The contract name (`contractName`, else the file name).
    public let name: String
    /// The contract's ABI.
    public let abi: ContractABI
    /// Creation code.
    public let bytecode: [UInt8]
    /// Runtime code as compiled (without immutables).
    public let deployedBytecode: [UInt8]?
    /// Byte ranges of the runtime code that the constructor fills with immutables (solc's `immutableReferences`).
    public let immutableRanges: [Range<Int>]

    /// `keccak256(creation code)`: what `deployments/<chain-id>.json` records to tell artifacts apart.
    public var hash: Bytes32 { Keccak256.hash(data: bytecode) }

    /// Reads and checks an artifact file.
    public init(path: String) throws(DeploymentError) {
        self.path = path
        let text = try DeploymentFiles.readText(path, what: "artifact")
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw DeploymentError("\(path): not JSON: \(error)") }
        do { abi = try ContractABI(json: json) } catch { throw DeploymentError("\(path): \(error)") }
        name = json["contractName"]?.stringValue ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        guard let code = json["bytecode"]?.stringValue ?? json["bytecode"]?["object"]?.stringValue else {
            throw DeploymentError("\(path): no \"bytecode\" (an ABI alone cannot be deployed)")
        }
        do { bytecode = try Hex.decode(code) } catch { throw DeploymentError("\(path): bytecode: \(error)") }
        guard !bytecode.isEmpty else { throw DeploymentError("\(path): empty bytecode (an interface or abstract contract?)") }
        let runtime = json["deployedBytecode"]?.stringValue ?? json["deployedBytecode"]?["object"]?.stringValue
        deployedBytecode = try runtime.map { text throws(DeploymentError) in
            do { return try Hex.decode(text) } catch { throw DeploymentError("\(path): deployedBytecode: \(error)") }
        }
        var ranges: [Range<Int>] = []
        for (_, references) in json["deployedBytecode"]?["immutableReferences"]?.objectValue ?? [] {
            for reference in references.arrayValue ?? [] {
                guard let start = reference["start"]?.uint64Value, let length = reference["length"]?.uint64Value,
                      start < 1 << 32, length <= 32 else { throw DeploymentError("\(path): malformed immutableReferences") }
                ranges.append(Int(start)..<Int(start + length))
            }
        }
        immutableRanges = ranges
    }

    /// The constructor's parameters (none without a constructor).
    public var constructorInputs: [ABIParameter] { abi.constructor?.inputs ?? [] }

    /// Deployment data for cast-style `arguments`, checked against the constructor before anything is sent.
    public func deployData(arguments: [String]) throws(DeploymentError) -> (data: [UInt8], values: [ABIValue]) {
        let inputs = constructorInputs
        guard arguments.count == inputs.count else {
            throw DeploymentError("\(name) constructor\(signatureText): expected \(inputs.count) argument\(inputs.count == 1 ? "" : "s"), got \(arguments.count)")
        }
        var values: [ABIValue] = []
        for (i, (argument, input)) in zip(arguments, inputs).enumerated() {
            do { values.append(try ABIValue(parsing: argument, as: input.type)) } catch {
                throw DeploymentError("\(name) constructor\(signatureText): argument \(i + 1): \(error)")
            }
        }
        return (try deployData(values: values), values)
    }

    /// Deployment data for constructor values.
    public func deployData(values: [ABIValue]) throws(DeploymentError) -> [UInt8] {
        do { return try ABI.deployData(bytecode: bytecode, values, as: constructorInputs.map(\.type)) } catch {
            throw DeploymentError("\(name) constructor\(signatureText): \(error)")
        }
    }

    /// The constructor's parameters as text: `(address admin, address writer)`.
    public var signatureText: String { "(" + constructorInputs.map(\.humanReadable).joined(separator: ", ") + ")" }

    /// Whether `code` (from `eth_getCode`) is this artifact's runtime code, immutables aside: Vyper appends
    /// immutables after the runtime code (so the artifact's runtime is a prefix); solc writes them into the ranges
    /// its `immutableReferences` lists (ignored in the comparison). Nil when the artifact has no runtime code.
    public func matchesDeployedCode(_ code: [UInt8]) -> Bool? {
        guard let runtime = deployedBytecode, !runtime.isEmpty else { return nil }
        guard code.count >= runtime.count else { return false }
        if immutableRanges.isEmpty { return code.starts(with: runtime) }
        guard immutableRanges.allSatisfy({ $0.upperBound <= runtime.count }), code.count == runtime.count else { return false }
        var masked = Array(code)
        for range in immutableRanges { masked.replaceSubrange(range, with: runtime[range]) }
        return masked == runtime
    }
}
