import EVM
import Foundation

/// One JSON-RPC call: a method and its positional parameters.
public struct RPCRequest: Sendable, Hashable {
    /// The method name, e.g. `eth_getBalance`.
    public var method: String
    /// Positional parameters.
    public var params: [JSONRPCValue]

    /// A call of `method` with `params`.
    public init(_ method: String, _ params: [JSONRPCValue] = []) {
        self.method = method
        self.params = params
    }
}

/// The raw result of one call: its JSON bytes, decoded on demand to the type the caller wants.
public struct RPCResult: Sendable {
    /// The method this answers.
    public let method: String
    /// The JSON text of `result`.
    public let json: [UInt8]

    /// A result of `method` with the JSON text `json`.
    public init(method: String, json: [UInt8]) {
        self.method = method
        self.json = json
    }

    /// Decodes the result as `T`.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws(RPCError) -> T {
        try JSONRPCWire.decode(T.self, from: json, method: method)
    }

    /// Whether the result is JSON `null`.
    public var isNull: Bool { json.elementsEqual("null".utf8) }
}

/// The JSON-RPC 2.0 wire format: the only code that writes requests and reads response envelopes.
enum JSONRPCWire {
    /// Encodes a single request.
    static func encode(_ request: RPCRequest, id: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + request.params.count * 48)
        write(request, id: id, to: &out)
        return out
    }

    /// Encodes a batch: an array of requests with ids `firstID`, `firstID + 1`, ….
    static func encodeBatch(_ requests: [RPCRequest], firstID: Int) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(requests.count * 96)
        for (i, request) in requests.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            write(request, id: firstID + i, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    private static func write(_ request: RPCRequest, id: Int, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        out.append(contentsOf: String(id).utf8)
        out.append(contentsOf: #","method":"#.utf8)
        JSONRPCValue.writeString(request.method, to: &out)
        out.append(contentsOf: #","params":"#.utf8)
        JSONRPCValue.array(request.params).write(to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A parsed response envelope: its id and either the result bytes or an error.
    struct Envelope {
        var id: Int?
        var outcome: Result<[UInt8], RPCError>
    }

    /// Parses one response object or a batch array.
    static func parse(_ bytes: [UInt8]) throws(RPCError) -> [Envelope] {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        do {
            if scanner.peek() == UInt8(ascii: "[") {
                let items = try scanner.arrayElements()
                try scanner.expectEnd()
                return try items.map { range in
                    var inner = JSONScanner(bytes)
                    inner.index = range.lowerBound
                    return try envelope(&inner, bytes)
                }
            }
            let single = try envelope(&scanner, bytes)
            try scanner.expectEnd()
            return [single]
        } catch let error as JSONScanner.ScanError {
            if case .malformed(let detail) = error { throw RPCError.invalidResponse(detail) }
            throw RPCError.invalidResponse("malformed JSON")
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError.invalidResponse("\(error)")
        }
    }

    private static func envelope(_ scanner: inout JSONScanner, _ bytes: [UInt8]) throws -> Envelope {
        let members = try scanner.objectMembers()
        var id: Int?
        var result: Range<Int>?
        var error: Range<Int>?
        for (key, value) in members {
            if key.elementsEqual("id".utf8) {
                id = Int(String(decoding: bytes[value], as: UTF8.self))
            } else if key.elementsEqual("result".utf8) {
                result = value
            } else if key.elementsEqual("error".utf8) {
                error = value
            }
        }
        if let error, !bytes[error].elementsEqual("null".utf8) {
            struct ErrorObject: Decodable { var code: Int; var message: String; var data: JSONRPCValue? }
            let object: ErrorObject
            do {
                object = try JSONDecoder().decode(ErrorObject.self, from: Data(bytes[error]))
            } catch {
                throw RPCError.invalidResponse("malformed error object")
            }
            return Envelope(id: id, outcome: .failure(.fromServer(code: object.code, message: object.message, data: object.data)))
        }
        guard let result else { throw RPCError.invalidResponse("neither result nor error") }
        return Envelope(id: id, outcome: .success(Array(bytes[result])))
    }

    /// Decodes a result's JSON bytes as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from json: [UInt8], method: String) throws(RPCError) -> T {
        // A hash (eth_sendRawTransaction's result) straight from its bytes: `"0x` + 64 hex digits + `"`. Anything
        // else, escapes included, goes through JSONDecoder, which accepts the same texts.
        if T.self == Bytes32.self, json.count == 68, json[0] == 34, json[67] == 34,
           let hash = try? Bytes32(hex: String(decoding: json[1..<67], as: UTF8.self)), let value = hash as? T {
            return value
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(json))
        } catch {
            throw .decoding(method: method, detail: "\(error)")
        }
    }
}

/// One parsed JSON-RPC response: its id and the result's JSON bytes or the error.
public struct RPCResponse: Sendable {
    /// The response id (nil for errors about unparseable requests).
    public var id: Int?
    /// The result bytes or the classified error.
    public var outcome: Result<[UInt8], RPCError>
}

/// The JSON-RPC 2.0 codec on its own, for callers with their own transport and for benchmarks.
public enum JSONRPCCodec {
    /// The request body of one call.
    public static func encode(_ request: RPCRequest, id: Int) -> [UInt8] { JSONRPCWire.encode(request, id: id) }
    /// The request body of a batch, with ids `firstID`, `firstID + 1`, ….
    public static func encodeBatch(_ requests: [RPCRequest], firstID: Int) -> [UInt8] {
        JSONRPCWire.encodeBatch(requests, firstID: firstID)
    }
    /// Parses a response body: one object or a batch array.
    public static func decode(_ body: [UInt8]) throws(RPCError) -> [RPCResponse] {
        try JSONRPCWire.parse(body).map { RPCResponse(id: $0.id, outcome: $0.outcome) }
    }
}
