// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01…0x80, not SHA3-256's 0x06), in plain
// JavaScript: the 64-bit lanes of Keccak-f[1600] are kept as two 32-bit halves. The round constants and rotation
// offsets are derived at load time from FIPS 202's definitions (the rc LFSR and the (x, y) → (y, 2x + 3y) walk),
// so there is no table to mistype. The browser test checks it against the Swift Keccak256 on random inputs.
"use strict";

const SixNinesKeccak = (() => {
  const RC_LO = new Uint32Array(24);
  const RC_HI = new Uint32Array(24);
  let lfsr = 1;
  const nextBit = () => {
    const bit = lfsr & 1;
    lfsr = (lfsr & 0x80) ? ((lfsr << 1) ^ 0x71) & 0xff : (lfsr << 1) & 0xff;
    return bit;
  };
  for (let round = 0; round < 24; round++) {
    for (let j = 0; j < 7; j++) {
      if (nextBit()) {
        const position = (1 << j) - 1;
        if (position < 32) RC_LO[round] |= (1 << position) >>> 0;
        else RC_HI[round] |= (1 << (position - 32)) >>> 0;
      }
    }
  }
  const ROT = new Uint8Array(25);
  for (let t = 0, x = 1, y = 0; t < 24; t++) {
    ROT[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  // Where lane (x, y) goes under π: (y, 2x + 3y).
  const PI = new Uint8Array(25);
  for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) PI[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);

  const lo = new Uint32Array(25), hi = new Uint32Array(25);
  const bLo = new Uint32Array(25), bHi = new Uint32Array(25);
  const cLo = new Uint32Array(5), cHi = new Uint32Array(5);

  function permute() {
    for (let round = 0; round < 24; round++) {
      // θ
      for (let x = 0; x < 5; x++) {
        cLo[x] = lo[x] ^ lo[x + 5] ^ lo[x + 10] ^ lo[x + 15] ^ lo[x + 20];
        cHi[x] = hi[x] ^ hi[x + 5] ^ hi[x + 10] ^ hi[x + 15] ^ hi[x + 20];
      }
      for (let x = 0; x < 5; x++) {
        const nLo = cLo[(x + 1) % 5], nHi = cHi[(x + 1) % 5];
        const dLo = cLo[(x + 4) % 5] ^ ((nLo << 1) | (nHi >>> 31));
        const dHi = cHi[(x + 4) % 5] ^ ((nHi << 1) | (nLo >>> 31));
        for (let y = 0; y < 25; y += 5) { lo[x + y] ^= dLo; hi[x + y] ^= dHi; }
      }
      // ρ and π
      for (let i = 0; i < 25; i++) {
        const n = ROT[i], l = lo[i], h = hi[i];
        let rl, rh;
        if (n === 0) { rl = l; rh = h; }
        else if (n < 32) { rl = (l << n) | (h >>> (32 - n)); rh = (h << n) | (l >>> (32 - n)); }
        else if (n === 32) { rl = h; rh = l; }
        else { const m = n - 32; rl = (h << m) | (l >>> (32 - m)); rh = (l << m) | (h >>> (32 - m)); }
        bLo[PI[i]] = rl; bHi[PI[i]] = rh;
      }
      // χ
      for (let y = 0; y < 25; y += 5) {
        for (let x = 0; x < 5; x++) {
          lo[x + y] = bLo[x + y] ^ (~bLo[((x + 1) % 5) + y] & bLo[((x + 2) % 5) + y]);
          hi[x + y] = bHi[x + y] ^ (~bHi[((x + 1) % 5) + y] & bHi[((x + 2) % 5) + y]);
        }
      }
      // ι
      lo[0] ^= RC_LO[round];
      hi[0] ^= RC_HI[round];
    }
  }

  const RATE = 136;

  /** Keccak-256 of a Uint8Array: a 32-byte Uint8Array. */
  function hash(bytes) {
    lo.fill(0); hi.fill(0);
    const padded = new Uint8Array((Math.floor(bytes.length / RATE) + 1) * RATE);
    padded.set(bytes);
    padded[bytes.length] ^= 0x01;
    padded[padded.length - 1] ^= 0x80;
    for (let offset = 0; offset < padded.length; offset += RATE) {
      for (let i = 0; i < RATE / 8; i++) {
        const p = offset + 8 * i;
        lo[i] ^= padded[p] | (padded[p + 1] << 8) | (padded[p + 2] << 16) | (padded[p + 3] << 24);
        hi[i] ^= padded[p + 4] | (padded[p + 5] << 8) | (padded[p + 6] << 16) | (padded[p + 7] << 24);
      }
      permute();
    }
    const out = new Uint8Array(32);
    for (let i = 0; i < 4; i++) {
      for (let b = 0; b < 4; b++) { out[8 * i + b] = (lo[i] >>> (8 * b)) & 0xff; out[8 * i + 4 + b] = (hi[i] >>> (8 * b)) & 0xff; }
    }
    return out;
  }

  /** 0x-hex of bytes. */
  function toHex(bytes) {
    let s = "0x";
    for (const b of bytes) s += b.toString(16).padStart(2, "0");
    return s;
  }

  /** Bytes of 0x-hex (even length); throws on anything else. */
  function fromHex(text) {
    if (typeof text !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(text)) throw new Error("expected 0x-hex bytes");
    const out = new Uint8Array((text.length - 2) / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 + 2 * i, 2), 16);
    return out;
  }

  return { hash, toHex, fromHex, hashHex: (hex) => toHex(hash(fromHex(hex))) };
})();
