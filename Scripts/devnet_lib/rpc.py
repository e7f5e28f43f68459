"""JSON-RPC 2.0 method table and request handling (transport independent)."""

import json
import threading
import time

from eth_utils import keccak

from . import VERSION
from .hexfmt import (
    RpcError,
    addr,
    data,
    invalid_arg,
    parse_address,
    parse_data,
    parse_hash,
    parse_qty,
    qty,
    word,
)
from .node import Node, effective_gas_price

BLOCK_TAGS = ("latest", "earliest", "pending", "safe", "finalized")


def args(params, required, maximum):
    if params is None:
        params = []
    if not isinstance(params, list):
        raise RpcError(-32602, "non-array args")
    if len(params) > maximum:
        raise RpcError(-32602, f"too many arguments, want at most {maximum}")
    if len(params) < required:
        raise RpcError(-32602, f"missing value for required argument {len(params)}")
    return list(params) + [None] * (maximum - len(params))


def parse_block(value, index, default="latest"):
    """-> tag string, block number, or 32-byte block hash (EIP-1898)."""
    if value is None:
        return default
    if isinstance(value, str) and value in BLOCK_TAGS:
        return value
    if isinstance(value, dict):
        if "blockHash" in value:
            return parse_hash(value["blockHash"], index)
        if "blockNumber" in value:
            return parse_block(value["blockNumber"], index)
        raise invalid_arg(index, "invalid block specifier")
    if isinstance(value, str) and not value.startswith(("0x", "0X")):
        raise invalid_arg(index, f"invalid block tag \"{value}\"")
    return parse_qty(value, index)


def parse_call(obj, index):
    if not isinstance(obj, dict):
        raise invalid_arg(index, "json: cannot unmarshal non-object into Go value of type ethapi.TransactionArgs")
    out = {}
    for key in ("from", "to"):
        if obj.get(key) is not None:
            out[key] = parse_address(obj[key], index)
    for key in ("gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "nonce"):
        if obj.get(key) is not None:
            out[key] = parse_qty(obj[key], index)
    payload = None
    if obj.get("input") is not None:
        payload = parse_data(obj["input"], index)
    if obj.get("data") is not None:
        d = parse_data(obj["data"], index)
        if payload is not None and d != payload:
            raise invalid_arg(
                index,
                'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data',
            )
        payload = d
    if payload is not None:
        out["data"] = payload
    if "gasPrice" in out and ("maxFeePerGas" in out or "maxPriorityFeePerGas" in out):
        raise RpcError(-32602, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
    return out


class Devnet:
    def __init__(self, node: Node, block_time=0.0, max_batch=1000):
        self.node = node
        self.max_batch = max_batch
        self._interval = 0.0
        self._interval_wakeup = threading.Condition(node.lock)
        self._miner = None
        self._stopping = False
        self.methods = {
            "web3_clientVersion": self.web3_clientVersion,
            "web3_sha3": self.web3_sha3,
            "net_version": self.net_version,
            "net_listening": lambda p: (args(p, 0, 0), True)[1],
            "net_peerCount": lambda p: (args(p, 0, 0), "0x0")[1],
            "eth_chainId": self.eth_chainId,
            "eth_syncing": lambda p: (args(p, 0, 0), False)[1],
            "eth_mining": lambda p: (args(p, 0, 0), self.node.automine or self._interval > 0)[1],
            "eth_blockNumber": self.eth_blockNumber,
            "eth_accounts": self.eth_accounts,
            "eth_getBalance": self.eth_getBalance,
            "eth_getTransactionCount": self.eth_getTransactionCount,
            "eth_getCode": self.eth_getCode,
            "eth_getStorageAt": self.eth_getStorageAt,
            "eth_call": self.eth_call,
            "eth_estimateGas": self.eth_estimateGas,
            "eth_gasPrice": self.eth_gasPrice,
            "eth_maxPriorityFeePerGas": self.eth_maxPriorityFeePerGas,
            "eth_feeHistory": self.eth_feeHistory,
            "eth_sendRawTransaction": self.eth_sendRawTransaction,
            "eth_sendTransaction": self.eth_sendTransaction,
            "eth_getTransactionByHash": self.eth_getTransactionByHash,
            "eth_getTransactionReceipt": self.eth_getTransactionReceipt,
            "eth_getBlockByNumber": self.eth_getBlockByNumber,
            "eth_getBlockByHash": self.eth_getBlockByHash,
            "eth_getBlockTransactionCountByNumber": self.eth_getBlockTransactionCountByNumber,
            "eth_getBlockTransactionCountByHash": self.eth_getBlockTransactionCountByHash,
            "eth_getBlockReceipts": self.eth_getBlockReceipts,
            "eth_getLogs": self.eth_getLogs,
            "evm_mine": self.evm_mine,
            "evm_snapshot": self.evm_snapshot,
            "evm_revert": self.evm_revert,
            "evm_setNextBlockTimestamp": self.evm_setNextBlockTimestamp,
            "evm_increaseTime": self.evm_increaseTime,
            "evm_setAutomine": self.evm_setAutomine,
            "evm_setIntervalMining": self.evm_setIntervalMining,
        }
        if block_time:
            self.set_interval(block_time)

    # ------------------------------------------------------------------ transport-facing
    def handle_body(self, body, extra=None):
        """Raw request bytes -> response object (dict/list) or None (notifications only)."""
        try:
            req = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": f"parse error: {e}"}}
        if isinstance(req, list):
            if not req:
                return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "empty batch"}}
            if len(req) > self.max_batch:
                return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "batch too large"}}
            out = [r for r in (self.handle_one(item, extra) for item in req) if r is not None]
            return out or None
        return self.handle_one(req, extra)

    def handle_one(self, req, extra=None):
        if not isinstance(req, dict):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
        rid = req.get("id")
        is_notification = "id" not in req
        if isinstance(rid, (dict, list)):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
        method = req.get("method")
        if req.get("jsonrpc") != "2.0" or not isinstance(method, str):
            return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32600, "message": "invalid request"}}
        try:
            result = self.call(method, req.get("params"), extra)
            resp = {"jsonrpc": "2.0", "id": rid, "result": result}
        except RpcError as e:
            resp = {"jsonrpc": "2.0", "id": rid, "error": e.to_json()}
        except Exception as e:  # a bug here must not kill the server
            resp = {"jsonrpc": "2.0", "id": rid, "error": {"code": -32603, "message": f"internal error: {e!r}"}}
        return None if is_notification else resp

    def call(self, method, params, extra=None):
        fn = (extra or {}).get(method) or self.methods.get(method)
        if fn is None:
            raise RpcError(-32601, f"the method {method} does not exist/is not available")
        with self.node.lock:
            return fn(params)

    # ------------------------------------------------------------------ interval mining
    def set_interval(self, seconds):
        with self.node.lock:
            self._interval = float(seconds)
            if self._interval > 0 and self._miner is None:
                self._miner = threading.Thread(target=self._mine_loop, name="interval-miner", daemon=True)
                self._miner.start()
            self._interval_wakeup.notify_all()

    def _mine_loop(self):
        with self.node.lock:
            deadline = time.monotonic() + self._interval
            while not self._stopping:
                if self._interval <= 0:
                    self._interval_wakeup.wait()
                    deadline = time.monotonic() + self._interval
                    continue
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._interval_wakeup.wait(min(remaining, self._interval))
                    continue
                try:
                    self.node.mine()
                except Exception:
                    pass
                deadline = time.monotonic() + self._interval

    def stop(self):
        with self.node.lock:
            self._stopping = True
            self._interval_wakeup.notify_all()

    # ------------------------------------------------------------------ web3/net
    def web3_clientVersion(self, p):
        args(p, 0, 0)
        return f"SixNinesDevnet/v{VERSION}/eth-tester-py-evm"

    def web3_sha3(self, p):
        (d,) = args(p, 1, 1)
        return data(keccak(parse_data(d, 0)))

    def net_version(self, p):
        args(p, 0, 0)
        return str(self.node.chain_id)

    # ------------------------------------------------------------------ eth state
    def eth_chainId(self, p):
        args(p, 0, 0)
        return qty(self.node.chain_id)

    def eth_blockNumber(self, p):
        args(p, 0, 0)
        return qty(self.node.head_number())

    def eth_accounts(self, p):
        args(p, 0, 0)
        return [addr(a) for a in self.node.accounts]

    def eth_getBalance(self, p):
        a, b = args(p, 1, 2)
        return qty(self.node.state_at(parse_block(b, 1)).get_balance(parse_address(a, 0)))

    def eth_getTransactionCount(self, p):
        a, b = args(p, 1, 2)
        address = parse_address(a, 0)
        tag = parse_block(b, 1)
        if tag == "pending":
            return qty(self.node.pending_nonce(address))
        return qty(self.node.state_at(tag).get_nonce(address))

    def eth_getCode(self, p):
        a, b = args(p, 1, 2)
        return data(self.node.state_at(parse_block(b, 1)).get_code(parse_address(a, 0)))

    def eth_getStorageAt(self, p):
        a, slot, b = args(p, 2, 3)
        address = parse_address(a, 0)
        # geth decodes the slot as a hash: up to 32 bytes, leading zeros allowed
        if not isinstance(slot, str) or not slot.startswith(("0x", "0X")) or len(slot) > 66:
            raise invalid_arg(1, "invalid storage slot")
        try:
            key = int(slot[2:] or "0", 16)
        except ValueError:
            raise invalid_arg(1, "invalid hex string")
        return word(self.node.state_at(parse_block(b, 2)).get_storage(address, key))

    def eth_call(self, p):
        c, b, _overrides = args(p, 1, 3)
        return data(self.node.call(parse_call(c, 0), parse_block(b, 1)))

    def eth_estimateGas(self, p):
        c, b, _overrides = args(p, 1, 3)
        return qty(self.node.estimate_gas(parse_call(c, 0), parse_block(b, 1)))

    def eth_gasPrice(self, p):
        args(p, 0, 0)
        return qty(self.node.chain.header.base_fee_per_gas + self.node.priority_fee)

    def eth_maxPriorityFeePerGas(self, p):
        args(p, 0, 0)
        return qty(self.node.priority_fee)

    def eth_feeHistory(self, p):
        count, newest, percentiles = args(p, 2, 3)
        count = parse_qty(count, 0, allow_int=True)
        tag = parse_block(newest, 1)
        if isinstance(tag, bytes):
            raise invalid_arg(1, "block hash not supported")
        if percentiles is not None:
            if not isinstance(percentiles, list) or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in percentiles
            ):
                raise invalid_arg(2, "invalid reward percentiles")
            for i, x in enumerate(percentiles):
                if x < 0 or x > 100:
                    raise RpcError(-32602, f"invalid reward percentile: {x}")
                if i and x < percentiles[i - 1]:
                    raise RpcError(-32602, f"invalid reward percentile: #{i - 1}:{percentiles[i - 1]} > #{i}:{x}")
        node = self.node
        head = node.head_number()
        last = node.resolve_block_number(tag)
        if last > head:
            raise RpcError(-32602, f"request beyond head block: requested {last}, head {head}")
        count = min(count, 1024, last + 1)
        if count == 0:
            return {"oldestBlock": "0x0", "baseFeePerGas": [], "gasUsedRatio": [], "reward": None}
        first = last - count + 1
        base_fees, ratios, rewards = [], [], []
        blob_fees, blob_ratios = [], []
        for n in range(first, last + 1):
            block = node.block_by_number(n)
            hd = block.header
            base_fees.append(qty(hd.base_fee_per_gas))
            ratios.append(hd.gas_used / hd.gas_limit)
            blob_fees.append("0x1")
            blob_ratios.append(0.0)
            if percentiles is not None:
                rewards.append(self._rewards(block, percentiles))
        if last == head:
            next_base = node.chain.header.base_fee_per_gas
        else:
            next_base = node.block_by_number(last + 1).header.base_fee_per_gas
        base_fees.append(qty(next_base))
        blob_fees.append("0x1")
        out = {
            "oldestBlock": qty(first),
            "baseFeePerGas": base_fees,
            "gasUsedRatio": ratios,
            "baseFeePerBlobGas": blob_fees,
            "blobGasUsedRatio": blob_ratios,
        }
        if percentiles is not None:
            out["reward"] = rewards
        return out

    def _rewards(self, block, percentiles):
        if not block.transactions:
            return ["0x0"] * len(percentiles)
        base = block.header.base_fee_per_gas
        receipts = self.node.block_receipts(block)
        items = sorted(
            (effective_gas_price(tx, base) - base, int(r["gasUsed"], 16))
            for tx, r in zip(block.transactions, receipts)
        )
        out = []
        total = block.header.gas_used
        for pct in percentiles:
            threshold = total * pct / 100
            acc = 0
            reward = items[-1][0]
            for tip, used in items:
                acc += used
                if acc >= threshold:
                    reward = tip
                    break
            out.append(qty(reward))
        return out

    # ------------------------------------------------------------------ transactions
    def eth_sendRawTransaction(self, p):
        (raw,) = args(p, 1, 1)
        node = self.node
        return data(node.submit(node.decode_raw(parse_data(raw, 0))))

    def eth_sendTransaction(self, p):
        (c,) = args(p, 1, 1)
        return data(self.node.sign_and_submit(parse_call(c, 0)))

    def eth_getTransactionByHash(self, p):
        (h,) = args(p, 1, 1)
        found = self.node.find_tx(parse_hash(h, 0))
        if found is None:
            return None
        block, tx, index = found
        return self.node.tx_json(tx, block, index)

    def eth_getTransactionReceipt(self, p):
        (h,) = args(p, 1, 1)
        found = self.node.find_tx(parse_hash(h, 0))
        if found is None or found[0] is None:
            return None
        block, _tx, index = found
        return self.node.block_receipts(block)[index]

    # ------------------------------------------------------------------ blocks
    def _block_by_tag(self, value, index):
        tag = parse_block(value, index)
        if isinstance(tag, bytes):
            return self.node.block_by_hash(tag)
        return self.node.block_by_number(self.node.resolve_block_number(tag))

    def eth_getBlockByNumber(self, p):
        b, full = args(p, 2, 2)
        if not isinstance(full, bool):
            raise invalid_arg(1, "json: cannot unmarshal non-bool into Go value of type bool")
        block = self._block_by_tag(b, 0)
        return None if block is None else self.node.block_json(block, full)

    def eth_getBlockByHash(self, p):
        h, full = args(p, 2, 2)
        if not isinstance(full, bool):
            raise invalid_arg(1, "json: cannot unmarshal non-bool into Go value of type bool")
        block = self.node.block_by_hash(parse_hash(h, 0))
        return None if block is None else self.node.block_json(block, full)

    def eth_getBlockTransactionCountByNumber(self, p):
        (b,) = args(p, 1, 1)
        block = self._block_by_tag(b, 0)
        return None if block is None else qty(len(block.transactions))

    def eth_getBlockTransactionCountByHash(self, p):
        (h,) = args(p, 1, 1)
        block = self.node.block_by_hash(parse_hash(h, 0))
        return None if block is None else qty(len(block.transactions))

    def eth_getBlockReceipts(self, p):
        (b,) = args(p, 1, 1)
        block = self._block_by_tag(b, 0)
        return None if block is None else self.node.block_receipts(block)

    def parse_filter(self, f, index=0):
        if not isinstance(f, dict):
            raise invalid_arg(index, "json: cannot unmarshal non-object into Go value of type filters.FilterCriteria")
        addresses = f.get("address")
        if addresses is None:
            addresses = []
        elif isinstance(addresses, str):
            addresses = [addresses]
        elif not isinstance(addresses, list):
            raise invalid_arg(index, "invalid addresses in query")
        addresses = {addr(parse_address(a, index)) for a in addresses}
        topics = f.get("topics") or []
        if not isinstance(topics, list) or len(topics) > 4:
            raise invalid_arg(index, "invalid topics in query")
        parsed = []
        for t in topics:
            if t is None:
                parsed.append(None)
            elif isinstance(t, str):
                parsed.append({data(parse_hash(t, index))})
            elif isinstance(t, list):
                if any(x is None for x in t):
                    parsed.append(None)
                else:
                    parsed.append({data(parse_hash(x, index)) for x in t})
            else:
                raise invalid_arg(index, "invalid topic(s)")
        return addresses, parsed

    def eth_getLogs(self, p):
        (f,) = args(p, 1, 1)
        addresses, topics = self.parse_filter(f)
        node = self.node
        if f.get("blockHash") is not None:
            if f.get("fromBlock") is not None or f.get("toBlock") is not None:
                raise invalid_arg(0, "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
            return node.get_logs(0, 0, addresses, topics, block_hash=parse_hash(f["blockHash"], 0))
        frm = parse_block(f.get("fromBlock"), 0)
        to = parse_block(f.get("toBlock"), 0)
        if isinstance(frm, bytes) or isinstance(to, bytes):
            raise invalid_arg(0, "invalid block range")
        return node.get_logs(node.resolve_block_number(frm), node.resolve_block_number(to), addresses, topics)

    # ------------------------------------------------------------------ evm_*
    def evm_mine(self, p):
        (opt,) = args(p, 0, 1)
        timestamp, blocks = None, 1
        if isinstance(opt, dict):
            if opt.get("timestamp") is not None:
                timestamp = parse_qty(opt["timestamp"], 0, allow_int=True)
            if opt.get("blocks") is not None:
                blocks = parse_qty(opt["blocks"], 0, allow_int=True)
        elif opt is not None:
            timestamp = parse_qty(opt, 0, allow_int=True)
        for i in range(blocks):
            self.node.mine(timestamp if i == 0 else None)
        return "0x0"

    def evm_snapshot(self, p):
        args(p, 0, 0)
        return qty(self.node.snapshot())

    def evm_revert(self, p):
        (sid,) = args(p, 1, 1)
        return self.node.revert(parse_qty(sid, 0, allow_int=True))

    def evm_setNextBlockTimestamp(self, p):
        (ts,) = args(p, 1, 1)
        ts = parse_qty(ts, 0, allow_int=True)
        parent = self.node.head().timestamp
        if ts <= parent:
            raise RpcError(-32602, f"Timestamp {ts} is lower than or equal to previous block's timestamp {parent}")
        self.node.next_timestamp = ts
        return None

    def evm_increaseTime(self, p):
        (secs,) = args(p, 1, 1)
        secs = parse_qty(secs, 0, allow_int=True)
        self.node.time_offset += secs
        return self.node.time_offset

    def evm_setAutomine(self, p):
        (on,) = args(p, 1, 1)
        if not isinstance(on, bool):
            raise invalid_arg(0, "expected a boolean")
        self.node.automine = on
        if on:
            while self.node._has_executable():
                self.node.mine()
        return True

    def evm_setIntervalMining(self, p):
        (secs,) = args(p, 1, 1)
        if isinstance(secs, str):
            secs = parse_qty(secs, 0)
        if not isinstance(secs, (int, float)) or isinstance(secs, bool) or secs < 0:
            raise invalid_arg(0, "expected a non-negative number of seconds")
        self.set_interval(secs)
        return True
