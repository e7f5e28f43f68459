"""PredictionVault: 3-of-5 EIP-712 payouts, replay protection, daily limits, pause, 48h
time-locked governance (unpause, signers/threshold, limits, migration), reentrancy, and
hypothesis searches for any way to move funds without the threshold."""

from __future__ import annotations

import functools

import boa
import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_keys import keys as eth_keys
from hypothesis import event, given, settings, strategies as st

import gen_vectors
import protocol as P
from conftest import GENESIS_TIME, HERE, deployer, measure

NATIVE = "0x" + "00" * 20
USDC_LIMIT = 10_000 * 10**6
NATIVE_LIMIT = 20 * 10**18
DAY = 86_400
TIMELOCK = 48 * 3600
GRACE = 14 * DAY
CHAIN_ID = 137

SIGNER_KEYS = sorted(gen_vectors.SIGNER_KEYS, key=lambda k: int(Account.from_key(k).address, 16))
OUTSIDER_KEYS = [P.keccak256(f"sixnines outsider {i}".encode()) for i in range(3)]
ALL_KEYS = SIGNER_KEYS + OUTSIDER_KEYS


def addr(key: bytes) -> str:
    return Account.from_key(key).address


@functools.lru_cache(maxsize=4096)
def sign(digest: bytes, key: bytes) -> bytes:
    sig = eth_keys.PrivateKey(key).sign_msg_hash(digest)
    return sig.to_bytes()[:64] + bytes([sig.v + 27])


def sigs_sorted(digest: bytes, key_list) -> list[bytes]:
    return [sign(digest, k) for k in sorted(key_list, key=lambda k: int(addr(k), 16))]


def vault_logs(vault):
    """The vault's own events of the last call (token contracts' Transfer events left out)."""
    return [e for e in vault.get_logs() if getattr(e, "address", vault.address) == vault.address and type(e).__name__ != "Transfer"]


def receipt(n: int) -> bytes:
    return P.keccak256(b"receipt %d" % n)


@pytest.fixture(scope="module")
def vault_deployer():
    return deployer("PredictionVault")


@pytest.fixture(scope="module")
def token_deployer():
    return boa.load_partial(str(HERE / "mocks" / "MockERC20.vy"))


@pytest.fixture
def token(token_deployer):
    return token_deployer.deploy()


@pytest.fixture
def usdt():
    return boa.load(str(HERE / "mocks" / "MockERC20NoReturn.vy"))


@pytest.fixture
def vault(vault_deployer, token, usdt):
    v = vault_deployer.deploy([addr(k) for k in SIGNER_KEYS], 3, [token.address, NATIVE, usdt.address],
                              [USDC_LIMIT, NATIVE_LIMIT, USDC_LIMIT])
    token.mint(v.address, 1_000_000 * 10**6)
    usdt.mint(v.address, 1_000_000 * 10**6)
    boa.env.set_balance(v.address, 1_000 * 10**18)
    return v


class Signed:
    """Builds and signs vault messages the way an off-chain signer does (protocol.py)."""

    def __init__(self, vault):
        self.vault = vault
        self.dsep = P.domain_separator(CHAIN_ID, vault.address)

    def payout_digest(self, payouts, nonce, deadline):
        return P.typed_digest(self.dsep, P.payout_batch_hash(payouts, nonce, deadline))

    def pay(self, payouts, key_list=SIGNER_KEYS[:3], nonce=None, deadline=None, sender=None, sigs=None):
        nonce = self.vault.nonce() if nonce is None else nonce
        deadline = GENESIS_TIME + 10 * DAY if deadline is None else deadline
        if sigs is None:
            sigs = sigs_sorted(self.payout_digest(payouts, nonce, deadline), key_list)
        return self.vault.execute_payouts(payouts, nonce, deadline, sigs, sender=sender)

    def propose(self, action, data, key_list=SIGNER_KEYS[:3], nonce=None, deadline=None):
        nonce = self.vault.nonce() if nonce is None else nonce
        deadline = GENESIS_TIME + 100 * DAY if deadline is None else deadline
        digest = P.typed_digest(self.dsep, P.proposal_hash(action, data, nonce, deadline))
        pid = self.vault.propose(action, data, nonce, deadline, sigs_sorted(digest, key_list))
        return pid, nonce

    def cancel(self, pid, key_list=SIGNER_KEYS[:3]):
        nonce, deadline = self.vault.nonce(), GENESIS_TIME + 100 * DAY
        digest = P.typed_digest(self.dsep, P.cancellation_hash(pid, nonce, deadline))
        return self.vault.cancel(pid, nonce, deadline, sigs_sorted(digest, key_list))


@pytest.fixture
def signed(vault):
    return Signed(vault)


# ------------------------------------------------------------------------------------------
# deployment and EIP-712 wiring
# ------------------------------------------------------------------------------------------


def test_constructor_sets_signers_threshold_and_limits(vault, token, usdt):
    assert vault.get_signers() == [addr(k) for k in SIGNER_KEYS]
    assert all(vault.is_signer(addr(k)) for k in SIGNER_KEYS)
    assert not vault.is_signer(addr(OUTSIDER_KEYS[0]))
    assert vault.threshold() == 3
    assert vault.nonce() == 0
    assert not vault.paused()
    assert vault.daily_limit(token.address) == USDC_LIMIT
    assert vault.daily_limit(NATIVE) == NATIVE_LIMIT
    assert vault.daily_limit(usdt.address) == USDC_LIMIT
    assert (vault.TIMELOCK(), vault.GRACE_PERIOD(), vault.MIN_THRESHOLD()) == (TIMELOCK, GRACE, 2)


@pytest.mark.parametrize(
    "signers, threshold, reason",
    [
        ([addr(k) for k in SIGNER_KEYS], 1, "vault: bad threshold"),
        ([addr(k) for k in SIGNER_KEYS], 6, "vault: bad threshold"),
        ([addr(k) for k in reversed(SIGNER_KEYS)], 3, "vault: signers not strictly ascending"),
        ([addr(SIGNER_KEYS[0])] * 3, 2, "vault: signers not strictly ascending"),
        ([NATIVE] + [addr(k) for k in SIGNER_KEYS[:2]], 2, "vault: signers not strictly ascending"),
    ],
)
def test_constructor_rejects_bad_signer_sets(vault_deployer, signers, threshold, reason):
    with boa.reverts(reason):
        vault_deployer.deploy(signers, threshold, [], [])


def test_constructor_rejects_mismatched_limits(vault_deployer):
    with boa.reverts("vault: tokens and limits differ in length"):
        vault_deployer.deploy([addr(k) for k in SIGNER_KEYS], 3, [NATIVE], [])


def test_eip712_domain(vault):
    fields, name, version, chain_id, contract, salt, ext = vault.eip712Domain()
    assert (fields, name, version, chain_id, contract, salt, ext) == (b"\x0f", P.VAULT_NAME, "1", CHAIN_ID, vault.address, bytes(32), [])
    assert vault.domain_separator() == P.domain_separator(CHAIN_ID, vault.address)


def test_digests_match_the_protocol_vectors(vault_deployer, fixtures_json):
    e = fixtures_json["eip712"]
    v = vault_deployer.deploy([s["address"] for s in e["signers"]], 3, [], [], override_address=e["domain"]["verifyingContract"])
    assert v.domain_separator() == bytes.fromhex(e["domainSeparator"][2:])
    m = e["payoutBatch"]["message"]
    payouts = [(p["token"], p["recipient"], int(p["amount"]), bytes.fromhex(p["receipt"][2:])) for p in m["payouts"]]
    assert v.payout_batch_digest(payouts, m["nonce"], m["deadline"]) == bytes.fromhex(e["payoutBatch"]["digest"][2:])
    pm = e["proposal"]["message"]
    data = bytes.fromhex(pm["data"][2:])
    assert v.proposal_digest(pm["action"], data, pm["nonce"], pm["deadline"]) == bytes.fromhex(e["proposal"]["digest"][2:])
    assert v.proposal_id(pm["action"], data, pm["nonce"]) == bytes.fromhex(e["proposal"]["proposalId"][2:])
    cm = e["cancellation"]["message"]
    assert v.cancellation_digest(bytes.fromhex(cm["proposalId"][2:]), cm["nonce"], cm["deadline"]) == bytes.fromhex(e["cancellation"]["digest"][2:])


def test_payout_digest_matches_reference_for_many_sizes(vault, signed):
    for n in (1, 2, 7, 50, 100, 700):
        payouts = [(NATIVE, addr(OUTSIDER_KEYS[i % 3]), i + 1, receipt(i)) for i in range(n)]
        assert vault.payout_batch_digest(payouts, 5, 99) == signed.payout_digest(payouts, 5, 99)


# ------------------------------------------------------------------------------------------
# payouts
# ------------------------------------------------------------------------------------------


def test_pays_a_mixed_batch_with_three_signatures(vault, signed, token, usdt, accounts):
    alice, bob, carol = accounts[2], accounts[3], accounts[4]
    payouts = [(token.address, alice, 47_500_000, receipt(1)), (NATIVE, bob, 5 * 10**17, receipt(2)),
               (usdt.address, carol, 1_500_000, receipt(3))]
    signed.pay(payouts)
    events = vault_logs(vault)
    assert token.balanceOf(alice) == 47_500_000
    assert boa.env.get_balance(bob) == 5 * 10**17
    assert usdt.balanceOf(carol) == 1_500_000
    assert vault.nonce() == 1
    assert all(vault.paid(receipt(i)) for i in (1, 2, 3))
    assert vault.spent_today(token.address) == 47_500_000
    assert vault.remaining_today(token.address) == USDC_LIMIT - 47_500_000
    assert [type(e).__name__ for e in events] == ["PayoutExecuted"] * 3 + ["PayoutBatchExecuted"]
    ev = events[0]
    assert (ev.nonce, ev.token, ev.recipient, ev.amount, ev.receipt) == (0, token.address, alice, 47_500_000, receipt(1))


@pytest.mark.parametrize("n_sigs", [4, 5])
def test_more_than_threshold_signatures_are_accepted(vault, signed, token, accounts, n_sigs):
    signed.pay([(token.address, accounts[2], 1, receipt(1))], key_list=SIGNER_KEYS[:n_sigs])
    assert token.balanceOf(accounts[2]) == 1


def fresh_payouts(token_address, n, start):
    """`n` payouts of 1 USDC (or 0.001 of the native token) to accounts that hold nothing yet: the
    costliest case (a fresh `paid` slot, a fresh recipient balance, for native value a new account)."""
    amount = 10**15 if token_address == NATIVE else 1_000_000
    return [(token_address, "0x%040x" % (0x5130_0000 + start + i), amount, receipt(start + i)) for i in range(n)]


def test_gas_of_payout_batches(vault, signed, token, accounts):
    # Recipients that already hold the token (the common case for returning winners).
    for n in (1, 10):
        payouts = [(token.address, accounts[2 + i % 5], 1_000_000, receipt(100 * n + i)) for i in range(n)]
        nonce, deadline = vault.nonce(), GENESIS_TIME + DAY
        sigs = sigs_sorted(signed.payout_digest(payouts, nonce, deadline), SIGNER_KEYS[:3])
        measure(f"PredictionVault.execute_payouts ({n} ERC-20 payout{'s' if n > 1 else ''}, 3 signatures)",
                vault, "execute_payouts", payouts, nonce, deadline, sigs, note="recipients hold the token")
    payouts = [(NATIVE, accounts[2], 10**15, receipt(999))]
    nonce = vault.nonce()
    sigs = sigs_sorted(signed.payout_digest(payouts, nonce, GENESIS_TIME + DAY), SIGNER_KEYS[:3])
    measure("PredictionVault.execute_payouts (1 native payout, 3 signatures)", vault, "execute_payouts", payouts, nonce,
            GENESIS_TIME + DAY, sigs)


@pytest.mark.parametrize("n", [1, 10, 100])
@pytest.mark.parametrize("kind", ["ERC-20", "native"])
def test_gas_per_payout_to_fresh_recipients(vault, signed, token, n, kind):
    payouts = fresh_payouts(token.address if kind == "ERC-20" else NATIVE, n, 10_000 * n)
    nonce, deadline = vault.nonce(), GENESIS_TIME + DAY
    sigs = sigs_sorted(signed.payout_digest(payouts, nonce, deadline), SIGNER_KEYS[:3])
    measure(f"PredictionVault.execute_payouts ({n:>3} {kind}, fresh recipients)", vault, "execute_payouts", payouts,
            nonce, deadline, sigs, note="worst case: new balances")
    assert vault.nonce() == nonce + 1
    assert all(vault.paid(p[3]) for p in payouts)


POLYGON_BLOCK_GAS_LIMIT = 45_000_000  # PIP-71: "Current Block Gas Limit: 45,000,000 gas" (Bhilai hardfork)


def test_largest_batch_fits_polygon_block_gas_limit(vault_deployer, token, accounts):
    """MAX_PAYOUTS native payouts to fresh accounts (the costliest batch) fit one Polygon PoS block."""
    v = vault_deployer.deploy([addr(k) for k in SIGNER_KEYS], 3, [NATIVE], [10**30])
    boa.env.set_balance(v.address, 10**24)
    n = v.MAX_PAYOUTS()
    payouts = fresh_payouts(NATIVE, n, 1_000_000)
    nonce, deadline = v.nonce(), GENESIS_TIME + DAY
    sigs = sigs_sorted(Signed(v).payout_digest(payouts, nonce, deadline), SIGNER_KEYS[:3])
    measure(f"PredictionVault.execute_payouts ({n} native, fresh recipients: MAX_PAYOUTS)", v, "execute_payouts", payouts,
            nonce, deadline, sigs, note="the largest batch; Polygon PoS block gas limit 45,000,000")
    label = f"PredictionVault.execute_payouts ({n} native, fresh recipients: MAX_PAYOUTS)"
    from conftest import GAS
    assert GAS[label]["transaction"] <= POLYGON_BLOCK_GAS_LIMIT
    assert boa.env.get_balance(payouts[-1][1]) == 10**15


def test_batch_longer_than_max_payouts_is_refused(vault, signed, token):
    n = vault.MAX_PAYOUTS() + 1
    payouts = fresh_payouts(token.address, n, 2_000_000)
    with pytest.raises(Exception):
        signed.pay(payouts)
    assert vault.nonce() == 0


def test_replayed_batch_is_rejected(vault, signed, token, accounts):
    payouts = [(token.address, accounts[2], 10, receipt(1))]
    nonce, deadline = vault.nonce(), GENESIS_TIME + DAY
    sigs = sigs_sorted(signed.payout_digest(payouts, nonce, deadline), SIGNER_KEYS[:3])
    vault.execute_payouts(payouts, nonce, deadline, sigs)
    with boa.reverts("vault: bad nonce"):
        vault.execute_payouts(payouts, nonce, deadline, sigs)
    assert token.balanceOf(accounts[2]) == 10


@pytest.mark.parametrize(
    "keys_, order, reason",
    [
        (SIGNER_KEYS[:2], "sorted", "vault: too few signatures"),
        ([], "sorted", "vault: too few signatures"),
        (SIGNER_KEYS[:3], "reversed", "vault: signers not strictly ascending"),
        ([SIGNER_KEYS[0], SIGNER_KEYS[0], SIGNER_KEYS[1]], "asis", "vault: signers not strictly ascending"),
        ([SIGNER_KEYS[0], SIGNER_KEYS[1], OUTSIDER_KEYS[0]], "sorted", "vault: not a signer"),
    ],
)
def test_rejects_bad_signature_sets(vault, signed, token, accounts, keys_, order, reason):
    payouts = [(token.address, accounts[2], 10, receipt(1))]
    digest = signed.payout_digest(payouts, 0, GENESIS_TIME + DAY)
    if order == "sorted":
        sigs = sigs_sorted(digest, keys_)
    elif order == "reversed":
        sigs = list(reversed(sigs_sorted(digest, keys_)))
    else:
        sigs = [sign(digest, k) for k in keys_]
    with boa.reverts(reason):
        vault.execute_payouts(payouts, 0, GENESIS_TIME + DAY, sigs)
    assert token.balanceOf(accounts[2]) == 0 and vault.nonce() == 0


def test_signatures_over_another_batch_are_rejected(vault, signed, token, accounts):
    signed_payouts = [(token.address, accounts[2], 10, receipt(1))]
    sigs = sigs_sorted(signed.payout_digest(signed_payouts, 0, GENESIS_TIME + DAY), SIGNER_KEYS[:3])
    tampered = [(token.address, accounts[2], 10_000, receipt(1))]
    with boa.reverts():  # recovers unrelated addresses: not a signer (or out of order)
        vault.execute_payouts(tampered, 0, GENESIS_TIME + DAY, sigs)
    with boa.reverts():
        vault.execute_payouts(signed_payouts, 0, GENESIS_TIME + DAY + 1, sigs)


def test_malleable_and_malformed_signatures_are_rejected(vault, signed, token, accounts):
    payouts = [(token.address, accounts[2], 10, receipt(1))]
    digest = signed.payout_digest(payouts, 0, GENESIS_TIME + DAY)
    sigs = sigs_sorted(digest, SIGNER_KEYS[:3])
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    r, s, v = sigs[0][:32], int.from_bytes(sigs[0][32:64], "big"), sigs[0][64]
    high_s = r + (n - s).to_bytes(32, "big") + bytes([55 - v])
    with boa.reverts("ecdsa: invalid signature `s` value"):
        vault.execute_payouts(payouts, 0, GENESIS_TIME + DAY, [high_s] + sigs[1:])
    with boa.reverts("vault: bad signature length"):
        vault.execute_payouts(payouts, 0, GENESIS_TIME + DAY, [sigs[0][:64]] + sigs[1:])
    with boa.reverts("ecdsa: invalid signature"):
        vault.execute_payouts(payouts, 0, GENESIS_TIME + DAY, [bytes(64) + b"\x1b"] + sigs[1:])


def test_expired_deadline_and_wrong_nonce(vault, signed, token, accounts):
    payouts = [(token.address, accounts[2], 10, receipt(1))]
    with boa.reverts("vault: signature expired"):
        signed.pay(payouts, deadline=GENESIS_TIME - 1)
    with boa.reverts("vault: bad nonce"):
        signed.pay(payouts, nonce=1)
    signed.pay(payouts, deadline=GENESIS_TIME)  # the deadline second itself is still valid


@pytest.mark.parametrize(
    "payout, reason",
    [
        ("zero_amount", "vault: zero amount"),
        ("zero_recipient", "vault: zero recipient"),
        ("zero_receipt", "vault: zero receipt"),
        ("unknown_token", "vault: daily limit exceeded"),
        ("no_code_token", "vault: token is not a contract"),
    ],
)
def test_rejects_invalid_payouts(vault, signed, token, accounts, payout, reason):
    base = [token.address, accounts[2], 10, receipt(1)]
    if payout == "zero_amount":
        base[2] = 0
    elif payout == "zero_recipient":
        base[1] = NATIVE
    elif payout == "zero_receipt":
        base[3] = bytes(32)
    elif payout == "unknown_token":
        base[0] = accounts[8]  # no daily limit configured: limit 0
    elif payout == "no_code_token":
        base[0] = accounts[8]
        signed_limit_for(signed, accounts[8], 100)
    with boa.reverts(reason):
        signed.pay([tuple(base)])


def signed_limit_for(signed, token_address, limit):
    pid, nonce = signed.propose(P.ACTION_SET_DAILY_LIMIT, abi_encode(["address", "uint256"], [token_address, limit]))
    boa.env.time_travel(seconds=TIMELOCK)
    signed.vault.execute(P.ACTION_SET_DAILY_LIMIT, abi_encode(["address", "uint256"], [token_address, limit]), nonce)


def test_empty_batch_is_rejected(vault, signed):
    with boa.reverts("vault: empty batch"):
        signed.pay([])


def test_token_returning_false_reverts_the_batch(vault, signed, token, accounts):
    token.set_fail(True)
    with boa.reverts("vault: token transfer failed"):
        signed.pay([(token.address, accounts[2], 10, receipt(1))])
    assert vault.nonce() == 0 and not vault.paid(receipt(1))


def test_a_receipt_is_paid_once(vault, signed, token, accounts):
    with boa.reverts("vault: receipt already paid"):
        signed.pay([(token.address, accounts[2], 10, receipt(1)), (token.address, accounts[3], 10, receipt(1))])
    signed.pay([(token.address, accounts[2], 10, receipt(1))])
    with boa.reverts("vault: receipt already paid"):
        signed.pay([(token.address, accounts[2], 10, receipt(1))])


def test_daily_limit_reverts_whole_batch_and_resets_next_utc_day(vault, signed, token, accounts):
    signed.pay([(token.address, accounts[2], USDC_LIMIT - 100, receipt(1))])
    with boa.reverts("vault: daily limit exceeded"):
        signed.pay([(token.address, accounts[3], 50, receipt(2)), (token.address, accounts[3], 51, receipt(3))])
    assert token.balanceOf(accounts[3]) == 0 and vault.remaining_today(token.address) == 100
    signed.pay([(token.address, accounts[3], 100, receipt(4))])
    assert vault.remaining_today(token.address) == 0
    boa.env.time_travel(seconds=DAY - GENESIS_TIME % DAY)  # next UTC midnight
    assert vault.spent_today(token.address) == 0
    signed.pay([(token.address, accounts[3], USDC_LIMIT, receipt(5))])


def test_reentrant_recipient_cannot_reenter(vault, signed):
    attacker = boa.load(str(HERE / "mocks" / "Reenterer.vy"), vault.address)
    with boa.reverts():
        signed.pay([(NATIVE, attacker.address, 10**15, receipt(1))])
    assert vault.nonce() == 0 and boa.env.get_balance(attacker.address) == 0


def test_accepts_native_deposits(vault, accounts):
    boa.env.set_balance(accounts[2], 10**18)
    before = boa.env.get_balance(vault.address)
    boa.env.raw_call(vault.address, sender=accounts[2], value=10**17)
    assert boa.env.get_balance(vault.address) == before + 10**17
    with pytest.raises(Exception) as failure:  # raw calls surface py-evm's Revert, not a BoaError
        boa.env.raw_call(vault.address, sender=accounts[2], data=b"\x12\x34\x56\x78")
    assert b"vault: unknown function" in failure.value.args[0]


# ------------------------------------------------------------------------------------------
# pause and time-locked governance
# ------------------------------------------------------------------------------------------


def test_any_signer_pauses_at_once_and_unpausing_waits_48h(vault, signed, token, accounts):
    with boa.reverts("vault: caller is not a signer"):
        vault.pause(sender=accounts[2])
    vault.pause(sender=addr(SIGNER_KEYS[4]))
    assert type(vault_logs(vault)[0]).__name__ == "Paused"
    assert vault.paused()
    vault.pause(sender=addr(SIGNER_KEYS[1]))  # idempotent
    assert vault_logs(vault) == []
    with boa.reverts("vault: paused"):
        signed.pay([(token.address, accounts[2], 10, receipt(1))])

    pid, nonce = signed.propose(P.ACTION_UNPAUSE, b"")
    ev = vault_logs(vault)[0]
    assert (ev.proposal_id, ev.action, ev.data, ev.nonce, ev.eta) == (pid, 3, b"", nonce, GENESIS_TIME + TIMELOCK)
    assert vault.proposal_eta(pid) == GENESIS_TIME + TIMELOCK
    boa.env.time_travel(seconds=TIMELOCK - 1)
    with boa.reverts("vault: time lock not expired"):
        vault.execute(P.ACTION_UNPAUSE, b"", nonce, sender=accounts[9])
    boa.env.time_travel(seconds=1)
    vault.execute(P.ACTION_UNPAUSE, b"", nonce, sender=accounts[9])  # anyone may execute
    assert [type(e).__name__ for e in vault_logs(vault)] == ["Unpaused", "ProposalExecuted"]
    assert not vault.paused()
    with boa.reverts("vault: unknown proposal"):
        vault.execute(P.ACTION_UNPAUSE, b"", nonce)
    signed.pay([(token.address, accounts[2], 10, receipt(1))], deadline=GENESIS_TIME + 100 * DAY)


def test_proposal_expires_after_grace_period(vault, signed):
    pid, nonce = signed.propose(P.ACTION_UNPAUSE, b"")
    boa.env.time_travel(seconds=TIMELOCK + GRACE + 1)
    with boa.reverts("vault: proposal expired"):
        vault.execute(P.ACTION_UNPAUSE, b"", nonce)


def test_cancelled_proposal_cannot_execute(vault, signed):
    pid, nonce = signed.propose(P.ACTION_UNPAUSE, b"")
    with boa.reverts("vault: too few signatures"):
        signed.cancel(pid, key_list=SIGNER_KEYS[:2])
    nonce_c, deadline_c = vault.nonce(), GENESIS_TIME + 100 * DAY
    digest_c = P.typed_digest(signed.dsep, P.cancellation_hash(pid, nonce_c, deadline_c))
    measure("PredictionVault.cancel (3 signatures)", vault, "cancel", pid, nonce_c, deadline_c, sigs_sorted(digest_c, SIGNER_KEYS[:3]))
    ev = vault_logs(vault)[0]
    assert vault.proposal_eta(pid) == 0
    assert type(ev).__name__ == "ProposalCancelled" and ev.proposal_id == pid
    boa.env.time_travel(seconds=TIMELOCK)
    with boa.reverts("vault: unknown proposal"):
        vault.execute(P.ACTION_UNPAUSE, b"", nonce)
    with boa.reverts("vault: unknown proposal"):
        signed.cancel(pid)


def test_propose_needs_threshold_and_valid_action(vault, signed):
    with boa.reverts("vault: too few signatures"):
        signed.propose(P.ACTION_UNPAUSE, b"", key_list=SIGNER_KEYS[:2])
    with boa.reverts("vault: unknown action"):
        signed.propose(9, b"")
    with boa.reverts("vault: unpause takes no data"):
        signed.propose(P.ACTION_UNPAUSE, b"\x00")
    with boa.reverts("vault: bad threshold"):
        signed.propose(P.ACTION_SET_SIGNERS, abi_encode(["address[]", "uint256"], [[addr(k) for k in SIGNER_KEYS], 1]))
    with boa.reverts("vault: signers not strictly ascending"):
        signed.propose(P.ACTION_SET_SIGNERS, abi_encode(["address[]", "uint256"], [[addr(k) for k in reversed(SIGNER_KEYS)], 3]))
    with boa.reverts("vault: zero successor"):
        signed.propose(P.ACTION_MIGRATE, abi_encode(["address", "address[]"], [NATIVE, []]))
    with boa.reverts():
        signed.propose(P.ACTION_SET_DAILY_LIMIT, b"\x01\x02")
    with boa.reverts("vault: signature expired"):
        signed.propose(P.ACTION_UNPAUSE, b"", deadline=GENESIS_TIME - 1)


def test_change_signers_and_threshold(vault, signed, token, accounts):
    new_keys = sorted(OUTSIDER_KEYS + SIGNER_KEYS[:1], key=lambda k: int(addr(k), 16))
    data = abi_encode(["address[]", "uint256"], [[addr(k) for k in new_keys], 2])
    pid, nonce = signed.propose(P.ACTION_SET_SIGNERS, data)
    boa.env.time_travel(seconds=TIMELOCK)
    measure("PredictionVault.execute (set 4 signers, threshold 2)", vault, "execute", P.ACTION_SET_SIGNERS, data, nonce)
    events = vault_logs(vault)
    assert vault.get_signers() == [addr(k) for k in new_keys]
    assert vault.threshold() == 2
    assert not vault.is_signer(addr(SIGNER_KEYS[1]))
    ev = [e for e in events if type(e).__name__ == "SignersChanged"][0]
    assert (list(ev.signers), ev.threshold) == ([addr(k) for k in new_keys], 2)
    deadline = GENESIS_TIME + 100 * DAY
    with boa.reverts("vault: not a signer"):
        signed.pay([(token.address, accounts[2], 10, receipt(1))], key_list=SIGNER_KEYS[1:4], deadline=deadline)
    signed.pay([(token.address, accounts[2], 10, receipt(1))], key_list=new_keys[:2], deadline=deadline)
    assert token.balanceOf(accounts[2]) == 10


def test_change_daily_limit(vault, signed, token):
    data = abi_encode(["address", "uint256"], [token.address, 20_000 * 10**6])
    _, nonce = signed.propose(P.ACTION_SET_DAILY_LIMIT, data)
    assert vault.daily_limit(token.address) == USDC_LIMIT
    boa.env.time_travel(seconds=TIMELOCK)
    measure("PredictionVault.execute (set daily limit)", vault, "execute", P.ACTION_SET_DAILY_LIMIT, data, nonce)
    assert vault.daily_limit(token.address) == 20_000 * 10**6


def test_migration_moves_everything_to_the_successor_and_retires_the_vault(vault, signed, token, usdt, accounts):
    successor = accounts[7]
    data = abi_encode(["address", "address[]"], [successor, [token.address, usdt.address]])
    native_before = boa.env.get_balance(vault.address)
    _, nonce = signed.propose(P.ACTION_MIGRATE, data)
    boa.env.time_travel(seconds=TIMELOCK)
    measure("PredictionVault.execute (migrate native + 2 tokens)", vault, "execute", P.ACTION_MIGRATE, data, nonce)
    names = [type(e).__name__ for e in vault_logs(vault)]
    assert vault.successor() == successor
    assert vault.paused()
    assert boa.env.get_balance(vault.address) == 0
    assert boa.env.get_balance(successor) == native_before
    assert token.balanceOf(successor) == 1_000_000 * 10**6 and usdt.balanceOf(successor) == 1_000_000 * 10**6
    assert names == ["Paused", "Migrated", "MigrationTransfer", "MigrationTransfer", "MigrationTransfer", "ProposalExecuted"]
    with boa.reverts("vault: migrated"):
        signed.propose(P.ACTION_UNPAUSE, b"")


def test_unpause_queued_before_migration_cannot_revive_the_vault(vault, signed, accounts):
    _, n_unpause = signed.propose(P.ACTION_UNPAUSE, b"")
    data = abi_encode(["address", "address[]"], [accounts[7], []])
    _, n_migrate = signed.propose(P.ACTION_MIGRATE, data)
    boa.env.time_travel(seconds=TIMELOCK)
    vault.execute(P.ACTION_MIGRATE, data, n_migrate)
    with boa.reverts("vault: migrated"):
        vault.execute(P.ACTION_UNPAUSE, b"", n_unpause)


# ------------------------------------------------------------------------------------------
# after a migration: deposits refused, anything arriving later swept to the successor
# ------------------------------------------------------------------------------------------


def migrate(vault, signed, successor, tokens=()):
    data = abi_encode(["address", "address[]"], [successor, list(tokens)])
    _, nonce = signed.propose(P.ACTION_MIGRATE, data, deadline=boa.env.evm.patch.timestamp + DAY)
    boa.env.time_travel(seconds=TIMELOCK)
    vault.execute(P.ACTION_MIGRATE, data, nonce)


def deploy_vault(vault_deployer, threshold=3):
    return vault_deployer.deploy([addr(k) for k in SIGNER_KEYS], threshold, [], [])


def test_migrated_vault_refuses_deposits(vault, signed, vault_deployer, accounts):
    new = deploy_vault(vault_deployer)
    migrate(vault, signed, new.address)
    boa.env.set_balance(accounts[2], 10**18)
    with pytest.raises(Exception) as failure:  # raw calls surface py-evm's Revert, not a BoaError
        boa.env.raw_call(vault.address, sender=accounts[2], value=10**17)
    assert b"vault: migrated" in failure.value.args[0]
    assert boa.env.get_balance(vault.address) == 0 and boa.env.get_balance(accounts[2]) == 10**18
    boa.env.raw_call(new.address, sender=accounts[2], value=10**17)  # the successor takes them
    assert boa.env.get_balance(new.address) == 1_000 * 10**18 + 10**17


def test_anyone_sweeps_what_arrives_after_the_migration(vault, signed, vault_deployer, token, usdt, token_deployer, accounts):
    new = deploy_vault(vault_deployer)
    other = token_deployer.deploy()
    other.mint(vault.address, 5)
    with boa.reverts("vault: not migrated"):
        vault.sweep(other.address, sender=accounts[9])
    migrate(vault, signed, new.address, [token.address])  # usdt and `other` left out of the list
    token.mint(vault.address, 7)  # late transfers
    boa.env.set_balance(vault.address, 3 * 10**18)  # native forced in (selfdestruct, block reward)
    stranger = accounts[9]
    labels = {usdt.address: "PredictionVault.sweep (ERC-20)", NATIVE: "PredictionVault.sweep (native)"}
    for t, before in ((usdt.address, 1_000_000 * 10**6), (other.address, 5), (token.address, 7), (NATIVE, 3 * 10**18)):
        if t in labels:
            assert measure(labels[t], vault, "sweep", t, sender=stranger) == before
        else:
            assert vault.sweep(t, sender=stranger) == before
        ev = [e for e in vault_logs(vault) if type(e).__name__ == "Swept"][0]
        assert (ev.token, ev.to, ev.amount) == (t, new.address, before)
    assert boa.env.get_balance(vault.address) == 0
    assert [c.balanceOf(vault.address) for c in (token, usdt, other)] == [0, 0, 0]
    assert (token.balanceOf(new.address), usdt.balanceOf(new.address), other.balanceOf(new.address)) == (
        1_000_000 * 10**6 + 7, 1_000_000 * 10**6, 5)
    assert boa.env.get_balance(new.address) == 1_000 * 10**18 + 3 * 10**18
    assert vault.sweep(token.address, sender=stranger) == 0  # nothing left: a no-op, not a revert


def test_any_number_of_tokens_can_leave_a_migrated_vault(vault, signed, vault_deployer, token_deployer, accounts):
    tokens = [token_deployer.deploy() for _ in range(20)]
    for i, t in enumerate(tokens):
        t.mint(vault.address, i + 1)
    new = deploy_vault(vault_deployer)
    migrate(vault, signed, new.address, [t.address for t in tokens[:16]])  # the most a migration lists
    for t in tokens[16:]:
        vault.sweep(t.address, sender=accounts[9])
    assert [t.balanceOf(new.address) for t in tokens] == list(range(1, 21))


def test_sweep_follows_a_chain_of_migrations(vault, signed, vault_deployer, token, accounts):
    b, c = deploy_vault(vault_deployer), deploy_vault(vault_deployer)
    migrate(vault, signed, b.address)
    migrate(b, Signed(b), c.address)
    boa.env.set_balance(vault.address, 10**18)
    token.mint(vault.address, 9)
    vault.sweep(NATIVE, sender=accounts[9])  # b refuses deposits: straight to c
    vault.sweep(token.address, sender=accounts[9])
    assert boa.env.get_balance(c.address) == 1_000 * 10**18 + 10**18 and token.balanceOf(c.address) == 1_000_000 * 10**6 + 9
    assert boa.env.get_balance(b.address) == 0 and token.balanceOf(b.address) == 0


def test_migration_to_a_retired_vault_or_to_itself_is_refused(vault, signed, vault_deployer, accounts):
    b, c = deploy_vault(vault_deployer), deploy_vault(vault_deployer)
    migrate(b, Signed(b), c.address)
    data = abi_encode(["address", "address[]"], [b.address, []])
    _, nonce = signed.propose(P.ACTION_MIGRATE, data)
    boa.env.time_travel(seconds=TIMELOCK)
    with boa.reverts("vault: successor migrated"):
        vault.execute(P.ACTION_MIGRATE, data, nonce)
    with boa.reverts("vault: successor is this vault"):
        signed.propose(P.ACTION_MIGRATE, abi_encode(["address", "address[]"], [vault.address, []]))


def test_vip_proceeds_and_royalties_follow_the_migration(vault, signed, vault_deployer, token, accounts):
    """deploy-suite makes the vault the Badges treasury: after the vault migrates, VIP sales
    (native or ERC-20) pay the successor and royalties name it, without the owner acting."""
    owner, buyer = accounts[0], accounts[2]
    badges = deployer("Badges").deploy(vault.address, sender=owner)
    badges.set_vip_price(32, NATIVE, 10**18, sender=owner)
    badges.set_vip_price(33, token.address, 250 * 10**6, sender=owner)
    boa.env.set_balance(buyer, 10 * 10**18)
    token.mint(buyer, 10**9)
    new = deploy_vault(vault_deployer)
    assert badges.payee() == vault.address  # a live vault: successor() is zero
    migrate(vault, signed, new.address, [token.address])
    assert badges.payee() == new.address
    native_before, token_before = boa.env.get_balance(new.address), token.balanceOf(new.address)
    measure("Badges.buy_vip (native, treasury vault migrated)", badges, "buy_vip", 32, NATIVE, sender=buyer, value=10**18)
    badges.buy_vip(33, token.address, sender=buyer)
    assert boa.env.get_balance(new.address) == native_before + 10**18
    assert token.balanceOf(new.address) == token_before + 250 * 10**6
    assert boa.env.get_balance(vault.address) == 0 and token.balanceOf(vault.address) == 0
    assert badges.treasury() == vault.address  # unchanged; the payee follows successor()
    assert badges.royaltyInfo(32 << 128 | 1, 10_000) == (new.address, 1_000)


def test_signers_dispute_oracle_prices_through_the_vault(vault, accounts):
    """deploy-suite makes the vault the oracle's disputer: any single signer freezes a
    provisional price at once (like `pause`)."""
    admin, reporters = accounts[0], [boa.env.generate_address(f"vault-reporter{i}") for i in range(3)]
    oracle = deployer("PriceOracle").deploy(admin, accounts[8])
    oracle.grantRole(P.keccak256(b"DISPUTER_ROLE"), vault.address, sender=admin)
    t, btc = GENESIS_TIME + 540, P.asset_id("BTC-USD")
    boa.env.evm.patch.timestamp = t + 5
    for i, r in enumerate(reporters):
        oracle.grantRole(P.keccak256(b"REPORTER_ROLE"), r, sender=admin)
        oracle.submit(btc, t, 10**10 + i, sender=r)
    boa.env.evm.patch.timestamp = t + 121
    oracle.finalize(btc, t)
    with boa.reverts("vault: caller is not a signer"):
        vault.dispute_price(oracle.address, btc, t, sender=accounts[2])
    measure("PredictionVault.dispute_price", vault, "dispute_price", oracle.address, btc, t, sender=addr(SIGNER_KEYS[2]))
    ev = [e for e in vault_logs(vault) if type(e).__name__ == "DisputeRaised"][0]
    assert (ev.oracle, ev.asset, ev.settles_at, ev.signer) == (oracle.address, btc, t, addr(SIGNER_KEYS[2]))
    assert oracle.price(btc, t) == (10**10 + 1, 3)  # DISPUTED


def test_gas_of_governance(vault, signed):
    nonce, deadline = vault.nonce(), GENESIS_TIME + DAY
    digest = P.typed_digest(signed.dsep, P.proposal_hash(P.ACTION_UNPAUSE, b"", nonce, deadline))
    measure("PredictionVault.propose (unpause, 3 signatures)", vault, "propose", P.ACTION_UNPAUSE, b"", nonce, deadline,
            sigs_sorted(digest, SIGNER_KEYS[:3]))
    measure("PredictionVault.pause", vault, "pause", sender=addr(SIGNER_KEYS[0]))
    boa.env.time_travel(seconds=TIMELOCK)
    measure("PredictionVault.execute (unpause)", vault, "execute", P.ACTION_UNPAUSE, b"", nonce)


# ------------------------------------------------------------------------------------------
# hypothesis: no path moves funds without the threshold
# ------------------------------------------------------------------------------------------


@settings(max_examples=60)
@given(
    picks=st.one_of(
        st.lists(st.integers(0, len(ALL_KEYS) - 1), max_size=7),  # anything, duplicates and outsiders included
        st.lists(st.integers(0, 4), min_size=2, max_size=5, unique=True),  # distinct signers, around the threshold
    ),
    shuffle=st.booleans(),
    amount=st.integers(1, USDC_LIMIT),
)
def test_funds_move_iff_threshold_of_distinct_signers_in_order(vault, token, accounts, picks, shuffle, amount):
    with boa.env.anchor():  # the vault fixture is deployed once; each example is rolled back
        boa.env.evm.patch.timestamp = GENESIS_TIME
        start = token.balanceOf(vault.address)
        s = Signed(vault)
        payouts = [(token.address, accounts[2], amount, receipt(1))]
        digest = s.payout_digest(payouts, 0, GENESIS_TIME + DAY)
        chosen = [ALL_KEYS[i] for i in picks]
        if not shuffle:
            chosen.sort(key=lambda k: int(addr(k), 16))
        sigs = [sign(digest, k) for k in chosen]
        addrs = [int(addr(k), 16) for k in chosen]
        valid = (
            len(chosen) >= 3
            and all(a < b for a, b in zip(addrs, addrs[1:]))
            and all(k in SIGNER_KEYS for k in chosen)
        )
        event(f"valid={valid}")
        if valid:
            vault.execute_payouts(payouts, 0, GENESIS_TIME + DAY, sigs)
            assert token.balanceOf(accounts[2]) == amount
        else:
            with boa.reverts():
                vault.execute_payouts(payouts, 0, GENESIS_TIME + DAY, sigs)
            assert token.balanceOf(vault.address) == start and vault.nonce() == 0


@settings(max_examples=20)
@given(
    batches=st.lists(
        st.tuples(st.lists(st.integers(1, USDC_LIMIT // 2), min_size=1, max_size=4), st.integers(0, DAY // 2)),
        min_size=1,
        max_size=6,
    )
)
def test_daily_limit_is_never_exceeded(vault_deployer, token_deployer, accounts, batches):
    with boa.env.anchor():
        token = token_deployer.deploy()
        # threshold 2 keeps the (pure-Python) signing cost down; limits do not depend on it
        vault = vault_deployer.deploy([addr(k) for k in SIGNER_KEYS], 2, [token.address], [USDC_LIMIT])
        token.mint(vault.address, 100 * USDC_LIMIT)
        s = Signed(vault)
        spent_by_day: dict[int, int] = {}
        n = 0
        for amounts, wait in batches:
            boa.env.time_travel(seconds=wait)
            now = boa.env.evm.patch.timestamp
            day = now // DAY
            payouts = []
            for a in amounts:
                n += 1
                payouts.append((token.address, accounts[2], a, receipt(n)))
            before = token.balanceOf(accounts[2])
            fits = spent_by_day.get(day, 0) + sum(amounts) <= USDC_LIMIT
            event(f"batch fits={fits}")
            if fits:
                s.pay(payouts, key_list=SIGNER_KEYS[:2], deadline=now + DAY)
                spent_by_day[day] = spent_by_day.get(day, 0) + sum(amounts)
                assert token.balanceOf(accounts[2]) == before + sum(amounts)
            else:
                with boa.reverts("vault: daily limit exceeded"):
                    s.pay(payouts, key_list=SIGNER_KEYS[:2], deadline=now + DAY)
                assert token.balanceOf(accounts[2]) == before
            assert vault.spent_today(token.address) == spent_by_day.get(day, 0) <= USDC_LIMIT


OPS = st.sampled_from(["pay_short", "pay_outsiders", "propose_short", "execute_unqueued", "pause", "cancel_short", "raw"])


@settings(max_examples=30)
@given(ops=st.lists(st.tuples(OPS, st.integers(0, len(ALL_KEYS) - 1), st.integers(0, 3 * DAY)), min_size=1, max_size=10))
def test_no_sequence_without_threshold_moves_funds(vault, token, accounts, ops):
    """Random sequences of everything a party holding at most 2 signer keys (plus any number
    of outsider keys) can do; the vault's balances never decrease and its nonce never moves."""
    with boa.env.anchor():
        boa.env.evm.patch.timestamp = GENESIS_TIME
        token_start, native_start = token.balanceOf(vault.address), boa.env.get_balance(vault.address)
        s = Signed(vault)
        thief = accounts[6]
        for op, k, wait in ops:
            boa.env.time_travel(seconds=wait)
            deadline = boa.env.evm.patch.timestamp + DAY
            two = sorted(SIGNER_KEYS[k % 5: k % 5 + 2] or SIGNER_KEYS[:2], key=lambda x: int(addr(x), 16))
            try:
                if op == "pay_short":
                    s.pay([(token.address, thief, 1, receipt(k))], key_list=two, deadline=deadline)
                elif op == "pay_outsiders":
                    s.pay([(NATIVE, thief, 1, receipt(k))], key_list=two[:1] + OUTSIDER_KEYS, deadline=deadline)
                elif op == "propose_short":
                    data = abi_encode(["address", "address[]"], [thief, [token.address]])
                    s.propose(P.ACTION_MIGRATE, data, key_list=two[:2] + OUTSIDER_KEYS[:1], deadline=deadline)
                elif op == "execute_unqueued":
                    data = abi_encode(["address", "address[]"], [thief, [token.address]])
                    vault.execute(P.ACTION_MIGRATE, data, k, sender=thief)
                elif op == "pause":
                    vault.pause(sender=addr(ALL_KEYS[k]))
                elif op == "cancel_short":
                    s.cancel(b"\x01" * 32, key_list=two)
                else:
                    boa.env.raw_call(vault.address, sender=thief, data=bytes([k]) * 4)
            except Exception:  # every attempt must fail; the invariants below are what matters
                pass
            assert token.balanceOf(vault.address) == token_start
            assert boa.env.get_balance(vault.address) == native_start
            assert vault.nonce() == 0
            assert vault.successor() == NATIVE


# ------------------------------------------------------------------------------------------
# hypothesis: whatever arrives, before or after migrations, stays reachable
# ------------------------------------------------------------------------------------------

MIGRATION_OPS = st.sampled_from(["deposit", "force_native", "force_native", "token_transfer", "token_transfer", "migrate", "migrate",
                                 "vip_native", "vip_token", "sweep"])


@settings(max_examples=40)
@given(ops=st.lists(st.tuples(MIGRATION_OPS, st.integers(0, 3), st.integers(1, 10**18), st.integers(0, 15)), min_size=1, max_size=14))
def test_no_balance_ends_up_unreachable(vault_deployer, token_deployer, accounts, ops):
    """Four vaults, migrated one after the other (vault i to vault i + 1, listing any subset of
    three tokens), deposits, native value forced in, late ERC-20 transfers, sweeps and VIP sales
    whose treasury is the first vault, in any order. Deposits to a retired vault are refused (the
    sender keeps them); everything else ends, after everyone sweeps what is left, in a vault that
    can still pay out: every retired vault is empty and nothing was lost."""
    with boa.env.anchor():
        boa.env.evm.patch.timestamp = GENESIS_TIME
        vaults = [deploy_vault(vault_deployer, threshold=2) for _ in range(4)]
        tokens = [token_deployer.deploy(), token_deployer.deploy(), boa.load(str(HERE / "mocks" / "MockERC20NoReturn.vy"))]
        owner, buyer, depositor, stranger = accounts[0], accounts[2], accounts[3], accounts[9]
        badges = deployer("Badges").deploy(vaults[0].address, sender=owner)
        badges.set_vip_price(33, NATIVE, 10**15, sender=owner)
        badges.set_vip_price(33, tokens[0].address, 25 * 10**6, sender=owner)
        boa.env.set_balance(buyer, 10**21)
        boa.env.set_balance(depositor, 10**21)
        tokens[0].mint(buyer, 10**12)
        native_in, tokens_in, head = 0, [0, 0, 0], 0
        for op, i, amount, k in ops:
            v = vaults[i]
            migrated = v.successor() != NATIVE
            if op == "deposit":
                if migrated:
                    with pytest.raises(Exception):
                        boa.env.raw_call(v.address, sender=depositor, value=amount)
                else:
                    boa.env.raw_call(v.address, sender=depositor, value=amount)
                    native_in += amount
            elif op == "force_native":
                boa.env.set_balance(v.address, boa.env.get_balance(v.address) + amount)
                native_in += amount
            elif op == "token_transfer":
                tokens[k % 3].mint(v.address, amount)
                tokens_in[k % 3] += amount
            elif op == "migrate" and head < 3:
                listed = [tokens[j].address for j in range(3) if k >> j & 1]
                data = abi_encode(["address", "address[]"], [vaults[head + 1].address, listed])
                s = Signed(vaults[head])
                _, nonce = s.propose(P.ACTION_MIGRATE, data, key_list=SIGNER_KEYS[:2], deadline=boa.env.evm.patch.timestamp + DAY)
                boa.env.time_travel(seconds=TIMELOCK)
                vaults[head].execute(P.ACTION_MIGRATE, data, nonce, sender=stranger)
                head += 1
            elif op == "vip_native":
                badges.buy_vip(33, NATIVE, sender=buyer, value=10**15)  # never fails because of a migration
                native_in += 10**15
            elif op == "vip_token":
                badges.buy_vip(33, tokens[0].address, sender=buyer)
                tokens_in[0] += 25 * 10**6
            elif op == "sweep":
                token = NATIVE if k % 4 == 3 else tokens[k % 4].address
                if migrated:
                    v.sweep(token, sender=stranger)
                else:
                    with boa.reverts("vault: not migrated"):
                        v.sweep(token, sender=stranger)
        # everyone sweeps what is left, oldest vault first
        retired = [v for v in vaults if v.successor() != NATIVE]
        for v in retired:
            for token in [NATIVE] + [t.address for t in tokens]:
                v.sweep(token, sender=stranger)
        for v in retired:
            assert boa.env.get_balance(v.address) == 0
            assert all(t.balanceOf(v.address) == 0 for t in tokens)
        live = [v for v in vaults if v.successor() == NATIVE]
        assert sum(boa.env.get_balance(v.address) for v in live) == native_in
        for j, t in enumerate(tokens):
            assert sum(t.balanceOf(v.address) for v in live) == tokens_in[j]
        assert badges.royaltyInfo(33 << 128 | 1, 10_000)[0] == vaults[head].address
