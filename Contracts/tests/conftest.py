"""Shared fixtures for the SixNines contract tests (pytest + titanoboa + hypothesis)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import boa
import pytest
from hypothesis import HealthCheck, settings

HERE = Path(__file__).resolve().parent
CONTRACTS = HERE.parent
REPO = CONTRACTS.parent
sys.path.insert(0, str(HERE))

# Hypothesis: modest by default so the whole suite stays well under a few minutes on 2 cores;
# `HYPOTHESIS_PROFILE=thorough` for a longer run.
settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# A fixed, realistic start time: 2026-11-25 12:00:00 UTC.
GENESIS_TIME = 1_795_608_000


# --------------------------------------------------------------------------------------
# Gas measurement
# --------------------------------------------------------------------------------------

GAS: dict[str, dict] = {}


def _calldata_gas(data: bytes) -> int:
    return sum(16 if b else 4 for b in data)


def _make_access_lists_cold():
    """Forget which accounts and storage slots were touched (EIP-2929), as at the start of a
    real transaction, without dropping the journal checkpoints `boa.env.anchor()` relies on."""
    journal_db = boa.env.evm.vm.state._account_db._journal_accessed_state
    journal = journal_db._journal
    journal._current_values = {}
    for checkpoint in list(journal._journal_data):
        journal._journal_data[checkpoint] = {}
    journal_db._wrapped_db.kv_store.clear()


def measure(label: str, contract, fn: str, *args, sender=None, value=0, note: str = ""):
    """Calls `contract.fn(*args)` as a fresh transaction (cold storage and accounts, as on
    chain) and records its gas: `execution` is what the EVM metered for the call itself,
    `transaction` adds the 21,000 base cost and calldata (4 gas per zero byte, 16 per
    non-zero byte), i.e. what a user pays, before any refund."""
    func = getattr(contract, fn)
    calldata = func.prepare_calldata(*args)
    _make_access_lists_cold()
    kwargs = {"sender": sender} if sender is not None else {}
    if value:
        kwargs["value"] = value
    result = func(*args, **kwargs)
    comp = contract._computation
    execution = comp.get_gas_used()
    refund = comp.get_gas_refund()
    tx = 21_000 + _calldata_gas(calldata) + execution
    tx_net = tx - min(refund, tx // 5)
    GAS[label] = {"execution": execution, "calldata_bytes": len(calldata), "transaction": tx_net, "refund": refund, "note": note}
    return result


GAS_MD_HEAD = """# Gas of the SixNines contracts

Measured by the contract tests (`Contracts/tests`, titanoboa 0.2.8 on py-evm, Vyper 0.4.3,
EVM version cancun, optimisation `gas`), regenerated with

    SIXNINES_WRITE_GAS=1 .venv/bin/python -m pytest -q Contracts/tests

Each figure is one call made as a fresh transaction: the EIP-2929 access lists are emptied first,
so every storage slot and account starts cold, as on chain.

- **execution**: gas metered by the EVM for the call (no intrinsic cost);
- **transaction**: what the sender pays: 21,000 + calldata (4 gas per zero byte, 16 per non-zero
  byte) + execution, minus the refund (capped at 1/5). For views it is what an `eth_call` costs.

Polygon PoS charges the same gas as Ethereum; multiply by the gas price (gwei) for the fee.

"""


def _gas_markdown() -> str:
    rows = ["| function | execution | transaction | calldata bytes | note |", "| --- | ---: | ---: | ---: | --- |"]
    for label, g in sorted(GAS.items()):
        rows.append(f"| `{label}` | {g['execution']:,} | {g['transaction']:,} | {g['calldata_bytes']} | {g['note']} |")
    return GAS_MD_HEAD + "\n".join(rows) + "\n"


def pytest_sessionfinish(session, exitstatus):
    out = os.environ.get("SIXNINES_GAS_OUT")
    if out and GAS:
        Path(out).write_text(json.dumps(dict(sorted(GAS.items())), indent=1) + "\n")
    if os.environ.get("SIXNINES_WRITE_GAS") and GAS and exitstatus == 0:
        target = CONTRACTS / "GAS.md"
        text = target.read_text() if target.exists() else ""
        marker = "<!-- measured table -->"
        tail = text.split(marker, 1)[1].split(marker, 1)[1] if text.count(marker) >= 2 else ""
        target.write_text(_gas_markdown().replace("| function |", marker + "\n\n| function |", 1) + "\n" + marker + tail)


# --------------------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _chain_time():
    boa.env.evm.patch.timestamp = GENESIS_TIME
    boa.env.evm.patch.chain_id = 137
    yield


@pytest.fixture(autouse=True)
def _isolate():
    """Every test starts at GENESIS_TIME on a snapshot that is rolled back afterwards."""
    with boa.env.anchor():
        boa.env.evm.patch.timestamp = GENESIS_TIME
        yield
    boa.env.evm.patch.timestamp = GENESIS_TIME


def contract_path(name: str) -> str:
    return str(CONTRACTS / f"{name}.vy")


_DEPLOYERS: dict[str, object] = {}


def deployer(name: str):
    if name not in _DEPLOYERS:
        _DEPLOYERS[name] = boa.load_partial(contract_path(name))
    return _DEPLOYERS[name]


@pytest.fixture(scope="session")
def accounts():
    return [boa.env.generate_address(f"account{i}") for i in range(10)]


@pytest.fixture(scope="session")
def admin(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def writer(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def fixtures_json():
    return json.loads((REPO / "Tests" / "Fixtures" / "protocol-vectors.json").read_text())
