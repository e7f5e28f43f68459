"""Scripts/demo --ci, the README's first command in its fast mode: every stage runs against a devnet it starts, the
summary reports what happened, and nothing it started is left running."""

import os
import re
import signal
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def children_alive(text):
    """Processes the demo started (devnet, daemon; their pids are in <work>/pids) that still run."""
    match = re.search(r"(/tmp/sixnines-demo\.\w+)", text)
    assert match, text
    alive = []
    with open(os.path.join(match.group(1), "pids")) as f:
        for line in f:
            pid = int(line.split()[0])
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                pass
    return alive


def test_demo_ci_runs_every_stage_and_summarises():
    started = time.monotonic()
    run = subprocess.run([os.path.join(ROOT, "Scripts", "demo"), "--ci"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = run.stdout
    for stage in ("devnet", "deploy-suite", "batch-writer daemon", "prediction rounds", "3-of-5 payout", "badge sync", "receipt verify",
                  "summary"):
        assert f"==> {stage}" in out, stage
    rounds = re.search(r"rounds settled\s+(\d+)", out)
    assert rounds and int(rounds.group(1)) == 2 * 3
    anchored = re.search(r"receipts anchored\s+(\d+) placement \+ (\d+) settlement", out)
    assert anchored and int(anchored.group(1)) > 0 and anchored.group(1) == anchored.group(2)
    lead = re.search(r"placement lead time\s+min (\d+) s", out)
    assert lead and int(lead.group(1)) > 0
    assert re.search(r"verified receipt\s+VALID", out)
    payouts = re.search(r"payouts \(3 of 5\)\s+(\d+) in (\d+) batch\(es\), reconciled: True", out)
    assert payouts and int(payouts.group(1)) > 0, out[-2000:]
    badges = re.search(r"badges\s+(\d+) minted \((\d+) transactions with level updates\); a rerun sent 0", out)
    assert badges and int(badges.group(1)) > 0, out[-2000:]
    assert "on the oracle's FINAL price" in out
    assert elapsed < 180
    assert children_alive(out) == []


def test_ctrl_c_stops_everything_the_demo_started():
    proc = subprocess.Popen([os.path.join(ROOT, "Scripts", "demo"), "--ci"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = ""
    deadline = time.monotonic() + 300
    while "==> prediction rounds" not in seen:
        line = proc.stdout.readline()
        assert line, seen
        seen += line
        assert time.monotonic() < deadline
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground process group
    rest, _ = proc.communicate(timeout=60)
    seen += rest
    assert proc.returncode != 0
    assert children_alive(seen) == []


def test_keep_leaves_the_devnet_and_daemon_running_and_prints_the_explorer():
    run = subprocess.run([os.path.join(ROOT, "Scripts", "demo"), "--ci", "--keep"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    alive = children_alive(run.stdout)
    try:
        assert len(alive) >= 2, alive
        url = re.search(r"explorer\s+(http://127\.0\.0\.1:\d+/)", run.stdout).group(1)
        import urllib.request

        with urllib.request.urlopen(url, timeout=10) as resp:
            assert b"SixNines receipt explorer" in resp.read()
        assert "keep running" in run.stdout
    finally:
        for pid in alive:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
