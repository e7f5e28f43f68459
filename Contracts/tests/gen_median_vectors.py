"""
Generates Tests/Fixtures/oracle-median-vectors.json: random quote sets and the price the deployed
PriceOracle computes for each with its median rule (PROTOCOL §7.1), so that the Swift
PriceAggregator can be checked against the contract on the same inputs.

    .venv/bin/python Contracts/tests/gen_median_vectors.py            # rewrite the file
    .venv/bin/python Contracts/tests/gen_median_vectors.py --check    # exit 1 if it is stale

Each result is the contract's (`PriceOracle.aggregate`, run in titanoboa), and the generator
asserts that it equals the Python reference `protocol.oracle_median`; test_price_oracle.py checks
the committed file against a fresh run.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import protocol as P  # noqa: E402

OUT = HERE.parents[1] / "Tests" / "Fixtures" / "oracle-median-vectors.json"
SEED = 20_261_125
COUNT = 256
MAX_REPORTS = 15
MAX_PRICE = 2**63 - 1  # every price fits a Swift UInt64 (and the oracle's 2**96 bound)
DEVIATIONS = [10, 10, 10, 10, 1, 2, 5, 25, 50, 100, 1_000, 10_000]


def _clamp(p: int) -> int:
    return max(1, min(MAX_PRICE, p))


def random_case(rng: random.Random) -> tuple[list[int], int, int]:
    """A quote set (0 to 15 prices), a deviation in basis points and a quorum: mostly realistic
    (quotes a few basis points apart, some outliers, some exactly on the deviation boundary),
    with quorums around and above the number of quotes."""
    n = rng.choice([0, 1, 2] + [3, 4, 5, 6, 7] * 4 + list(range(8, MAX_REPORTS + 1)))
    if rng.random() < 0.75:
        min_reports = min(rng.choice([1, 2, 3, 3, 3, 3, 4, 5]), max(n, 1))
    else:
        min_reports = rng.randint(1, MAX_REPORTS)
    deviation_bps = rng.choice(DEVIATIONS + [rng.randint(1, 10_000)])
    base = rng.choice([rng.randint(1, 10_000), rng.randint(10**6, 10**9), rng.randint(10**11, 10**13),
                       rng.randint(10**13, 10**16), rng.randint(10**17, MAX_PRICE // 2)])
    tolerance = base * deviation_bps // P.BPS
    prices: list[int] = []
    for _ in range(n):
        kind = rng.random()
        if prices and kind < 0.05:
            p = rng.choice(prices)  # the same quote from two sources
        elif kind < 0.7:
            p = base + rng.randint(-(tolerance // 2), tolerance // 2)  # agreeing
        elif kind < 0.82:
            p = base + rng.choice([-1, 1]) * (tolerance + rng.choice([-1, 0, 0, 1]))  # on the boundary
        elif kind < 0.95:
            p = base + rng.randint(-3 * tolerance - 3, 3 * tolerance + 3)  # a little off
        else:
            p = rng.choice([base * rng.randint(2, 10), base // rng.randint(2, 10), rng.randint(1, MAX_PRICE)])  # wild
        prices.append(_clamp(p))
    if prices and max(prices) <= MAX_PRICE // P.BPS and rng.random() < 0.3:
        prices = [p * P.BPS for p in prices]  # medians of whole multiples: exact boundaries exist
    if len(prices) >= 2 and rng.random() < 0.5:
        # put one quote exactly deviation_bps away from the median of all (kept: not an outlier),
        # or one unit further (dropped), when the median leaves no remainder
        m = P.median_of_sorted(sorted(prices))
        if m * deviation_bps % P.BPS == 0:
            k = rng.randrange(len(prices))
            candidate = list(prices)
            candidate[k] = _clamp(m + rng.choice([-1, 1]) * (m * deviation_bps // P.BPS + rng.choice([0, 0, 1])))
            if P.median_of_sorted(sorted(candidate)) == m:
                prices = candidate
    return prices, deviation_bps, min_reports


def fixed_cases() -> list[tuple[list[int], int, int]]:
    m = 10_000_000_000
    return [
        ([], 10, 1),
        ([m], 10, 1),
        ([m], 10, 2),
        ([m, m + 1], 10, 2),
        ([1, 100], 10, 1),  # even count, both middle values outliers: nothing kept
        ([m, m + m // 1000, m - m // 1000], 10, 3),  # exactly 0.1 % away: kept
        ([m, m + m // 1000 + 1, m - m // 1000 - 1], 10, 3),  # just beyond: dropped
        ([m, m + m // 1000 + 1, m - m // 1000 - 1], 10, 1),
        ([m - 3, m, m + 2, m + 5, 2 * m], 10, 3),  # the wild quote moves the median of all
        ([m - 3, m, m + 2, m + 5, 2 * m, 2 * m + 1], 10, 3),
        ([9_712_345_678_901, 9_712_000_000_000, 9_713_000_000_000, 9_700_000_000_000], 10, 3),
        ([7] * MAX_REPORTS, 1, MAX_REPORTS),
        ([MAX_PRICE, MAX_PRICE - 1, MAX_PRICE], 10, 3),  # no overflow at the top of the range
        ([m + i for i in range(MAX_REPORTS)], 1, 3),
        ([m + i for i in range(MAX_REPORTS)], 10_000, MAX_REPORTS),
    ]


def cases() -> list[dict]:
    out = [{"seed": None, "prices": p, "deviationBps": d, "minReports": q} for p, d, q in fixed_cases()]
    i = 0
    while len(out) < COUNT:
        case_seed = SEED * 1_000 + i
        p, d, q = random_case(random.Random(case_seed))
        out.append({"seed": case_seed, "prices": p, "deviationBps": d, "minReports": q})
        i += 1
    return out


def deploy_oracle():
    import boa

    admin, resolver = boa.env.generate_address("median-vectors-admin"), boa.env.generate_address("median-vectors-resolver")
    return boa.load(str(HERE.parent / "PriceOracle.vy"), admin, resolver)


def build(oracle=None) -> dict:
    oracle = oracle or deploy_oracle()
    vectors = []
    for c in cases():
        got = oracle.aggregate(c["prices"], c["deviationBps"], c["minReports"])
        expected = P.oracle_median(c["prices"], c["deviationBps"], c["minReports"])
        assert got == (expected or 0), (c, got, expected)
        vectors.append({
            "seed": c["seed"],
            "deviationBps": c["deviationBps"],
            "minReports": c["minReports"],
            "prices": [str(p) for p in c["prices"]],
            "result": "refused" if got == 0 else str(got),
        })
    return {
        "_about": "PriceOracle median vectors (docs/PROTOCOL.md, section 7.1). Generated by Contracts/tests/gen_median_vectors.py "
        "from the contract (PriceOracle.aggregate in titanoboa), checked against protocol.oracle_median. "
        "Prices and results are decimal strings (8-decimal USD, all below 2**63); result \"refused\" = no price "
        "(fewer than minReports quotes, or fewer than minReports within deviationBps of the median of all). "
        "seed: the Python random.Random seed the quote set was drawn with (null for the hand-written edge cases).",
        "rule": "m = median of all prices (odd: middle; even: floor((a+b)/2)); drop p with |p-m|*10000 > m*deviationBps; "
        "fewer than minReports prices before or after dropping -> refused; else the median of the kept prices (same rule)",
        "seed": SEED,
        "count": len(vectors),
        "vectors": vectors,
    }


def render(oracle=None) -> str:
    return json.dumps(build(oracle), indent=1) + "\n"


if __name__ == "__main__":
    P.write_or_check_fixture(OUT, render(), sys.argv)
