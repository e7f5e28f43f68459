"""PriceOracle: reports at :X9 settlement times, the median rule (median of the reports within
0.1 % of the median of all, >= 3 of them; dropped reports flagged), Chainlink-style fallback
(observed within 10 s before the mark to the end of the report window; zero / negative refused,
decimals rescaled), dispute window, resolution by a separate resolver role (disputed rounds and
rounds without a median only), per-round parameters fixed at the first report, and the
(price, status) consumers read."""

from __future__ import annotations

import json

import boa
import pytest
from hypothesis import given, settings, strategies as st

import gen_median_vectors
import protocol as P
from conftest import GENESIS_TIME, HERE, REPO, deployer, measure

REPORTER_ROLE = P.keccak256(b"REPORTER_ROLE")
DISPUTER_ROLE = P.keccak256(b"DISPUTER_ROLE")
RESOLVER_ROLE = P.keccak256(b"RESOLVER_ROLE")
ADMIN_ROLE = bytes(32)
MISSING_ROLE = "access_control: account is missing role"
BTC = P.asset_id("BTC-USD")
ETH = P.asset_id("ETH-USD")
T = GENESIS_TIME + 540  # 12:09:00, a settlement time
MISSING, PROVISIONAL, FINAL, DISPUTED, RESOLVED = range(5)

REPORTERS = [boa.env.generate_address(f"reporter{i}") for i in range(16)]
RESOLVER = boa.env.generate_address("resolver")  # the multisig (never the deployer)


def events(contract, name=None):
    out = [e for e in contract.get_logs() if type(e).__name__ not in ("RoleGranted",)]
    return [e for e in out if name is None or type(e).__name__ == name]


@pytest.fixture(scope="module")
def oracle_deployer():
    return deployer("PriceOracle")


def make_oracle(oracle_deployer, admin, disputer, resolver=RESOLVER):
    o = oracle_deployer.deploy(admin, resolver)
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
    assert (oracle.report_window(), oracle.dispute_window(), oracle.max_staleness(), oracle.deviation_bps(), oracle.min_reports()) == (120, 600, 10, 10, 3)
    assert oracle.MAX_FALLBACK_AGE() == 10
    assert oracle.PRICE_DECIMALS() == 8 and oracle.MAX_REPORTS() == 15
    assert oracle.REPORTER_ROLE() == REPORTER_ROLE and oracle.DISPUTER_ROLE() == DISPUTER_ROLE
    assert oracle.RESOLVER_ROLE() == RESOLVER_ROLE
    assert oracle.hasRole(RESOLVER_ROLE, RESOLVER) and not oracle.hasRole(RESOLVER_ROLE, admin)
    assert oracle.getRoleAdmin(RESOLVER_ROLE) == RESOLVER_ROLE  # only a resolver hands the role on
    assert oracle.supportsInterface(bytes.fromhex("7965db0b"))


def test_constructor_rejects_zero_admin_or_resolver(oracle_deployer, admin):
    with boa.reverts("oracle: zero admin"):
        oracle_deployer.deploy("0x" + "00" * 20, RESOLVER)
    with boa.reverts("oracle: zero resolver"):
        oracle_deployer.deploy(admin, "0x" + "00" * 20)


def test_the_deployer_gets_no_role_unless_named(oracle_deployer, accounts):
    deployer_key, multisig = accounts[6], accounts[7]
    o = oracle_deployer.deploy(multisig, RESOLVER, sender=deployer_key)
    for role in (ADMIN_ROLE, RESOLVER_ROLE, DISPUTER_ROLE, REPORTER_ROLE):
        assert not o.hasRole(role, deployer_key)
    assert o.hasRole(ADMIN_ROLE, multisig) and o.hasRole(RESOLVER_ROLE, RESOLVER)


def test_only_a_resolver_grants_the_resolver_role(oracle, admin, accounts):
    with boa.reverts(MISSING_ROLE):
        oracle.grantRole(RESOLVER_ROLE, admin, sender=admin)
    with boa.reverts(MISSING_ROLE):
        oracle.set_role_admin(RESOLVER_ROLE, ADMIN_ROLE, sender=admin)
    with boa.reverts(MISSING_ROLE):
        oracle.revokeRole(RESOLVER_ROLE, RESOLVER, sender=admin)
    oracle.grantRole(RESOLVER_ROLE, accounts[7], sender=RESOLVER)  # rotation: grant, then renounce
    oracle.renounceRole(RESOLVER_ROLE, RESOLVER, sender=RESOLVER)
    assert oracle.hasRole(RESOLVER_ROLE, accounts[7]) and not oracle.hasRole(RESOLVER_ROLE, RESOLVER)


def test_parameters_are_admin_only_and_bounded(oracle, admin, accounts):
    with boa.reverts(MISSING_ROLE):
        oracle.set_parameters(60, 300, 5, 20, 5, sender=accounts[5])
    measure("PriceOracle.set_parameters", oracle, "set_parameters", 60, 300, 5, 20, 5, sender=admin)
    ev = events(oracle, "ParametersSet")[0]
    assert (ev.report_window, ev.dispute_window, ev.max_staleness, ev.deviation_bps, ev.min_reports) == (60, 300, 5, 20, 5)
    for args, reason in [((0, 300, 5, 20, 5), "oracle: bad report window"), ((600, 300, 5, 20, 5), "oracle: bad report window"),
                         ((60, 0, 5, 20, 5), "oracle: bad dispute window"), ((60, 300, 0, 20, 5), "oracle: bad staleness"),
                         ((60, 300, 11, 20, 5), "oracle: bad staleness"), ((60, 300, 3600, 20, 5), "oracle: bad staleness"),
                         ((60, 300, 5, 0, 5), "oracle: bad deviation"), ((60, 300, 5, 20, 0), "oracle: bad quorum"),
                         ((60, 300, 5, 20, 16), "oracle: bad quorum")]:
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


M = 10_000_000_000  # $100, 8 decimals; 0.1 % of it is 10,000,000


@pytest.mark.parametrize(
    "prices, median",
    [
        ([M + 300, M + 100, M + 200], M + 200),
        ([M + 100, M + 200, M + 300, M + 400], M + 250),
        ([M + 100, M + 200, M + 201, M + 400], M + 200),  # floor of M + 200.5
        ([5, 5, 5, 5, 9], 5),  # 9 is an outlier; the median of the four 5s
        ([7] * 15, 7),
        ([M - 3, M, M + 2, M + 5, 2 * M], M + 1),  # 2M dropped: median of the other four, not M + 2
        ([M, M + 1, M + 2, 3 * M, 4 * M], M + 1),  # median of all is M + 2; of the three kept, M + 1
    ],
)
def test_finalize_takes_the_median_of_the_reports_near_the_median(oracle, prices, median):
    assert P.oracle_median(prices, 10, 3) == median
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


def test_reports_beyond_a_tenth_of_a_percent_are_flagged_and_dropped(oracle):
    m = M
    prices = [m, m + m // 1000, m - m // 1000, m + m // 1000 + 1, m - m // 1000 - 1, m + 1]  # ±0.1 % exactly: kept
    report_all(oracle, prices)
    at(T + 121)
    # median of all six: (m + m + 1) // 2 = m; kept: m, m ± 0.1 %, m + 1 -> (m + m + 1) // 2 = m
    assert oracle.finalize(BTC, T) == m
    flagged = events(oracle, "ReportFlagged")
    assert [(e.reporter, e.price, e.median) for e in flagged] == [(REPORTERS[3], prices[3], m), (REPORTERS[4], prices[4], m)]


def test_dropping_outliers_can_leave_too_few_reports(oracle, admin):
    """Three reports, one far off: only two agree, below the quorum of 3: no median (and no
    aggregator: the round stays missing), exactly as PredictionCore's PriceAggregator refuses."""
    prices = [M, M + 5, 2 * M]
    assert P.oracle_median(prices, 10, 3) is None
    report_all(oracle, prices)
    at(T + 121)
    with boa.reverts("oracle: too few reports and no aggregator"):
        oracle.finalize(BTC, T)
    assert oracle.price(BTC, T) == (0, MISSING)


def test_too_few_agreeing_reports_fall_back_to_the_aggregator(oracle, admin, aggregator):
    oracle.set_aggregator(BTC, aggregator.address, sender=admin)
    prices = [M, M + 5, 2 * M, 3 * M]
    report_all(oracle, prices)
    aggregator.set(M + 7, T)
    at(T + 121)
    assert oracle.finalize(BTC, T) == M + 7
    fin = events(oracle, "PriceFinalized")[0]
    assert (fin.price, fin.source, fin.report_count) == (M + 7, 2, 4)


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


# ------------------------------------------------------------------------------------------
# the median rule: differential tests against protocol.oracle_median (PROTOCOL §7.1)
# ------------------------------------------------------------------------------------------

PRICE_MAX = 2**96 - 1


@st.composite
def quote_sets(draw, max_price=PRICE_MAX):
    """Up to 15 quotes around a base price: agreeing ones, ones on or just past the deviation
    boundary, ones a little or far off; any deviation 1..10,000 bps, any quorum 1..15."""
    deviation = draw(st.sampled_from([10, 10, 10, 1, 5, 50, 1_000, 10_000]) | st.integers(1, 10_000))
    base = draw(st.sampled_from([10**8, 9_712_345_678_901, 10**20]) | st.integers(1, max_price))
    tol = base * deviation // 10_000
    offset = st.one_of(
        st.integers(-tol, tol),
        st.sampled_from([-tol - 1, -tol, tol, tol + 1, 0]),
        st.integers(-3 * tol - 3, 3 * tol + 3),
        st.integers(-base, 10 * base),
    )
    price = offset.map(lambda o: min(max(base + o, 1), max_price)) | st.integers(1, max_price)
    prices = draw(st.lists(price, max_size=15))
    min_reports = draw(st.integers(1, 15) | st.integers(1, max(1, len(prices))))
    return prices, deviation, min_reports


@settings(max_examples=400)
@given(case=quote_sets())
def test_aggregate_matches_the_reference(oracle, case):
    prices, deviation, min_reports = case
    expected = P.oracle_median(prices, deviation, min_reports)
    assert oracle.aggregate(prices, deviation, min_reports) == (expected or 0)
    if expected is not None:
        assert min(prices) <= expected <= max(prices)


def test_gas_of_aggregate(oracle):
    prices = [M + 7 * i for i in range(15)][::-1]  # descending: the insertion sort's worst case
    assert measure("PriceOracle.aggregate (view, 15 prices)", oracle, "aggregate", prices, 10, 3) == M + 49


def test_aggregate_rejects_out_of_range_inputs(oracle):
    for prices, deviation, quorum, reason in [([0, 5, 5], 10, 1, "oracle: price out of range"),
                                              ([2**96, 5, 5], 10, 1, "oracle: price out of range"),
                                              ([5, 5, 5], 0, 1, "oracle: bad deviation"),
                                              ([5, 5, 5], 10_001, 1, "oracle: bad deviation"),
                                              ([5, 5, 5], 10, 0, "oracle: bad quorum"),
                                              ([5, 5, 5], 10, 16, "oracle: bad quorum")]:
        with boa.reverts(reason):
            oracle.aggregate(prices, deviation, quorum)


@settings(max_examples=40)
@given(case=quote_sets())
def test_finalize_applies_the_same_rule(oracle_deployer, admin, accounts, case):
    """The rule as finalize applies it to real reports (not only the pure helper), with the
    outlier flags; a refused median without aggregator leaves the round missing."""
    prices, deviation, min_reports = case
    with boa.env.anchor():
        oracle = make_oracle(oracle_deployer, admin, accounts[3])
        oracle.set_parameters(120, 600, 10, deviation, min_reports, sender=admin)
        report_all(oracle, prices)
        at(T + 121)
        expected = P.oracle_median(prices, deviation, min_reports)
        if expected is None:
            with boa.reverts("oracle: too few reports and no aggregator"):
                oracle.finalize(BTC, T)
            assert oracle.price(BTC, T) == (0, MISSING)
            return
        assert oracle.finalize(BTC, T) == expected
        m = P.median_of_sorted(sorted(prices))
        flagged = [(e.reporter, e.price, e.median) for e in events(oracle, "ReportFlagged")]
        assert flagged == [(REPORTERS[i], p, m) for i, p in enumerate(prices) if P.is_outlier(p, m, deviation)]
        assert oracle.price(BTC, T) == (expected, PROVISIONAL)


def test_median_vectors_fixture_is_fresh_and_from_this_contract(oracle):
    """Tests/Fixtures/oracle-median-vectors.json (for the Swift PriceAggregator test) equals a
    fresh run of gen_median_vectors.py against this contract and agrees with the reference."""
    path = REPO / "Tests" / "Fixtures" / "oracle-median-vectors.json"
    committed = json.loads(path.read_text())
    assert path.read_text() == gen_median_vectors.render(oracle)
    assert committed["count"] == len(committed["vectors"]) >= 200
    for v in committed["vectors"]:
        expected = P.oracle_median([int(p) for p in v["prices"]], v["deviationBps"], v["minReports"])
        assert v["result"] == ("refused" if expected is None else str(expected))
        assert all(0 < int(p) < 2**63 for p in v["prices"])


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
    agg.set(answer, T - 5)
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
        (100, T - 3600, "oracle: fallback answer stale"),  # accepted before: older than the cutoff
        (100, T - 30, "oracle: fallback answer stale"),  # the core's default cutoff
        (100, T - 11, "oracle: fallback answer stale"),
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
    aggregator.set(100, T - 10)
    at(T + 121)
    assert oracle.finalize(BTC, T) == 100
    oracle.set_aggregator(ETH, aggregator.address, sender=admin)
    aggregator.set(200, T + 120)
    measure("PriceOracle.finalize (fallback aggregator)", oracle, "finalize", ETH, T)
    assert oracle.price(ETH, T) == (200, PROVISIONAL)


@settings(max_examples=150)
@given(
    updated=st.one_of(st.integers(T - 4_000, T + 700), st.integers(T - 12, T + 12), st.integers(0, 2**64)),
    staleness=st.integers(0, 4_000),
    window=st.integers(1, 599),
)
def test_fallback_answer_is_observed_near_the_mark_never_before_the_cutoff(oracle_deployer, admin, accounts, updated, staleness, window):
    """Whatever parameters the admin sets, a fallback answer is accepted iff it was updated in
    [settles_at - max_staleness, settles_at + report_window], and max_staleness never exceeds
    MAX_FALLBACK_AGE (10 s, below the core's 30 s cutoff): the settlement price cannot be known
    when the last bet of the round is placed."""
    with boa.env.anchor():
        oracle = make_oracle(oracle_deployer, admin, accounts[3])
        agg = boa.load(str(HERE / "mocks" / "MockAggregator.vy"), 8)
        oracle.set_aggregator(BTC, agg.address, sender=admin)
        if 1 <= staleness <= 10:
            oracle.set_parameters(window, 600, staleness, 10, 3, sender=admin)
        else:
            with boa.reverts("oracle: bad staleness"):
                oracle.set_parameters(window, 600, staleness, 10, 3, sender=admin)
            oracle.set_parameters(window, 600, 10, 10, 3, sender=admin)
        used_staleness = oracle.max_staleness()
        assert 1 <= used_staleness <= 10
        agg.set(M, updated)
        at(T + window + 1)
        if T - used_staleness <= updated <= T + window:
            assert oracle.finalize(BTC, T) == M
            assert oracle.round_info(BTC, T)[0] == 2
        else:
            with boa.reverts():
                oracle.finalize(BTC, T)
            assert oracle.price(BTC, T) == (0, MISSING)
        assert updated >= T - 10 or oracle.price(BTC, T)[1] == MISSING


def test_without_aggregator_a_short_round_stays_missing(oracle):
    report_all(oracle, [1, 2])
    at(T + 121)
    with boa.reverts("oracle: too few reports and no aggregator"):
        oracle.finalize(BTC, T)
    assert oracle.price(BTC, T) == (0, MISSING)


# ------------------------------------------------------------------------------------------
# disputes
# ------------------------------------------------------------------------------------------


def finalized(oracle, prices=(M, M + 100, M + 200)):
    report_all(oracle, list(prices))
    at(T + 121)
    oracle.finalize(BTC, T)


def test_dispute_freezes_and_the_resolver_resolves(oracle, admin, disputer, accounts):
    finalized(oracle)
    with boa.reverts(MISSING_ROLE):
        oracle.dispute(BTC, T, sender=accounts[5])
    measure("PriceOracle.dispute", oracle, "dispute", BTC, T, sender=disputer)
    ev = events(oracle)[0]
    assert (type(ev).__name__, ev.disputer) == ("PriceDisputed", disputer)
    assert oracle.price(BTC, T) == (M + 100, DISPUTED)
    at(T + 10_000)
    assert oracle.price(BTC, T) == (M + 100, DISPUTED)  # a dispute never times out into FINAL
    with boa.reverts("oracle: nothing to dispute"):
        oracle.dispute(BTC, T, sender=disputer)
    for who in (disputer, admin):  # neither the disputer nor the admin resolves
        with boa.reverts(MISSING_ROLE):
            oracle.resolve(BTC, T, 150, sender=who)
    with boa.reverts("oracle: price out of range"):
        oracle.resolve(BTC, T, 0, sender=RESOLVER)
    measure("PriceOracle.resolve", oracle, "resolve", BTC, T, 150, sender=RESOLVER)
    ev = events(oracle)[0]
    assert (type(ev).__name__, ev.price, ev.previous_price) == ("PriceResolved", 150, M + 100)
    assert oracle.price(BTC, T) == (150, RESOLVED)
    assert oracle.round_info(BTC, T)[0] == 3
    with boa.reverts("oracle: not disputed"):
        oracle.resolve(BTC, T, 151, sender=RESOLVER)
    with boa.reverts("oracle: nothing to dispute"):
        oracle.dispute(BTC, T, sender=disputer)


def test_dispute_window_closes(oracle, disputer, admin):
    finalized(oracle)
    at(T + 121 + 600)
    assert oracle.price(BTC, T) == (M + 100, FINAL)
    with boa.reverts("oracle: dispute window closed"):
        oracle.dispute(BTC, T, sender=disputer)
    with boa.reverts("oracle: not disputed"):
        oracle.resolve(BTC, T, 5, sender=RESOLVER)


def test_a_round_with_a_median_is_never_resolved_without_a_dispute(oracle, admin):
    """The defect: the admin could settle a round that had enough reports but was never
    finalised, once its report window closed, skipping the median and the dispute window."""
    report_all(oracle, [M, M + 100, M + 200])
    for now in (T + 121, T + 121 + 600, T + 30 * 86_400):
        at(now)
        with boa.reverts(MISSING_ROLE):
            oracle.resolve(BTC, T, 5, sender=admin)
        with boa.reverts("oracle: round has a median"):
            oracle.resolve(BTC, T, 5, sender=RESOLVER)
    assert oracle.price(BTC, T) == (0, MISSING)
    assert oracle.finalize(BTC, T) == M + 100  # anyone can still finalise it on its median


@pytest.mark.parametrize("prices", [[], [M, M + 1], [M, M + 5, 2 * M]], ids=["no reports", "two reports", "disagreeing"])
def test_a_round_without_a_median_is_resolved_after_the_dispute_window(oracle, disputer, admin, prices):
    report_all(oracle, prices)
    at(T + 60)
    with boa.reverts("oracle: nothing to dispute"):
        oracle.dispute(BTC, T, sender=disputer)
    with boa.reverts("oracle: not a settlement time"):
        oracle.resolve(BTC, T + 1, 5, sender=RESOLVER)
    # the fallback gets a full dispute window after the report window: nobody resolves before
    for now in (T + 60, T + 120, T + 121, T + 120 + 600):
        at(now)
        with boa.reverts("oracle: too early to resolve"):
            oracle.resolve(BTC, T, 5, sender=RESOLVER)
    at(T + 120 + 600 + 1)
    with boa.reverts(MISSING_ROLE):
        oracle.resolve(BTC, T, 5, sender=admin)
    measure(f"PriceOracle.resolve (round without a median, {len(prices)} reports)", oracle, "resolve", BTC, T, 5, sender=RESOLVER)
    assert oracle.price(BTC, T) == (5, RESOLVED)
    with boa.reverts("oracle: already finalized"):
        oracle.finalize(BTC, T)


# ------------------------------------------------------------------------------------------
# a round's parameters are those in force at its first report
# ------------------------------------------------------------------------------------------


def test_parameters_changed_after_the_first_report_do_not_apply_to_the_round(oracle, admin, aggregator):
    oracle.set_aggregator(BTC, aggregator.address, sender=admin)
    report_all(oracle, [M, M + 100, M + 200])
    aggregator.set(3 * M, T + 6)  # an answer the admin would like to settle on
    # quorum 15, deviation 1 bps (none of the three agree), a long window, a 1 s dispute window
    oracle.set_parameters(599, 1, 1, 1, 15, sender=admin)
    with boa.reverts("oracle: report window closed"):
        at(T + 121)
        oracle.submit(BTC, T, M, sender=REPORTERS[3])
    assert oracle.finalize(BTC, T) == M + 100  # the round's window (120 s), quorum and deviation
    assert oracle.round_info(BTC, T) == (1, T + 121 + 600, 3)  # and its 600 s dispute window
    # a round with no report yet takes the new parameters
    report_all(oracle, [M, M + 100, M + 200], t=T + 600)
    at(T + 600 + 121)
    with boa.reverts("oracle: report window open"):
        oracle.finalize(BTC, T + 600)


# ------------------------------------------------------------------------------------------
# hypothesis: the admin (the deployer by default) alone never sets a price
# ------------------------------------------------------------------------------------------

ADVERSARY_OPS = st.sampled_from([
    "resolve", "resolve_sybil", "grant_resolver", "grant_resolver_sybil", "set_resolver_admin", "revoke_resolver",
    "grant_disputer", "dispute", "grant_admin_sybil", "set_parameters", "set_aggregator", "finalize", "revoke_reporters",
])


@settings(max_examples=60)
@given(
    honest=st.lists(st.integers(-10_000, 10_000), min_size=3, max_size=7),
    ops=st.lists(st.tuples(ADVERSARY_OPS, st.integers(1, 2**96 - 1), st.sampled_from([0, 30, 121, 600]) | st.integers(0, 900),
                           st.booleans()), max_size=14),
)
def test_no_path_lets_the_admin_alone_set_a_price(oracle_deployer, accounts, honest, ops):
    """The deployer deploys with itself as admin (deploy-suite's default) and the resolver a
    separate multisig. Honest reporters make a round with a median (T) and a round without
    (T + 600, one report). Whatever the deployer then does with every power it has or can
    grant itself (and sybil accounts it controls) — resolve, grant itself or a sybil the
    resolver role, re-administer it, grant itself the disputer role and dispute, change the
    parameters, install an aggregator answering what it likes, finalise, revoke reporters —
    no round ends RESOLVED, and round T is never settled on anything but its median. (The
    reporter set itself is the admin's trust: PROTOCOL §7.)"""
    the_deployer, sybil = accounts[6], accounts[7]
    T2 = T + 600
    with boa.env.anchor():
        oracle = oracle_deployer.deploy(the_deployer, RESOLVER, sender=the_deployer)
        for r in REPORTERS[:8]:
            oracle.grantRole(REPORTER_ROLE, r, sender=the_deployer)
        prices = [M + d for d in honest]
        median = P.oracle_median(prices, 10, 3)
        if median is None:  # only rounds that have a median are the subject here
            prices = [M, M + 1, M + 2]
            median = M + 1
        report_all(oracle, prices)
        at(T2 + 5)
        oracle.submit(BTC, T2, M, sender=REPORTERS[0])
        evil = boa.load(str(HERE / "mocks" / "MockAggregator.vy"), 8)
        for op, price, wait, flag in ops:
            boa.env.time_travel(seconds=wait)
            t = T if flag else T2
            try:
                if op == "resolve":
                    oracle.resolve(BTC, t, price, sender=the_deployer)
                elif op == "resolve_sybil":
                    oracle.resolve(BTC, t, price, sender=sybil)
                elif op == "grant_resolver":
                    oracle.grantRole(RESOLVER_ROLE, the_deployer, sender=the_deployer)
                elif op == "grant_resolver_sybil":
                    oracle.grantRole(RESOLVER_ROLE, sybil, sender=sybil)
                elif op == "set_resolver_admin":
                    oracle.set_role_admin(RESOLVER_ROLE, ADMIN_ROLE, sender=the_deployer if flag else sybil)
                elif op == "revoke_resolver":
                    oracle.revokeRole(RESOLVER_ROLE, RESOLVER, sender=the_deployer)
                elif op == "grant_disputer":
                    oracle.grantRole(DISPUTER_ROLE, the_deployer if flag else sybil, sender=the_deployer)
                elif op == "dispute":
                    oracle.dispute(BTC, t, sender=the_deployer if flag else sybil)
                elif op == "grant_admin_sybil":
                    oracle.grantRole(ADMIN_ROLE, sybil, sender=the_deployer)
                elif op == "set_parameters":
                    # the most hostile settings (quorum 15, 1 bps, longest report window, 1 s dispute
                    # window) half of the time, anything valid otherwise
                    params = (599, 1, 10, 1, 15) if price % 2 else (1 + price % 599, 1 + price % 86_400, 1 + price % 10,
                                                                   1 + price % 10_000, 1 + price % 15)
                    oracle.set_parameters(*params, sender=the_deployer if flag else sybil)
                elif op == "set_aggregator":
                    # an aggregator the adversary controls, answering exactly at the mark
                    oracle.set_aggregator(BTC, evil.address, sender=the_deployer if flag else sybil)
                    evil.set(price, t)
                elif op == "finalize":
                    oracle.finalize(BTC, t, sender=the_deployer)
                else:
                    for r in REPORTERS[:8]:
                        oracle.revokeRole(REPORTER_ROLE, r, sender=the_deployer)
            except boa.BoaError:
                pass
            assert not oracle.hasRole(RESOLVER_ROLE, the_deployer) and not oracle.hasRole(RESOLVER_ROLE, sybil)
            assert oracle.getRoleAdmin(RESOLVER_ROLE) == RESOLVER_ROLE
        boa.env.time_travel(seconds=30 * 86_400)
        p1, s1 = oracle.price(BTC, T)
        assert s1 in (MISSING, FINAL, DISPUTED)
        if s1 != MISSING:
            assert p1 == median and oracle.round_info(BTC, T)[0] == 1
        assert oracle.price(BTC, T2)[1] != RESOLVED
        # and the real resolver still can act: a frozen round is resolved, a missing one finalised
        if s1 == DISPUTED:
            oracle.resolve(BTC, T, median, sender=RESOLVER)
        elif s1 == MISSING:
            assert oracle.finalize(BTC, T) == median
