import EVM
import Foundation
import Testing

@Suite("Int256")
struct Int256Tests {
    static let minusOne = Int256(-1)

    @Test("range, literals and two's complement bits")
    func rangeAndLiterals() {
        #expect(Int256.max.description == "57896044618658097711785492504343953926634992332820282019728792003956564819967")
        #expect(Int256.min.description == "-57896044618658097711785492504343953926634992332820282019728792003956564819968")
        let big: Int256 = -57896044618658097711785492504343953926634992332820282019728792003956564819968
        #expect(big == .min)
        #expect(UInt256(bitPattern: Self.minusOne) == .max)
        #expect(Int256(bitPattern: UInt256.one << 255) == .min)
        #expect(Int256.isSigned && Int256.bitWidth == 256 && MemoryLayout<Int256>.size == 32)
        #expect(Int256.min.magnitude == UInt256.one << 255)
        #expect((-5 as Int256).signum() == -1 && Int256.zero.signum() == 0)
    }

    @Test("overflow at min and max")
    func overflow() {
        #expect(Int256.max.addingReportingOverflow(1) == (.min, true))
        #expect(Int256.min.subtractingReportingOverflow(1) == (.max, true))
        #expect(Int256.min.multipliedReportingOverflow(by: -1) == (.min, true))
        #expect(Int256.min.dividedReportingOverflow(by: -1) == (.min, true))
        #expect(Int256.min.remainderReportingOverflow(dividingBy: -1) == (0, true))
        #expect(Int256(7).dividedReportingOverflow(by: 0) == (7, true))
        #expect(Int256.max &+ 1 == .min)
        #expect((-3 as Int256).multipliedFullWidth(by: 5) == (Self.minusOne, UInt256(bitPattern: Int256(-15))))
    }

    @Test("trapping operators trap on min / -1, negation of min and overflow", .tags(.traps))
    func traps() async {
        await #expect(processExitsWith: .failure) { _ = Int256.min / Int256(-1) }
        await #expect(processExitsWith: .failure) { _ = -Int256.min }
        await #expect(processExitsWith: .failure) { _ = Int256.max * Int256(2) }
    }

    @Test("EVM SDIV and SMOD: truncation, sign of the dividend, zero divisor, min / -1")
    func evmSignedDivision() {
        let cases: [(Int256, Int256, Int256, Int256)] = [
            (7, 2, 3, 1), (-7, 2, -3, -1), (7, -2, -3, 1), (-7, -2, 3, -1),
            (5, 0, 0, 0), (.min, -1, .min, 0), (.min, 1, .min, 0), (-1, .min, 0, -1),
        ]
        for (a, b, q, r) in cases {
            #expect(a.evmDivided(by: b) == q, "\(a) sdiv \(b)")
            #expect(a.evmRemainder(dividingBy: b) == r, "\(a) smod \(b)")
            if !b.isZero && !(a == .min && b == -1) {
                #expect(a / b == q && a % b == r)
            }
        }
    }

    @Test("arithmetic shift right (SAR) and SIGNEXTEND")
    func sarAndSignExtend() {
        #expect(Self.minusOne >> 300 == -1 && Int256(5) >> 300 == 0)
        #expect(Int256.min >> 255 == -1 && Int256.min >> 254 == -2)
        #expect(Int256(-8) >> 1 == -4 && Int256(-8) << 1 == -16)
        #expect(Int256.signExtend(0xff, fromByte: 0) == -1)
        #expect(Int256.signExtend(0x7f, fromByte: 0) == 127)
        #expect(Int256.signExtend(0x1_80, fromByte: 0) == -128)
        #expect(Int256.signExtend(0x80_00, fromByte: 1) == -32768)
        #expect(Int256.signExtend(.max, fromByte: 31) == -1)
        #expect(Int256.signExtend(0x80, fromByte: .max) == 128)
    }

    @Test("text: decimal with '-', signed hex, errors")
    func text() throws {
        #expect(try Int256(decimalString: "-42") == -42)
        #expect(try Int256(hexString: "-0x2a") == -42)
        #expect(try Int256(parsing: "-0x2a") == -42 && Int256(parsing: "0x2a") == 42)
        #expect(Int256(-42).hexString == "-0x2a" && Int256(-42).description == "-42")
        #expect(Int256(-42) == Int256("-42"))  // the standard library's init?(_:radix:)
        #expect(throws: IntegerParseError.overflow) {
            try Int256(decimalString: "57896044618658097711785492504343953926634992332820282019728792003956564819968")
        }
        #expect(throws: IntegerParseError.missingDigits(offset: 1)) { try Int256(decimalString: "-") }
        #expect(throws: IntegerParseError.missingDigits(offset: 3)) { try Int256(hexString: "-0x") }
        #expect(throws: IntegerParseError.invalidCharacter("+", offset: 0)) { try Int256(decimalString: "+1") }
        #expect(throws: IntegerParseError.empty) { try Int256(decimalString: "") }
    }

    @Test("bytes: 32-byte two's complement word; short input is sign-extended")
    func bytes() throws {
        #expect(Self.minusOne.bigEndianBytes == [UInt8](repeating: 0xff, count: 32))
        #expect(try Int256(bigEndianBytes: [0xff, 0x00]) == -256)
        #expect(try Int256(bigEndianBytes: [0x7f]) == 127)
        #expect(try Int256(bigEndianBytes: Int256.min.bigEndianBytes) == .min)
    }

    @Test("Codable: decimal string")
    func codable() throws {
        let data = try JSONEncoder().encode([Int256(-5)])
        #expect(String(decoding: data, as: UTF8.self) == #"["-5"]"#)
        #expect(try JSONDecoder().decode([Int256].self, from: data) == [-5])
    }

    @Test("standard conversions")
    func conversions() {
        #expect(Int256(Int.min) == Int256(Int64.min))
        #expect(Int(Int256(-3)) == -3)
        #expect(Int256(exactly: UInt256.max) == nil)
        #expect(Int256(clamping: UInt256.max) == .max)
        #expect(Int64(clamping: Int256.min) == .min)
        #expect(Int256(truncatingIfNeeded: UInt256.max) == -1)
    }

    @Test("dividingFullWidth inverts multipliedFullWidth, with the remainder's sign following the dividend")
    func fullWidthDivision() {
        var rng = SeededRandom()
        for _ in 0..<500 {
            let a = Int256(bitPattern: rng.biasedUInt256()), c = Int256(bitPattern: rng.biasedUInt256())
            guard !c.isZero else { continue }
            let product = a.multipliedFullWidth(by: c)
            let (q, r) = c.dividingFullWidth(product)
            #expect(q == a && r == 0, "\(a) * \(c); \(rng.replay)")
            let u = UInt256(bitPattern: a), v = UInt256(bitPattern: c)
            let (uq, ur) = v.dividingFullWidth(u.multipliedFullWidth(by: v))
            #expect(uq == u && ur == 0, "\(u) * \(v); \(rng.replay)")
        }
        #expect(Int256(7).dividingFullWidth((Self.minusOne, UInt256(bitPattern: Int256(-15)))) == (-2, -1))
        #expect(Int256(-7).dividingFullWidth((0, 15)) == (-2, 1))
    }

    @Test("random operands agree with Python's signed integers")
    func differentialAgainstPython() throws {
        var rng = SeededRandom()
        var cases: [[String]] = []
        var mine: [String] = []
        func add(_ op: String, _ operands: [UInt256], _ result: String) {
            cases.append([op] + operands.map(\.hexString))
            mine.append(result)
        }
        func hex(_ x: Int256) -> String { UInt256(bitPattern: x).hexString }
        func flagged(_ r: (partialValue: Int256, overflow: Bool)) -> String { "\(hex(r.partialValue)),\(render(r.overflow))" }
        let specials: [Int256] = [.min, .max, -1, 0, 1, .min + 1, .max - 1, -2]
        func operand() -> Int256 {
            rng.next() % 8 == 0 ? specials[Int(rng.next() % UInt64(specials.count))] : Int256(bitPattern: rng.biasedUInt256())
        }
        for _ in 0..<1200 {
            let a = operand(), b = operand()
            let ua = UInt256(bitPattern: a), ub = UInt256(bitPattern: b)
            add("sdiv", [ua, ub], hex(a.evmDivided(by: b)))
            add("smod", [ua, ub], hex(a.evmRemainder(dividingBy: b)))
            add("sdivo", [ua, ub], flagged(a.dividedReportingOverflow(by: b)))
            add("smodo", [ua, ub], flagged(a.remainderReportingOverflow(dividingBy: b)))
            add("saddo", [ua, ub], flagged(a.addingReportingOverflow(b)))
            add("ssubo", [ua, ub], flagged(a.subtractingReportingOverflow(b)))
            add("smulo", [ua, ub], flagged(a.multipliedReportingOverflow(by: b)))
            let full = a.multipliedFullWidth(by: b)
            add("smulfull", [ua, ub], "\(hex(full.high)),\(full.low.hexString)")
            add("slt", [ua, ub], render(a < b))
            let s = rng.shiftAmount()
            add("sar", [ua, s], hex(a >> s))
            let e = UInt256(rng.next() % 260)
            add("spow", [ua, e], flagged(a.powerReportingOverflow(e)))
            add("sdec", [ua], "\(a.description),\(a.hexString)")
            let byte = rng.next() % 2 == 0 ? UInt256(rng.next() % 34) : rng.biasedUInt256()
            add("signextend", [byte, ua], hex(Int256.signExtend(ua, fromByte: byte)))
        }
        let answers = try PythonOracle.run("uint.evm", cases)
        var failures = 0
        for (i, answer) in answers.enumerated() where renderOracle(answer) != mine[i] {
            failures += 1
            if failures <= 20 {
                Issue.record("\(cases[i]): swift \(mine[i]) python \(renderOracle(answer)); \(rng.replay)")
            }
        }
        #expect(failures == 0, "\(failures) of \(cases.count) cases differ; \(rng.replay)")
        for i in cases.indices where cases[i][0] == "sdec" {
            let x = Int256(bitPattern: u256(cases[i][1]))
            #expect(try Int256(decimalString: x.description) == x, "\(rng.replay)")
            #expect(try Int256(hexString: x.hexString) == x, "\(rng.replay)")
        }
    }
}
