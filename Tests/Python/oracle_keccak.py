"""Keccak-256 reference: pycryptodome."""
from Crypto.Hash import keccak


def hash(case):
    """case: 0x-hex bytes -> 0x-hex keccak256 digest."""
    data = bytes.fromhex(case[2:])
    return "0x" + keccak.new(digest_bits=256, data=data).hexdigest()
