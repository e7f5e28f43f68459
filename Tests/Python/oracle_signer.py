"""Signing reference: eth-account (transactions, messages, keystores) and coincurve (libsecp256k1 from Python)."""
import json

import coincurve
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak


def _int(text):
    return int(text, 16) if isinstance(text, str) and text.startswith("0x") else int(text)


def keystore_roundtrip(case):
    """Decrypts our keystore with eth-account and writes one of theirs (light scrypt) for us to read."""
    ours = json.loads(case["keystore"])
    decrypted = "0x" + bytes(Account.decrypt(ours, case["password"])).hex()
    theirs = Account.encrypt(case["private_key"], case["password"], kdf="scrypt", iterations=1 << 12)
    return {"decrypted": decrypted, "theirs": json.dumps(theirs)}


def sign_transaction(case):
    """case: {"key", "tx": eth-account dict with 0x-hex integers} -> raw tx and hash."""
    tx = dict(case["tx"])
    for k in ("nonce", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "chainId"):
        if k in tx:
            tx[k] = _int(tx[k])
    if "type" in tx:
        tx["type"] = _int(tx["type"])
    signed = Account.sign_transaction(tx, case["key"])
    return {"raw": "0x" + bytes(signed.raw_transaction).hex(), "hash": "0x" + bytes(signed.hash).hex()}


def recover_transaction(case):
    """case: 0x-hex raw tx -> sender."""
    return Account.recover_transaction(case)


def coincurve_check(case):
    """case: {"digest", "signature" (65 bytes, v 27/28), "address"} -> whether coincurve verifies and recovers it."""
    digest = bytes.fromhex(case["digest"][2:])
    sig = bytes.fromhex(case["signature"][2:])
    rec = sig[:64] + bytes([sig[64] - 27])
    pub = coincurve.PublicKey.from_signature_and_message(rec, digest, hasher=None)
    address = "0x" + keccak(pub.format(compressed=False)[1:])[12:].hex()
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")
    verified = pub.verify(_to_der(r, s), digest, hasher=None)
    return {"address": address, "verified": verified}


def _to_der(r, s):
    def enc(x):
        b = x.to_bytes((x.bit_length() + 7) // 8 or 1, "big")
        if b[0] & 0x80:
            b = b"\x00" + b
        return b"\x02" + bytes([len(b)]) + b
    body = enc(r) + enc(s)
    return b"\x30" + bytes([len(body)]) + body


def personal_sign(case):
    """case: {"key", "message_hex"} -> 65-byte signature hex."""
    msg = encode_defunct(primitive=bytes.fromhex(case["message_hex"][2:]))
    return "0x" + bytes(Account.sign_message(msg, case["key"]).signature).hex()


def hd_derive(case):
    """case: {"entropy": hex, "passphrase", "path"} -> eth_account's mnemonic for the entropy, and the key and address
    it derives at the path (BIP-39 seed + BIP-32), from its own hdaccount implementation."""
    from eth_account.hdaccount.mnemonic import Language, Mnemonic

    Account.enable_unaudited_hdwallet_features()
    phrase = Mnemonic(Language.ENGLISH).to_mnemonic(bytes.fromhex(case["entropy"]))
    account = Account.from_mnemonic(phrase, passphrase=case["passphrase"], account_path=case["path"])
    return {"mnemonic": phrase, "privateKey": "0x" + bytes(account.key).hex(), "address": account.address}
