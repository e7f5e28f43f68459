import EVM
import Receipts

/// SplitMix64: a small, fast, seedable generator. Deterministic across platforms; **not** a CSPRNG
/// (simulations and tests only; production salts come from `SystemRandomNumberGenerator`).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The current state.
    public var state: UInt64

    /// A generator starting at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value uniform in `0..<bound` (`bound > 0`), by Lemire's multiply-shift with rejection:
    /// the same on every platform, unlike the standard library's `random(in:using:)` contract.
    @inlinable
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// `true` with probability `ppm` / 1 000 000.
    @inlinable
    public mutating func chance(ppm: UInt64) -> Bool { below(1_000_000) < ppm }
}

/// A deterministic simulated market: one integer random walk per asset (one step per second) and
/// several sources quoting it, some of them now and then off (outliers), late (stale) or silent.
public struct SimulatedFeed: Sendable {
    /// One simulated asset.
    public struct Asset: Sendable, Equatable {
        /// The asset.
        public let id: AssetID
        /// Starting price, 8 decimals.
        public let startPrice: UInt64
        /// Price increment (tick), 8 decimals: every price is a multiple of it.
        public let tick: UInt64
        /// Largest move per second, in ticks.
        public let maxStepTicks: UInt64

        /// A simulated asset.
        public init(id: AssetID, startPrice: UInt64, tick: UInt64, maxStepTicks: UInt64) {
            self.id = id
            self.startPrice = startPrice - startPrice % tick
            self.tick = tick
            self.maxStepTicks = maxStepTicks
        }

        /// Realistic defaults for BTC-USD, ETH-USD, SPY, SOL-USD; other symbols start at 100.00.
        public static func standard(_ symbol: String) throws(ReceiptError) -> Asset {
            let id = try AssetID(symbol: symbol)
            switch symbol {
            case "BTC-USD": return Asset(id: id, startPrice: 9_712_345_000_000, tick: 1_000_000, maxStepTicks: 2_000)
            case "ETH-USD": return Asset(id: id, startPrice: 362_150_000_000, tick: 1_000_000, maxStepTicks: 100)
            case "SPY": return Asset(id: id, startPrice: 60_112_000_000, tick: 1_000_000, maxStepTicks: 2)
            case "SOL-USD": return Asset(id: id, startPrice: 24_312_000_000, tick: 100_000, maxStepTicks: 30)
            default: return Asset(id: id, startPrice: 10_000_000_000, tick: 1_000_000, maxStepTicks: 3)
            }
        }
    }

    /// The assets.
    public let assets: [Asset]
    /// Number of sources quoting each asset (`sim-0` …).
    public let sourceCount: Int
    /// Probability (parts per million) that a source's quote is 0.5 % off.
    public let outlierPPM: UInt64
    /// Probability (ppm) that a source's newest quote is 60 s old.
    public let stalePPM: UInt64
    /// Probability (ppm) that a source is silent.
    public let silentPPM: UInt64
    /// The simulated time.
    public private(set) var now: UInt64
    private var prices: [UInt64]
    private var random: SplitMix64
    private let sources: [SourceID]

    /// A feed starting at time `start`.
    public init(assets: [Asset], seed: UInt64, start: UInt64, sourceCount: Int = 5,
                outlierPPM: UInt64 = 20_000, stalePPM: UInt64 = 20_000, silentPPM: UInt64 = 10_000) {
        self.assets = assets
        self.sourceCount = sourceCount
        self.outlierPPM = outlierPPM
        self.stalePPM = stalePPM
        self.silentPPM = silentPPM
        self.now = start
        self.prices = assets.map(\.startPrice)
        self.random = SplitMix64(seed: seed ^ 0x5EED_F00D_0000_0001)
        self.sources = (0..<sourceCount).map { SourceID("sim-\($0)") }
    }

    /// The true (unquoted) price of asset `index` now.
    public func truePrice(_ index: Int) -> UInt64 { prices[index] }

    /// Advances the walk second by second up to `t` (no-op for `t ≤ now`).
    public mutating func advance(to t: UInt64) {
        while now < t {
            now += 1
            for i in assets.indices {
                let a = assets[i]
                let span = 2 * a.maxStepTicks + 1
                let step = random.below(span)
                let up = step > a.maxStepTicks
                let ticks = up ? step - a.maxStepTicks : a.maxStepTicks - step
                let move = ticks * a.tick
                if up {
                    prices[i] += move
                } else if prices[i] > move + a.tick {
                    prices[i] -= move
                }
            }
        }
    }

    /// The sources' quotes of asset `index` at the current time: most quote the true price (some one tick
    /// off), a few are 0.5 % off, stale (60 s old) or absent.
    public mutating func quotes(_ index: Int) -> [Quote] {
        let a = assets[index]
        var out: [Quote] = []
        out.reserveCapacity(sourceCount)
        for source in sources {
            let roll = random.below(1_000_000)
            if roll < silentPPM { continue }
            var price = prices[index]
            var observed = now
            if roll < silentPPM + outlierPPM {
                price = price / 1000 * 1005
            } else if roll < silentPPM + outlierPPM + stalePPM {
                observed = now >= 60 ? now - 60 : 0
            } else {
                switch random.below(8) {
                case 0: price += a.tick
                case 1: price = price > a.tick ? price - a.tick : price
                default: break
                }
            }
            out.append(Quote(source: source, asset: a.id, price: price, observedAt: observed))
        }
        return out
    }
}
