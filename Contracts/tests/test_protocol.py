"""The Python reference implementation (protocol.py) against independent sources, and the
committed protocol vectors against the reference.

- Merkle: every OpenZeppelin merkle-tree dump in Tests/Fixtures/vectors is rebuilt bit for bit
  (tree array, tree indices), every proof and multiproof recomputes the root.
- EIP-712: digests equal eth-account's `encode_typed_data`, signatures recover their signers.
- Tests/Fixtures/protocol-vectors.json equals a fresh `gen_vectors.py` run (so it cannot drift).
"""

from __future__ import annotations

import json

import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from hypothesis import given, strategies as st

import gen_vectors
import protocol as P
from conftest import REPO

OZ = REPO / "Tests/Fixtures/vectors/openzeppelin-merkle-tree"


def b32(x: str) -> bytes:
    return bytes.fromhex(x[2:])


@pytest.mark.parametrize("name, sort", [("standard-v1.sorted.1_0_6.json", True), ("standard-v1.unsorted.1_0_6.json", False)])
def test_reference_tree_reproduces_openzeppelin_dumps(name, sort):
    dump = json.loads((OZ / "test/dumps" / name).read_text())
    tree = P.StandardMerkleTree.of([v["value"] for v in dump["values"]], dump["leafEncoding"], sort_leaves=sort)
    assert tree.dump()["tree"] == dump["tree"]
    assert [v["treeIndex"] for v in tree.values] == [v["treeIndex"] for v in dump["values"]]
    for i in range(len(dump["values"])):
        assert P.process_proof(tree.leaf(i), tree.get_proof(i)) == tree.root


def test_reference_tree_reproduces_openzeppelin_snapshot_dumps():
    data = json.loads((OZ / "src/standard.test.ts.dumps.json").read_text())
    for dump in data["dumps"]:
        values = [[int(v["value"][0]), v["value"][1]] for v in dump["values"]]
        tree = P.StandardMerkleTree.of(values, dump["leafEncoding"], sort_leaves=dump["options"]["sortLeaves"])
        assert tree.dump()["tree"] == dump["tree"]
        mp = tree.get_multi_proof(list(range(0, len(values), 3)))
        assert P.process_multi_proof(mp["leaves"], mp["proof"], mp["proofFlags"]) == tree.root


def test_simple_tree_dumps_use_the_same_node_hash():
    for name in ("simple-v1.sorted.1_0_6.json", "simple-v1.unsorted.1_0_6.json"):
        dump = json.loads((OZ / "test/dumps" / name).read_text())
        tree = [b32(x) for x in dump["tree"]]
        for i in range(len(tree) // 2):
            if 2 * i + 2 < len(tree):
                assert tree[i] == P.hash_pair(tree[2 * i + 1], tree[2 * i + 2])


@given(n=st.integers(1, 33), data=st.data())
def test_multiproof_of_any_subset_recomputes_root(n, data):
    tree = P.StandardMerkleTree.of([[i, "x" * i] for i in range(n)], ["uint256", "string"])
    subset = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    mp = tree.get_multi_proof(subset)
    assert P.process_multi_proof(mp["leaves"], mp["proof"], mp["proofFlags"]) == tree.root


def test_vectors_file_is_fresh():
    assert (REPO / "Tests/Fixtures/protocol-vectors.json").read_text() == gen_vectors.render()


def test_vector_receipts_and_trees_are_consistent(fixtures_json):
    for entry in fixtures_json["placementReceipts"] + fixtures_json["settlementReceipts"]:
        f = entry["fields"]
        values = [b32(f[k]) if isinstance(f[k], str) else f[k] for k in (
            "version", "kind", "predictionId", "userCommitment", "asset", "direction", "stake", "placedAt",
            "settlesAt", "entryPrice", "settlementPrice", "outcome", "payout")]
        enc = abi_encode(P.RECEIPT_LEAF_ENCODING, values)
        assert entry["abiEncoded"] == "0x" + enc.hex()
        assert entry["leaf"] == "0x" + P.keccak256(P.keccak256(enc)).hex()
        assert P.is_settlement_time(f["settlesAt"])
        assert f["placedAt"] < f["settlesAt"]
    for name in ("placementTree", "settlementTree", "priceTree"):
        tree = fixtures_json[name]
        for leaf, proof in zip(tree["leaves"], tree["proofs"]):
            assert P.process_proof(b32(leaf), [b32(p) for p in proof]) == b32(tree["root"])
        mp = tree["multiProof"]
        assert P.process_multi_proof([b32(x) for x in mp["leaves"]], [b32(x) for x in mp["proof"]], mp["proofFlags"]) == b32(tree["root"])
        assert tree["dump"]["tree"][0] == tree["root"]


def test_user_commitment_and_asset_vectors(fixtures_json):
    for c in fixtures_json["userCommitments"]:
        assert c["commitment"] == "0x" + P.keccak256(abi_encode(["address", "bytes32"], [c["user"], b32(c["salt"])])).hex()
    assert fixtures_json["assets"]["BTC-USD"] == "0x" + (b"BTC-USD" + bytes(25)).hex()
    with pytest.raises(ValueError):
        P.asset_id("")
    with pytest.raises(ValueError):
        P.asset_id("BTC USD")


def test_batch_id_layout(fixtures_json):
    for b in fixtures_json["batchIds"]:
        assert int(b["batchId"], 16) == (b["kind"] << 64) | b["sequence"]


def test_eip712_vectors_match_eth_account(fixtures_json):
    e = fixtures_json["eip712"]
    domain = e["domain"]
    msg = e["payoutBatch"]["message"]
    message = {
        "payouts": [{**p, "amount": int(p["amount"]), "receipt": b32(p["receipt"])} for p in msg["payouts"]],
        "nonce": msg["nonce"],
        "deadline": msg["deadline"],
    }
    types = {k: e["types"][k] for k in ("PayoutBatch", "Payout")}
    signable = encode_typed_data(domain_data=domain, message_types=types, message_data=message)
    assert "0x" + signable.header.hex() == e["domainSeparator"]
    assert "0x" + signable.body.hex() == e["payoutBatch"]["structHash"]
    digest = P.keccak256(b"\x19\x01" + signable.header + signable.body)
    assert "0x" + digest.hex() == e["payoutBatch"]["digest"]
    for s in e["payoutBatch"]["signatures"]:
        assert Account._recover_hash(digest, signature=b32(s["signature"])) == s["signer"]
    # signers are listed in ascending address order, as the vault requires
    addrs = [int(s["signer"], 16) for s in e["payoutBatch"]["signatures"]]
    assert addrs == sorted(addrs)

    p = e["proposal"]["message"]
    signable = encode_typed_data(domain_data=domain, message_types={"Proposal": e["types"]["Proposal"]},
                                 message_data={**p, "data": b32(p["data"])})
    assert "0x" + signable.body.hex() == e["proposal"]["structHash"]
    c = e["cancellation"]["message"]
    signable = encode_typed_data(domain_data=domain, message_types={"Cancellation": e["types"]["Cancellation"]},
                                 message_data={**c, "proposalId": b32(c["proposalId"])})
    assert "0x" + signable.body.hex() == e["cancellation"]["structHash"]
    for k, s in e["typeStrings"].items():
        assert e["typeHashes"][k] == "0x" + P.keccak256(s.encode()).hex()
