"""The receipt explorer in headless Chromium: lookup by id, proof files dropped or pasted, tampered proofs,
an unknown registry, HTML injection, the badge gallery, the security headers, and the page's Keccak-256 against
the Swift one."""

import copy
import json
import os
import random
import subprocess
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import http_json, sixnines_binary


def verdict(driver, timeout=30):
    """Waits for a verdict; returns (verdict, {check name: (ok, detail, where)})."""
    WebDriverWait(driver, timeout).until(lambda d: d.find_element(By.ID, "verdict").is_displayed()
                                         and d.find_element(By.ID, "verdict-title").text != "")
    rows = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#checks tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        rows[row.get_attribute("data-check")] = (row.get_attribute("data-ok"), cells[2].text, cells[3].text)
    return driver.find_element(By.ID, "verdict-title").text, rows


def reset(driver):
    driver.execute_script("document.getElementById('verdict').hidden = true; document.getElementById('verdict-title').textContent = '';")


def proof_of(stack, receipt_id):
    return http_json(f"{stack.url}/v1/receipts/{receipt_id}")["proof"]


def paste(driver, obj):
    reset(driver)
    driver.execute_script("document.querySelector('details').open = true;")
    area = driver.find_element(By.ID, "proof-text")
    driver.execute_script("arguments[0].value = arguments[1];", area, obj if isinstance(obj, str) else json.dumps(obj))
    driver.find_element(By.ID, "verify-text").click()
    return verdict(driver)


def test_lookup_by_id_is_valid_with_every_check(stack, page):
    receipt_id = stack.receipts[0]
    page.find_element(By.ID, "receipt-id").send_keys(receipt_id)
    page.find_element(By.ID, "lookup").click()
    result, checks = verdict(page)
    assert result == "VALID", json.dumps(checks, indent=1)
    for name in ("leaf from the receipt's fields", "proof folds to the batch root", "batch id layout and kind",
                 "registry is the one this explorer trusts", "chain id", "batch anchored on chain with this root",
                 "anchored before settlement"):
        assert checks[name][0] == "true", (name, checks[name])
    assert checks["leaf from the receipt's fields"][2] == "in this page"
    assert checks["batch anchored on chain with this root"][2].startswith("chain JSON-RPC " + stack.rpc_url)
    assert "lead time" in checks["anchored before settlement"][1]
    batch = page.find_element(By.ID, "batch-fields").text
    assert "transaction (server)" in batch and "anchored at (chain)" in batch


def test_lookup_of_an_unknown_or_malformed_id(stack, page):
    page.find_element(By.ID, "receipt-id").send_keys("0x" + "ab" * 32)
    page.find_element(By.ID, "lookup").click()
    result, checks = verdict(page)
    assert result == "INVALID" and "no receipt" in checks["input"][1]
    reset(page)
    box = page.find_element(By.ID, "receipt-id")
    box.clear()
    box.send_keys("not-an-id")
    page.find_element(By.ID, "lookup").click()
    result, checks = verdict(page)
    assert result == "INVALID" and "64 hex digits" in checks["input"][1]


def test_proof_file_chosen_and_dropped(stack, page, tmp_path):
    proof = proof_of(stack, stack.receipts[1])
    path = tmp_path / "receipt-proof.json"
    path.write_text(json.dumps(proof))
    page.find_element(By.ID, "proof-file").send_keys(str(path))
    result, _ = verdict(page)
    assert result == "VALID"
    assert "receipt-proof.json" in page.find_element(By.ID, "verdict-note").text
    # A real drop event on the drop zone, carrying the file.
    reset(page)
    page.execute_script("""
        const file = new File([arguments[0]], 'dropped.json', {type: 'application/json'});
        const data = new DataTransfer(); data.items.add(file);
        document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
    """, json.dumps(proof))
    result, _ = verdict(page)
    assert result == "VALID"
    assert "dropped.json" in page.find_element(By.ID, "verdict-note").text


def test_tampered_proofs_fail_naming_the_check(stack, page):
    proof = proof_of(stack, stack.receipts[2])
    stake = copy.deepcopy(proof)
    stake["receipt"]["stake"] += 1
    result, checks = paste(page, stake)
    assert result == "INVALID" and checks["leaf from the receipt's fields"][0] == "false"

    path = copy.deepcopy(proof)
    path["proof"][0] = "0x" + "11" * 32
    result, checks = paste(page, path)
    assert result == "INVALID" and checks["proof folds to the batch root"][0] == "false"

    # A self-consistent forgery (leaf, proof and root recomputed): only the chain can tell.
    forged = copy.deepcopy(proof)
    forged["receipt"]["payout"] = 10 ** 9
    forged["proof"] = []
    leaf = page.execute_script("return SixNinesKeccak.toHex(SixNinesVerify.leaf(arguments[0]));", forged["receipt"])
    forged["leaf"] = forged["root"] = leaf
    result, checks = paste(page, forged)
    assert result == "INVALID"
    assert checks["leaf from the receipt's fields"][0] == "true" and checks["proof folds to the batch root"][0] == "true"
    assert checks["batch anchored on chain with this root"][0] == "false"

    result, checks = paste(page, "{not json")
    assert result == "INVALID" and "not JSON" in checks["input"][1]


def test_a_receipt_from_an_unknown_registry_is_refused(stack, page):
    proof = proof_of(stack, stack.receipts[3])
    proof["registry"] = "0x5157a01500000000000000000000000000000001"
    result, checks = paste(page, proof)
    assert result == "INVALID"
    assert checks["registry is the one this explorer trusts"][0] == "false"
    assert "batch anchored on chain with this root" not in checks


def test_receipt_fields_are_shown_as_text_never_html(stack, page):
    proof = proof_of(stack, stack.receipts[4])
    hostile = '<img src=x onerror="window.__pwned=1">'
    proof["receipt"]["asset"] = hostile
    proof["leaf"] = hostile
    result, checks = paste(page, proof)
    assert result == "INVALID"
    assert page.execute_script("return window.__pwned === undefined")
    assert page.find_elements(By.CSS_SELECTOR, "#receipt-fields img, #checks img") == []
    assert hostile in page.find_element(By.ID, "receipt-fields").text


def test_badge_gallery_shows_the_on_chain_svgs(stack, page):
    WebDriverWait(page, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#badges figure img")) >= 2)
    images = page.find_elements(By.CSS_SELECTOR, "#badges figure img")
    for img in images:
        assert img.get_attribute("src").startswith("data:image/svg+xml;base64,")
        assert page.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
    assert "2 badges" in page.find_element(By.ID, "badges-note").text


def test_batches_are_listed_with_roots_and_states(stack, page):
    WebDriverWait(page, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#batches tbody tr[data-batch]"))
    rows = page.find_elements(By.CSS_SELECTOR, "#batches tbody tr[data-batch]")
    text = " ".join(r.text for r in rows)
    assert "final" in text and "placement" in text


def test_pages_carry_a_content_security_policy(stack):
    for path in ("/", "/explorer/app.js", "/v1/explorer/config"):
        with urllib.request.urlopen(stack.url + path, timeout=10) as resp:
            policy = resp.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
    config = http_json(stack.url + "/v1/explorer/config")
    assert config["registry"].lower() == stack.registry.lower() and config["chainId"] == 31337
    host = stack.url.split("//")[1].split(":")[0]
    assert host == "127.0.0.1"


def test_page_keccak_matches_the_swift_keccak(stack, page):
    rng = random.Random(int(os.environ.get("SIXNINES_SEED", random.randrange(1 << 30))))
    lengths = [0, 1, 31, 32, 33, 64, 135, 136, 137, 200, 271, 272, 273, 500] + [rng.randrange(0, 1200) for _ in range(26)]
    inputs = ["0x" + bytes(rng.randrange(256) for _ in range(n)).hex() for n in lengths]
    ours = page.execute_script("return arguments[0].map((h) => SixNinesKeccak.hashHex(h));", inputs)
    for data, js in zip(inputs, ours):
        swift = subprocess.run([sixnines_binary(), "keccak", data], capture_output=True, text=True, check=True).stdout.strip()
        assert js == swift, (len(data) // 2 - 1, js, swift)
