"""RLP reference: pyrlp (`rlp`). Items are JSON: a 0x-hex string is a byte string, an array a list."""
import rlp


def _from_json(item):
    if isinstance(item, str):
        return bytes.fromhex(item[2:])
    return [_from_json(child) for child in item]


def _to_json(item):
    if isinstance(item, bytes):
        return "0x" + item.hex()
    return [_to_json(child) for child in item]


def encode(case):
    """case: nested arrays of 0x-hex strings -> 0x-hex encoding."""
    return "0x" + rlp.encode(_from_json(case)).hex()


def decode(case):
    """case: 0x-hex bytes -> the item tree, decoded strictly (raises on anything non-canonical)."""
    return _to_json(rlp.decode(bytes.fromhex(case[2:]), strict=True))
