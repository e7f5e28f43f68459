"""ABI and EIP-712 reference: eth_abi 6 and eth_account.

Values travel as JSON text in the "ABIValue.jsonValue" form: integers as decimal strings,
addresses and bytes as 0x-hex strings, bools, arrays and tuples as arrays.
"""
import json

import eth_abi
from eth_abi.packed import encode_packed as _encode_packed
from eth_abi.grammar import parse
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address


def _to_py(t, v):
    """JSON form -> the Python value eth_abi expects for type node t."""
    if t.is_array:
        return [_to_py(t.item_type, x) for x in v]
    if hasattr(t, "components"):
        return tuple(_to_py(c, x) for c, x in zip(t.components, v))
    base = t.base
    if base in ("uint", "int"):
        return int(v)
    if base == "address":
        return to_checksum_address(v)
    if base == "bool":
        return v
    if base in ("bytes", "function"):
        return bytes.fromhex(v[2:])
    if base == "string":
        return v
    raise ValueError(f"unknown type {t}")


def _to_json(t, v):
    if t.is_array:
        return [_to_json(t.item_type, x) for x in v]
    if hasattr(t, "components"):
        return [_to_json(c, x) for c, x in zip(t.components, v)]
    base = t.base
    if base in ("uint", "int"):
        return str(v)
    if base == "address":
        return to_checksum_address(v)
    if isinstance(v, bytes):
        return "0x" + v.hex()
    return v


def encode(case):
    """case: {"types": [str], "values": JSON text} -> 0x-hex abi.encode."""
    types = case["types"]
    values = json.loads(case["values"])
    nodes = [parse(t) for t in types]
    py = [_to_py(n, v) for n, v in zip(nodes, values)]
    return "0x" + eth_abi.encode(types, py).hex()


def encode_packed(case):
    types = case["types"]
    values = json.loads(case["values"])
    nodes = [parse(t) for t in types]
    py = [_to_py(n, v) for n, v in zip(nodes, values)]
    return "0x" + _encode_packed(types, py).hex()


def decode(case):
    """case: {"types": [str], "data": 0x-hex} -> JSON text of the values (strict eth_abi decoding)."""
    types = case["types"]
    nodes = [parse(t) for t in types]
    values = eth_abi.decode(types, bytes.fromhex(case["data"][2:]), strict=True)
    return json.dumps([_to_json(n, v) for n, v in zip(nodes, values)], ensure_ascii=False, separators=(",", ":"))


def typed_hash(case):
    """case: typed-data JSON text -> {"domain", "message", "digest"} from eth_account."""
    doc = json.loads(case)
    types = doc["types"]

    def conv(type_name, value):
        if type_name.endswith("]"):
            inner = type_name[: type_name.rindex("[")]
            return [conv(inner, x) for x in value]
        if type_name in types:
            return {f["name"]: conv(f["type"], value[f["name"]]) for f in types[type_name]}
        if type_name.startswith(("uint", "int")):
            return int(value, 0) if isinstance(value, str) else value
        if type_name.startswith("bytes"):
            return bytes.fromhex(value[2:])
        return value

    doc["message"] = conv(doc["primaryType"], doc["message"])
    doc["domain"] = conv("EIP712Domain", doc["domain"])
    signable = encode_typed_data(full_message=doc)
    digest = keccak(b"\x19" + signable.version + signable.header + signable.body)
    return {"domain": "0x" + signable.header.hex(), "message": "0x" + signable.body.hex(), "digest": "0x" + digest.hex()}


def encode_and_decode(case):
    """case: {"types", "values" (JSON text), "data" (our encoding)} -> eth_abi's encoding of the values,
    and eth_abi's strict decoding of our bytes (JSON text)."""
    return {"encoded": encode(case), "decoded": decode(case)}


def decode_accepts(case):
    """case: {"types", "data"} -> the decoded JSON text, or {"error": ...} (raised) when eth_abi refuses it strictly."""
    return decode(case)
