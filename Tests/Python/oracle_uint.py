"""UInt256 / Int256 reference: Python integers.

Operands and results are 0x-hex strings of 256-bit words; signed operations read and write
two's complement bit patterns. Division by zero follows the EVM (x / 0 == 0, x % 0 == 0), as do
SDIV (MIN / -1 == MIN), SMOD (sign of the dividend) and SAR.
"""
from decimal import Decimal, localcontext

M = 1 << 256
MASK = M - 1
SIGN = 1 << 255


def _u(h):
    return int(h, 16)


def _s(h):
    x = int(h, 16)
    return x - M if x & SIGN else x


def _h(x):
    return hex(x & MASK)


def _pow_overflows(a, b):
    """Whether a**b (true value) needs more than 256 bits."""
    if a <= 1 or b == 0:
        return False
    if b >= 256:
        return True
    return a ** b >= M


def _spow(a, b):
    """(wrapped bits, overflow) of the signed power a**b with unsigned exponent b."""
    wrapped = _h(pow(a % M, b, M))
    if abs(a) <= 1 or b == 0:
        return wrapped, False
    if b >= 256:
        return wrapped, True
    return wrapped, not (-SIGN <= a ** b < SIGN)


def _tdiv(a, b):
    """Division truncated toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def evm(case):
    """case: [op, operand...] (0x-hex words) -> result (hex word, bool, or a list of them)."""
    op, *args = case
    if op in ("sdiv", "smod", "sar", "slt", "saddo", "ssubo", "smulo", "sdivo", "smodo", "spow",
              "sdec", "smulfull"):
        x = [_s(a) for a in args]
    else:
        x = [_u(a) for a in args]
    if op == "add":
        return _h(x[0] + x[1])
    if op == "sub":
        return _h(x[0] - x[1])
    if op == "mul":
        return _h(x[0] * x[1])
    if op == "addo":
        return [_h(x[0] + x[1]), x[0] + x[1] >= M]
    if op == "subo":
        return [_h(x[0] - x[1]), x[0] < x[1]]
    if op == "mulo":
        return [_h(x[0] * x[1]), x[0] * x[1] >= M]
    if op == "mulfull":
        p = x[0] * x[1]
        return [_h(p >> 256), _h(p)]
    if op == "divfull":  # [high, low, divisor] with high < divisor
        n = (x[0] << 256) | x[1]
        return [_h(n // x[2]), _h(n % x[2])]
    if op == "div":
        return _h(x[0] // x[1]) if x[1] else "0x0"
    if op == "mod":
        return _h(x[0] % x[1]) if x[1] else "0x0"
    if op == "addmod":
        return _h((x[0] + x[1]) % x[2]) if x[2] else "0x0"
    if op == "mulmod":
        return _h((x[0] * x[1]) % x[2]) if x[2] else "0x0"
    if op == "exp":
        return [_h(pow(x[0], x[1], M)), _pow_overflows(x[0], x[1])]
    if op == "shl":
        return _h(x[0] << x[1]) if x[1] < 256 else "0x0"
    if op == "shr":
        return _h(x[0] >> x[1]) if x[1] < 256 else "0x0"
    if op == "and":
        return _h(x[0] & x[1])
    if op == "or":
        return _h(x[0] | x[1])
    if op == "xor":
        return _h(x[0] ^ x[1])
    if op == "not":
        return _h(~x[0])
    if op == "lt":
        return x[0] < x[1]
    if op == "eq":
        return x[0] == x[1]
    if op == "dec":
        return [str(x[0]), hex(x[0])]
    # Signed.
    if op == "sdiv":
        if x[1] == 0:
            return "0x0"
        return _h(_tdiv(x[0], x[1]))
    if op == "smod":
        if x[1] == 0:
            return "0x0"
        r = abs(x[0]) % abs(x[1])
        return _h(-r if x[0] < 0 else r)
    if op == "sar":
        shift = _u(args[1])
        return _h(x[0] >> min(shift, 256))
    if op == "slt":
        return x[0] < x[1]
    if op == "saddo":
        t = x[0] + x[1]
        return [_h(t), not (-SIGN <= t < SIGN)]
    if op == "ssubo":
        t = x[0] - x[1]
        return [_h(t), not (-SIGN <= t < SIGN)]
    if op == "smulo":
        t = x[0] * x[1]
        return [_h(t), not (-SIGN <= t < SIGN)]
    if op == "smulfull":
        t = x[0] * x[1]
        return [_h(t >> 256), _h(t)]
    if op == "sdivo":  # Swift's dividedReportingOverflow
        if x[1] == 0:
            return [_h(x[0]), True]
        t = _tdiv(x[0], x[1])
        return [_h(t), not (-SIGN <= t < SIGN)]
    if op == "smodo":  # Swift's remainderReportingOverflow
        if x[1] == 0:
            return [_h(x[0]), True]
        if x[0] == -SIGN and x[1] == -1:
            return ["0x0", True]
        r = abs(x[0]) % abs(x[1])
        return [_h(-r if x[0] < 0 else r), False]
    if op == "spow":
        return _spow(x[0], _u(args[1]))
    if op == "sdec":
        return [str(x[0]), ("-" + hex(-x[0])) if x[0] < 0 else hex(x[0])]
    if op == "signextend":
        b, v = x
        if b >= 31:
            return _h(v)
        bit = 8 * b + 7
        mask = (1 << (bit + 1)) - 1
        v &= mask
        if v >> bit:
            v |= MASK ^ mask
        return _h(v)
    raise ValueError(f"unknown op {op}")


def format_units(case):
    """case: [amount of the smallest unit (decimal string), decimals] -> the exact decimal amount,
    shortest form (no trailing fractional zeros, no point when whole). Checked against Decimal."""
    value, decimals = int(case[0]), case[1]
    q, r = divmod(value, 10 ** decimals)
    frac = str(r).rjust(decimals, "0").rstrip("0") if decimals else ""
    text = f"{q}.{frac}" if frac else str(q)
    with localcontext() as ctx:
        ctx.prec = 200
        assert Decimal(text) * (Decimal(10) ** decimals) == Decimal(value)
    return text
