#!/usr/bin/env python3
"""Times the Python reference stack on the same inputs as the Swift benchmark target.

Prints one line per case: name, median time per operation, ops/s. Used by Scripts/bench so that
BENCHMARKS.md shows Swift and Python measured in the same run.
"""
import statistics
import sys
import time
import timeit

import rlp
from Crypto.Hash import keccak
from eth_account import Account

WORD = bytes([0x5A]) * 32
MIB = bytes([0xA5]) * (1 << 20)


def signed_1559_fields():
    """A signed EIP-1559 transaction's 12 fields (the same one the Swift benchmark uses)."""
    acct = Account.from_key("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    tx = {
        "type": 2, "chainId": 137, "nonce": 42, "maxPriorityFeePerGas": 30_000_000_000,
        "maxFeePerGas": 120_000_000_000, "gas": 60_000,
        "to": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "value": 10**18,
        "data": bytes(range(57)),
        "accessList": [],
    }
    raw = bytes(acct.sign_transaction(tx).raw_transaction)
    return raw, rlp.decode(raw[1:])


def measure(name, fn, number):
    runs = timeit.repeat(fn, number=number, repeat=7)
    per_op = statistics.median(runs) / number
    print(f"{name}\t{per_op * 1e9:.0f} ns\t{1 / per_op:,.0f} ops/s")


def main():
    raw, fields = signed_1559_fields()
    body = raw[1:]
    print(f"# python {sys.version.split()[0]}; pycryptodome keccak, pyrlp {rlp.__version__ if hasattr(rlp, '__version__') else ''}")
    print(f"# eip-1559 tx: {len(raw)} bytes, {len(fields)} fields; body {body.hex()}")
    measure("keccak256 32 B (pycryptodome)", lambda: keccak.new(digest_bits=256, data=WORD).digest(), 20000)
    measure("keccak256 1 MiB (pycryptodome)", lambda: keccak.new(digest_bits=256, data=MIB).digest(), 20)
    measure("rlp encode eip-1559 tx (pyrlp)", lambda: rlp.encode(fields), 20000)
    measure("rlp decode eip-1559 tx (pyrlp)", lambda: rlp.decode(body), 20000)
    a, b = (1 << 255) - 19, (1 << 128) + 12345
    measure("uint256 mul mod 2^256 (python int)", lambda: (a * b) & ((1 << 256) - 1), 200000)
    measure("uint256 div (python int)", lambda: a // b, 200000)


if __name__ == "__main__":
    main()


# --- Signing (EVMSigner's SignerBenchmarks measures the same operations) ---

SIGNER_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def signer_transfer():
    """The EIP-1559 transfer SignerBenchmarks signs (chain 137, nonce 42, 57 data bytes)."""
    return {
        "type": 2, "chainId": 137, "nonce": 42, "maxPriorityFeePerGas": 30_000_000_000,
        "maxFeePerGas": 120_000_000_000, "gas": 60_000,
        "to": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "value": 10**18,
        "data": bytes(range(57)), "accessList": [],
    }


def signer_main():
    """eth-account / coincurve timings for signing, recovery and keystores."""
    import coincurve
    from eth_account.messages import _hash_eip191_message, encode_defunct  # noqa: F401

    acct = Account.from_key(SIGNER_KEY)
    digest = keccak.new(digest_bits=256, data=b"sixnines benchmark digest").digest()
    tx = signer_transfer()
    raw = bytes(acct.sign_transaction(tx).raw_transaction)
    signed_hash = acct.unsafe_sign_hash(digest)
    print(f"# eth-account {__import__('eth_account').__version__}, coincurve {coincurve.__version__ if hasattr(coincurve, '__version__') else ''}")
    measure("eth_account sign EIP-1559 transfer", lambda: acct.sign_transaction(tx), 500)
    measure("eth_account recover sender of raw EIP-1559", lambda: Account.recover_transaction(raw), 500)
    measure("eth_account unsafe_sign_hash (digest)", lambda: acct.unsafe_sign_hash(digest), 1000)
    vrs = (signed_hash.v, signed_hash.r, signed_hash.s)
    measure("eth_account recover address from digest", lambda: Account._recover_hash(digest, vrs=vrs), 1000)
    pk = coincurve.PrivateKey(bytes.fromhex(SIGNER_KEY[2:]))
    measure("coincurve sign_recoverable (libsecp256k1 via cffi)", lambda: pk.sign_recoverable(digest, hasher=None), 2000)
    sig = pk.sign_recoverable(digest, hasher=None)
    measure("coincurve recover (libsecp256k1 via cffi)",
            lambda: coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None), 2000)
    keystore = Account.encrypt(SIGNER_KEY, "benchmark", kdf="scrypt")
    runs = timeit.repeat(lambda: Account.decrypt(keystore, "benchmark"), number=1, repeat=3)
    per_op = statistics.median(runs)
    print(f"eth_account keystore decrypt, standard scrypt\t{per_op * 1e9:.0f} ns\t{1 / per_op:,.2f} ops/s")


if __name__ == "__main__" and "--signer" in sys.argv:
    signer_main()


# --- ABI and EIP-712 (ABIBenchmarks measures the same operations) ---

def abi_cases():
    """eth_abi / eth_account on the inputs of Benchmarks/Benchmarks/ABIBenchmarks."""
    import eth_abi
    from eth_account.messages import encode_typed_data

    recipient = "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"
    amount = 10**21
    digest = keccak.new(digest_bits=256, data=b"SixNines").digest()
    static_types = ["address", "uint256", "bytes32", "bool"]
    static_values = [recipient, amount, digest, True]
    static_encoded = eth_abi.encode(static_types, static_values)
    print(f"# eth_abi {eth_abi.__version__ if hasattr(eth_abi, '__version__') else ''}")
    measure("abi encode (address,uint256,bytes32,bool) (eth_abi)", lambda: eth_abi.encode(static_types, static_values), 20000)
    measure("abi decode (address,uint256,bytes32,bool) (eth_abi)", lambda: eth_abi.decode(static_types, static_encoded), 20000)

    dynamic_type = ["(uint256[],bytes,string)"]
    dynamic_value = [([i * 1_000_000_007 + amount for i in range(32)], bytes((i * 7) & 0xFF for i in range(256)), "SixNines" * 8)]
    dynamic_encoded = eth_abi.encode(dynamic_type, dynamic_value)
    assert len(dynamic_encoded) == 1568
    measure("abi encode (uint256[32],bytes256,string64) 1568 B (eth_abi)", lambda: eth_abi.encode(dynamic_type, dynamic_value), 5000)
    measure("abi decode (uint256[32],bytes256,string64) 1568 B (eth_abi)", lambda: eth_abi.decode(dynamic_type, dynamic_encoded), 5000)

    mail = {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                             {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
            "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
            "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"}, {"name": "contents", "type": "string"}],
        },
        "primaryType": "Mail",
        "domain": {"name": "Ether Mail", "version": "1", "chainId": 1, "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
        "message": {"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                    "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"}, "contents": "Hello, Bob!"},
    }

    def mail_digest():
        m = encode_typed_data(full_message=mail)
        return keccak.new(digest_bits=256, data=b"\x19" + m.version + m.header + m.body).digest()

    assert mail_digest().hex() == "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    measure("eip712 digest Mail (eth_account encode_typed_data)", mail_digest, 2000)


if __name__ == "__main__" and "--abi" in sys.argv:
    abi_cases()


# --- JSON-RPC sends (RPCBenchmarks' "devnet send" rows send the same raw transactions) ---

RPC_SENDER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # devnet account 0
RPC_RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # devnet account 1
RPC_SENDS = 1000
RPC_ROUNDS = 3
# Keccak-256 of the 1,000 raw transactions concatenated; RPCBenchmarks asserts the same digest of its own
# signatures (RFC 6979 signing is deterministic), so both sides send byte-identical transactions.
RPC_TRANSFERS_DIGEST = "a21fe30e062acf3893ee4bbb6133c1a30beb4ce32f39160f84a456df7f56ad8f"


def rpc_transfers(n=RPC_SENDS):
    """n EIP-1559 transfers from devnet account 0, nonces 0…n−1, each signed by eth_account."""
    acct = Account.from_key(RPC_SENDER_KEY)
    return [bytes(acct.sign_transaction({
        "type": 2, "chainId": 31337, "nonce": i, "maxPriorityFeePerGas": 1_000_000_000,
        "maxFeePerGas": 3_000_000_000, "gas": 21_000, "to": RPC_RECIPIENT, "value": i + 1,
        "data": b"", "accessList": [],
    }).raw_transaction) for i in range(n)]


class Devnet:
    """A fresh `Scripts/devnet --port 0` for one round; stopped by closing its stdin."""

    def __enter__(self):
        import json
        import os
        import subprocess
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.proc = subprocess.Popen(
            [os.path.join(root, "Scripts", "devnet"), "--port", "0", "--json-ready", "--exit-with-stdin", "--quiet"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.url = json.loads(self.proc.stdout.readline())["url"]
        return self

    def cpu_seconds(self):
        """User + system CPU time of the devnet process so far."""
        import os
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def rpc_round(make_send, raws, threads):
    """Sends every raw transaction on a fresh devnet; returns (wall s, client CPU s, devnet CPU s)."""
    import concurrent.futures
    import json
    import urllib.request
    with Devnet() as devnet:
        send = make_send(devnet.url)
        send(None)  # connect and warm up (eth_chainId), outside the timing
        cpu0, devnet0, t0 = time.process_time(), devnet.cpu_seconds(), time.perf_counter()
        if threads == 1:
            for raw in raws:
                send(raw)
        else:
            with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
                for _ in pool.map(send, raws):
                    pass
        wall = time.perf_counter() - t0
        cpu, devnet_cpu = time.process_time() - cpu0, devnet.cpu_seconds() - devnet0
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionCount",
                           "params": [Account.from_key(RPC_SENDER_KEY).address, "latest"]}).encode()
        request = urllib.request.Request(devnet.url, body, {"Content-Type": "application/json"})
        nonce = int(json.loads(urllib.request.urlopen(request).read())["result"], 16)
        assert nonce == len(raws), f"only {nonce} of {len(raws)} transactions landed"
    return wall, cpu, devnet_cpu


def web3_sender(url):
    """web3.py: `w3.eth.send_raw_transaction` on one HTTPProvider (one pooled requests session per thread)."""
    from web3 import Web3
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))

    def send(raw):
        if raw is None:
            return w3.eth.chain_id
        return w3.eth.send_raw_transaction(raw)
    return send


def requests_sender(url):
    """The lowest-level Python equivalent: a keep-alive `requests` session posting eth_sendRawTransaction."""
    import json
    import threading
    import requests
    local = threading.local()

    def send(raw):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        if raw is None:
            payload = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
        else:
            payload = {"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0x" + raw.hex()]}
        reply = session.post(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, timeout=60).json()
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]
    return send


def rpc_main():
    """Sustained sends per second against a fresh devnet per round: web3.py (1 and 8 threads) and plain requests."""
    raws = rpc_transfers()
    digest = keccak.new(digest_bits=256, data=b"".join(raws)).hexdigest()
    assert digest == RPC_TRANSFERS_DIGEST, digest
    print(f"# {len(raws)} signed EIP-1559 transfers (eth_account), keccak of all raw bytes 0x{digest}; "
          f"median of {RPC_ROUNDS} rounds, a fresh devnet each")
    senders = [("requests", requests_sender)]
    try:
        import web3
        print(f"# web3.py {web3.__version__}")
        senders.insert(0, ("web3.py send_raw_transaction", web3_sender))
    except ImportError:
        print("# web3.py is not installed (see Scripts/requirements.txt); plain requests only")
    for label, make_send in senders:
        for threads in ((1, 8) if make_send is web3_sender else (1,)):
            rounds = sorted((rpc_round(make_send, raws, threads) for _ in range(RPC_ROUNDS)), key=lambda r: r[0])
            wall, cpu, devnet_cpu = rounds[len(rounds) // 2]
            name = f"devnet send {len(raws)} raw txs, {label}, " + ("sequential" if threads == 1 else f"{threads} threads")
            print(f"{name}\t{wall / len(raws) * 1e9:.0f} ns\t{len(raws) / wall:,.0f} ops/s"
                  f"\tclient CPU {cpu / len(raws) * 1e6:.0f} µs/send ({cpu / wall:.0%} of a core)"
                  f"\tdevnet CPU {devnet_cpu / wall:.0%} of a core\tbest round {len(raws) / rounds[0][0]:,.0f} ops/s")


if __name__ == "__main__" and "--rpc" in sys.argv:
    rpc_main()
