"""
Generates Tests/Fixtures/protocol-vectors.json from the reference implementation in protocol.py.

    .venv/bin/python Contracts/tests/gen_vectors.py            # rewrite the file
    .venv/bin/python Contracts/tests/gen_vectors.py --check    # exit 1 if it is stale

test_protocol.py checks that the committed file equals this output, that the Merkle code
reproduces OpenZeppelin's dumps and that the EIP-712 digests equal eth-account's; the
contract tests then check the contracts against the same file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import to_checksum_address

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol as P  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "protocol-vectors.json"

CHAIN_ID = 137  # Polygon PoS
VAULT_ADDRESS = to_checksum_address("0x5157a0150000000000000000000000000000c0de")
# Test-only keys: private key i = keccak256("sixnines test signer i"). Never fund them.
SIGNER_KEYS = [P.keccak256(f"sixnines test signer {i}".encode()) for i in range(1, 6)]

USDC = "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"  # native USDC on Polygon PoS
NATIVE = "0x0000000000000000000000000000000000000000"


def h(b: bytes) -> str:
    return P.hex0x(b)


def commitments():
    users = [
        ("0x1111111111111111111111111111111111111111", P.keccak256(b"salt-1")),
        ("0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B", P.keccak256(b"salt-2")),
        ("0x4B20993Bc481177ec7E8f571ceCaE8A9e22C02db", bytes(32)),
    ]
    return [(u, s, P.user_commitment(u, s)) for u, s in users]


def receipts():
    (_, _, c1), (_, _, c2), (_, _, c3) = commitments()
    btc, eth, sol = P.asset_id("BTC-USD"), P.asset_id("ETH-USD"), P.asset_id("SOL-USD")
    r = P.Receipt
    pid = lambda n: P.keccak256(b"prediction-%d" % n)  # noqa: E731
    s1 = 1_795_608_540  # 2026-11-25 12:09:00 UTC
    s2 = s1 + 600        # 12:19:00
    placements = [
        r(1, P.KIND_PLACEMENT, pid(1), c1, btc, P.DIRECTION_UP, 25_000_000, 1_795_608_012, s1, 9_712_345_678_901, 0, P.OUTCOME_PENDING, 0),
        r(1, P.KIND_PLACEMENT, pid(2), c2, eth, P.DIRECTION_DOWN, 1_500_000, 1_795_608_100, s1, 362_150_000_000, 0, P.OUTCOME_PENDING, 0),
        r(1, P.KIND_PLACEMENT, pid(3), c3, sol, P.DIRECTION_UP, 100_000_000, 1_795_608_333, s1, 23_456_789_012, 0, P.OUTCOME_PENDING, 0),
        r(1, P.KIND_PLACEMENT, pid(4), c1, eth, P.DIRECTION_UP, 69_690_000, 1_795_608_420, s1, 362_300_000_000, 0, P.OUTCOME_PENDING, 0),
        r(1, P.KIND_PLACEMENT, pid(5), c2, btc, P.DIRECTION_DOWN, 420_690_000, 1_795_608_999, s2, 9_713_000_000_000, 0, P.OUTCOME_PENDING, 0),
    ]
    settle_price = {btc: {s1: 9_712_999_000_000, s2: 9_712_000_000_000}, eth: {s1: 362_150_000_000}, sol: {s1: 23_400_000_000}}
    settlements = []
    for p in placements:
        sp = settle_price[p.asset][p.settles_at]
        if sp == p.entry_price:
            outcome, payout = P.OUTCOME_PUSH, p.stake
        elif (sp > p.entry_price) == (p.direction == P.DIRECTION_UP):
            outcome, payout = P.OUTCOME_WIN, p.stake * 19 // 10
        else:
            outcome, payout = P.OUTCOME_LOSS, 0
        settlements.append(
            r(1, P.KIND_SETTLEMENT, p.prediction_id, p.user_commitment, p.asset, p.direction, p.stake, p.placed_at,
              p.settles_at, p.entry_price, sp, outcome, payout)
        )
    return placements, settlements


def prices():
    s1 = 1_795_608_540
    return [
        [1, P.asset_id("BTC-USD"), s1, 9_712_999_000_000, 1],
        [1, P.asset_id("ETH-USD"), s1, 362_150_000_000, 1],
        [1, P.asset_id("SOL-USD"), s1, 23_400_000_000, 2],
        [1, P.asset_id("BTC-USD"), s1 + 600, 9_712_000_000_000, 1],
    ]


def receipt_entry(rc: P.Receipt) -> dict:
    enc = rc.encoded()
    return {"fields": rc.to_json(), "abiEncoded": h(enc), "innerHash": h(P.keccak256(enc)), "leaf": h(rc.leaf())}


def tree_entry(tree: P.StandardMerkleTree, values_json: list, multi_indices: list[int]) -> dict:
    mp = tree.get_multi_proof(multi_indices)
    return {
        "leafEncoding": tree.leaf_encoding,
        "root": h(tree.root),
        "leaves": [h(tree.leaf(i)) for i in range(len(tree.values))],
        "treeIndices": [v["treeIndex"] for v in tree.values],
        "proofs": [[h(x) for x in tree.get_proof(i)] for i in range(len(tree.values))],
        "multiProof": {
            "valueIndices": multi_indices,
            "leaves": [h(x) for x in mp["leaves"]],
            "proof": [h(x) for x in mp["proof"]],
            "proofFlags": mp["proofFlags"],
        },
        "dump": {**tree.dump(), "values": [{"value": vj, "treeIndex": v["treeIndex"]} for vj, v in zip(values_json, tree.values)]},
    }


def jsonable(v):
    if isinstance(v, bytes):
        return h(v)
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2**53:
        return str(v)
    return v


def eip712_section() -> dict:
    dsep = P.domain_separator(CHAIN_ID, VAULT_ADDRESS)
    _, settlements = receipts()
    winners = [s for s in settlements if s.payout > 0]
    payouts = [
        (USDC, "0x1111111111111111111111111111111111111111", winners[0].payout, winners[0].leaf()),
        (USDC, "0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B", winners[1].payout, winners[1].leaf()),
        (NATIVE, "0x4B20993Bc481177ec7E8f571ceCaE8A9e22C02db", 5 * 10**17, winners[2].leaf() if len(winners) > 2 else P.keccak256(b"manual")),
    ]
    nonce, deadline = 7, 1_795_612_200
    struct_hash = P.payout_batch_hash(payouts, nonce, deadline)
    digest = P.typed_digest(dsep, struct_hash)
    domain = {"name": P.VAULT_NAME, "version": P.VAULT_VERSION, "chainId": CHAIN_ID, "verifyingContract": VAULT_ADDRESS}
    message = {
        "payouts": [{"token": t, "recipient": r, "amount": a, "receipt": rc} for t, r, a, rc in payouts],
        "nonce": nonce,
        "deadline": deadline,
    }
    signable = encode_typed_data(domain_data=domain, message_types={k: P.EIP712_TYPES[k] for k in ("PayoutBatch", "Payout")}, message_data=message)
    assert signable.body == struct_hash and signable.header == dsep, "eip712 reference disagrees with eth-account"
    signers = sorted(((Account.from_key(k).address, k) for k in SIGNER_KEYS), key=lambda t: int(t[0], 16))
    sigs = []
    for addr, key in signers[:3]:
        sm = Account.sign_typed_data(key, domain, {k: P.EIP712_TYPES[k] for k in ("PayoutBatch", "Payout")}, message)
        sigs.append({"signer": addr, "signature": h(sm.signature)})

    action_data = abi_encode(["address", "uint256"], [USDC, 20_000 * 10**6])
    p_nonce, p_deadline = 8, 1_795_612_200
    p_hash = P.proposal_hash(P.ACTION_SET_DAILY_LIMIT, action_data, p_nonce, p_deadline)
    p_signable = encode_typed_data(
        domain_data=domain,
        message_types={"Proposal": P.EIP712_TYPES["Proposal"]},
        message_data={"action": P.ACTION_SET_DAILY_LIMIT, "data": action_data, "nonce": p_nonce, "deadline": p_deadline},
    )
    assert p_signable.body == p_hash
    pid = P.proposal_id(P.ACTION_SET_DAILY_LIMIT, action_data, p_nonce)
    c_hash = P.cancellation_hash(pid, 9, p_deadline)
    return {
        "domain": domain,
        "domainTypeString": P.EIP712_DOMAIN_TYPE,
        "domainTypeHash": h(P.keccak256(P.EIP712_DOMAIN_TYPE.encode())),
        "domainSeparator": h(dsep),
        "types": P.EIP712_TYPES,
        "typeStrings": {
            "Payout": P.PAYOUT_TYPE,
            "PayoutBatch": P.PAYOUT_BATCH_TYPE,
            "Proposal": P.PROPOSAL_TYPE,
            "Cancellation": P.CANCELLATION_TYPE,
        },
        "typeHashes": {
            "Payout": h(P.keccak256(P.PAYOUT_TYPE.encode())),
            "PayoutBatch": h(P.keccak256(P.PAYOUT_BATCH_TYPE.encode())),
            "Proposal": h(P.keccak256(P.PROPOSAL_TYPE.encode())),
            "Cancellation": h(P.keccak256(P.CANCELLATION_TYPE.encode())),
        },
        "signers": [{"address": a, "privateKey": h(k)} for a, k in signers],
        "payoutBatch": {
            "message": {
                "payouts": [{"token": t, "recipient": r, "amount": str(a), "receipt": h(rc)} for t, r, a, rc in payouts],
                "nonce": nonce,
                "deadline": deadline,
            },
            "payoutHashes": [h(P.payout_hash(*p)) for p in payouts],
            "payoutsArrayHash": h(P.keccak256(b"".join(P.payout_hash(*p) for p in payouts))),
            "structHash": h(struct_hash),
            "digest": h(digest),
            "signatures": sigs,
        },
        "proposal": {
            "message": {"action": P.ACTION_SET_DAILY_LIMIT, "data": h(action_data), "nonce": p_nonce, "deadline": p_deadline},
            "dataDecoded": {"token": USDC, "limit": str(20_000 * 10**6)},
            "structHash": h(p_hash),
            "digest": h(P.typed_digest(dsep, p_hash)),
            "proposalId": h(pid),
        },
        "cancellation": {
            "message": {"proposalId": h(pid), "nonce": 9, "deadline": p_deadline},
            "structHash": h(c_hash),
            "digest": h(P.typed_digest(dsep, c_hash)),
        },
    }


def build() -> dict:
    placements, settlements = receipts()
    ptree = P.StandardMerkleTree.of([r.values() for r in placements], P.RECEIPT_LEAF_ENCODING)
    stree = P.StandardMerkleTree.of([r.values() for r in settlements], P.RECEIPT_LEAF_ENCODING)
    price_values = prices()
    prtree = P.StandardMerkleTree.of(price_values, P.PRICE_LEAF_ENCODING)
    return {
        "_about": "SixNines protocol vectors (docs/PROTOCOL.md). Generated by Contracts/tests/gen_vectors.py; "
        "checked by Contracts/tests/test_protocol.py (Python reference vs OpenZeppelin dumps and eth-account) "
        "and by the contract tests. Hex is 0x-prefixed lowercase except checksummed addresses; integers "
        "of 2**53 or more are decimal strings.",
        "protocolVersion": 1,
        "receiptLeafEncoding": P.RECEIPT_LEAF_ENCODING,
        "priceLeafEncoding": P.PRICE_LEAF_ENCODING,
        "assets": {s: h(P.asset_id(s)) for s in ("BTC-USD", "ETH-USD", "SOL-USD")},
        "userCommitments": [{"user": u, "salt": h(s), "commitment": h(c)} for u, s, c in commitments()],
        "settlementTimes": [
            {"timestamp": t, "isSettlementTime": P.is_settlement_time(t)}
            for t in (1_795_608_540, 1_795_609_140, 1_795_608_000, 1_795_608_539, 1_795_608_541, 1_795_611_540)
        ],
        "batchIds": [
            {"kind": k, "sequence": s, "batchId": h(P.batch_id(k, s))}
            for k, s in ((1, 1), (2, 1), (1, 4242), (3, 1_795_608_000 // 86400))
        ],
        "placementReceipts": [receipt_entry(r) for r in placements],
        "settlementReceipts": [receipt_entry(r) for r in settlements],
        "placementTree": {"batchId": h(P.batch_id(1, 1)), **tree_entry(ptree, [[jsonable(x) for x in r.values()] for r in placements], [0, 2, 3])},
        "settlementTree": {"batchId": h(P.batch_id(2, 1)), **tree_entry(stree, [[jsonable(x) for x in r.values()] for r in settlements], [1, 4])},
        "priceTree": {"batchId": h(P.batch_id(3, 1_795_608_000 // 86400)), **tree_entry(prtree, [[jsonable(x) for x in v] for v in price_values], [0, 1, 2, 3])},
        "eip712": eip712_section(),
    }


def render() -> str:
    return json.dumps(build(), indent=1) + "\n"


if __name__ == "__main__":
    P.write_or_check_fixture(OUT, render(), sys.argv)
