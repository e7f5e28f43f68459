# SPDX-License-Identifier: AGPL-3.0-only
# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title SixNines Price Oracle
@custom:contract-name PriceOracle
@license AGPL-3.0-only
@notice Settlement prices for the :09, :19, ..., :59 rounds (unix time
        `t % 600 == 540`), USD with 8 decimals.
        - Authorised reporters submit `(asset, settlement time, price)`
          within `report_window` seconds after the settlement time.
        - `finalize` (anyone, after the window) takes the median of all
          reports, drops (and flags) every report more than
          `deviation_bps` from it and takes the median of the rest, if
          at least `min_reports` reports were made and remain; otherwise
          it falls back to the asset's Chainlink-style aggregator,
          refusing stale, zero or negative answers.
        - During `dispute_window` after finalisation a disputer can
          freeze the price; the resolver (a multisig, a role of its own
          that only a resolver can grant) resolves it. The resolver can
          also set the price of a round that has no median (too few
          agreeing reports) and that nobody finalised from the fallback
          within a dispute window; never of any other round.
        - A round's parameters (report and dispute windows, fallback
          age, deviation, quorum) are those in force at its first
          report: later changes apply to later rounds only.
        Consumers read `price(asset, t) -> (price, status)` and settle
        only on `FINAL` or `RESOLVED` (docs/PROTOCOL.md §7).
@dev Roles from snekmate's `access_control`. Each report is one
     storage word, `reporter << 96 | price`; a round's report count and
     parameters share one header word; a round's outcome is one packed
     word (`_pack`), so finalising writes a single slot.
"""


from ethereum.ercs import IERC165
implements: IERC165

from snekmate.auth.interfaces import IAccessControl
implements: IAccessControl

from snekmate.auth import access_control
initializes: access_control


exports: access_control.__interface__


interface AggregatorV3:
    def latestRoundData() -> (uint80, int256, uint256, uint256, uint80): view
    def decimals() -> uint8: view


REPORTER_ROLE: public(constant(bytes32)) = keccak256("REPORTER_ROLE")
DISPUTER_ROLE: public(constant(bytes32)) = keccak256("DISPUTER_ROLE")
# @dev Its own admin role: the admin cannot grant it (PROTOCOL §7).
RESOLVER_ROLE: public(constant(bytes32)) = keccak256("RESOLVER_ROLE")


# @dev Statuses returned by `price` (PROTOCOL §7).
STATUS_MISSING: public(constant(uint8)) = 0
STATUS_PROVISIONAL: public(constant(uint8)) = 1
STATUS_FINAL: public(constant(uint8)) = 2
STATUS_DISPUTED: public(constant(uint8)) = 3
STATUS_RESOLVED: public(constant(uint8)) = 4

# @dev Price sources (also the `source` of price leaves, PROTOCOL §4).
SOURCE_MEDIAN: public(constant(uint8)) = 1
SOURCE_FALLBACK: public(constant(uint8)) = 2
SOURCE_RESOLVED: public(constant(uint8)) = 3

PRICE_DECIMALS: public(constant(uint8)) = 8
MAX_REPORTS: public(constant(uint256)) = 15

# @dev The furthest before `settles_at` a fallback answer may have been
# updated (`max_staleness` is at most this). PredictionCore's cutoff (30 s
# by default) must be at least this long, so that no fallback price is
# known before the round's last bet (PROTOCOL §7).
MAX_FALLBACK_AGE: public(constant(uint64)) = 10

_ROUND_SECONDS: constant(uint64) = 600
_SETTLEMENT_OFFSET: constant(uint64) = 540
_PRICE_BOUND: constant(uint256) = 1 << 96
_BPS: constant(uint256) = 10_000


# @dev The oracle parameters, packed in one word by `_pack_params`:
# report_window (16 bits) | dispute_window << 16 (32 bits) |
# max_staleness << 48 (8 bits) | deviation_bps << 56 (16 bits) | min_reports << 72.
struct Params:
    report_window: uint64
    dispute_window: uint64
    max_staleness: uint64
    deviation_bps: uint256
    min_reports: uint256


# @dev A round's outcome, packed in one word by `_pack`:
# price (96 bits) | final_after << 96 (64 bits) | status << 160 | source << 168.
struct Round:
    price: uint256
    final_after: uint64
    status: uint8
    source: uint8


event ReportSubmitted:
    asset: indexed(bytes32)
    settles_at: indexed(uint64)
    reporter: indexed(address)
    price: uint256

event ReportFlagged:
    asset: indexed(bytes32)
    settles_at: indexed(uint64)
    reporter: indexed(address)
    price: uint256
    median: uint256

event PriceFinalized:
    asset: indexed(bytes32)
    settles_at: indexed(uint64)
    price: uint256
    source: uint8
    report_count: uint256
    final_after: uint64

event PriceDisputed:
    asset: indexed(bytes32)
    settles_at: indexed(uint64)
    disputer: indexed(address)

event PriceResolved:
    asset: indexed(bytes32)
    settles_at: indexed(uint64)
    price: uint256
    previous_price: uint256

event AggregatorSet:
    asset: indexed(bytes32)
    aggregator: address

event ParametersSet:
    report_window: uint64
    dispute_window: uint64
    max_staleness: uint64
    deviation_bps: uint256
    min_reports: uint256


aggregator: public(HashMap[bytes32, address])

# @dev The current parameters (`_pack_params`).
_params: uint256

# @dev Per round: report count | the parameters in force at its first report << 8.
_headers: HashMap[bytes32, HashMap[uint64, uint256]]
_reports: HashMap[bytes32, HashMap[uint64, uint256[MAX_REPORTS]]]
_rounds: HashMap[bytes32, HashMap[uint64, uint256]]


@deploy
@payable
def __init__(admin: address, resolver: address):
    """
    @dev Grants `DEFAULT_ADMIN_ROLE` to `admin` (the multisig) and
         `RESOLVER_ROLE` to `resolver` (a multisig; the deployer holds no
         role unless named), makes `RESOLVER_ROLE` its own admin role,
         and sets the default parameters: 120 s report window, 600 s
         dispute window, fallback answers from at most 10 s before the
         mark, 0.1 % deviation, 3 reports.
    @param admin The 20-byte address of the administrator.
    @param resolver The 20-byte address of the first resolver.
    """
    assert admin != empty(address), "oracle: zero admin"
    assert resolver != empty(address), "oracle: zero resolver"
    access_control.__init__()
    access_control._grant_role(access_control.DEFAULT_ADMIN_ROLE, admin)
    access_control._set_role_admin(RESOLVER_ROLE, RESOLVER_ROLE)
    access_control._grant_role(RESOLVER_ROLE, resolver)
    if admin != msg.sender:
        access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    self._set_parameters(120, 600, MAX_FALLBACK_AGE, 10, 3)


@external
def submit(asset: bytes32, settles_at: uint64, price: uint256):
    """
    @dev Records a reporter's price for round `(asset, settles_at)`.
    @param asset The 32-byte asset id (PROTOCOL §2.2).
    @param settles_at The settlement time (`settles_at % 600 == 540`).
    @param price The price, USD with 8 decimals, `0 < price < 2**96`.
    """
    access_control._check_role(REPORTER_ROLE, msg.sender)
    assert settles_at % _ROUND_SECONDS == _SETTLEMENT_OFFSET, "oracle: not a settlement time"
    assert block.timestamp >= convert(settles_at, uint256), "oracle: round not settled yet"
    header: uint256 = self._headers[asset][settles_at]
    count: uint256 = header & 255
    packed: uint256 = header >> 8
    if count == 0:
        packed = self._params  # the first report fixes the round's parameters
    window: uint256 = packed & 65_535
    assert block.timestamp <= convert(settles_at, uint256) + window, "oracle: report window closed"
    assert price != 0 and price < _PRICE_BOUND, "oracle: price out of range"
    sender: uint256 = convert(msg.sender, uint256)
    for i: uint256 in range(count, bound=MAX_REPORTS):
        assert self._reports[asset][settles_at][i] >> 96 != sender, "oracle: already reported"
    assert count < MAX_REPORTS, "oracle: too many reports"
    self._reports[asset][settles_at][count] = (sender << 96) | price
    self._headers[asset][settles_at] = (count + 1) | (packed << 8)
    log ReportSubmitted(asset=asset, settles_at=settles_at, reporter=msg.sender, price=price)


@external
def finalize(asset: bytes32, settles_at: uint64) -> uint256:
    """
    @dev Finalises round `(asset, settles_at)` once its report window
         has closed: the median rule over its reports (PROTOCOL §7.1;
         dropped reports are flagged), or, when the rule refuses (fewer
         than `min_reports` reports, or fewer than `min_reports` within
         `deviation_bps` of the median of all), the fallback aggregator.
    @param asset The 32-byte asset id.
    @param settles_at The settlement time.
    @return uint256 The finalised price.
    """
    header: uint256 = self._headers[asset][settles_at]
    params: Params = self._round_params(header)
    assert block.timestamp > convert(settles_at + params.report_window, uint256), "oracle: report window open"
    assert self._rounds[asset][settles_at] == 0, "oracle: already finalized"
    reports: DynArray[uint256, MAX_REPORTS] = self._load_reports(asset, settles_at, header)
    price: uint256 = 0
    source: uint8 = SOURCE_MEDIAN
    deviation: uint256 = params.deviation_bps
    median: uint256 = 0
    price, median = self._aggregate(self._sorted_prices(reports), deviation, params.min_reports)
    if median != 0:
        # flag the reports the rule dropped (PROTOCOL §7.1), whether or not a price came out
        tolerance: uint256 = median * deviation
        for r: uint256 in reports:
            p: uint256 = r & (_PRICE_BOUND - 1)
            diff: uint256 = p - median if p > median else median - p
            if diff * _BPS > tolerance:
                log ReportFlagged(asset=asset, settles_at=settles_at, reporter=convert(r >> 96, address), price=p, median=median)
    if price == 0:
        price = self._fallback(asset, settles_at, params)
        source = SOURCE_FALLBACK
    final_after: uint64 = convert(block.timestamp, uint64) + params.dispute_window
    self._rounds[asset][settles_at] = self._pack(Round(price=price, final_after=final_after, status=STATUS_PROVISIONAL, source=source))
    log PriceFinalized(asset=asset, settles_at=settles_at, price=price, source=source, report_count=len(reports), final_after=final_after)
    return price


@external
def dispute(asset: bytes32, settles_at: uint64):
    """
    @dev Freezes a finalised price during its dispute window.
    @param asset The 32-byte asset id.
    @param settles_at The settlement time.
    """
    access_control._check_role(DISPUTER_ROLE, msg.sender)
    r: Round = self._unpack(self._rounds[asset][settles_at])
    assert r.status == STATUS_PROVISIONAL, "oracle: nothing to dispute"
    assert block.timestamp < convert(r.final_after, uint256), "oracle: dispute window closed"
    r.status = STATUS_DISPUTED
    self._rounds[asset][settles_at] = self._pack(r)
    log PriceDisputed(asset=asset, settles_at=settles_at, disputer=msg.sender)


@external
def resolve(asset: bytes32, settles_at: uint64, price: uint256):
    """
    @dev Sets the price of a disputed round, or of a round that has no
         median (fewer than `min_reports` reports, or fewer than
         `min_reports` agreeing) and that nobody finalised from the
         fallback by the end of a dispute window after its report
         window. Never of a round with a median that was not disputed.
         Resolver role only (not the admin's to grant).
    @param asset The 32-byte asset id.
    @param settles_at The settlement time.
    @param price The price, USD with 8 decimals.
    """
    access_control._check_role(RESOLVER_ROLE, msg.sender)
    assert settles_at % _ROUND_SECONDS == _SETTLEMENT_OFFSET, "oracle: not a settlement time"
    assert price != 0 and price < _PRICE_BOUND, "oracle: price out of range"
    r: Round = self._unpack(self._rounds[asset][settles_at])
    if r.status == STATUS_MISSING:
        header: uint256 = self._headers[asset][settles_at]
        params: Params = self._round_params(header)
        median_price: uint256 = 0
        median: uint256 = 0
        median_price, median = self._aggregate(self._sorted_prices(self._load_reports(asset, settles_at, header)), params.deviation_bps, params.min_reports)
        assert median_price == 0, "oracle: round has a median"
        assert block.timestamp > convert(settles_at + params.report_window + params.dispute_window, uint256), "oracle: too early to resolve"
    else:
        assert r.status == STATUS_DISPUTED, "oracle: not disputed"
    previous: uint256 = r.price
    self._rounds[asset][settles_at] = self._pack(Round(price=price, final_after=r.final_after, status=STATUS_RESOLVED, source=SOURCE_RESOLVED))
    log PriceResolved(asset=asset, settles_at=settles_at, price=price, previous_price=previous)


@external
@pure
def aggregate(prices: DynArray[uint256, MAX_REPORTS], deviation_bps_: uint256, min_reports_: uint256) -> uint256:
    """
    @dev The median rule `finalize` applies to a round's reports
         (PROTOCOL §7.1), for clients and differential tests: `m` = median
         of all prices; prices with `|p - m| * 10,000 > m * deviation_bps_`
         are dropped; the price is the median of the rest if at least
         `min_reports_` prices were given and at least `min_reports_`
         remain, else 0 (refused).
    @param prices Up to 15 prices, each `0 < price < 2**96`, any order.
    @param deviation_bps_ The deviation in basis points (1 to 10,000).
    @param min_reports_ The quorum (1 to 15).
    @return uint256 The price, or 0 when the rule refuses.
    """
    assert deviation_bps_ != 0 and deviation_bps_ <= _BPS, "oracle: bad deviation"
    assert min_reports_ >= 1 and min_reports_ <= MAX_REPORTS, "oracle: bad quorum"
    for p: uint256 in prices:
        assert p != 0 and p < _PRICE_BOUND, "oracle: price out of range"
    price: uint256 = 0
    median: uint256 = 0
    price, median = self._aggregate(self._sorted_prices(prices), deviation_bps_, min_reports_)
    return price


@external
@view
def price(asset: bytes32, settles_at: uint64) -> (uint256, uint8):
    """
    @dev Returns the price of round `(asset, settles_at)` and its status:
         0 missing, 1 provisional (dispute window open), 2 final,
         3 disputed, 4 resolved. Settle only on 2 or 4.
    @param asset The 32-byte asset id.
    @param settles_at The settlement time.
    @return uint256 The price (8 decimals; 0 when missing).
    @return uint8 The status.
    """
    r: Round = self._unpack(self._rounds[asset][settles_at])
    if r.status == STATUS_PROVISIONAL and block.timestamp >= convert(r.final_after, uint256):
        r.status = STATUS_FINAL
    return r.price, r.status


@external
@view
def round_info(asset: bytes32, settles_at: uint64) -> (uint8, uint64, uint256):
    """
    @dev Returns the price source, the end of the dispute window and the
         number of reports of a round.
    """
    r: Round = self._unpack(self._rounds[asset][settles_at])
    return r.source, r.final_after, self._headers[asset][settles_at] & 255


@external
@view
def reports(asset: bytes32, settles_at: uint64) -> DynArray[uint256, MAX_REPORTS]:
    """
    @dev Returns the raw reports of a round, each `reporter << 96 | price`.
    """
    return self._load_reports(asset, settles_at, self._headers[asset][settles_at])


@external
@view
def report_window() -> uint64:
    """
    @dev Seconds after the settlement time during which reports are accepted.
    """
    return self._unpack_params(self._params).report_window


@external
@view
def dispute_window() -> uint64:
    """
    @dev Seconds after finalisation during which a price can be disputed.
    """
    return self._unpack_params(self._params).dispute_window


@external
@view
def max_staleness() -> uint64:
    """
    @dev How long before the settlement time a fallback answer may have
         been updated (at most `MAX_FALLBACK_AGE`).
    """
    return self._unpack_params(self._params).max_staleness


@external
@view
def deviation_bps() -> uint256:
    """
    @dev The median rule's deviation, in basis points.
    """
    return self._unpack_params(self._params).deviation_bps


@external
@view
def min_reports() -> uint256:
    """
    @dev The median rule's quorum.
    """
    return self._unpack_params(self._params).min_reports


@external
def set_aggregator(asset: bytes32, aggregator_: address):
    """
    @dev Sets the fallback aggregator of `asset` (zero address: none). Admin only.
    """
    access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    self.aggregator[asset] = aggregator_
    log AggregatorSet(asset=asset, aggregator=aggregator_)


@external
def set_parameters(report_window_: uint64, dispute_window_: uint64, max_staleness_: uint64, deviation_bps_: uint256, min_reports_: uint256):
    """
    @dev Sets the oracle parameters. Admin only.
    """
    access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    self._set_parameters(report_window_, dispute_window_, max_staleness_, deviation_bps_, min_reports_)


@internal
def _set_parameters(report_window_: uint64, dispute_window_: uint64, max_staleness_: uint64, deviation_bps_: uint256, min_reports_: uint256):
    assert report_window_ != 0 and report_window_ < _ROUND_SECONDS, "oracle: bad report window"
    assert dispute_window_ != 0 and dispute_window_ <= 86_400, "oracle: bad dispute window"
    assert max_staleness_ != 0 and max_staleness_ <= MAX_FALLBACK_AGE, "oracle: bad staleness"
    assert deviation_bps_ != 0 and deviation_bps_ <= _BPS, "oracle: bad deviation"
    assert min_reports_ >= 1 and min_reports_ <= MAX_REPORTS, "oracle: bad quorum"
    self._params = self._pack_params(Params(report_window=report_window_, dispute_window=dispute_window_, max_staleness=max_staleness_, deviation_bps=deviation_bps_, min_reports=min_reports_))
    log ParametersSet(report_window=report_window_, dispute_window=dispute_window_, max_staleness=max_staleness_, deviation_bps=deviation_bps_, min_reports=min_reports_)


@internal
@pure
def _pack_params(p: Params) -> uint256:
    return convert(p.report_window, uint256) | (convert(p.dispute_window, uint256) << 16) | (convert(p.max_staleness, uint256) << 48) | (p.deviation_bps << 56) | (p.min_reports << 72)


@internal
@pure
def _unpack_params(packed: uint256) -> Params:
    return Params(
        report_window=convert(packed & 65_535, uint64),
        dispute_window=convert((packed >> 16) & 4_294_967_295, uint64),
        max_staleness=convert((packed >> 48) & 255, uint64),
        deviation_bps=(packed >> 56) & 65_535,
        min_reports=(packed >> 72) & 255,
    )


@internal
@view
def _round_params(header: uint256) -> Params:
    """
    @dev The parameters of a round: fixed at its first report, else the current ones.
    """
    if header & 255 == 0:
        return self._unpack_params(self._params)
    return self._unpack_params(header >> 8)


@internal
@view
def _load_reports(asset: bytes32, settles_at: uint64, header: uint256) -> DynArray[uint256, MAX_REPORTS]:
    reports: DynArray[uint256, MAX_REPORTS] = []
    for i: uint256 in range(header & 255, bound=MAX_REPORTS):
        reports.append(self._reports[asset][settles_at][i])
    return reports


@internal
@pure
def _pack(r: Round) -> uint256:
    return r.price | (convert(r.final_after, uint256) << 96) | (convert(r.status, uint256) << 160) | (convert(r.source, uint256) << 168)


@internal
@pure
def _unpack(packed: uint256) -> Round:
    return Round(
        price=packed & (_PRICE_BOUND - 1),
        final_after=convert((packed >> 96) & convert(max_value(uint64), uint256), uint64),
        status=convert((packed >> 160) & 255, uint8),
        source=convert((packed >> 168) & 255, uint8),
    )


@internal
@pure
def _sorted_prices(reports: DynArray[uint256, MAX_REPORTS]) -> DynArray[uint256, MAX_REPORTS]:
    """
    @dev The prices of `reports` (low 96 bits of each word), ascending.
    """
    prices: DynArray[uint256, MAX_REPORTS] = []
    for r: uint256 in reports:
        # insertion sort (at most 15 elements)
        p: uint256 = r & (_PRICE_BOUND - 1)
        prices.append(p)
        j: uint256 = len(prices) - 1
        for _: uint256 in range(MAX_REPORTS):
            if j == 0 or prices[j - 1] <= p:
                break
            prices[j] = prices[j - 1]
            j -= 1
        prices[j] = p
    return prices


@internal
@pure
def _median_of(s: DynArray[uint256, MAX_REPORTS], first: uint256, n: uint256) -> uint256:
    """
    @dev Median of the `n >= 1` sorted prices `s[first:first + n]`: the
         middle one, or the floor of the mean of the two middle ones.
    """
    mid: uint256 = first + n // 2
    if n % 2 == 1:
        return s[mid]
    return (s[mid - 1] + s[mid]) // 2


@internal
@pure
def _aggregate(s: DynArray[uint256, MAX_REPORTS], deviation: uint256, quorum: uint256) -> (uint256, uint256):
    """
    @dev The median rule (PROTOCOL §7.1) over the ascending prices `s`.
         Returns `(price, m)`: `m` the median of all prices (0 when there
         are fewer than `quorum`), `price` the median of the prices within
         `deviation` basis points of `m`, 0 when fewer than `quorum` remain.
         The kept prices form one run `s[first:end]` of the sorted list.
    """
    n: uint256 = len(s)
    if n < quorum:
        return 0, 0
    m: uint256 = self._median_of(s, 0, n)
    tolerance: uint256 = m * deviation
    first: uint256 = n
    end: uint256 = 0
    for i: uint256 in range(n, bound=MAX_REPORTS):
        p: uint256 = s[i]
        diff: uint256 = p - m if p > m else m - p
        if diff * _BPS <= tolerance:
            if first == n:
                first = i
            end = i + 1
    if first == n or end - first < quorum:
        return 0, m
    return self._median_of(s, first, end - first), m


@internal
@view
def _fallback(asset: bytes32, settles_at: uint64, params: Params) -> uint256:
    feed: address = self.aggregator[asset]
    assert feed != empty(address), "oracle: too few reports and no aggregator"
    round_id: uint80 = 0
    answer: int256 = 0
    started_at: uint256 = 0
    updated_at: uint256 = 0
    answered_in: uint80 = 0
    round_id, answer, started_at, updated_at, answered_in = staticcall AggregatorV3(feed).latestRoundData()
    assert answer > 0, "oracle: fallback answer not positive"
    # observed in [settles_at - max_staleness, settles_at + report_window]: never before the cutoff
    assert updated_at + convert(params.max_staleness, uint256) >= convert(settles_at, uint256), "oracle: fallback answer stale"
    assert updated_at <= convert(settles_at + params.report_window, uint256), "oracle: fallback answer after the round"
    decimals: uint256 = convert(staticcall AggregatorV3(feed).decimals(), uint256)
    price: uint256 = convert(answer, uint256)
    if decimals > 8:
        price = price // (10 ** (decimals - 8))
    elif decimals < 8:
        price = price * (10 ** (8 - decimals))
    assert price != 0 and price < _PRICE_BOUND, "oracle: fallback answer out of range"
    return price
