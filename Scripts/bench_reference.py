#!/usr/bin/env python3
"""Times the Python reference stack on the same inputs as the Swift benchmark target.

Prints one line per case: name, median time per operation, ops/s. Used by Scripts/bench so that
BENCHMARKS.md shows Swift and Python measured in the same run.
"""
import statistics
import sys
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
