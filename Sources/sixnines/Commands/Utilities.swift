import ArgumentParser
import EVM
import Foundation

/// `sixnines keccak`: Keccak-256 of hex bytes, text, or a file.
struct Keccak: ParsableCommand {
    static let configuration = CommandConfiguration(
            commandName: "keccak",
        abstract: "Keccak-256 of bytes, text or a file.",
        discussion: """
            0x-prefixed input is hashed as the bytes it encodes; anything else as UTF-8 text.
            --file hashes a file (or - for stdin) in constant memory.

            Examples:
              sixnines keccak 'transfer(address,uint256)'
              sixnines keccak 0xdeadbeef
              sixnines keccak --file Contracts/ReceiptRegistry.vy
            """
    )

    @Argument(help: "0x-hex bytes, or text hashed as UTF-8.")
    var data: String?

    @Option(name: .long, help: "Hash this file instead (- for stdin).")
    var file: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if (data == nil) == (file == nil) {
            throw ValidationError("give either <data> or --file, not both or neither")
        }
    }

    func run() throws {
        try reportingErrors {
            let digest: Bytes32
            var length = 0
            if let file {
                (digest, length) = try hashFile(file)
            } else if let data, data.hasPrefix("0x") || data.hasPrefix("0X") {
                let bytes: [UInt8]
                do { bytes = try Hex.decode(data) } catch { throw CLIError("<data>: \(error)") }
                length = bytes.count
                digest = Keccak256.hash(data: bytes)
            } else {
                length = data!.utf8.count
                digest = Keccak256.hash(utf8: data!)
            }
            if output.json {
                try printJSON(["keccak256": digest.description, "length": length])
            } else {
                print(digest)
            }
        }
    }

    /// Hashes a file in chunks of 480 Keccak blocks (65,280 bytes: a whole number of blocks, so nothing is buffered
    /// between chunks, and small enough to stay in the L2 cache between the read and the hashing).
    private func hashFile(_ path: String) throws -> (Bytes32, Int) {
        let fd = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { throw CLIError("--file \(path): \(String(cString: strerror(errno)))") }
        defer { if fd != 0 { close(fd) } }
        var hasher = Keccak256()
        var total = 0
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 480 * 136, alignment: 64)
        defer { chunk.deallocate() }
        while true {
            let n = read(fd, chunk.baseAddress, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError("--file \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            total += n
        }
        return (hasher.finalize(), total)
    }
}

/// `sixnines to-checksum`: EIP-55 form of an address.
struct ToChecksum: ParsableCommand {
    static let configuration = CommandConfiguration(
            commandName: "to-checksum",
        abstract: "Print an address in its EIP-55 checksummed form.",
        discussion: """
            Accepts lower-case, upper-case or correctly checksummed input; a mixed-case address with a wrong checksum is an error.

            Example:
              sixnines to-checksum 0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359
            """
    )

    @Argument(help: "A 20-byte address, with or without 0x.")
    var address: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let parsed: Address
            do { parsed = try Address(address) } catch { throw CLIError("<address>: \(error)") }
            if output.json {
                try printJSON(["address": parsed.checksummed, "lowercase": parsed.lowercased])
            } else {
                print(parsed.checksummed)
            }
        }
    }
}

/// `sixnines to-wei`: an exact decimal amount in a unit, as an integer number of base units.
struct ToWei: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-wei",
        abstract: "Convert a decimal amount in a unit to base units (wei), exactly.",
        discussion: """
            The unit is wei, kwei, mwei, gwei, szabo, finney, ether, or a number of decimals (a token's). More fractional digits than the unit allows is an error, never a rounding.

            Examples:
              sixnines to-wei 1.5            # 1500000000000000000
              sixnines to-wei 30 gwei        # 30000000000
              sixnines to-wei 12.34 6        # 12340000 (a 6-decimal token)
            """
    )

    @Argument(help: "Decimal amount, e.g. 1.5")
    var amount: String

    @Argument(help: "Unit name or number of decimals (default ether).")
    var unit: String = "ether"

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let denomination = try parseDenomination(unit)
            let value: UInt256
            do { value = try Units.parse(amount, unit: denomination) } catch { throw CLIError("<amount>: \(error)") }
            if output.json {
                try printJSON(["wei": value.description, "hex": value.hexString, "amount": amount, "decimals": denomination.decimals])
            } else {
                print(value)
            }
        }
    }
}

/// `sixnines from-wei`: an integer number of base units as an exact decimal in a unit.
struct FromWei: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-wei",
        abstract: "Convert base units (wei) to a decimal amount in a unit, exactly.",
        discussion: """
            The input is a decimal integer or 0x-hex; the unit defaults to ether.

            Examples:
              sixnines from-wei 1500000000000000000      # 1.5
              sixnines from-wei 30000000000 gwei         # 30
            """
    )

    @Argument(help: "Integer amount in base units (decimal or 0x-hex).")
    var wei: String

    @Argument(help: "Unit name or number of decimals (default ether).")
    var unit: String = "ether"

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let denomination = try parseDenomination(unit)
            let value: UInt256
            do {
                value = try UInt256(parsing: wei)
            } catch {
                throw CLIError("<wei>: \(error)")
            }
            let text = Units.format(value, unit: denomination)
            if output.json {
                try printJSON(["amount": text, "wei": value.description, "decimals": denomination.decimals])
            } else {
                print(text)
            }
        }
    }
}
