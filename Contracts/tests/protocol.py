"""
Reference implementation of the SixNines wire rules written down in docs/PROTOCOL.md.

Everything here is plain Python over eth-abi and pycryptodome's keccak, independent of the
Vyper sources, so the contract tests are differential: the contracts must agree with this
module, and this module must agree with OpenZeppelin's published merkle-tree dumps and with
eth-account's EIP-712 encoder (see test_protocol.py).
"""

from __future__ import annotations

from dataclasses import dataclass, astuple, fields
from typing import Sequence

from Crypto.Hash import keccak as _keccak
from eth_abi import encode as abi_encode


def keccak256(data: bytes) -> bytes:
    h = _keccak.new(digest_bits=256)
    h.update(data)
    return h.digest()


def hex0x(b: bytes) -> str:
    return "0x" + b.hex()


# --------------------------------------------------------------------------------------
# OpenZeppelin StandardMerkleTree (merkle-tree 1.0.x, format "standard-v1")
# --------------------------------------------------------------------------------------


def standard_leaf_hash(types: Sequence[str], value: Sequence) -> bytes:
    """leaf = keccak256(bytes.concat(keccak256(abi.encode(value...))))"""
    return keccak256(keccak256(abi_encode(list(types), list(value))))


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak256(a + b) if a < b else keccak256(b + a)


def _sibling(i: int) -> int:
    return i + 1 if i % 2 == 1 else i - 1


def _parent(i: int) -> int:
    return (i - 1) // 2


class StandardMerkleTree:
    """Port of OpenZeppelin's StandardMerkleTree: the tree is a flat array, tree[0] is the
    root, node i has children 2i+1 and 2i+2, leaves fill the end of the array in reverse
    order, and (by default) leaves are sorted by hash before the tree is built."""

    def __init__(self, tree: list[bytes], values: list[dict], leaf_encoding: list[str]):
        self.tree = tree
        self.values = values  # [{"value": ..., "treeIndex": int}] in input order
        self.leaf_encoding = leaf_encoding

    @classmethod
    def of(cls, values: Sequence[Sequence], leaf_encoding: Sequence[str], sort_leaves: bool = True):
        if not values:
            raise ValueError("Expected non-zero number of leaves")
        hashed = [(standard_leaf_hash(leaf_encoding, v), i) for i, v in enumerate(values)]
        if sort_leaves:
            hashed.sort(key=lambda t: t[0])
        n = len(hashed)
        tree: list[bytes] = [b""] * (2 * n - 1)
        for i, (h, _) in enumerate(hashed):
            tree[len(tree) - 1 - i] = h
        for i in range(len(tree) - 1 - n, -1, -1):
            tree[i] = hash_pair(tree[2 * i + 1], tree[2 * i + 2])
        out = [None] * n
        for leaf_index, (_, value_index) in enumerate(hashed):
            out[value_index] = {"value": list(values[value_index]), "treeIndex": len(tree) - 1 - leaf_index}
        return cls(tree, out, list(leaf_encoding))

    @property
    def root(self) -> bytes:
        return self.tree[0]

    def leaf(self, value_index: int) -> bytes:
        return self.tree[self.values[value_index]["treeIndex"]]

    def get_proof(self, value_index: int) -> list[bytes]:
        i = self.values[value_index]["treeIndex"]
        proof = []
        while i > 0:
            proof.append(self.tree[_sibling(i)])
            i = _parent(i)
        return proof

    def get_multi_proof(self, value_indices: Sequence[int]) -> dict:
        indices = sorted((self.values[v]["treeIndex"] for v in value_indices), reverse=True)
        if any(indices[k] == indices[k + 1] for k in range(len(indices) - 1)):
            raise ValueError("Cannot prove duplicated index")
        stack = list(indices)
        proof: list[bytes] = []
        flags: list[bool] = []
        while stack and stack[0] > 0:
            j = stack.pop(0)
            s, p = _sibling(j), _parent(j)
            if stack and s == stack[0]:
                flags.append(True)
                stack.pop(0)
            else:
                flags.append(False)
                proof.append(self.tree[s])
            stack.append(p)
        if not indices:
            proof.append(self.tree[0])
        return {"leaves": [self.tree[i] for i in indices], "tree_indices": indices, "proof": proof, "proofFlags": flags}

    def dump(self) -> dict:
        return {
            "format": "standard-v1",
            "leafEncoding": self.leaf_encoding,
            "tree": [hex0x(h) for h in self.tree],
            "values": self.values,
        }


def process_proof(leaf: bytes, proof: Sequence[bytes]) -> bytes:
    h = leaf
    for p in proof:
        h = hash_pair(h, p)
    return h


def process_multi_proof(leaves: Sequence[bytes], proof: Sequence[bytes], flags: Sequence[bool]) -> bytes:
    if len(leaves) + len(proof) != len(flags) + 1:
        raise ValueError("invalid multiproof")
    hashes, lp, hp, pp = [], 0, 0, 0
    for f in flags:
        if lp < len(leaves):
            a = leaves[lp]; lp += 1
        else:
            a = hashes[hp]; hp += 1
        if f:
            if lp < len(leaves):
                b = leaves[lp]; lp += 1
            else:
                b = hashes[hp]; hp += 1
        else:
            b = proof[pp]; pp += 1
        hashes.append(hash_pair(a, b))
    if flags:
        return hashes[-1]
    return leaves[0] if leaves else proof[0]


# --------------------------------------------------------------------------------------
# Receipts
# --------------------------------------------------------------------------------------

RECEIPT_VERSION = 1
KIND_PLACEMENT = 1
KIND_SETTLEMENT = 2
KIND_PRICE = 3
DIRECTION_UP = 1
DIRECTION_DOWN = 2
OUTCOME_PENDING = 0
OUTCOME_WIN = 1
OUTCOME_LOSS = 2
OUTCOME_PUSH = 3
OUTCOME_VOID = 4
ROUND_SECONDS = 600
SETTLEMENT_OFFSET = 540

RECEIPT_LEAF_ENCODING = [
    "uint8",    # version
    "uint8",    # kind
    "bytes32",  # predictionId
    "bytes32",  # userCommitment
    "bytes32",  # asset
    "uint8",    # direction
    "uint128",  # stake
    "uint64",   # placedAt
    "uint64",   # settlesAt
    "uint128",  # entryPrice
    "uint128",  # settlementPrice
    "uint8",    # outcome
    "uint128",  # payout
]

PRICE_LEAF_ENCODING = [
    "uint8",    # version
    "bytes32",  # asset
    "uint64",   # settlesAt
    "uint128",  # price
    "uint8",    # source
]


def asset_id(symbol: str) -> bytes:
    raw = symbol.encode("ascii")
    if not (1 <= len(raw) <= 32) or not all(0x21 <= c <= 0x7E for c in raw):
        raise ValueError("asset symbol must be 1..32 printable ASCII characters")
    return raw.ljust(32, b"\x00")


def user_commitment(user: str, salt: bytes) -> bytes:
    return keccak256(abi_encode(["address", "bytes32"], [user, salt]))


def is_settlement_time(ts: int) -> bool:
    return ts % ROUND_SECONDS == SETTLEMENT_OFFSET


@dataclass(frozen=True)
class Receipt:
    version: int
    kind: int
    prediction_id: bytes
    user_commitment: bytes
    asset: bytes
    direction: int
    stake: int
    placed_at: int
    settles_at: int
    entry_price: int
    settlement_price: int
    outcome: int
    payout: int

    def values(self) -> list:
        return list(astuple(self))

    def encoded(self) -> bytes:
        return abi_encode(RECEIPT_LEAF_ENCODING, self.values())

    def leaf(self) -> bytes:
        return standard_leaf_hash(RECEIPT_LEAF_ENCODING, self.values())

    def as_tuple(self) -> tuple:
        return tuple(self.values())

    def to_json(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[_camel(f.name)] = hex0x(v) if isinstance(v, bytes) else v
        return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def batch_id(kind: int, sequence: int) -> bytes:
    if not (1 <= kind <= 255) or not (0 <= sequence < 2**64):
        raise ValueError("bad batch id parts")
    return ((kind << 64) | sequence).to_bytes(32, "big")


# --------------------------------------------------------------------------------------
# PredictionVault EIP-712
# --------------------------------------------------------------------------------------

VAULT_NAME = "SixNines PredictionVault"
VAULT_VERSION = "1"

EIP712_DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
PAYOUT_TYPE = "Payout(address token,address recipient,uint256 amount,bytes32 receipt)"
PAYOUT_BATCH_TYPE = "PayoutBatch(Payout[] payouts,uint256 nonce,uint256 deadline)" + PAYOUT_TYPE
PROPOSAL_TYPE = "Proposal(uint8 action,bytes data,uint256 nonce,uint256 deadline)"
CANCELLATION_TYPE = "Cancellation(bytes32 proposalId,uint256 nonce,uint256 deadline)"

ACTION_SET_SIGNERS = 1
ACTION_SET_DAILY_LIMIT = 2
ACTION_UNPAUSE = 3
ACTION_MIGRATE = 4

EIP712_TYPES = {
    "Payout": [
        {"name": "token", "type": "address"},
        {"name": "recipient", "type": "address"},
        {"name": "amount", "type": "uint256"},
        {"name": "receipt", "type": "bytes32"},
    ],
    "PayoutBatch": [
        {"name": "payouts", "type": "Payout[]"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
    "Proposal": [
        {"name": "action", "type": "uint8"},
        {"name": "data", "type": "bytes"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
    "Cancellation": [
        {"name": "proposalId", "type": "bytes32"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


def domain_separator(chain_id: int, vault: str, name: str = VAULT_NAME, version: str = VAULT_VERSION) -> bytes:
    return keccak256(
        abi_encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [keccak256(EIP712_DOMAIN_TYPE.encode()), keccak256(name.encode()), keccak256(version.encode()), chain_id, vault],
        )
    )


def payout_hash(token: str, recipient: str, amount: int, receipt: bytes) -> bytes:
    return keccak256(
        abi_encode(
            ["bytes32", "address", "address", "uint256", "bytes32"],
            [keccak256(PAYOUT_TYPE.encode()), token, recipient, amount, receipt],
        )
    )


def payout_batch_hash(payouts: Sequence[tuple], nonce: int, deadline: int) -> bytes:
    items = b"".join(payout_hash(*p) for p in payouts)
    return keccak256(
        abi_encode(
            ["bytes32", "bytes32", "uint256", "uint256"],
            [keccak256(PAYOUT_BATCH_TYPE.encode()), keccak256(items), nonce, deadline],
        )
    )


def proposal_hash(action: int, data: bytes, nonce: int, deadline: int) -> bytes:
    return keccak256(
        abi_encode(
            ["bytes32", "uint8", "bytes32", "uint256", "uint256"],
            [keccak256(PROPOSAL_TYPE.encode()), action, keccak256(data), nonce, deadline],
        )
    )


def cancellation_hash(proposal_id: bytes, nonce: int, deadline: int) -> bytes:
    return keccak256(
        abi_encode(
            ["bytes32", "bytes32", "uint256", "uint256"],
            [keccak256(CANCELLATION_TYPE.encode()), proposal_id, nonce, deadline],
        )
    )


def typed_digest(domain_sep: bytes, struct_hash: bytes) -> bytes:
    return keccak256(b"\x19\x01" + domain_sep + struct_hash)


def proposal_id(action: int, data: bytes, nonce: int) -> bytes:
    return keccak256(abi_encode(["uint8", "bytes32", "uint256"], [action, keccak256(data), nonce]))


# --------------------------------------------------------------------------------------
# PriceOracle median rule (PROTOCOL §7.1)
# --------------------------------------------------------------------------------------

BPS = 10_000


def median_of_sorted(s: Sequence[int]) -> int:
    """Odd count: the middle value; even count: floor((a + b) / 2) of the two middle values."""
    n = len(s)
    if n == 0:
        raise ValueError("median of nothing")
    if n % 2 == 1:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) // 2


def is_outlier(p: int, m: int, deviation_bps: int) -> bool:
    """|p − m| × 10,000 > m × deviation_bps (exactly deviation_bps away is kept)."""
    return abs(p - m) * BPS > m * deviation_bps


def oracle_median(prices: Sequence[int], deviation_bps: int, min_reports: int) -> int | None:
    """The one median rule of the oracle and of PredictionCore's PriceAggregator (PROTOCOL §7.1).

    1. fewer than `min_reports` prices: refused (None);
    2. m = median of all prices;
    3. drop every price p with |p − m| × 10,000 > m × deviation_bps;
    4. fewer than `min_reports` left: refused (None); otherwise the median of those left.
    """
    if min_reports < 1:
        raise ValueError("min_reports must be at least 1")
    if len(prices) < min_reports:
        return None
    s = sorted(prices)
    m = median_of_sorted(s)
    kept = [p for p in s if not is_outlier(p, m, deviation_bps)]
    if len(kept) < min_reports:
        return None
    return median_of_sorted(kept)


def write_or_check_fixture(path, text: str, argv) -> None:
    """Writes a generated fixture, or with `--check` in argv exits 1 when the committed file differs."""
    import sys
    if "--check" in argv:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is stale; run {argv[0]}", file=sys.stderr)
            sys.exit(1)
        sys.exit(0)
    path.write_text(text)
    print(f"wrote {path}")
