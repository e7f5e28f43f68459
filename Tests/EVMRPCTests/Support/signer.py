"""Signs transactions for the EVMRPC tests with eth-account (the reference implementation).

Line protocol: one JSON object per stdin line, {"key": "0x…", "tx": {…eth-account fields…}};
answers one line {"raw": "0x…", "hash": "0x…"} or {"error": "…"}. Exits at stdin EOF.
"""
import json
import sys

from eth_account import Account


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            tx = req["tx"]
            for k in ("nonce", "gas", "value", "chainId", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice", "type"):
                if k in tx and isinstance(tx[k], str):
                    tx[k] = int(tx[k], 0)
            signed = Account.sign_transaction(tx, req["key"])
            out = {"raw": "0x" + signed.raw_transaction.hex(), "hash": "0x" + signed.hash.hex()}
        except Exception as exc:  # reported to the Swift side
            out = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
