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


def pytest_sessionfinish(session, exitstatus):
    out = os.environ.get("SIXNINES_GAS_OUT")
    if out and GAS:
        Path(out).write_text(json.dumps(dict(sorted(GAS.items())), indent=1) + "\n")


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
