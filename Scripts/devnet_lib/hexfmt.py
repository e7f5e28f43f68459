"""Hex encoding/decoding of JSON-RPC values, strict like geth (hexutil)."""

import re

_QTY_RE = re.compile(r"^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$")
_DATA_RE = re.compile(r"^0x([0-9a-fA-F]{2})*$")


class RpcError(Exception):
    """An error to be returned as a JSON-RPC error object."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self):
        err = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


def invalid_arg(index, message):
    return RpcError(-32602, f"invalid argument {index}: {message}")


def qty(n):
    """Integer -> JSON quantity ("0x0", "0x1f", no leading zeros)."""
    return hex(int(n))


def data(b):
    return "0x" + bytes(b).hex()


def word(n):
    return "0x" + int(n).to_bytes(32, "big").hex()


def addr(b):
    return "0x" + bytes(b).hex() if b else None


def parse_qty(value, index=0, allow_int=False):
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise invalid_arg(index, "negative number")
        return value
    if not isinstance(value, str):
        raise invalid_arg(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type hexutil.Big")
    if not value.startswith(("0x", "0X")):
        raise invalid_arg(index, "hex string without 0x prefix")
    if value in ("0x", "0X"):
        raise invalid_arg(index, "hex string \"0x\"")
    if not _QTY_RE.match("0x" + value[2:]):
        if len(value) > 3 and value[2] == "0":
            raise invalid_arg(index, "hex number with leading zero digits")
        raise invalid_arg(index, "invalid hex string")
    n = int(value[2:], 16)
    if n >= 1 << 256:
        raise invalid_arg(index, "hex number > 256 bits")
    return n


def parse_data(value, index=0):
    if not isinstance(value, str):
        raise invalid_arg(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type hexutil.Bytes")
    if not value.startswith(("0x", "0X")):
        raise invalid_arg(index, "hex string without 0x prefix")
    if len(value) % 2:
        raise invalid_arg(index, "hex string of odd length")
    if not _DATA_RE.match("0x" + value[2:]):
        raise invalid_arg(index, "invalid hex string")
    return bytes.fromhex(value[2:])


def parse_fixed(value, size, index=0, what="hex"):
    b = parse_data(value, index)
    if len(b) != size:
        raise invalid_arg(index, f"hex string has length {len(b) * 2}, want {size * 2} for {what}")
    return b


def parse_address(value, index=0):
    return parse_fixed(value, 20, index, "common.Address")


def parse_hash(value, index=0):
    return parse_fixed(value, 32, index, "common.Hash")


def _json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
