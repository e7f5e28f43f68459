#ifndef SIXNINES_KECCAK_X4_H
#define SIXNINES_KECCAK_X4_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether this CPU runs the 4-way AVX2 Keccak (x86-64 with AVX2, checked at run time). When it returns 0,
/// `keccak256_x4` and `keccak256d_x4` must not be called; use the scalar Keccak-256 instead.
int keccak_x4_available(void);

/// Ethereum Keccak-256 (padding 0x01 ... 0x80, rate 136 bytes) of four independent messages of the same
/// `length`, computed together in AVX2 lanes. Digest i (32 bytes) is written to `out + 32 * i`. The inputs
/// may overlap each other and need no alignment; `out` must not overlap them. Requires `keccak_x4_available()`.
void keccak256_x4(const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3, size_t length,
                  uint8_t *out);

/// `keccak256(keccak256(message))` of four messages of the same `length` (OpenZeppelin's double-hashed
/// Merkle leaf), the inner digests never leaving the registers. Same layout and requirement as `keccak256_x4`.
void keccak256d_x4(const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3, size_t length,
                   uint8_t *out);

#ifdef __cplusplus
}
#endif

#endif
