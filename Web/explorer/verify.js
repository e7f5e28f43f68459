// Receipt verification in the page, independent of the server: the leaf from the receipt's 13 fields
// (docs/PROTOCOL.md §3), the proof walk to the root (OpenZeppelin's sorted-pair tree), and the registry's record of
// the batch read straight from the chain's JSON-RPC (`batch(batch_id, root)`, §5). Pure functions, no DOM.
"use strict";

const SixNinesVerify = (() => {
  const K = SixNinesKeccak;
  const FIELDS = [
    ["version", "uint8"], ["kind", "uint8"], ["predictionId", "bytes32"], ["userCommitment", "bytes32"], ["asset", "bytes32"],
    ["direction", "uint8"], ["stake", "uint128"], ["placedAt", "uint64"], ["settlesAt", "uint64"], ["entryPrice", "uint128"],
    ["settlementPrice", "uint128"], ["outcome", "uint8"], ["payout", "uint128"],
  ];
  const BITS = { uint8: 8n, uint64: 64n, uint128: 128n };

  class CheckError extends Error {}

  /** An unsigned integer field (JSON number or decimal string) as a BigInt within its width. */
  function uint(value, type, name) {
    let n;
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value) || value < 0) throw new CheckError(`${name}: not a non-negative integer below 2^53 (write larger values as decimal strings)`);
      n = BigInt(value);
    } else if (typeof value === "string" && /^(0|[1-9][0-9]{0,77})$/.test(value)) {
      n = BigInt(value);
    } else {
      throw new CheckError(`${name}: expected an unsigned integer`);
    }
    if (n >> BITS[type] !== 0n) throw new CheckError(`${name}: does not fit in ${type}`);
    return n;
  }

  /** A bytes32 field: 0x + 64 hex digits; `asset` may also be its symbol (UTF-8, left-aligned, ≤ 32 bytes). */
  function word(value, name) {
    if (typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value)) return K.fromHex(value);
    if (name === "asset" && typeof value === "string" && /^[A-Za-z0-9._-]{1,32}$/.test(value)) {
      const out = new Uint8Array(32);
      out.set(new TextEncoder().encode(value));
      return out;
    }
    throw new CheckError(`${name}: expected a 32-byte hex value`);
  }

  function uintWord(n) {
    const out = new Uint8Array(32);
    for (let i = 31; i >= 0 && n > 0n; i--) { out[i] = Number(n & 0xffn); n >>= 8n; }
    return out;
  }

  /** The 416-byte ABI encoding of a receipt object (throws CheckError naming the bad field). */
  function encodeReceipt(receipt) {
    if (receipt === null || typeof receipt !== "object" || Array.isArray(receipt)) throw new CheckError("receipt: expected an object");
    const out = new Uint8Array(32 * FIELDS.length);
    FIELDS.forEach(([name, type], i) => {
      if (!(name in receipt)) throw new CheckError(`${name}: missing`);
      out.set(type === "bytes32" ? word(receipt[name], name) : uintWord(uint(receipt[name], type, name)), 32 * i);
    });
    return out;
  }

  /** The receipt's leaf: keccak256(keccak256(abi.encode(13 fields))). */
  function leaf(receipt) { return K.hash(K.hash(encodeReceipt(receipt))); }

  function compare(a, b) {
    for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  }

  /** hashPair of OpenZeppelin's StandardMerkleTree: keccak256 of the two nodes in ascending order. */
  function hashPair(a, b) {
    const both = new Uint8Array(64);
    if (compare(a, b) <= 0) { both.set(a); both.set(b, 32); } else { both.set(b); both.set(a, 32); }
    return K.hash(both);
  }

  /** Folds a proof (array of 0x-hex words) from a leaf: the root it implies. */
  function rootFrom(leafBytes, proof) {
    if (!Array.isArray(proof) || proof.length > 32) throw new CheckError("proof: expected at most 32 hashes");
    return proof.reduce((h, p, i) => {
      if (typeof p !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(p)) throw new CheckError(`proof[${i}]: expected a 32-byte hex value`);
      return hashPair(h, K.fromHex(p));
    }, leafBytes);
  }

  /** The 4-byte selector of a function signature. */
  function selector(signature) { return K.hash(new TextEncoder().encode(signature)).slice(0, 4); }

  /** One JSON-RPC call from the browser to the chain (not through our server). */
  async function rpc(url, method, params) {
    const response = await fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    if (!response.ok) throw new Error(`${method}: HTTP ${response.status}`);
    const answer = await response.json();
    if (answer.error) throw new Error(`${method}: ${answer.error.message || JSON.stringify(answer.error)}`);
    return answer.result;
  }

  /** Reads ReceiptRegistry.batch(batchId, root) → {anchored, kind, count, firstTime, lastTime, anchoredAt}. */
  async function readBatch(rpcUrl, registry, batchIdHex, rootBytes) {
    const data = new Uint8Array(4 + 64);
    data.set(selector("batch(bytes32,bytes32)"));
    data.set(K.fromHex(batchIdHex), 4);
    data.set(rootBytes, 36);
    const result = await rpc(rpcUrl, "eth_call", [{ to: registry, data: K.toHex(data) }, "latest"]);
    const bytes = K.fromHex(result);
    if (bytes.length < 6 * 32) throw new Error(`the registry at ${registry} answered ${bytes.length} bytes (is it a ReceiptRegistry?)`);
    const w = (i) => BigInt(K.toHex(bytes.slice(32 * i, 32 * i + 32)));
    return { anchored: w(0) === 1n, kind: Number(w(1)), count: Number(w(2)), firstTime: Number(w(3)), lastTime: Number(w(4)), anchoredAt: Number(w(5)) };
  }

  /**
   * Verifies a proof file (sixnines-receipt-proof-v1) against the registry this page trusts.
   * Returns {verdict: "VALID" | "INVALID" | "UNCHECKED", checks: [{name, ok: true|false|null, detail, where}]}.
   */
  async function verifyProofFile(file, trusted) {
    const checks = [];
    const add = (name, ok, detail, where) => { checks.push({ name, ok, detail, where }); return ok; };
    const page = "in this page";
    const chain = `chain JSON-RPC ${trusted.rpcUrl}`;
    const done = () => {
      const failed = checks.some((c) => c.ok === false);
      const unchecked = checks.some((c) => c.ok === null);
      return { verdict: failed ? "INVALID" : unchecked ? "UNCHECKED" : "VALID", checks };
    };
    if (file === null || typeof file !== "object" || Array.isArray(file)) { add("proof file format", false, "not a JSON object", page); return done(); }
    if (file.format !== "sixnines-receipt-proof-v1") { add("proof file format", false, `format is ${JSON.stringify(file.format)}, expected "sixnines-receipt-proof-v1"`, page); return done(); }
    add("proof file format", true, "sixnines-receipt-proof-v1", page);

    let leafBytes;
    try {
      leafBytes = leaf(file.receipt);
      const claimed = typeof file.leaf === "string" ? file.leaf.toLowerCase() : null;
      add("leaf from the receipt's fields", claimed === K.toHex(leafBytes), claimed === K.toHex(leafBytes)
        ? K.toHex(leafBytes) : `fields hash to ${K.toHex(leafBytes)}, the file says ${file.leaf}`, page);
    } catch (e) { add("leaf from the receipt's fields", false, e.message, page); return done(); }

    let root;
    try {
      root = rootFrom(leafBytes, file.proof);
      const claimed = typeof file.root === "string" ? file.root.toLowerCase() : null;
      add("proof folds to the batch root", claimed === K.toHex(root), claimed === K.toHex(root)
        ? `${file.proof.length} hashes → ${K.toHex(root)}` : `proof gives ${K.toHex(root)}, the file says ${file.root}`, page);
    } catch (e) { add("proof folds to the batch root", false, e.message, page); return done(); }

    const id = typeof file.batchId === "string" && /^0x[0-9a-fA-F]{64}$/.test(file.batchId) ? file.batchId : null;
    let kindOk = false;
    if (id) {
      const idBytes = K.fromHex(id);
      const kind = idBytes[23];
      kindOk = idBytes.slice(0, 23).every((b) => b === 0) && (kind === 1 || kind === 2) && kind === file.batchKind && kind === Number(file.receipt.kind);
      add("batch id layout and kind", kindOk, kindOk ? `kind ${kind}, sequence ${BigInt(K.toHex(idBytes.slice(24)))}` : "the batch id's kind byte, batchKind and the receipt's kind disagree or the id is malformed", page);
    } else {
      add("batch id layout and kind", false, "batchId is not a 32-byte hex value", page);
    }
    const settlesAt = Number(file.receipt.settlesAt);
    add("settlement mark", settlesAt % 600 === 540, `settlesAt ${settlesAt} (${new Date(settlesAt * 1000).toISOString()})`, page);

    const registry = typeof file.registry === "string" ? file.registry.toLowerCase() : "";
    if (!trusted.registry || registry !== trusted.registry.toLowerCase()) {
      add("registry is the one this explorer trusts", false, `the file names ${file.registry}; this explorer trusts ${trusted.registry || "no registry"}`, page);
      return done();
    }
    add("registry is the one this explorer trusts", true, trusted.registry, page);
    if (!id || !kindOk) return done();
    try {
      const chainId = Number(BigInt(await rpc(trusted.rpcUrl, "eth_chainId", [])));
      if (!add("chain id", chainId === Number(file.chainId), `chain ${chainId}, file ${file.chainId}`, chain)) return done();
      const record = await readBatch(trusted.rpcUrl, trusted.registry, id, root);
      const anchored = record.anchored && record.kind === file.batchKind;
      add("batch anchored on chain with this root", anchored, anchored
        ? `${record.count} receipts, anchored ${new Date(record.anchoredAt * 1000).toISOString()}`
        : "the registry has no batch with this id and root", chain);
      if (anchored && Number(file.receipt.kind) === 1) {
        const lead = settlesAt - record.anchoredAt;
        add("anchored before settlement", lead > 0, `lead time ${lead} s (anchored ${record.anchoredAt}, settles ${settlesAt})`, chain);
      }
      return Object.assign(done(), { record });
    } catch (e) {
      add("batch anchored on chain with this root", null, `could not read the chain: ${e.message}`, chain);
      return done();
    }
  }

  return { leaf, rootFrom, hashPair, encodeReceipt, verifyProofFile, readBatch, rpc, selector, CheckError };
})();
