"""Licensing: snekmate (AGPL-3.0-only) is compiled into every contract, so the contracts are
AGPL-3.0-only (SPDX header, NatSpec @license, Contracts/LICENSE); the rest of the repository is
MIT (root LICENSE), and README states both."""

from __future__ import annotations

import re

import pytest

from conftest import CONTRACTS, REPO

SOURCES = sorted(CONTRACTS.glob("*.vy")) + sorted((CONTRACTS / "tests" / "mocks").glob("*.vy"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_vyper_sources_are_agpl(path):
    text = path.read_text()
    assert text.splitlines()[0] == "# SPDX-License-Identifier: AGPL-3.0-only"
    licences = re.findall(r"@license (.*)", text)
    assert licences in ([], ["AGPL-3.0-only"]), licences
    assert "MIT" not in licences


def test_licence_files():
    agpl = (CONTRACTS / "LICENSE").read_text()
    assert agpl.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE") and "Version 3, 19 November 2007" in agpl
    assert "END OF TERMS AND CONDITIONS" in agpl
    mit = (REPO / "LICENSE").read_text()
    assert mit.startswith("MIT License") and "SixNines" in mit
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Licence", 1)[1].split("\n## ", 1)[0]
    assert "AGPL-3.0-only" in section and "MIT" in section
