"""A devnet, the deployed suite, a batch-writer daemon with anchored batches and minted badges, and headless
Chromium: what the receipt explorer's browser tests run against. Everything listens on 127.0.0.1 and stops at the end."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python", "devnet"))

from devnet_harness import Devnet  # noqa: E402

ARTIFACTS = os.path.join(ROOT, ".artifacts", "explorer")
DEV_KEYS = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
]


def sixnines_binary():
    for candidate in (os.environ.get("SIXNINES_BIN"), os.path.join(ROOT, ".build", "debug", "sixnines")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("no sixnines binary: run `swift build` first (Scripts/test builds it)")


def run(*args, **kw):
    out = subprocess.run([sixnines_binary(), *args], capture_output=True, text=True, timeout=120, **kw)
    if out.returncode != 0:
        raise RuntimeError(f"sixnines {' '.join(args)} failed: {out.stderr}")
    return out.stdout.strip()


def http_json(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


class Stack:
    """The devnet, the suite's addresses, the daemon and the receipts it anchored."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.devnet = Devnet()
        self.rpc_url = self.devnet.url
        accounts = self.devnet.info["accounts"]
        config = {
            "chainId": 31337, "writer": accounts[1], "reporters": accounts[2:5], "minter": accounts[5],
            "resolver": accounts[4], "signers": accounts[5:10], "threshold": 3,
            "tokens": ["0x0000000000000000000000000000000000000000"], "dailyLimits": ["100000000000000000000"],
            "artifacts": os.path.join(ROOT, "ABI"),
        }
        with open(os.path.join(tmp, "suite.json"), "w") as f:
            json.dump(config, f)
        deployments = os.path.join(tmp, "deployments")
        run("deploy-suite", "--config", os.path.join(tmp, "suite.json"), "--deployments", deployments,
            "--rpc-url", self.rpc_url, "--private-key", DEV_KEYS[0], "--json")
        with open(os.path.join(deployments, "31337.json")) as f:
            contracts = json.load(f)["contracts"]
        self.registry = contracts["ReceiptRegistry"]["address"]
        self.badges = contracts["Badges"]["address"]
        # Badges for the gallery: one soulbound achievement and one collectible.
        for badge_class in ("1", "16"):
            run("send", self.badges, "mint(address,uint256,uint256)", accounts[7], badge_class, "0",
                "--rpc-url", self.rpc_url, "--private-key", DEV_KEYS[5])
        self.start_daemon()
        self.receipts = self.anchor_receipts(5)

    def start_daemon(self):
        key_file = os.path.join(self.tmp, "writer.key")
        with open(key_file, "w") as f:
            f.write(DEV_KEYS[1])
        settings = {
            "database": os.path.join(self.tmp, "batches.sqlite"), "rpc_url": self.rpc_url, "chain": "local", "chain_id": 31337,
            "registry": self.registry, "writer_key_file": key_file, "listen_port": 0, "max_age_ms": 200,
            "poll_interval_ms": 50, "badges": self.badges, "log_level": "warning",
        }
        path = os.path.join(self.tmp, "daemon.json")
        with open(path, "w") as f:
            json.dump(settings, f)
        self.daemon = subprocess.Popen([sixnines_binary(), "daemon", "run", "--config", path], stdout=subprocess.PIPE,
                                       stderr=open(os.path.join(self.tmp, "daemon.log"), "w"), stdin=subprocess.DEVNULL, text=True)
        line = self.daemon.stdout.readline()
        if not line:
            raise RuntimeError("daemon did not start: " + open(os.path.join(self.tmp, "daemon.log")).read())
        self.url = "http://" + json.loads(line)["listening"]

    def anchor_receipts(self, count):
        head = int(self.devnet.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
        settles = (head // 600 + 3) * 600 + 540
        receipts = []
        for i in range(count):
            receipts.append({
                "version": 1, "kind": 1, "predictionId": "0x" + secrets.token_hex(32), "userCommitment": "0x" + secrets.token_hex(32),
                "asset": "0x" + b"BTC-USD".hex().ljust(64, "0"), "direction": 1 + i % 2, "stake": 25_000_000 + i,
                "placedAt": head - 30 + i, "settlesAt": settles, "entryPrice": 9_712_345_678_901, "settlementPrice": 0,
                "outcome": 0, "payout": 0,
            })
        answer = http_json(self.url + "/v1/receipts", receipts)
        ids = answer["ids"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = [http_json(f"{self.url}/v1/receipts/{i}").get("state") for i in ids]
            if all(s == "final" for s in states):
                return ids
            self.devnet.rpc("evm_mine")
            time.sleep(0.1)
        raise RuntimeError(f"receipts not final in 60 s: {states}")

    def stop(self):
        self.daemon.terminate()
        try:
            self.daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
        self.devnet.stop()


@pytest.fixture(scope="session")
def stack():
    tmp = tempfile.mkdtemp(prefix="sixnines-explorer-")
    s = Stack(tmp)
    yield s
    s.stop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not shutil.which("chromedriver") or not shutil.which("chromium"):
        pytest.skip("chromium and chromium-driver are not installed (Scripts/setup installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def page(stack, browser, request):
    """The explorer loaded and ready; a screenshot is kept under .artifacts/explorer/ after each test."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(stack.url + "/")
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    yield browser
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser.save_screenshot(os.path.join(ARTIFACTS, request.node.name + ".png"))
