// Keccak-f[1600] permutation, lanes in registers. Generated layout: lane (x, y) is a[x + 5y].
// The round body is written out once per step (theta, rho+pi, chi, iota) so the optimiser
// keeps the 25 lanes in locals; the 24 rounds loop over the round constant table.

@usableFromInline
let keccakRoundConstants: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808A,
    0x8000000080008000,
    0x000000000000808B,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008A,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000A,
    0x000000008000808B,
    0x800000000000008B,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800A,
    0x800000008000000A,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008
)

/// Applies Keccak-f[1600] to the 25 little-endian lanes at `s`.
@inlinable
func keccakF1600(_ s: UnsafeMutablePointer<UInt64>) {
    var a00 = s[0]
    var a01 = s[1]
    var a02 = s[2]
    var a03 = s[3]
    var a04 = s[4]
    var a05 = s[5]
    var a06 = s[6]
    var a07 = s[7]
    var a08 = s[8]
    var a09 = s[9]
    var a10 = s[10]
    var a11 = s[11]
    var a12 = s[12]
    var a13 = s[13]
    var a14 = s[14]
    var a15 = s[15]
    var a16 = s[16]
    var a17 = s[17]
    var a18 = s[18]
    var a19 = s[19]
    var a20 = s[20]
    var a21 = s[21]
    var a22 = s[22]
    var a23 = s[23]
    var a24 = s[24]
    withUnsafeBytes(of: keccakRoundConstants) { rcBytes in
        let rc = rcBytes.bindMemory(to: UInt64.self)
        for round in 0..<24 {
            let c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
            let c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
            let c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
            let c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
            let c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ (c1 &<< 1 | c1 &>> 63)
            let d1 = c0 ^ (c2 &<< 1 | c2 &>> 63)
            let d2 = c1 ^ (c3 &<< 1 | c3 &>> 63)
            let d3 = c2 ^ (c4 &<< 1 | c4 &>> 63)
            let d4 = c3 ^ (c0 &<< 1 | c0 &>> 63)
            let b00 = a00 ^ d0
            let b16 = ((a05 ^ d0) &<< 36 | (a05 ^ d0) &>> 28)
            let b07 = ((a10 ^ d0) &<< 3 | (a10 ^ d0) &>> 61)
            let b23 = ((a15 ^ d0) &<< 41 | (a15 ^ d0) &>> 23)
            let b14 = ((a20 ^ d0) &<< 18 | (a20 ^ d0) &>> 46)
            let b10 = ((a01 ^ d1) &<< 1 | (a01 ^ d1) &>> 63)
            let b01 = ((a06 ^ d1) &<< 44 | (a06 ^ d1) &>> 20)
            let b17 = ((a11 ^ d1) &<< 10 | (a11 ^ d1) &>> 54)
            let b08 = ((a16 ^ d1) &<< 45 | (a16 ^ d1) &>> 19)
            let b24 = ((a21 ^ d1) &<< 2 | (a21 ^ d1) &>> 62)
            let b20 = ((a02 ^ d2) &<< 62 | (a02 ^ d2) &>> 2)
            let b11 = ((a07 ^ d2) &<< 6 | (a07 ^ d2) &>> 58)
            let b02 = ((a12 ^ d2) &<< 43 | (a12 ^ d2) &>> 21)
            let b18 = ((a17 ^ d2) &<< 15 | (a17 ^ d2) &>> 49)
            let b09 = ((a22 ^ d2) &<< 61 | (a22 ^ d2) &>> 3)
            let b05 = ((a03 ^ d3) &<< 28 | (a03 ^ d3) &>> 36)
            let b21 = ((a08 ^ d3) &<< 55 | (a08 ^ d3) &>> 9)
            let b12 = ((a13 ^ d3) &<< 25 | (a13 ^ d3) &>> 39)
            let b03 = ((a18 ^ d3) &<< 21 | (a18 ^ d3) &>> 43)
            let b19 = ((a23 ^ d3) &<< 56 | (a23 ^ d3) &>> 8)
            let b15 = ((a04 ^ d4) &<< 27 | (a04 ^ d4) &>> 37)
            let b06 = ((a09 ^ d4) &<< 20 | (a09 ^ d4) &>> 44)
            let b22 = ((a14 ^ d4) &<< 39 | (a14 ^ d4) &>> 25)
            let b13 = ((a19 ^ d4) &<< 8 | (a19 ^ d4) &>> 56)
            let b04 = ((a24 ^ d4) &<< 14 | (a24 ^ d4) &>> 50)
            a00 = b00 ^ (~b01 & b02)
            a01 = b01 ^ (~b02 & b03)
            a02 = b02 ^ (~b03 & b04)
            a03 = b03 ^ (~b04 & b00)
            a04 = b04 ^ (~b00 & b01)
            a05 = b05 ^ (~b06 & b07)
            a06 = b06 ^ (~b07 & b08)
            a07 = b07 ^ (~b08 & b09)
            a08 = b08 ^ (~b09 & b05)
            a09 = b09 ^ (~b05 & b06)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a00 ^= rc[round]
        }
    }
    s[0] = a00
    s[1] = a01
    s[2] = a02
    s[3] = a03
    s[4] = a04
    s[5] = a05
    s[6] = a06
    s[7] = a07
    s[8] = a08
    s[9] = a09
    s[10] = a10
    s[11] = a11
    s[12] = a12
    s[13] = a13
    s[14] = a14
    s[15] = a15
    s[16] = a16
    s[17] = a17
    s[18] = a18
    s[19] = a19
    s[20] = a20
    s[21] = a21
    s[22] = a22
    s[23] = a23
    s[24] = a24
}
