// EVMRPC: chain access for SixNines.
//
// Layers, bottom up (one file each):
//
// - JSON.swift, Wire.swift — `JSONRPCValue` parameters written straight to bytes, and a scanner that finds a
//   response's `id`/`result`/`error` without building a tree; each result is decoded (Codable) from its own
//   byte range only. `JSONRPCCodec` exposes the codec alone.
// - RPCError.swift — the one error type: transport, timeout, HTTP status, rate limit, invalid response,
//   JSON-RPC error (code, message, data), revert (raw data; the ABI layer decodes it), decoding.
// - Transport.swift, WebSocket.swift — `RPCTransport`: bytes in, bytes out. `HTTPTransport` (async-http-client,
//   pooled keep-alive, gzip, TLS, deadline over the whole exchange); PlainHTTPTransport.swift, HTTPLane.swift,
//   HTTP1Wire.swift, PlainSocket.swift — `PlainHTTPTransport` for `http://` (one thread per keep-alive connection
//   blocked in poll(2), the request in one buffer, the response parsed from bytes); and `WebSocketTransport` (NIOWebSocket, `eth_subscribe`,
//   reconnect with backoff and resubscribe). A `WebSocketTransport` matches answers by request id: give it
//   to one `RPCClient`.
// - RPCClient.swift — ids, retries with exponential backoff and jitter for transient failures only,
//   failover across endpoints, explicit batches, optional coalescing of concurrent calls into batches.
// - Eth.swift, Models.swift — typed `eth_*` calls; `sendRawTransaction` never resends blindly (hash lookup
//   first); `logs` splits ranges the node refuses.
// - Chain.swift, Fees.swift, NonceManager.swift, Lifecycle.swift — presets (Polygon's 25 gwei floor),
//   fee estimation from `eth_feeHistory`, consecutive nonces for concurrent senders, and
//   `TransactionSender` (send, wait, replace when stuck, confirmations or finalized, reorgs), reporting
//   every state change. Signing is behind `TransactionSigner` (EVMSigner's keys plug in there).
//
// Example:
//
//     let client = RPCClient(urls: ["https://polygon-rpc.example", "https://backup.example"])
//     let balance = try await client.balance(of: address)
//     let sender = TransactionSender(client: client, signer: key, chain: .polygon)
//     let receipt = try await sender.send(TransactionRequest(to: to, value: amount, chainId: 137)) { event in
//         try? await store.persist(event)
//     }
