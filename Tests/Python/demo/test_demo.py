"""Scripts/demo --ci, the README's first command in its fast mode: every stage runs against a devnet it starts, the
summary reports what happened, and nothing it started is left running."""

import os
import re
import signal
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def children_alive(text):
    """Processes the demo started (devnet, daemon) still running, found by their work directory."""
    match = re.search(r"(/tmp/sixnines-demo\.\w+)", text)
    assert match, text
    out = subprocess.run(["pgrep", "-f", match.group(1)], capture_output=True, text=True).stdout.split()
    return out


def test_demo_ci_runs_every_stage_and_summarises():
    started = time.monotonic()
    run = subprocess.run([os.path.join(ROOT, "Scripts", "demo"), "--ci"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = run.stdout
    for stage in ("devnet", "deploy-suite", "batch-writer daemon", "prediction rounds", "receipt verify", "summary"):
        assert f"==> {stage}" in out, stage
    rounds = re.search(r"rounds settled\s+(\d+)", out)
    assert rounds and int(rounds.group(1)) == 2 * 3
    anchored = re.search(r"receipts anchored\s+(\d+) placement \+ (\d+) settlement", out)
    assert anchored and int(anchored.group(1)) > 0 and anchored.group(1) == anchored.group(2)
    lead = re.search(r"placement lead time\s+min (\d+) s", out)
    assert lead and int(lead.group(1)) > 0
    assert re.search(r"verified receipt\s+VALID", out)
    assert "on the oracle's FINAL price" in out
    assert elapsed < 180
    assert children_alive(out) == []
