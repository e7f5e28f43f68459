"""Fixtures for the devnet tests (helpers live in devnet_harness.py)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from devnet_harness import Devnet  # noqa: E402


@pytest.fixture(scope="session")
def devnet():
    d = Devnet("--max-logs-range", "50")
    yield d
    assert d.stop() == 0


@pytest.fixture
def chain(devnet):
    """The shared devnet, isolated per test with evm_snapshot/evm_revert."""
    sid = devnet.rpc("evm_snapshot")
    yield devnet
    devnet.rpc("evm_setAutomine", True)
    devnet.rpc("evm_setIntervalMining", 0)
    assert devnet.rpc("evm_revert", sid) is True
