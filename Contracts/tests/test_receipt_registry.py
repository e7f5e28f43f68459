"""ReceiptRegistry: anchoring, idempotent retries, roles, single/multi proofs, on-chain leaves.

The trees, leaves and proofs come from Tests/Fixtures/protocol-vectors.json (the same file the
Swift tests read) and from OpenZeppelin's own merkle-tree dumps; hypothesis builds random trees
with the Python reference implementation (protocol.py) and checks every proof on-chain."""

from __future__ import annotations

import json

import boa
import pytest
from eth_abi import encode as abi_encode
from hypothesis import given, settings, strategies as st

import protocol as P
from conftest import GENESIS_TIME, REPO, deployer, measure

WRITER_ROLE = P.keccak256(b"WRITER_ROLE")
DEFAULT_ADMIN_ROLE = bytes(32)
MISSING_ROLE = "access_control: account is missing role"


def b32(x: str) -> bytes:
    return bytes.fromhex(x[2:])


def receipt_tuple(fields: dict) -> tuple:
    keys = ["version", "kind", "predictionId", "userCommitment", "asset", "direction", "stake", "placedAt",
            "settlesAt", "entryPrice", "settlementPrice", "outcome", "payout"]
    return tuple(b32(fields[k]) if isinstance(fields[k], str) else fields[k] for k in keys)


@pytest.fixture(scope="module")
def registry_deployer():
    return deployer("ReceiptRegistry")


@pytest.fixture
def registry(registry_deployer, admin, writer):
    return registry_deployer.deploy(admin, writer, sender=admin)


def anchor_tree(registry, writer, tree_fixture: dict, kind: int, first=GENESIS_TIME - 3600, last=GENESIS_TIME - 60):
    return registry.anchor(b32(tree_fixture["batchId"]), kind, b32(tree_fixture["root"]), len(tree_fixture["leaves"]), first, last, sender=writer)


# ------------------------------------------------------------------------------------------
# deployment and roles
# ------------------------------------------------------------------------------------------


def test_constructor_grants_admin_and_writer_and_drops_deployer(registry_deployer, accounts):
    deployer_, admin, writer = accounts[5], accounts[0], accounts[1]
    reg = registry_deployer.deploy(admin, writer, sender=deployer_)
    assert reg.hasRole(DEFAULT_ADMIN_ROLE, admin)
    assert reg.hasRole(WRITER_ROLE, writer)
    assert not reg.hasRole(DEFAULT_ADMIN_ROLE, deployer_)
    assert not reg.hasRole(WRITER_ROLE, admin)
    assert reg.WRITER_ROLE() == WRITER_ROLE
    assert (reg.KIND_PLACEMENT(), reg.KIND_SETTLEMENT(), reg.KIND_PRICE()) == (1, 2, 3)


def test_constructor_without_writer(registry_deployer, admin):
    reg = registry_deployer.deploy(admin, "0x" + "00" * 20, sender=admin)
    assert reg.hasRole(DEFAULT_ADMIN_ROLE, admin)
    assert not reg.hasRole(WRITER_ROLE, "0x" + "00" * 20)


def test_constructor_rejects_zero_admin(registry_deployer, writer):
    with boa.reverts("registry: zero admin"):
        registry_deployer.deploy("0x" + "00" * 20, writer)


def test_admin_grants_and_revokes_writers(registry, admin, writer, stranger):
    bid = P.batch_id(1, 1)
    with boa.reverts(MISSING_ROLE):
        registry.grantRole(WRITER_ROLE, stranger, sender=stranger)
    measure("ReceiptRegistry.grantRole (writer)", registry, "grantRole", WRITER_ROLE, stranger, sender=admin)
    assert registry.anchor(bid, 1, b"\x01" * 32, 1, 0, 0, sender=stranger)
    registry.revokeRole(WRITER_ROLE, stranger, sender=admin)
    with boa.reverts(MISSING_ROLE):
        registry.anchor(P.batch_id(1, 2), 1, b"\x01" * 32, 1, 0, 0, sender=stranger)
    registry.renounceRole(WRITER_ROLE, writer, sender=writer)
    with boa.reverts(MISSING_ROLE):
        registry.anchor(P.batch_id(1, 3), 1, b"\x01" * 32, 1, 0, 0, sender=writer)


def test_supports_erc165_and_access_control(registry):
    assert registry.supportsInterface(bytes.fromhex("01ffc9a7"))
    assert registry.supportsInterface(bytes.fromhex("7965db0b"))
    assert not registry.supportsInterface(bytes.fromhex("ffffffff"))


# ------------------------------------------------------------------------------------------
# anchor
# ------------------------------------------------------------------------------------------


def test_anchor_stores_record_and_emits_everything_an_indexer_needs(registry, writer, fixtures_json):
    tree = fixtures_json["placementTree"]
    bid, root = b32(tree["batchId"]), b32(tree["root"])
    assert not registry.is_anchored(bid)
    boa.env.evm.patch.timestamp = 1_795_609_000
    assert registry.anchor(bid, 1, root, 5, 1_795_608_012, 1_795_608_999, sender=writer)
    logs = registry.get_logs()
    assert len(logs) == 1
    ev = logs[0]
    assert type(ev).__name__ == "BatchAnchored"
    assert (ev.batch_id, ev.root, ev.kind, ev.receipt_count) == (bid, root, 1, 5)
    assert (ev.first_time, ev.last_time, ev.anchored_at, ev.writer) == (1_795_608_012, 1_795_608_999, 1_795_609_000, writer)
    assert registry.is_anchored(bid)
    assert registry.batch(bid, root) == (True, 1, 5, 1_795_608_012, 1_795_608_999, 1_795_609_000)
    assert registry.batch(bid, b"\x02" * 32) == (False, 0, 0, 0, 0, 0)


def test_retried_anchor_is_a_no_op(registry, writer):
    bid, root = P.batch_id(2, 77), b"\x42" * 32
    assert registry.anchor(bid, 2, root, 100, 10, 20, sender=writer) is True
    before = registry.batch(bid, root)
    boa.env.time_travel(seconds=3600)
    assert registry.anchor(bid, 2, root, 100, 10, 20, sender=writer) is False
    assert registry.get_logs() == []
    assert registry.batch(bid, root) == before


def test_batch_id_cannot_be_reanchored_with_another_root(registry, writer):
    bid = P.batch_id(1, 9)
    registry.anchor(bid, 1, b"\x01" * 32, 3, 0, 0, sender=writer)
    with boa.reverts("registry: batch id taken"):
        registry.anchor(bid, 1, b"\x02" * 32, 3, 0, 0, sender=writer)
    # neighbouring ids in the same bitmap word are unaffected
    assert registry.anchor(P.batch_id(1, 8), 1, b"\x02" * 32, 3, 0, 0, sender=writer)
    assert registry.anchor(P.batch_id(1, 10), 1, b"\x02" * 32, 3, 0, 0, sender=writer)
    assert registry.is_anchored(P.batch_id(1, 9)) and not registry.is_anchored(P.batch_id(1, 11))


def test_same_root_under_two_batch_ids_are_two_batches(registry, writer):
    root = b"\x07" * 32
    assert registry.anchor(P.batch_id(1, 1), 1, root, 1, 0, 0, sender=writer)
    assert registry.anchor(P.batch_id(2, 1), 2, root, 1, 0, 0, sender=writer)
    assert registry.batch(P.batch_id(1, 1), root)[1] == 1
    assert registry.batch(P.batch_id(2, 1), root)[1] == 2


def test_anchor_requires_writer_role(registry, admin, stranger):
    for who in (admin, stranger):
        with boa.reverts(MISSING_ROLE):
            registry.anchor(P.batch_id(1, 1), 1, b"\x01" * 32, 1, 0, 0, sender=who)


@pytest.mark.parametrize(
    "batch_id, kind, root, count, first, last, reason",
    [
        (P.batch_id(1, 1), 0, b"\x01" * 32, 1, 0, 0, "registry: unknown kind"),
        ((4 << 64 | 1).to_bytes(32, "big"), 4, b"\x01" * 32, 1, 0, 0, "registry: unknown kind"),
        (P.batch_id(2, 1), 1, b"\x01" * 32, 1, 0, 0, "registry: malformed batch id"),
        ((1 << 72 | 1 << 64 | 1).to_bytes(32, "big"), 1, b"\x01" * 32, 1, 0, 0, "registry: malformed batch id"),
        (b"\xff" * 32, 1, b"\x01" * 32, 1, 0, 0, "registry: malformed batch id"),
        (P.batch_id(1, 1), 1, bytes(32), 1, 0, 0, "registry: zero root"),
        (P.batch_id(1, 1), 1, b"\x01" * 32, 0, 0, 0, "registry: empty batch"),
        (P.batch_id(1, 1), 1, b"\x01" * 32, 1, 11, 10, "registry: bad time range"),
        (P.batch_id(1, 1), 1, b"\x01" * 32, 1, 0, GENESIS_TIME + 1, "registry: time range in the future"),
    ],
)
def test_anchor_rejects_malformed_input(registry, writer, batch_id, kind, root, count, first, last, reason):
    with boa.reverts(reason):
        registry.anchor(batch_id, kind, root, count, first, last, sender=writer)


def test_anchor_gas_does_not_depend_on_batch_size(registry, writer):
    # Warm up the bitmap word of sequence numbers 0..255 so both calls below see the same slot state.
    registry.anchor(P.batch_id(2, 0), 2, b"\x09" * 32, 1, 0, 0, sender=writer)
    args_small = (P.batch_id(2, 1), 2, b"\x11" * 32, 1, GENESIS_TIME - 3600, GENESIS_TIME - 1)
    args_large = (P.batch_id(2, 2), 2, b"\x12" * 32, 4_000_000_000, GENESIS_TIME - 3600, GENESIS_TIME - 1)
    measure("ReceiptRegistry.anchor (1 receipt)", registry, "anchor", *args_small, sender=writer)
    measure("ReceiptRegistry.anchor", registry, "anchor", *args_large, sender=writer,
            note="typical: bitmap word already used by an earlier batch (255 anchors in 256)")
    from conftest import GAS
    small, large = GAS["ReceiptRegistry.anchor (1 receipt)"], GAS["ReceiptRegistry.anchor"]
    assert small["execution"] == large["execution"]
    assert large["transaction"] < 60_000
    # first batch in a fresh bitmap word (1 anchor in 256) pays for one more fresh slot
    measure("ReceiptRegistry.anchor (first in bitmap word)", registry, "anchor", P.batch_id(2, 256), 2, b"\x13" * 32,
            100, GENESIS_TIME - 3600, GENESIS_TIME - 1, sender=writer, note="1 anchor in 256")
    # the idempotent retry
    measure("ReceiptRegistry.anchor (retry, no-op)", registry, "anchor", *args_large, sender=writer)
    assert GAS["ReceiptRegistry.anchor (retry, no-op)"]["execution"] < 10_000


# ------------------------------------------------------------------------------------------
# leaves and proofs from the shared fixtures
# ------------------------------------------------------------------------------------------


def test_receipt_leaf_matches_fixtures(registry, fixtures_json):
    for entry in fixtures_json["placementReceipts"] + fixtures_json["settlementReceipts"]:
        assert registry.receipt_leaf(receipt_tuple(entry["fields"])) == b32(entry["leaf"])


@pytest.mark.parametrize("name, kind", [("placementTree", 1), ("settlementTree", 2), ("priceTree", 3)])
def test_every_fixture_proof_verifies(registry, writer, fixtures_json, name, kind):
    tree = fixtures_json[name]
    bid = b32(tree["batchId"])
    for leaf, proof in zip(tree["leaves"], tree["proofs"]):
        assert not registry.verify(bid, b32(leaf), [b32(p) for p in proof])  # not anchored yet
    anchor_tree(registry, writer, tree, kind)
    for leaf, proof in zip(tree["leaves"], tree["proofs"]):
        assert registry.verify(bid, b32(leaf), [b32(p) for p in proof])
    mp = tree["multiProof"]
    assert registry.verify_multi(bid, [b32(x) for x in mp["leaves"]], [b32(x) for x in mp["proof"]], mp["proofFlags"])


def test_proofs_are_bound_to_their_batch(registry, writer, fixtures_json):
    ptree, stree = fixtures_json["placementTree"], fixtures_json["settlementTree"]
    anchor_tree(registry, writer, ptree, 1)
    anchor_tree(registry, writer, stree, 2)
    leaf, proof = b32(ptree["leaves"][0]), [b32(p) for p in ptree["proofs"][0]]
    assert registry.verify(b32(ptree["batchId"]), leaf, proof)
    assert not registry.verify(b32(stree["batchId"]), leaf, proof)
    assert not registry.verify(P.batch_id(1, 2), leaf, proof)
    assert not registry.verify(b32(ptree["batchId"]), leaf, proof[:-1])
    assert not registry.verify(b32(ptree["batchId"]), leaf, proof + [b"\x00" * 32])
    assert not registry.verify(b32(ptree["batchId"]), b32(ptree["leaves"][1]), proof)


def test_verify_trusts_that_its_argument_is_a_leaf(registry, writer, fixtures_json):
    """Like every Merkle verifier (OpenZeppelin's MerkleProof included), `verify` accepts an
    inner node with the rest of its path. Callers holding receipt fields rather than a trusted
    leaf hash must use `verify_receipt`, which rebuilds the double-hashed leaf on-chain; an inner
    node is a hash of 64 bytes and cannot be the double hash of a 416-byte receipt encoding."""
    ptree = fixtures_json["placementTree"]
    anchor_tree(registry, writer, ptree, 1)
    assert registry.verify(b32(ptree["batchId"]), b32(ptree["root"]), [])


def test_verify_receipt_rebuilds_leaves_on_chain(registry, writer, fixtures_json):
    anchor_tree(registry, writer, fixtures_json["placementTree"], 1)
    anchor_tree(registry, writer, fixtures_json["settlementTree"], 2)
    pbid, sbid = b32(fixtures_json["placementTree"]["batchId"]), b32(fixtures_json["settlementTree"]["batchId"])
    for i, entry in enumerate(fixtures_json["placementReceipts"]):
        proof = [b32(p) for p in fixtures_json["placementTree"]["proofs"][i]]
        assert registry.verify_receipt(pbid, receipt_tuple(entry["fields"]), proof)
        assert not registry.verify_receipt(sbid, receipt_tuple(entry["fields"]), proof)
    for i, entry in enumerate(fixtures_json["settlementReceipts"]):
        proof = [b32(p) for p in fixtures_json["settlementTree"]["proofs"][i]]
        assert registry.verify_receipt(sbid, receipt_tuple(entry["fields"]), proof)
    entry = fixtures_json["settlementReceipts"][0]
    proof = [b32(p) for p in fixtures_json["settlementTree"]["proofs"][0]]
    measure("ReceiptRegistry.verify_receipt (depth 3)", registry, "verify_receipt", sbid, receipt_tuple(entry["fields"]), proof)
    measure("ReceiptRegistry.verify (depth 3)", registry, "verify", sbid, b32(entry["leaf"]), proof)
    mp = fixtures_json["placementTree"]["multiProof"]
    measure("ReceiptRegistry.verify_multi (3 of 5 leaves)", registry, "verify_multi", pbid, [b32(x) for x in mp["leaves"]],
            [b32(x) for x in mp["proof"]], mp["proofFlags"])


FIELD_STRATEGIES = [
    st.integers(0, 255), st.integers(0, 255), st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32),
    st.binary(min_size=32, max_size=32), st.integers(0, 255), st.integers(0, 2**128 - 1), st.integers(0, 2**64 - 1),
    st.integers(0, 2**64 - 1), st.integers(0, 2**128 - 1), st.integers(0, 2**128 - 1), st.integers(0, 255),
    st.integers(0, 2**128 - 1),
]


@given(index=st.integers(0, 4), field=st.integers(0, 12), data=st.data())
def test_any_tampered_receipt_field_fails_verification(registry_deployer, admin, writer, fixtures_json, index, field, data):
    with boa.env.anchor():
        registry = registry_deployer.deploy(admin, writer, sender=admin)
        anchor_tree(registry, writer, fixtures_json["settlementTree"], 2)
        bid = b32(fixtures_json["settlementTree"]["batchId"])
        original = list(receipt_tuple(fixtures_json["settlementReceipts"][index]["fields"]))
        proof = [b32(p) for p in fixtures_json["settlementTree"]["proofs"][index]]
        assert registry.verify_receipt(bid, tuple(original), proof)
        new_value = data.draw(FIELD_STRATEGIES[field].filter(lambda v: v != original[field]))
        tampered = list(original)
        tampered[field] = new_value
        assert registry.receipt_leaf(tuple(tampered)) == P.Receipt(*tampered).leaf()
        assert not registry.verify_receipt(bid, tuple(tampered), proof)


def test_receipt_of_another_kind_is_rejected_even_if_in_tree(registry, writer):
    # A settlement-kind receipt hidden in a placement batch must not verify as a placement.
    rc = P.Receipt(1, 2, b"\x01" * 32, b"\x02" * 32, P.asset_id("BTC-USD"), 1, 1, 1, 540, 1, 2, 1, 2)
    tree = P.StandardMerkleTree.of([rc.values(), [1] * 2 + [b"\x00" * 32] * 3 + [1] * 8], P.RECEIPT_LEAF_ENCODING)
    registry.anchor(P.batch_id(1, 5), 1, tree.root, 2, 0, 0, sender=writer)
    assert registry.verify(P.batch_id(1, 5), rc.leaf(), tree.get_proof(0))
    assert not registry.verify_receipt(P.batch_id(1, 5), rc.as_tuple(), tree.get_proof(0))


# ------------------------------------------------------------------------------------------
# multiproofs
# ------------------------------------------------------------------------------------------


def test_empty_multiproof_is_never_valid(registry, writer, fixtures_json):
    tree = fixtures_json["placementTree"]
    anchor_tree(registry, writer, tree, 1)
    bid, root = b32(tree["batchId"]), b32(tree["root"])
    # snekmate/OpenZeppelin accept (leaves=[], proof=[root], flags=[]) as a proof of the empty set
    assert not registry.verify_multi(bid, [], [root], [])
    assert not registry.verify_multi(bid, [], [], [])


def test_multiproof_with_inconsistent_lengths_is_invalid(registry, writer, fixtures_json):
    tree = fixtures_json["placementTree"]
    anchor_tree(registry, writer, tree, 1)
    mp = tree["multiProof"]
    bid = b32(tree["batchId"])
    leaves, proof = [b32(x) for x in mp["leaves"]], [b32(x) for x in mp["proof"]]
    assert not registry.verify_multi(bid, leaves, proof, mp["proofFlags"] + [False])
    assert not registry.verify_multi(bid, leaves, proof + [b"\x00" * 32], mp["proofFlags"])
    assert not registry.verify_multi(bid, leaves[:-1], proof, mp["proofFlags"])
    assert not registry.verify_multi(bid, [leaves[1], leaves[0], leaves[2]], proof, mp["proofFlags"])


@given(
    leaves=st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40, unique=True),
    data=st.data(),
)
def test_random_trees_every_proof_and_multiproof_verifies(registry_deployer, admin, writer, leaves, data):
    tree = P.StandardMerkleTree.of([[x] for x in leaves], ["bytes32"])
    subset = data.draw(st.lists(st.integers(0, len(leaves) - 1), min_size=1, max_size=min(len(leaves), 12), unique=True))
    with boa.env.anchor():
        registry = registry_deployer.deploy(admin, writer, sender=admin)
        bid = P.batch_id(2, data.draw(st.integers(0, 2**64 - 1)))
        registry.anchor(bid, 2, tree.root, len(leaves), 0, 0, sender=writer)
        for i in data.draw(st.lists(st.integers(0, len(leaves) - 1), min_size=1, max_size=4)):
            assert registry.verify(bid, tree.leaf(i), tree.get_proof(i))
        mp = tree.get_multi_proof(subset)
        assert P.process_multi_proof(mp["leaves"], mp["proof"], mp["proofFlags"]) == tree.root
        assert registry.verify_multi(bid, mp["leaves"], mp["proof"], mp["proofFlags"])
        outsider = P.keccak256(b"not in the tree" + leaves[0])
        assert not registry.verify(bid, outsider, tree.get_proof(0))
        if len(mp["leaves"]) > 0:
            bad = [outsider] + mp["leaves"][1:]
            assert not registry.verify_multi(bid, bad, mp["proof"], mp["proofFlags"])


# ------------------------------------------------------------------------------------------
# OpenZeppelin's own dumps verify on-chain
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dump_file", ["standard-v1.sorted.1_0_6.json", "standard-v1.unsorted.1_0_6.json"])
def test_openzeppelin_dump_proofs_verify_on_chain(registry, writer, dump_file):
    path = REPO / "Tests/Fixtures/vectors/openzeppelin-merkle-tree/test/dumps" / dump_file
    dump = json.loads(path.read_text())
    tree = P.StandardMerkleTree([b32(x) for x in dump["tree"]], dump["values"], dump["leafEncoding"])
    registry.anchor(P.batch_id(3, 1), 3, tree.root, len(dump["values"]), 0, 0, sender=writer)
    for i, v in enumerate(dump["values"]):
        leaf = P.standard_leaf_hash(dump["leafEncoding"], v["value"])
        assert leaf == tree.tree[v["treeIndex"]]
        assert registry.verify(P.batch_id(3, 1), leaf, tree.get_proof(i))
    mp = tree.get_multi_proof(list(range(len(dump["values"]))))
    assert registry.verify_multi(P.batch_id(3, 1), mp["leaves"], mp["proof"], mp["proofFlags"])


# ------------------------------------------------------------------------------------------
# placement anchored before its round settled
# ------------------------------------------------------------------------------------------


def test_anchored_before_settlement(registry_deployer, admin, writer, fixtures_json):
    tree = fixtures_json["placementTree"]
    bid = b32(tree["batchId"])
    receipts = fixtures_json["placementReceipts"]
    with boa.env.anchor():
        boa.env.evm.patch.timestamp = 1_795_608_999 + 1  # after the last placement, before 12:19
        reg = registry_deployer.deploy(admin, writer, sender=admin)
        reg.anchor(bid, 1, b32(tree["root"]), 5, 1_795_608_012, 1_795_608_999, sender=writer)
        for i, entry in enumerate(receipts):
            proof = [b32(p) for p in tree["proofs"][i]]
            expected = entry["fields"]["settlesAt"] > 1_795_609_000
            assert reg.anchored_before_settlement(bid, receipt_tuple(entry["fields"]), proof) == expected
        # a settlement receipt never qualifies, nor an unproven placement
        s_entry = fixtures_json["settlementReceipts"][4]
        assert not reg.anchored_before_settlement(bid, receipt_tuple(s_entry["fields"]), [b32(p) for p in tree["proofs"][4]])
        assert not reg.anchored_before_settlement(bid, receipt_tuple(receipts[4]["fields"]), [])


def test_is_settlement_time(registry, fixtures_json):
    for case in fixtures_json["settlementTimes"]:
        assert registry.is_settlement_time(case["timestamp"]) == case["isSettlementTime"]


@given(ts=st.integers(0, 2**64 - 1))
def test_is_settlement_time_property(registry, ts):
    assert registry.is_settlement_time(ts) == (ts % 600 == 540)


def test_receipt_leaf_is_abi_encode_of_fields_in_order(registry):
    rc = P.Receipt(1, 1, b"\xaa" * 32, b"\xbb" * 32, P.asset_id("ETH-USD"), 2, 10**6, 1, 540, 3 * 10**8, 0, 0, 0)
    enc = abi_encode(P.RECEIPT_LEAF_ENCODING, rc.values())
    assert len(enc) == 13 * 32
    assert registry.receipt_leaf(rc.as_tuple()) == P.keccak256(P.keccak256(enc))


@settings(max_examples=25)
@given(
    ops=st.lists(
        st.tuples(st.integers(1, 3), st.one_of(st.sampled_from([0, 1, 254, 255, 256, 257, 511, 512]), st.integers(0, 600)),
                  st.integers(1, 3)),  # kind, sequence, root choice
        min_size=1,
        max_size=25,
    )
)
def test_anchoring_matches_a_model(registry, writer, ops):
    """Random anchors (ids clustered around bitmap-word boundaries, three candidate roots) behave
    like a dictionary batch_id -> root that only ever accepts the first root."""
    with boa.env.anchor():
        model: dict[bytes, bytes] = {}
        for kind, seq, r in ops:
            bid, root = P.batch_id(kind, seq), bytes([r]) * 32
            if bid not in model:
                assert registry.anchor(bid, kind, root, 1, 0, 0, sender=writer) is True
                model[bid] = root
            elif model[bid] == root:
                assert registry.anchor(bid, kind, root, 1, 0, 0, sender=writer) is False
            else:
                with boa.reverts("registry: batch id taken"):
                    registry.anchor(bid, kind, root, 1, 0, 0, sender=writer)
        for kind in (1, 2, 3):
            for seq in {s for _, s, _ in ops} | {0, 255, 256, 511, 512}:
                bid = P.batch_id(kind, seq)
                assert registry.is_anchored(bid) == (bid in model)
                for r in (1, 2, 3):
                    assert registry.batch(bid, bytes([r]) * 32)[0] == (model.get(bid) == bytes([r]) * 32)
