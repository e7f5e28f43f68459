"""PriceOracle: reports at :X9 settlement times, median of >= 3 reports with 0.1 % outlier flags,
Chainlink-style fallback (stale / zero / negative refused, decimals rescaled), dispute window,
multisig resolution, and the (price, status) consumers read."""

from __future__ import annotations

import boa
import pytest
from hypothesis import given, settings, strategies as st

import protocol as P
from conftest import GENESIS_TIME, HERE, deployer, measure

REPORTER_ROLE = P.keccak256(b"REPORTER_ROLE")
DISPUTER_ROLE = P.keccak256(b"DISPUTER_ROLE")
MISSING_ROLE = "access_control: account is missing role"
BTC = P.asset_id("BTC-USD")
ETH = P.asset_id("ETH-USD")
T = GENESIS_TIME + 540  # 12:09:00, a settlement time
MISSING, PROVISIONAL, FINAL, DISPUTED, RESOLVED = range(5)

REPORTERS = [boa.env.generate_address(f"reporter{i}") for i in range(16)]


def events(contract, name=None):
    out = [e for e in contract.get_logs() if type(e).__name__ not in ("RoleGranted",)]
    return [e for e in out if name is None or type(e).__name__ == name]


@pytest.fixture(scope="module")
def oracle_deployer():
    return deployer("PriceOracle")


def make_oracle(oracle_deployer, admin, disputer):
    o = oracle_deployer.deploy(admin)
    for r in REPORTERS[:15]:
        o.grantRole(REPORTER_ROLE, r, sender=admin)
    o.grantRole(DISPUTER_ROLE, disputer, sender=admin)
    return o


@pytest.fixture
def disputer(accounts):
    return accounts[3]


@pytest.fixture
def oracle(oracle_deployer, admin, disputer):
    return make_oracle(oracle_deployer, admin, disputer)


@pytest.fixture
def aggregator():
    return boa.load(str(HERE / "mocks" / "MockAggregator.vy"), 8)


def at(t):
    boa.env.evm.patch.timestamp = t


def report_all(oracle, prices, asset=BTC, t=T):
    at(t + 5)
    for r, p in zip(REPORTERS, prices):
        oracle.submit(asset, t, p, sender=r)


# ------------------------------------------------------------------------------------------
# deployment and parameters
# ------------------------------------------------------------------------------------------


def test_defaults_and_roles(oracle, admin, accounts):
    assert oracle.hasRole(bytes(32), admin)
    assert not oracle.hasRole(bytes(32), accounts[5])
    assert (oracle.report_window(), oracle.dispute_window(), oracle.max_staleness(), oracle.deviation_bps(), oracle.min_reports()) == (120, 600, 3600, 10, 3)
    assert oracle.PRICE_DECIMALS() == 8 and oracle.MAX_REPORTS() == 15
    assert oracle.REPORTER_ROLE() == REPORTER_ROLE and oracle.DISPUTER_ROLE() == DISPUTER_ROLE
    assert oracle.supportsInterface(bytes.fromhex("7965db0b"))


def test_constructor_rejects_zero_admin(oracle_deployer):
    with boa.reverts("oracle: zero admin"):
        oracle_deployer.deploy("0x" + "00" * 20)


def test_parameters_are_admin_only_and_bounded(oracle, admin, accounts):
    with boa.reverts(MISSING_ROLE):
        oracle.set_parameters(60, 300, 1800, 20, 5, sender=accounts[5])
    measure("PriceOracle.set_parameters", oracle, "set_parameters", 60, 300, 1800, 20, 5, sender=admin)
    ev = events(oracle, "ParametersSet")[0]
    assert (ev.report_window, ev.dispute_window, ev.max_staleness, ev.deviation_bps, ev.min_reports) == (60, 300, 1800, 20, 5)
    for args, reason in [((0, 300, 1800, 20, 5), "oracle: bad report window"), ((600, 300, 1800, 20, 5), "oracle: bad report window"),
                         ((60, 0, 1800, 20, 5), "oracle: bad dispute window"), ((60, 300, 0, 20, 5), "oracle: bad staleness"),
                         ((60, 300, 1800, 0, 5), "oracle: bad deviation"), ((60, 300, 1800, 20, 0), "oracle: bad quorum"),
                         ((60, 300, 1800, 20, 16), "oracle: bad quorum")]:
        with boa.reverts(reason):
            oracle.set_parameters(*args, sender=admin)


def test_set_aggregator_is_admin_only(oracle, admin, aggregator, accounts):
    with boa.reverts(MISSING_ROLE):
        oracle.set_aggregator(BTC, aggregator.address, sender=accounts[5])
    measure("PriceOracle.set_aggregator", oracle, "set_aggregator", BTC, aggregator.address, sender=admin)
    ev = events(oracle, "AggregatorSet")[0]
    assert (ev.asset, ev.aggregator) == (BTC, aggregator.address)
    assert oracle.aggregator(BTC) == aggregator.address


# ------------------------------------------------------------------------------------------
# submit
# ------------------------------------------------------------------------------------------


def test_submit_records_report(oracle):
    at(T)
    oracle.submit(BTC, T, 9_712_345_678_901, sender=REPORTERS[0])
    ev = events(oracle)[0]
    assert (type(ev).__name__, ev.asset, ev.settles_at, ev.reporter, ev.price) == ("ReportSubmitted", BTC, T, REPORTERS[0], 9_712_345_678_901)
    assert oracle.reports(BTC, T) == [int(REPORTERS[0], 16) << 96 | 9_712_345_678_901]
    assert oracle.round_info(BTC, T) == (0, 0, 1)
    assert oracle.price(BTC, T) == (0, MISSING)


@pytest.mark.parametrize(
    "t, now, price, reason",
    [
        (T + 1, T + 10, 1, "oracle: not a settlement time"),
        (T - 540, T - 540 + 10, 1, "oracle: not a settlement time"),
        (T, T - 1, 1, "oracle: round not settled yet"),
        (T, T + 121, 1, "oracle: report window closed"),
        (T, T + 10, 0, "oracle: price out of range"),
        (T, T + 10, 2**96, "oracle: price out of range"),
    ],
)
def test_submit_rejects(oracle, t, now, price, reason):
    at(now)
    with boa.reverts(reason):
        oracle.submit(BTC, t, price, sender=REPORTERS[0])


def test_submit_window_edges(oracle):
    at(T)
    oracle.submit(BTC, T, 5, sender=REPORTERS[0])
    at(T + 120)
    oracle.submit(BTC, T, 5, sender=REPORTERS[1])


def test_submit_requires_reporter_role_and_one_report_each(oracle, accounts):
    at(T)
    with boa.reverts(MISSING_ROLE):
        oracle.submit(BTC, T, 5, sender=accounts[5])
    oracle.submit(BTC, T, 5, sender=REPORTERS[0])
    with boa.reverts("oracle: already reported"):
        oracle.submit(BTC, T, 6, sender=REPORTERS[0])
    oracle.submit(ETH, T, 6, sender=REPORTERS[0])  # other asset, same round: fine


def test_at_most_fifteen_reports(oracle, admin):
    oracle.grantRole(REPORTER_ROLE, REPORTERS[15], sender=admin)
    report_all(oracle, [100] * 15)
    with boa.reverts("oracle: too many reports"):
        oracle.submit(BTC, T, 100, sender=REPORTERS[15])


# ------------------------------------------------------------------------------------------
# finalize: median and flags
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prices, median",
    [
        ([300, 100, 200], 200),
        ([100, 200, 300, 400], 250),
        ([100, 200, 201, 400], 200),  # floor of 200.5
        ([5, 5, 5, 5, 9], 5),
        ([7] * 15, 7),
    ],
)
def test_finalize_takes_the_median(oracle, prices, median):
    report_all(oracle, prices)
    with boa.reverts("oracle: report window open"):
        oracle.finalize(BTC, T)
    at(T + 121)
    assert oracle.finalize(BTC, T) == median
    fin = events(oracle, "PriceFinalized")[0]
    assert (fin.price, fin.source, fin.report_count, fin.final_after) == (median, 1, len(prices), T + 121 + 600)
    assert oracle.price(BTC, T) == (median, PROVISIONAL)
    assert oracle.round_info(BTC, T) == (1, T + 721, len(prices))
    at(T + 721)
    assert oracle.price(BTC, T) == (median, FINAL)
    measure("PriceOracle.price (view)", oracle, "price", BTC, T)
    with boa.reverts("oracle: already finalized"):
        oracle.finalize(BTC, T)


def test_reports_beyond_a_tenth_of_a_percent_are_flagged(oracle):
    m = 10_000_000_000
    prices = [m, m + m // 1000, m - m // 1000, m + m // 1000 + 1, m - m // 1000 - 1]  # ±0.1 % exactly: not flagged
    report_all(oracle, prices)
    at(T + 121)
    oracle.finalize(BTC, T)
    flagged = events(oracle, "ReportFlagged")
    assert [(e.reporter, e.price, e.median) for e in flagged] == [(REPORTERS[3], prices[3], m), (REPORTERS[4], prices[4], m)]


def test_gas_of_reports_and_finalize(oracle):
    at(T + 5)
    measure("PriceOracle.submit (first report of a round)", oracle, "submit", BTC, T, 10**12, sender=REPORTERS[0])
    oracle.submit(BTC, T, 10**12 + 1, sender=REPORTERS[1])
    measure("PriceOracle.submit (third report)", oracle, "submit", BTC, T, 10**12 + 2, sender=REPORTERS[2])
    at(T + 121)
    measure("PriceOracle.finalize (3 reports, median)", oracle, "finalize", BTC, T)
    report_all(oracle, [10**12 + i for i in range(5)], asset=ETH, t=T + 600)
    at(T + 600 + 121)
    measure("PriceOracle.finalize (5 reports, median)", oracle, "finalize", ETH, T + 600)


@settings(max_examples=50)
@given(prices=st.lists(st.integers(1, 2**96 - 1), min_size=3, max_size=15))
def test_median_is_within_the_reports_and_matches_reference(oracle_deployer, admin, accounts, prices):
    with boa.env.anchor():
        oracle = make_oracle(oracle_deployer, admin, accounts[3])
        report_all(oracle, prices)
        at(T + 121)
        median = oracle.finalize(BTC, T)
        flagged = {(e.reporter, e.price) for e in events(oracle, "ReportFlagged")}
        s = sorted(prices)
        n = len(s)
        expected = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) // 2
        assert median == expected
        assert min(prices) <= median <= max(prices)
        assert flagged == {(REPORTERS[i], p) for i, p in enumerate(prices) if abs(p - median) * 10_000 > median * 10}


# ------------------------------------------------------------------------------------------
# fallback aggregator
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("decimals, answer, expected", [(8, 9_712_345_678_901, 9_712_345_678_901),
                                                        (18, 97_123_456_789_012_345_678_901, 9_712_345_678_901),
                                                        (6, 97_123_456_789, 9_712_345_678_900)])
def test_too_few_reports_fall_back_to_the_aggregator(oracle, admin, decimals, answer, expected):
    agg = boa.load(str(HERE / "mocks" / "MockAggregator.vy"), decimals)
    oracle.set_aggregator(BTC, agg.address, sender=admin)
    report_all(oracle, [1, 2])  # two reports: below the quorum of 3
    agg.set(answer, T - 30)
    at(T + 121)
    assert oracle.finalize(BTC, T) == expected
    fin = events(oracle, "PriceFinalized")[0]
    assert (fin.source, fin.report_count) == (2, 2)
    assert oracle.round_info(BTC, T)[0] == 2


@pytest.mark.parametrize(
    "answer, updated, reason",
    [
        (0, T, "oracle: fallback answer not positive"),
        (-5, T, "oracle: fallback answer not positive"),
        (100, T - 3601, "oracle: fallback answer stale"),
        (100, T + 121, "oracle: fallback answer after the round"),
        (2**200, T, "oracle: fallback answer out of range"),
    ],
)
def test_fallback_refuses_bad_answers(oracle, admin, aggregator, answer, updated, reason):
    oracle.set_aggregator(BTC, aggregator.address, sender=admin)
    aggregator.set(answer, updated)
    at(T + 121)
    with boa.reverts(reason):
        oracle.finalize(BTC, T)
    assert oracle.price(BTC, T) == (0, MISSING)


def test_fallback_edges_accepted(oracle, admin, aggregator):
    oracle.set_aggregator(BTC, aggregator.address, sender=admin)
    aggregator.set(100, T - 3600)
    at(T + 121)
    assert oracle.finalize(BTC, T) == 100
    oracle.set_aggregator(ETH, aggregator.address, sender=admin)
    aggregator.set(200, T + 120)
    measure("PriceOracle.finalize (fallback aggregator)", oracle, "finalize", ETH, T)
    assert oracle.price(ETH, T) == (200, PROVISIONAL)


def test_without_aggregator_a_short_round_stays_missing(oracle):
    report_all(oracle, [1, 2])
    at(T + 121)
    with boa.reverts("oracle: too few reports and no aggregator"):
        oracle.finalize(BTC, T)
    assert oracle.price(BTC, T) == (0, MISSING)


# ------------------------------------------------------------------------------------------
# disputes
# ------------------------------------------------------------------------------------------


def finalized(oracle, prices=(100, 101, 102)):
    report_all(oracle, list(prices))
    at(T + 121)
    oracle.finalize(BTC, T)


def test_dispute_freezes_and_multisig_resolves(oracle, admin, disputer, accounts):
    finalized(oracle)
    with boa.reverts(MISSING_ROLE):
        oracle.dispute(BTC, T, sender=accounts[5])
    measure("PriceOracle.dispute", oracle, "dispute", BTC, T, sender=disputer)
    ev = events(oracle)[0]
    assert (type(ev).__name__, ev.disputer) == ("PriceDisputed", disputer)
    assert oracle.price(BTC, T) == (101, DISPUTED)
    at(T + 10_000)
    assert oracle.price(BTC, T) == (101, DISPUTED)  # a dispute never times out into FINAL
    with boa.reverts("oracle: nothing to dispute"):
        oracle.dispute(BTC, T, sender=disputer)
    with boa.reverts(MISSING_ROLE):
        oracle.resolve(BTC, T, 150, sender=disputer)
    with boa.reverts("oracle: price out of range"):
        oracle.resolve(BTC, T, 0, sender=admin)
    measure("PriceOracle.resolve", oracle, "resolve", BTC, T, 150, sender=admin)
    ev = events(oracle)[0]
    assert (type(ev).__name__, ev.price, ev.previous_price) == ("PriceResolved", 150, 101)
    assert oracle.price(BTC, T) == (150, RESOLVED)
    assert oracle.round_info(BTC, T)[0] == 3
    with boa.reverts("oracle: not disputed"):
        oracle.resolve(BTC, T, 151, sender=admin)
    with boa.reverts("oracle: nothing to dispute"):
        oracle.dispute(BTC, T, sender=disputer)


def test_dispute_window_closes(oracle, disputer, admin):
    finalized(oracle)
    at(T + 121 + 600)
    assert oracle.price(BTC, T) == (101, FINAL)
    with boa.reverts("oracle: dispute window closed"):
        oracle.dispute(BTC, T, sender=disputer)
    with boa.reverts("oracle: not disputed"):
        oracle.resolve(BTC, T, 5, sender=admin)


def test_missing_round_cannot_be_disputed_but_can_be_resolved_after_the_window(oracle, disputer, admin):
    at(T + 60)
    with boa.reverts("oracle: nothing to dispute"):
        oracle.dispute(BTC, T, sender=disputer)
    with boa.reverts("oracle: report window open"):
        oracle.resolve(BTC, T, 5, sender=admin)
    with boa.reverts("oracle: not a settlement time"):
        oracle.resolve(BTC, T + 1, 5, sender=admin)
    at(T + 121)
    oracle.resolve(BTC, T, 5, sender=admin)
    assert oracle.price(BTC, T) == (5, RESOLVED)
    with boa.reverts("oracle: already finalized"):
        oracle.finalize(BTC, T)
