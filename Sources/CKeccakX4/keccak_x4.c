// Keccak-f[1600] on four independent states at once, one state per 64-bit element of 25 AVX2 registers
// (lane i of state j is element j of register i), for Keccak-256 as Ethereum uses it. Only the functions
// marked KX4_AVX2 use AVX2 instructions; callers check keccak_x4_available() first (runtime dispatch), so the
// target builds and links on any x86-64 (and on other CPUs, where it reports itself unavailable).
//
// The round is the specification's: theta (column parities, D[x] = C[x-1] ^ rol(C[x+1], 1)), rho (the
// per-lane rotation offsets), pi (lane (x, y) moves to (y, 2x + 3y)), chi (b ^ (~b1 & b2), with andnot) and
// iota (the round constant into lane 0), written out straight-line, one output row at a time, from one
// set of 25 registers into another and back (two rounds per loop iteration).
#include "keccak_x4.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define KX4_X86 1
#include <immintrin.h>
#endif

#ifdef KX4_X86

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

#define KX4_AVX2 __attribute__((target("avx2")))
#define KX4_INLINE static inline __attribute__((always_inline, target("avx2")))

/// Rotation left by `n` (1 ... 63) of each 64-bit element; by 8 and 56 a byte shuffle (one instruction).
#define ROL(x, n) ((n) == 8 ? _mm256_shuffle_epi8((x), rol8) \
                 : (n) == 56 ? _mm256_shuffle_epi8((x), rol56) \
                 : _mm256_or_si256(_mm256_slli_epi64((x), (n)), _mm256_srli_epi64((x), 64 - (n))))
/// Rotation left by 1: the left shift as an addition (another execution port than the shifts).
#define ROL1(x) _mm256_or_si256(_mm256_add_epi64((x), (x)), _mm256_srli_epi64((x), 63))
#define XOR5(p, q, r, s, t) _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256(p, q), _mm256_xor_si256(r, s)), t)

#define KECCAK_X4_ROUND_A_TO_E \
    c0 = XOR5(a[0], a[5], a[10], a[15], a[20]); \
    c1 = XOR5(a[1], a[6], a[11], a[16], a[21]); \
    c2 = XOR5(a[2], a[7], a[12], a[17], a[22]); \
    c3 = XOR5(a[3], a[8], a[13], a[18], a[23]); \
    c4 = XOR5(a[4], a[9], a[14], a[19], a[24]); \
    d0 = _mm256_xor_si256(c4, ROL1(c1)); \
    d1 = _mm256_xor_si256(c0, ROL1(c2)); \
    d2 = _mm256_xor_si256(c1, ROL1(c3)); \
    d3 = _mm256_xor_si256(c2, ROL1(c4)); \
    d4 = _mm256_xor_si256(c3, ROL1(c0)); \
    b0 = _mm256_xor_si256(a[0], d0); \
    b1 = ROL(_mm256_xor_si256(a[6], d1), 44); \
    b2 = ROL(_mm256_xor_si256(a[12], d2), 43); \
    b3 = ROL(_mm256_xor_si256(a[18], d3), 21); \
    b4 = ROL(_mm256_xor_si256(a[24], d4), 14); \
    e[0] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    e[1] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    e[2] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    e[3] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    e[4] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(a[3], d3), 28); \
    b1 = ROL(_mm256_xor_si256(a[9], d4), 20); \
    b2 = ROL(_mm256_xor_si256(a[10], d0), 3); \
    b3 = ROL(_mm256_xor_si256(a[16], d1), 45); \
    b4 = ROL(_mm256_xor_si256(a[22], d2), 61); \
    e[5] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    e[6] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    e[7] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    e[8] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    e[9] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(a[1], d1), 1); \
    b1 = ROL(_mm256_xor_si256(a[7], d2), 6); \
    b2 = ROL(_mm256_xor_si256(a[13], d3), 25); \
    b3 = ROL(_mm256_xor_si256(a[19], d4), 8); \
    b4 = ROL(_mm256_xor_si256(a[20], d0), 18); \
    e[10] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    e[11] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    e[12] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    e[13] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    e[14] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(a[4], d4), 27); \
    b1 = ROL(_mm256_xor_si256(a[5], d0), 36); \
    b2 = ROL(_mm256_xor_si256(a[11], d1), 10); \
    b3 = ROL(_mm256_xor_si256(a[17], d2), 15); \
    b4 = ROL(_mm256_xor_si256(a[23], d3), 56); \
    e[15] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    e[16] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    e[17] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    e[18] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    e[19] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(a[2], d2), 62); \
    b1 = ROL(_mm256_xor_si256(a[8], d3), 55); \
    b2 = ROL(_mm256_xor_si256(a[14], d4), 39); \
    b3 = ROL(_mm256_xor_si256(a[15], d0), 41); \
    b4 = ROL(_mm256_xor_si256(a[21], d1), 2); \
    e[20] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    e[21] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    e[22] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    e[23] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    e[24] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    e[0] = _mm256_xor_si256(e[0], _mm256_set1_epi64x((long long)keccak_rc[round]));

#define KECCAK_X4_ROUND_E_TO_A \
    c0 = XOR5(e[0], e[5], e[10], e[15], e[20]); \
    c1 = XOR5(e[1], e[6], e[11], e[16], e[21]); \
    c2 = XOR5(e[2], e[7], e[12], e[17], e[22]); \
    c3 = XOR5(e[3], e[8], e[13], e[18], e[23]); \
    c4 = XOR5(e[4], e[9], e[14], e[19], e[24]); \
    d0 = _mm256_xor_si256(c4, ROL1(c1)); \
    d1 = _mm256_xor_si256(c0, ROL1(c2)); \
    d2 = _mm256_xor_si256(c1, ROL1(c3)); \
    d3 = _mm256_xor_si256(c2, ROL1(c4)); \
    d4 = _mm256_xor_si256(c3, ROL1(c0)); \
    b0 = _mm256_xor_si256(e[0], d0); \
    b1 = ROL(_mm256_xor_si256(e[6], d1), 44); \
    b2 = ROL(_mm256_xor_si256(e[12], d2), 43); \
    b3 = ROL(_mm256_xor_si256(e[18], d3), 21); \
    b4 = ROL(_mm256_xor_si256(e[24], d4), 14); \
    a[0] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    a[1] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    a[2] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    a[3] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    a[4] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(e[3], d3), 28); \
    b1 = ROL(_mm256_xor_si256(e[9], d4), 20); \
    b2 = ROL(_mm256_xor_si256(e[10], d0), 3); \
    b3 = ROL(_mm256_xor_si256(e[16], d1), 45); \
    b4 = ROL(_mm256_xor_si256(e[22], d2), 61); \
    a[5] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    a[6] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    a[7] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    a[8] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    a[9] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(e[1], d1), 1); \
    b1 = ROL(_mm256_xor_si256(e[7], d2), 6); \
    b2 = ROL(_mm256_xor_si256(e[13], d3), 25); \
    b3 = ROL(_mm256_xor_si256(e[19], d4), 8); \
    b4 = ROL(_mm256_xor_si256(e[20], d0), 18); \
    a[10] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    a[11] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    a[12] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    a[13] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    a[14] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(e[4], d4), 27); \
    b1 = ROL(_mm256_xor_si256(e[5], d0), 36); \
    b2 = ROL(_mm256_xor_si256(e[11], d1), 10); \
    b3 = ROL(_mm256_xor_si256(e[17], d2), 15); \
    b4 = ROL(_mm256_xor_si256(e[23], d3), 56); \
    a[15] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    a[16] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    a[17] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    a[18] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    a[19] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    b0 = ROL(_mm256_xor_si256(e[2], d2), 62); \
    b1 = ROL(_mm256_xor_si256(e[8], d3), 55); \
    b2 = ROL(_mm256_xor_si256(e[14], d4), 39); \
    b3 = ROL(_mm256_xor_si256(e[15], d0), 41); \
    b4 = ROL(_mm256_xor_si256(e[21], d1), 2); \
    a[20] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2)); \
    a[21] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3)); \
    a[22] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4)); \
    a[23] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0)); \
    a[24] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1)); \
    a[0] = _mm256_xor_si256(a[0], _mm256_set1_epi64x((long long)keccak_rc[round]));

/// The 24 rounds of Keccak-f[1600] on the four states in `a`.
KX4_INLINE void keccak_f1600_x4(__m256i a[25]) {
    // Byte shuffles rotating each 64-bit element left by 8 and by 56 bits.
    const __m256i rol8 = _mm256_setr_epi8(7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14,
                                          7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14);
    const __m256i rol56 = _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8,
                                           1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8);
    __m256i e[25];
    __m256i b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    for (int round = 0; round < 24; round += 2) {
        KECCAK_X4_ROUND_A_TO_E
        round += 1;
        KECCAK_X4_ROUND_E_TO_A
        round -= 1;
    }
}

/// Reads the little-endian 64-bit word at `p`.
static inline uint64_t load64(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/// XORs word `w` (0 ... 16) of one 136-byte block of each message into lane `w` of the states.
#define ABSORB_WORD(a, w, p0, p1, p2, p3) \
    (a)[w] = _mm256_xor_si256((a)[w], _mm256_set_epi64x((long long)load64((p3) + 8 * (w)), (long long)load64((p2) + 8 * (w)), \
                                                        (long long)load64((p1) + 8 * (w)), (long long)load64((p0) + 8 * (w))))

/// Absorbs one 136-byte block of each message and permutes.
KX4_INLINE void absorb_block(__m256i a[25], const uint8_t *p0, const uint8_t *p1, const uint8_t *p2, const uint8_t *p3) {
    for (int w = 0; w < 17; w++) ABSORB_WORD(a, w, p0, p1, p2, p3);
    keccak_f1600_x4(a);
}

/// Absorbs the four messages (same length) with Keccak's 0x01 ... 0x80 padding; leaves the digests in lanes 0-3.
KX4_INLINE void keccak256_x4_states(__m256i a[25], const uint8_t *in0, const uint8_t *in1, const uint8_t *in2,
                                    const uint8_t *in3, size_t length) {
    for (int i = 0; i < 25; i++) a[i] = _mm256_setzero_si256();
    while (length >= 136) {
        absorb_block(a, in0, in1, in2, in3);
        in0 += 136; in1 += 136; in2 += 136; in3 += 136;
        length -= 136;
    }
    // The last, padded block of each message.
    uint8_t last[4][136];
    memset(last, 0, sizeof last);
    memcpy(last[0], in0, length);
    memcpy(last[1], in1, length);
    memcpy(last[2], in2, length);
    memcpy(last[3], in3, length);
    for (int j = 0; j < 4; j++) {
        last[j][length] = 0x01;
        last[j][135] |= 0x80;
    }
    absorb_block(a, last[0], last[1], last[2], last[3]);
}

/// Writes the digests (lanes 0-3 of each state) to `out + 32 * j`.
KX4_INLINE void squeeze(const __m256i a[25], uint8_t *out) {
    // Transpose the 4 x 4 words: row i = lane i of states 0-3 -> row j = lanes 0-3 of state j.
    __m256i t0 = _mm256_unpacklo_epi64(a[0], a[1]);  // s0l0 s0l1 | s2l0 s2l1
    __m256i t1 = _mm256_unpackhi_epi64(a[0], a[1]);  // s1l0 s1l1 | s3l0 s3l1
    __m256i t2 = _mm256_unpacklo_epi64(a[2], a[3]);  // s0l2 s0l3 | s2l2 s2l3
    __m256i t3 = _mm256_unpackhi_epi64(a[2], a[3]);  // s1l2 s1l3 | s3l2 s3l3
    _mm256_storeu_si256((__m256i *)(out + 0), _mm256_permute2x128_si256(t0, t2, 0x20));
    _mm256_storeu_si256((__m256i *)(out + 32), _mm256_permute2x128_si256(t1, t3, 0x20));
    _mm256_storeu_si256((__m256i *)(out + 64), _mm256_permute2x128_si256(t0, t2, 0x31));
    _mm256_storeu_si256((__m256i *)(out + 96), _mm256_permute2x128_si256(t1, t3, 0x31));
}

KX4_AVX2 void keccak256_x4(const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3, size_t length,
                           uint8_t *out) {
    __m256i a[25];
    keccak256_x4_states(a, in0, in1, in2, in3, length);
    squeeze(a, out);
}

KX4_AVX2 void keccak256d_x4(const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3, size_t length,
                            uint8_t *out) {
    __m256i a[25];
    keccak256_x4_states(a, in0, in1, in2, in3, length);
    // Second hash of the 32-byte digests, already in lanes 0-3: one padded block (0x01 at byte 32, 0x80 at 135).
    for (int i = 4; i < 25; i++) a[i] = _mm256_setzero_si256();
    a[4] = _mm256_set1_epi64x(0x01);
    a[16] = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    keccak_f1600_x4(a);
    squeeze(a, out);
}

int keccak_x4_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

#else  // not x86: never available.

int keccak_x4_available(void) { return 0; }

void keccak256_x4(const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3, size_t length,
                  uint8_t *out) {
    (void)in0; (void)in1; (void)in2; (void)in3; (void)length; (void)out;
    __builtin_trap();
}

void keccak256d_x4(const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3, size_t length,
                   uint8_t *out) {
    (void)in0; (void)in1; (void)in2; (void)in3; (void)length; (void)out;
    __builtin_trap();
}

#endif
