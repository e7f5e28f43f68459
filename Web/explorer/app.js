// The explorer page: wiring only. Every value from a receipt, a file, the server or the chain is shown with
// textContent (never parsed as HTML); images are only data:image/svg+xml URIs from the badge contract's tokenURI,
// shown in <img> (where an SVG cannot run scripts).
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const V = SixNinesVerify;
  const K = SixNinesKeccak;
  let config = null;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function fill(dl, pairs) {
    dl.replaceChildren();
    for (const [k, v] of pairs) { dl.append(el("dt", k), el("dd", v)); }
  }

  async function getJSON(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error ? `${body.error}${body.field ? ` (${body.field})` : ""}` : `HTTP ${response.status}`);
    return body;
  }

  function showVerdict(result, note, receipt, batchPairs) {
    $("verdict").hidden = false;
    const title = $("verdict-title");
    title.textContent = result.verdict;
    title.className = result.verdict;
    $("verdict-note").textContent = note || "";
    const body = $("checks").tBodies[0];
    body.replaceChildren();
    for (const c of result.checks) {
      const row = document.createElement("tr");
      row.dataset.check = c.name;
      row.dataset.ok = c.ok === null ? "unknown" : String(c.ok);
      row.append(el("td", c.name), el("td", c.ok === null ? "not checked" : c.ok ? "pass" : "FAIL", c.ok === null ? "unknown" : c.ok ? "ok" : "bad"),
        el("td", c.detail, "mono"), el("td", c.where));
      body.append(row);
    }
    fill($("receipt-fields"), receipt && typeof receipt === "object" ? Object.entries(receipt).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : v]) : []);
    fill($("batch-fields"), batchPairs || []);
  }

  function fail(message) {
    showVerdict({ verdict: "INVALID", checks: [{ name: "input", ok: false, detail: message, where: "in this page" }] }, "", null, []);
  }

  async function batchPairs(file, record) {
    const pairs = [["batch id", file.batchId], ["root", file.root]];
    if (record) pairs.push(["anchored at (chain)", new Date(record.anchoredAt * 1000).toISOString()], ["receipts in batch (chain)", record.count]);
    try {
      const b = await getJSON(`/v1/batches/${encodeURIComponent(file.batchId)}`);
      if (b.transaction) pairs.push(["transaction (server)", b.transaction]);
      if (b.block !== undefined) pairs.push(["block (server)", b.block]);
      if (b.state) pairs.push(["state (server)", b.state]);
    } catch (e) {
      pairs.push(["server", `no record of this batch here (${e.message})`]);
    }
    return pairs;
  }

  async function verifyFile(file, note) {
    if (!config) { fail("the explorer's configuration did not load"); return; }
    const result = await V.verifyProofFile(file, config);
    const receipt = file && typeof file === "object" ? file.receipt : null;
    const pairs = file && typeof file.batchId === "string" ? await batchPairs(file, result.record) : [];
    showVerdict(result, note, receipt, pairs);
  }

  async function verifyText(text, source) {
    let file;
    try { file = JSON.parse(text); } catch (e) { fail(`${source} is not JSON: ${e.message}`); return; }
    await verifyFile(file, `Proof from ${source}.`);
  }

  async function lookup(id) {
    id = id.trim();
    if (!/^0x[0-9a-fA-F]{64}$/.test(id)) { fail("a receipt id is 0x followed by 64 hex digits"); return; }
    let answer;
    try { answer = await getJSON(`/v1/receipts/${id}`); } catch (e) { fail(`lookup: ${e.message}`); return; }
    if (!answer.proof) {
      showVerdict({ verdict: "UNCHECKED", checks: [{ name: "anchored", ok: null, detail: `state ${answer.state}: no final batch yet`, where: "server" }] },
        "The receipt is known but not yet in a final batch.", answer.receipt, answer.batchId ? [["batch id", answer.batchId]] : []);
      return;
    }
    await verifyFile(answer.proof, `Proof fetched from the server for ${id}; every check below ran without trusting it.`);
  }

  async function loadBatches(cursor) {
    let page;
    try { page = await getJSON(`/v1/batches?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`); } catch (e) {
      $("batches").tBodies[0].append(el("tr", `could not list batches: ${e.message}`));
      return;
    }
    for (const b of page.batches) {
      const row = document.createElement("tr");
      row.dataset.batch = b.id;
      row.append(el("td", b.kind), el("td", b.sequence), el("td", b.state), el("td", b.receipts), el("td", b.root, "mono"),
        el("td", b.transaction || "—", "mono"), el("td", b.leadTime !== undefined ? `${b.leadTime} s` : "—"));
      $("batches").tBodies[0].append(row);
    }
    const more = $("more-batches");
    more.hidden = !page.next;
    more.onclick = () => loadBatches(page.next);
  }

  function decodeString(hex) {
    const bytes = K.fromHex(hex);
    const offset = Number(BigInt(K.toHex(bytes.slice(0, 32))));
    const length = Number(BigInt(K.toHex(bytes.slice(offset, offset + 32))));
    return new TextDecoder().decode(bytes.slice(offset + 32, offset + 32 + length));
  }

  function base64Text(b64) {
    const binary = atob(b64);
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  }

  async function loadBadges() {
    const note = $("badges-note");
    if (!config.badges) { note.textContent = "No badge contract configured."; return; }
    const transfer = K.toHex(K.hash(new TextEncoder().encode("Transfer(address,address,uint256)")));
    let logs;
    try {
      logs = await V.rpc(config.rpcUrl, "eth_getLogs", [{ address: config.badges, fromBlock: "0x0", toBlock: "latest",
        topics: [transfer, "0x" + "0".repeat(64)] }]);
    } catch (e) { note.textContent = `Could not read the badge contract: ${e.message}`; return; }
    const ids = [...new Set(logs.filter((l) => l.topics.length === 4).map((l) => BigInt(l.topics[3])))].slice(0, 200);
    note.textContent = `${ids.length} badge${ids.length === 1 ? "" : "s"} minted by ${config.badges} (read from the chain by this page).`;
    const sel = K.toHex(V.selector("tokenURI(uint256)")).slice(2);
    for (const id of ids) {
      const figure = document.createElement("figure");
      figure.dataset.token = id.toString();
      try {
        const result = await V.rpc(config.rpcUrl, "eth_call", [{ to: config.badges, data: "0x" + sel + id.toString(16).padStart(64, "0") }, "latest"]);
        const uri = decodeString(result);
        const prefix = "data:application/json;base64,";
        if (!uri.startsWith(prefix)) throw new Error("tokenURI is not a data: JSON URI");
        const meta = JSON.parse(base64Text(uri.slice(prefix.length)));
        if (typeof meta.image === "string" && meta.image.startsWith("data:image/svg+xml;base64,")) {
          const img = document.createElement("img");
          img.alt = String(meta.name || `badge ${id}`);
          img.src = meta.image;
          figure.append(img);
        }
        figure.append(el("figcaption", `#${id} ${meta.name || ""}`));
      } catch (e) {
        figure.append(el("figcaption", `#${id}: ${e.message}`));
      }
      $("badges").append(figure);
    }
  }

  async function start() {
    try { config = await getJSON("/v1/explorer/config"); } catch (e) { $("trust").textContent = `Configuration failed: ${e.message}`; return; }
    $("trust").textContent = `Trusted registry ${config.registry} on chain ${config.chainId}, read through ${config.rpcUrl}.`;
    $("lookup-form").addEventListener("submit", (event) => { event.preventDefault(); lookup($("receipt-id").value); });
    $("verify-text").addEventListener("click", () => verifyText($("proof-text").value, "the pasted text"));
    $("proof-file").addEventListener("change", async (event) => {
      const f = event.target.files[0];
      if (f) await verifyText(await f.text(), `file ${f.name}`);
    });
    const drop = $("drop");
    drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", async (event) => {
      event.preventDefault();
      drop.classList.remove("over");
      const f = event.dataTransfer.files[0];
      if (f) await verifyText(await f.text(), `file ${f.name}`);
    });
    const fromHash = new URLSearchParams(location.hash.slice(1)).get("receipt");
    if (fromHash) { $("receipt-id").value = fromHash; lookup(fromHash); }
    await loadBatches(null);
    await loadBadges();
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
