"""ABI/<Contract>.json artifacts (written by Scripts/compile): complete, built for cancun, under
the EIP-170 size limit, and built from the sources now in Contracts/ (a cheap staleness check;
Scripts/check-abi does the full recompile-and-compare)."""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import CONTRACTS, REPO

CONTRACT_NAMES = sorted(p.stem for p in CONTRACTS.glob("*.vy"))


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_artifact_is_complete_and_fresh(name):
    art = json.loads((REPO / "ABI" / f"{name}.json").read_text())
    assert art["contractName"] == name
    assert art["compiler"]["name"] == "vyper" and art["compiler"]["version"] == "0.4.3"
    assert art["settings"]["evmVersion"] == "cancun"
    assert art["bytecode"].startswith("0x") and art["deployedBytecode"].startswith("0x")
    assert art["deployedSize"] == (len(art["deployedBytecode"]) - 2) // 2 <= 24_576
    assert isinstance(art["abi"], list) and art["abi"]
    own = f"Contracts/{name}.vy"
    digest = hashlib.sha256((CONTRACTS / f"{name}.vy").read_text().encode()).hexdigest()
    assert art["sources"][own] == "sha256:" + digest, f"ABI/{name}.json is stale: run Scripts/compile"
    combined = hashlib.sha256("".join(f"{k}\n{v}\n" for k, v in sorted(art["sources"].items())).encode()).hexdigest()
    assert art["sourcesSha256"] == "sha256:" + combined


def test_every_artifact_has_a_source():
    for path in (REPO / "ABI").glob("*.json"):
        art = json.loads(path.read_text())
        if art.get("compiler", {}).get("name") == "vyper":
            assert art["contractName"] in CONTRACT_NAMES


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_deployed_code_with_immutables_fits_eip170(name):
    """EIP-170 limits the code a deployment stores: the runtime bytecode *plus* the immutables
    Vyper appends to it (Badges: 576 bytes of snekmate's name, symbol and EIP-712 strings), which
    ABI's `deployedSize` does not count."""
    import boa

    data = boa.load_partial(str(CONTRACTS / f"{name}.vy")).compiler_data
    stored = len(data.bytecode_runtime) + data.global_ctx.immutable_section_bytes
    assert stored <= 24_576, f"{name}: {stored} bytes stored at deployment, over EIP-170"
