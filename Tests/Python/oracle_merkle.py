"""Merkle reference: the Python StandardMerkleTree port in Contracts/tests/protocol.py."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Contracts", "tests"))
import protocol  # noqa: E402


def bytes32_tree(case):
    """case: {values: [0x-hex bytes32], sort: bool, multi: [value indices]} -> root, tree indices, proofs, multiproof."""
    values = [[bytes.fromhex(v[2:])] for v in case["values"]]
    tree = protocol.StandardMerkleTree.of(values, ["bytes32"], sort_leaves=case["sort"])
    multi = tree.get_multi_proof(case["multi"])
    return {
        "root": protocol.hex0x(tree.root),
        "treeIndices": [v["treeIndex"] for v in tree.values],
        "proofs": [[protocol.hex0x(p) for p in tree.get_proof(i)] for i in range(len(values))],
        "multi": {
            "leaves": [protocol.hex0x(x) for x in multi["leaves"]],
            "proof": [protocol.hex0x(x) for x in multi["proof"]],
            "proofFlags": multi["proofFlags"],
        },
    }
