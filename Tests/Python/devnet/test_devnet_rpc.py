"""Scripts/devnet behaves like a real node: JSON-RPC framing, errors, transactions, state."""

import gzip
import json
import os
import signal
import sys
import threading
import time

from eth_account import Account
from eth_utils import keccak, to_checksum_address

from devnet_harness import Devnet, WSClient

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "Scripts"))

CHAIN_ID = 31337
KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ADDR0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
ADDR1 = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
GWEI = 10**9
TOPIC = keccak(b"SixNinesDevnetPing()")
REASON = b"nope"

# ---------------------------------------------------------------- hand-assembled contract
# Runtime: empty calldata -> SSTORE(0, NUMBER); LOG1(data=NUMBER, topic=TOPIC); STOP
#          any calldata  -> REVERT(Error("nope"))
_log_path = (
    bytes.fromhex("43600055")  # NUMBER PUSH1 0 SSTORE
    + bytes.fromhex("43600052")  # NUMBER PUSH1 0 MSTORE
    + b"\x7f" + TOPIC  # PUSH32 topic
    + bytes.fromhex("60206000a100")  # PUSH1 32 PUSH1 0 LOG1 STOP
)
_revert_path = (
    b"\x5b"  # JUMPDEST
    + b"\x7f" + bytes.fromhex("08c379a0").ljust(32, b"\0") + bytes.fromhex("600052")  # selector
    + bytes.fromhex("6020600452")  # offset 0x20 at 4
    + bytes([0x60, len(REASON)]) + bytes.fromhex("602452")  # length at 0x24
    + b"\x7f" + REASON.ljust(32, b"\0") + bytes.fromhex("604452")  # bytes at 0x44
    + bytes.fromhex("60646000fd")  # REVERT(0, 100)
)
_jump_target = 4 + len(_log_path)  # CALLDATASIZE PUSH1 x JUMPI = 4 bytes
RUNTIME = bytes([0x36, 0x60, _jump_target, 0x57]) + _log_path + _revert_path
assert RUNTIME[_jump_target] == 0x5B
INITCODE = bytes([0x60, len(RUNTIME), 0x80, 0x60, 11, 0x60, 0, 0x39, 0x60, 0, 0xF3]) + RUNTIME
REVERT_DATA = "0x08c379a0" + (32).to_bytes(32, "big").hex() + len(REASON).to_bytes(32, "big").hex() + REASON.ljust(32, b"\0").hex()


def sign(chain, **fields):
    tx = {
        "chainId": CHAIN_ID,
        "nonce": int(chain.rpc("eth_getTransactionCount", ADDR0, "pending"), 16),
        "maxFeePerGas": 100 * GWEI,
        "maxPriorityFeePerGas": GWEI,
        "gas": 21000,
        "to": ADDR1,
        "value": 1,
        "data": b"",
    }
    tx.update(fields)
    if "gasPrice" in fields:
        tx.pop("maxFeePerGas")
        tx.pop("maxPriorityFeePerGas")
    if tx.get("to") is None:
        tx.pop("to")
    else:
        tx["to"] = to_checksum_address(tx["to"])
    return "0x" + Account.sign_transaction(tx, KEY0).raw_transaction.hex().removeprefix("0x")


def send(chain, **fields):
    return chain.rpc("eth_sendRawTransaction", sign(chain, **fields))


def deploy(chain):
    h = send(chain, to=None, value=0, data=INITCODE, gas=200_000)
    receipt = chain.rpc("eth_getTransactionReceipt", h)
    assert receipt["status"] == "0x1"
    return receipt["contractAddress"]


# ---------------------------------------------------------------- framing and basics
def test_startup_and_identity(devnet):
    print(f"devnet start-up (process spawn to readiness line): {devnet.startup_seconds:.2f}s")
    assert devnet.info["chainId"] == CHAIN_ID
    assert devnet.info["accounts"][0] == ADDR0
    assert devnet.info["privateKeys"][0] == KEY0
    assert devnet.rpc("eth_chainId") == "0x7a69"
    assert devnet.rpc("net_version") == "31337"
    assert devnet.rpc("web3_clientVersion").startswith("SixNinesDevnet/")
    assert devnet.rpc("eth_accounts")[:2] == [ADDR0, ADDR1]


def test_hardhat_keys_match_derivation():
    from devnet_lib.node import HARDHAT_KEYS, derive_keys

    assert [k.hex() for k in derive_keys(len(HARDHAT_KEYS))] == HARDHAT_KEYS


def test_batch_and_jsonrpc_errors(devnet):
    resp = devnet.post(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
            {"jsonrpc": "2.0", "id": "two", "method": "eth_nope", "params": []},
            {"jsonrpc": "2.0", "id": 3, "method": "eth_getBalance", "params": ["0x1234"]},
            {"jsonrpc": "2.0", "method": "eth_blockNumber"},  # notification: no response
            42,
            {"jsonrpc": "2.0", "id": 5, "method": "eth_getBalance", "params": [ADDR0, "latest"]},
        ]
    )
    assert [r["id"] for r in resp] == [1, "two", 3, None, 5]
    assert resp[0]["result"] == "0x7a69"
    assert resp[1]["error"]["code"] == -32601
    assert resp[2]["error"]["code"] == -32602
    assert resp[3]["error"]["code"] == -32600
    assert resp[4]["result"] == hex(10_000 * 10**18)

    body, _ = devnet.raw(b'{"jsonrpc":"2.0","id":1,"method":')
    assert json.loads(body)["error"]["code"] == -32700
    assert devnet.post([])["error"]["code"] == -32600
    assert devnet.post({"id": 1, "method": "eth_chainId"})["error"]["code"] == -32600
    assert devnet.post({"jsonrpc": "2.0", "method": "eth_chainId"}) is None
    assert devnet.error("eth_getBalance", ADDR0, "0x01")["code"] == -32602  # leading zero
    assert devnet.error("eth_blockNumber", 1)["code"] == -32602  # too many arguments
    assert devnet.error("eth_getBalance", ADDR0, "0xffff")["message"] == "header not found"
    assert devnet.error("eth_subscribe", "newHeads") == {"code": -32601, "message": "notifications not supported"}
    genesis = devnet.rpc("eth_getBlockByNumber", "0x0", False)["hash"]
    assert devnet.rpc("eth_getBalance", ADDR0, {"blockHash": genesis}) == hex(10_000 * 10**18)


def test_chunked_request(devnet):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", devnet.port, timeout=10)
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "eth_chainId"}).encode()
    conn.request("POST", "/", body=iter([body[:10], body[10:]]), headers={"Content-Type": "application/json"},
                 encode_chunked=True)
    assert json.loads(conn.getresponse().read()) == {"jsonrpc": "2.0", "id": 7, "result": "0x7a69"}
    conn.close()


def test_gzip_response(devnet):
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_getBalance", "params": [ADDR0]} for i in range(100)]
    body, headers = devnet.raw(json.dumps(batch).encode(), {"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip"
    assert len(json.loads(gzip.decompress(body))) == 100


def test_block_tags_and_quantities(chain):
    start = int(chain.rpc("eth_blockNumber"), 16)
    chain.rpc("evm_mine")
    latest = chain.rpc("eth_getBlockByNumber", "latest", False)
    assert int(latest["number"], 16) == start + 1
    for tag in ("safe", "finalized", "pending"):
        assert chain.rpc("eth_getBlockByNumber", tag, False)["hash"] == latest["hash"]
    assert chain.rpc("eth_getBlockByNumber", "earliest", False)["number"] == "0x0"
    assert chain.rpc("eth_getBlockByHash", latest["hash"], True)["number"] == latest["number"]
    assert chain.rpc("eth_getBlockByNumber", hex(start + 100), False) is None
    assert latest["gasUsed"] == "0x0"
    for key in ("number", "timestamp", "gasLimit", "baseFeePerGas"):
        v = latest[key]
        assert v == "0x0" or (v.startswith("0x") and v[2] != "0"), (key, v)
    fh = chain.rpc("eth_feeHistory", "0x2", "latest", [10, 90])
    assert len(fh["baseFeePerGas"]) == 3 and len(fh["reward"]) == 2
    assert int(chain.rpc("eth_gasPrice"), 16) > int(chain.rpc("eth_maxPriorityFeePerGas"), 16) > 0


# ---------------------------------------------------------------- transactions
def test_signed_eip1559_tx_for_chain_31337(chain):
    before = int(chain.rpc("eth_getBalance", ADDR1), 16)
    h = send(chain, value=12345)
    receipt = chain.rpc("eth_getTransactionReceipt", h)
    assert receipt["status"] == "0x1" and receipt["type"] == "0x2"
    assert receipt["gasUsed"] == hex(21000)
    assert receipt["blockNumber"] == chain.rpc("eth_blockNumber")
    tx = chain.rpc("eth_getTransactionByHash", h)
    assert tx["chainId"] == "0x7a69" and tx["from"] == ADDR0 and tx["blockHash"] == receipt["blockHash"]
    assert int(chain.rpc("eth_getBalance", ADDR1), 16) == before + 12345
    # legacy EIP-155 transaction for the same chain
    h2 = send(chain, gasPrice=10 * GWEI)
    assert chain.rpc("eth_getTransactionReceipt", h2)["type"] == "0x0"
    # CHAINID opcode sees 31337: initcode CHAINID PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    # a create-call returns the deployed code: here the 32-byte CHAINID
    assert int(chain.rpc("eth_call", {"data": "0x4660005260206000f3"}), 16) == CHAIN_ID
    out = chain.rpc("eth_call", {"data": "0x" + "6009600c60003960096000f3" + "4660005260206000f3"})
    assert out == "0x4660005260206000f3"


def test_eth_send_transaction_and_chainid_opcode(chain):
    h = chain.rpc("eth_sendTransaction", {"from": ADDR0, "to": ADDR1, "value": "0x1"})
    assert chain.rpc("eth_getTransactionReceipt", h)["status"] == "0x1"
    # deploy CHAINID-returning contract via eth_sendTransaction and call it
    runtime = "4660005260206000f3"
    initcode = "0x6009600c60003960096000f3" + runtime
    h = chain.rpc("eth_sendTransaction", {"from": ADDR0, "data": initcode})
    contract = chain.rpc("eth_getTransactionReceipt", h)["contractAddress"]
    assert chain.rpc("eth_getCode", contract) == "0x" + runtime
    assert int(chain.rpc("eth_call", {"to": contract}), 16) == CHAIN_ID
    assert chain.error("eth_sendTransaction", {"from": "0x" + "11" * 20, "to": ADDR1})["code"] == -32000


def test_send_raw_transaction_errors(chain):
    raw = sign(chain)
    chain.rpc("eth_sendRawTransaction", raw)
    err = chain.error("eth_sendRawTransaction", raw)
    assert err["code"] == -32000 and err["message"].startswith("nonce too low")
    err = chain.error("eth_sendRawTransaction", sign(chain, chainId=1))
    assert err["code"] == -32000 and "chain id" in err["message"]
    err = chain.error("eth_sendRawTransaction", sign(chain, value=10**30))
    assert err["code"] == -32000 and err["message"].startswith("insufficient funds for gas * price + value")
    err = chain.error("eth_sendRawTransaction", sign(chain, gas=20000))
    assert err["code"] == -32000 and err["message"].startswith("intrinsic gas too low")
    err = chain.error("eth_sendRawTransaction", "0x1234")
    assert err["code"] == -32000
    # already known: a queued (future-nonce) transaction sent twice
    nonce = int(chain.rpc("eth_getTransactionCount", ADDR0, "latest"), 16)
    future = sign(chain, nonce=nonce + 1)
    chain.rpc("eth_sendRawTransaction", future)
    err = chain.error("eth_sendRawTransaction", future)
    assert err == {"code": -32000, "message": "already known"}
    # filling the gap mines both, in order
    chain.rpc("eth_sendRawTransaction", sign(chain, nonce=nonce))
    assert int(chain.rpc("eth_getTransactionCount", ADDR0, "latest"), 16) == nonce + 2


def test_manual_mining_pool_and_replacement(chain):
    assert chain.rpc("evm_setAutomine", False) is True
    start = int(chain.rpc("eth_blockNumber"), 16)
    nonce = int(chain.rpc("eth_getTransactionCount", ADDR0, "latest"), 16)
    h1 = send(chain, maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=GWEI)
    assert chain.rpc("eth_getTransactionReceipt", h1) is None
    pending = chain.rpc("eth_getTransactionByHash", h1)
    assert pending["blockHash"] is None and pending["blockNumber"] is None
    assert int(chain.rpc("eth_getTransactionCount", ADDR0, "pending"), 16) == nonce + 1
    assert int(chain.rpc("eth_getTransactionCount", ADDR0, "latest"), 16) == nonce
    # same nonce, fees raised by less than 10%: refused; by 10%: replaces
    err = chain.error(
        "eth_sendRawTransaction", sign(chain, nonce=nonce, maxFeePerGas=10 * GWEI + 1, maxPriorityFeePerGas=GWEI + 1)
    )
    assert err["message"] == "replacement transaction underpriced"
    h2 = send(chain, nonce=nonce, maxFeePerGas=11 * GWEI, maxPriorityFeePerGas=GWEI * 11 // 10, value=2)
    assert chain.rpc("eth_getTransactionByHash", h1) is None
    chain.rpc("evm_mine")
    assert int(chain.rpc("eth_blockNumber"), 16) == start + 1
    assert chain.rpc("eth_getTransactionReceipt", h2)["status"] == "0x1"
    # out-of-order nonces (as concurrent senders produce) are queued and mined in order
    raws = [sign(chain, nonce=nonce + 1 + i, value=100 + i) for i in range(5)]
    hashes = [chain.rpc("eth_sendRawTransaction", r) for r in reversed(raws)]
    chain.rpc("evm_mine")
    receipts = [chain.rpc("eth_getTransactionReceipt", h) for h in hashes]
    assert all(r["status"] == "0x1" for r in receipts)
    assert len({r["blockNumber"] for r in receipts}) == 1
    assert int(chain.rpc("eth_getTransactionCount", ADDR0, "latest"), 16) == nonce + 6


# ---------------------------------------------------------------- contracts, reverts, logs
def test_revert_returns_code_3_with_data(chain):
    contract = deploy(chain)
    assert chain.rpc("eth_getCode", contract) == "0x" + RUNTIME.hex()
    for method in ("eth_call", "eth_estimateGas"):
        err = chain.error(method, {"from": ADDR0, "to": contract, "data": "0x01"}, "latest")
        assert err == {"code": 3, "message": "execution reverted: nope", "data": REVERT_DATA}, method
    assert chain.rpc("eth_call", {"to": contract}, "latest") == "0x"
    gas = int(chain.rpc("eth_estimateGas", {"from": ADDR0, "to": contract}), 16)
    assert 21000 + 20000 < gas < 100_000
    # a reverted transaction is mined with status 0
    h = send(chain, to=contract, data=b"\x01", gas=100_000, value=0)
    assert chain.rpc("eth_getTransactionReceipt", h)["status"] == "0x0"


def test_logs_storage_and_range_limit(chain):
    contract = deploy(chain)
    hashes = [send(chain, to=contract, value=0, gas=100_000) for _ in range(3)]
    receipts = [chain.rpc("eth_getTransactionReceipt", h) for h in hashes]
    last = int(receipts[-1]["blockNumber"], 16)
    assert int(chain.rpc("eth_getStorageAt", contract, "0x0"), 16) == last
    assert int(chain.rpc("eth_getStorageAt", contract, "0x" + "00" * 32), 16) == last
    assert int(chain.rpc("eth_getStorageAt", contract, "0x0", receipts[0]["blockNumber"]), 16) == last - 2
    logs = chain.rpc("eth_getLogs", {"fromBlock": hex(last - 2), "toBlock": "latest", "address": contract})
    assert [l["transactionHash"] for l in logs] == hashes
    assert logs[0]["topics"] == ["0x" + TOPIC.hex()] and int(logs[0]["data"], 16) == last - 2
    assert logs == [r["logs"][0] for r in receipts]
    assert chain.rpc("eth_getLogs", {"fromBlock": hex(last), "topics": [["0x" + "00" * 32]]}) == []
    assert chain.rpc("eth_getLogs", {"fromBlock": hex(last - 2), "topics": [["0x" + "00" * 32, "0x" + TOPIC.hex()]]}) == logs
    assert chain.rpc("eth_getLogs", {"fromBlock": hex(last - 2), "address": ADDR1}) == []
    assert chain.rpc("eth_getLogs", {"blockHash": receipts[1]["blockHash"]}) == [logs[1]]
    # the shared devnet runs with --max-logs-range 50
    chain.rpc("evm_mine", {"blocks": 60})
    err = chain.error("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest"})
    assert err["code"] == -32005 and "block range" in err["message"]
    assert chain.rpc("eth_getLogs", {"fromBlock": hex(last - 2), "toBlock": hex(last - 2 + 49)}) == logs


# ---------------------------------------------------------------- evm_* control
def test_snapshot_and_revert(devnet):
    number = devnet.rpc("eth_blockNumber")
    balance = devnet.rpc("eth_getBalance", ADDR1)
    sid = devnet.rpc("evm_snapshot")
    h = send(devnet, value=10**18)
    devnet.rpc("evm_mine")
    assert devnet.rpc("eth_getBalance", ADDR1) != balance
    assert devnet.rpc("evm_revert", sid) is True
    assert devnet.rpc("eth_blockNumber") == number
    assert devnet.rpc("eth_getBalance", ADDR1) == balance
    assert devnet.rpc("eth_getTransactionReceipt", h) is None
    assert devnet.rpc("eth_getBlockByNumber", hex(int(number, 16) + 1), False) is None
    assert devnet.rpc("evm_revert", sid) is False  # a snapshot is used up by reverting
    # the chain carries on from the snapshot
    h = send(devnet, value=1)
    assert devnet.rpc("eth_getTransactionReceipt", h)["blockNumber"] == hex(int(number, 16) + 1)


def test_timestamps(chain):
    latest = int(chain.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    target = latest + 1000
    assert chain.rpc("evm_setNextBlockTimestamp", hex(target)) is None
    h = send(chain)
    block = chain.rpc("eth_getBlockByNumber", chain.rpc("eth_getTransactionReceipt", h)["blockNumber"], False)
    assert int(block["timestamp"], 16) == target
    chain.rpc("evm_increaseTime", 3600)
    chain.rpc("evm_mine")
    ts = int(chain.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert target + 3600 <= ts < target + 3600 + 60
    chain.rpc("evm_mine", hex(ts + 7))
    assert int(chain.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16) == ts + 7
    assert chain.error("evm_setNextBlockTimestamp", hex(ts))["code"] == -32602


def test_websocket_subscriptions(chain):
    ws = WSClient(chain.port)
    try:
        resp, _ = ws.call("eth_chainId")
        assert resp["result"] == "0x7a69"
        heads, _ = ws.call("eth_subscribe", "newHeads")
        contract = deploy(chain)
        logs_sub, early = ws.call("eth_subscribe", "logs", {"address": contract})
        chain.rpc("evm_mine")
        expected = chain.rpc("eth_getBlockByNumber", "latest", False)
        h = send(chain, to=contract, value=0, gas=100_000)
        got_heads, got_logs = [], []
        while len(got_logs) < 1 or len(got_heads) < 3:
            note = early.pop(0) if early else ws.recv()
            assert note["method"] == "eth_subscription"
            params = note["params"]
            (got_heads if params["subscription"] == heads["result"] else got_logs).append(params["result"])
        # heads: deploy block, the evm_mine block, the log block
        assert got_heads[1]["hash"] == expected["hash"] and got_heads[1]["number"] == expected["number"]
        assert got_logs[0]["transactionHash"] == h and got_logs[0]["address"] == contract
        # a revert (the devnet's reorg) re-sends the logs of dropped blocks with removed=true
        sid = chain.rpc("evm_snapshot")
        h2 = send(chain, to=contract, value=0, gas=100_000)
        chain.rpc("evm_revert", sid)
        seen = []
        while len(seen) < 2:
            params = ws.recv()["params"]
            if params["subscription"] == logs_sub["result"]:
                seen.append(params["result"])
        assert [(l["transactionHash"], l["removed"]) for l in seen] == [(h2, False), (h2, True)]
        resp, _ = ws.call("eth_unsubscribe", heads["result"])
        assert resp["result"] is True
        resp, _ = ws.call("eth_subscribe", "nonsense")
        assert resp["error"]["code"] == -32602
    finally:
        ws.close()


def test_interval_mining(chain):
    ws = WSClient(chain.port)
    try:
        ws.call("eth_subscribe", "newHeads")
        chain.rpc("evm_setIntervalMining", 0.2)
        t0 = time.monotonic()
        numbers = [int(ws.recv()["params"]["result"]["number"], 16) for _ in range(3)]
        assert numbers == sorted(numbers) and len(set(numbers)) == 3
        assert time.monotonic() - t0 < 5
        chain.rpc("evm_setIntervalMining", 0)
    finally:
        ws.close()


def test_concurrent_sends_get_consecutive_nonces(chain):
    nonce = int(chain.rpc("eth_getTransactionCount", ADDR0, "pending"), 16)
    raws = [sign(chain, nonce=nonce + i, value=1 + i) for i in range(60)]
    errors = []

    def go(raw):
        try:
            chain.rpc("eth_sendRawTransaction", raw)
        except Exception as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=go, args=(r,)) for r in raws]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert int(chain.rpc("eth_getTransactionCount", ADDR0, "latest"), 16) == nonce + 60


# ---------------------------------------------------------------- process lifecycle
def test_clean_stop_on_sigterm():
    d = Devnet("--chain-id", "1337", "--accounts", "2")
    assert d.info["chainId"] == 1337 and len(d.info["accounts"]) == 2
    assert d.rpc("eth_chainId") == "0x539"
    assert d.stop(signal.SIGTERM) == 0


def test_block_time_option_and_sigint():
    d = Devnet("--block-time", "0.3")
    try:
        ws = WSClient(d.port)
        ws.call("eth_subscribe", "newHeads")
        h = send(d)
        assert d.rpc("eth_getTransactionReceipt", h) is None  # waits for the next interval block
        head = ws.recv()["params"]["result"]
        receipt = d.rpc("eth_getTransactionReceipt", h)
        assert receipt is not None and receipt["blockNumber"] == head["number"]
        ws.close()
    finally:
        assert d.stop(signal.SIGINT) == 0


def test_exit_with_stdin():
    import subprocess

    from devnet_harness import DEVNET

    proc = subprocess.Popen(
        [DEVNET, "--port", "0", "--quiet", "--exit-with-stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().startswith("devnet ready http://127.0.0.1:")
    proc.stdin.close()  # what happens when the parent dies
    assert proc.wait(timeout=10) == 0
    proc.stdout.close()
