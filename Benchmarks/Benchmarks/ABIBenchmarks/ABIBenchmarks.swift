import Benchmark
import EVM

/// ABI and EIP-712 hot paths; the Python reference figures (eth_abi, eth_account) come from
/// Scripts/bench_reference.py on the same inputs.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 100,
        maxDuration: .seconds(2),
        maxIterations: 10_000_000
    )

    // (address,uint256,bytes32,bool) from typed Swift values.
    let recipient = try! Address("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
    let amount = try! UInt256(parsing: "1000000000000000000000")
    let hash = Keccak256.hash(utf8: "SixNines")
    let staticEncoded = ABI.encode(recipient, amount, hash, true)

    Benchmark("abi encode (address,uint256,bytes32,bool) typed") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ABI.encode(recipient, amount, hash, true))
        }
    }
    // The floor under the typed encode: one 128-byte [UInt8] allocated and released. The first is the
    // [UInt8](unsafeUninitializedCapacity:) the encoder used to call (the standard library's unspecialised
    // allocation, a generic-metadata lookup per call), the second the copy from a buffer it uses now.
    Benchmark("baseline [UInt8](unsafeUninitializedCapacity: 128)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole([UInt8](unsafeUninitializedCapacity: 128) { buffer, initialized in
                buffer.initialize(repeating: 0)
                initialized = 128
            })
        }
    }
    let scratch = [UInt8](repeating: 0x5A, count: 128)
    Benchmark("baseline [UInt8](UnsafeRawBufferPointer) 128 B copy") { benchmark in
        scratch.withUnsafeBytes { bytes in
            for _ in benchmark.scaledIterations { blackHole([UInt8](bytes)) }
        }
    }
    // The same encode without the malloc counter. The MallocInterposer trait still wraps malloc/free (a header and
    // an indirect call, about 125 instructions a pair under callgrind); the counting itself adds about 50 more.
    Benchmark("abi encode (address,uint256,bytes32,bool) typed, wall clock only",
              configuration: .init(metrics: [.wallClock, .throughput])) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ABI.encode(recipient, amount, hash, true))
        }
    }
    // The same encode and its allocation floor timed 1,000 calls per sample (as EVMBenchmarks does): the rows above
    // time one call per sample, so each of their samples also carries the harness's two clock reads and its
    // bookkeeping (about a third of the 120 ns they report, see docs/bench/2026-12-05-hot-paths.md).
    let perThousand = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 10,
                                              scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 100_000)
    Benchmark("abi encode (address,uint256,bytes32,bool) typed, 1000 per sample", configuration: perThousand) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ABI.encode(recipient, amount, hash, true))
        }
    }
    Benchmark("baseline [UInt8](UnsafeRawBufferPointer) 128 B copy, 1000 per sample", configuration: perThousand) { benchmark in
        scratch.withUnsafeBytes { bytes in
            for _ in benchmark.scaledIterations { blackHole([UInt8](bytes)) }
        }
    }
    Benchmark("abi decode (address,uint256,bytes32,bool) typed") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! ABI.decode(Address.self, UInt256.self, Bytes32.self, Bool.self, from: staticEncoded))
        }
    }

    // The same tuple through ABIValue, for comparison.
    let staticTypes: [ABIType] = [.address, .uint(256), .fixedBytes(32), .bool]
    let staticValues: [ABIValue] = [.address(recipient), .uint(amount), .fixedBytes(hash.bytes), .bool(true)]
    Benchmark("abi encode (address,uint256,bytes32,bool) ABIValue") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! ABI.encode(staticValues, as: staticTypes)) }
    }
    Benchmark("abi decode (address,uint256,bytes32,bool) ABIValue") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! ABI.decode(staticTypes, from: staticEncoded)) }
    }

    // abi.encode of one (uint256[],bytes,string) with 32 numbers, 256 bytes, 64 characters: 1,568 bytes.
    let dynamicType = try! ABIType("(uint256[],bytes,string)")
    let dynamicValue = ABIValue.tuple([
        .array((0..<32).map { .uint(UInt256(UInt64($0)) * UInt256(1_000_000_007) + amount) }),
        .bytes((0..<256).map { UInt8(truncatingIfNeeded: $0 &* 7) }),
        .string(String(repeating: "SixNines", count: 8)),
    ])
    let dynamicEncoded = try! ABI.encode(dynamicValue, as: dynamicType)
    precondition(dynamicEncoded.count == 1568)
    Benchmark("abi encode (uint256[32],bytes256,string64) ABIValue 1568 B") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! ABI.encode(dynamicValue, as: dynamicType)) }
    }
    Benchmark("abi decode (uint256[32],bytes256,string64) ABIValue 1568 B") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! ABI.decode(dynamicType, from: dynamicEncoded)) }
    }

    // The floor of every EIP-712 hash: one Keccak-256 permutation (the Mail digest needs 13 with checksummed addresses).
    let word = [UInt8](repeating: 0x5A, count: 32)
    Benchmark("keccak256 32 B (reference for EIP-712)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Keccak256.hash(data: word)) }
    }

    // EIP-712 Mail example.
    let mailJSON = """
        {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},
        {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
        "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
        "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},
        "primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,
        "verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
        "message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
        "to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}
        """
    let typed = try! TypedData(json: mailJSON)
    precondition(try! typed.digest.description == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
    Benchmark("eip712 digest Mail (TypedData, parsed)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! typed.digest) }
    }
    let mailDocument = try! JSONValue(parsing: mailJSON)
    Benchmark("eip712 digest Mail (parsed JSON → TypedData → digest)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! TypedData(json: mailDocument).digest) }
    }
    Benchmark("eip712 digest Mail (JSON text → digest)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! TypedData(json: mailJSON).digest) }
    }
    let mail = BenchMail(from: BenchPerson(name: "Cow", wallet: try! Address("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")),
                         to: BenchPerson(name: "Bob", wallet: try! Address("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB")),
                         contents: "Hello, Bob!")
    let domain = EIP712Domain(name: "Ether Mail", version: "1", chainId: 1,
                              verifyingContract: try! Address("0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"))
    precondition(try! mail.eip712Digest(domain: domain) == typed.digest)
    Benchmark("eip712 digest Mail (Swift EIP712Struct)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! mail.eip712Digest(domain: domain)) }
    }
}

struct BenchPerson: EIP712Struct {
    static let eip712TypeName = "Person"
    static let eip712Members = [EIP712Field("name", "string"), EIP712Field("wallet", "address")]
    static let eip712TypeHash = eip712ComputedTypeHash
    var name: String
    var wallet: Address
    var eip712Values: [EIP712Value] { [.value(.string(name)), .value(.address(wallet))] }
}

struct BenchMail: EIP712Struct {
    static let eip712TypeName = "Mail"
    static let eip712Members = [EIP712Field("from", "Person"), EIP712Field("to", "Person"), EIP712Field("contents", "string")]
    static var eip712Dependencies: [any EIP712Struct.Type] { [BenchPerson.self] }
    static let eip712TypeHash = eip712ComputedTypeHash
    var from: BenchPerson
    var to: BenchPerson
    var contents: String
    var eip712Values: [EIP712Value] { [.struct(from), .struct(to), .value(.string(contents))] }
}
