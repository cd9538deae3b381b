// SHA-256 (FIPS 180-4) in plain JavaScript, incremental, for when WebCrypto is missing: crypto.subtle
// exists only in secure contexts, and the app may be opened over plain http on a LAN address. It is
// also what the receiver uses to hash a page chunk by chunk while it arrives (WebCrypto cannot hash
// incrementally), so a 100 MB page is never held twice or hashed in one long blocking call.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Incremental SHA-256: `update()` any number of times, then `digest()` once. */
export class Sha256 {
  constructor() {
    this.h = new Int32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    this.w = new Int32Array(64);
    this.buf = new Uint8Array(64);
    this.bufLen = 0;
    this.length = 0; // bytes hashed so far (a double: exact up to 2^53)
    this.done = false;
  }

  /**
   * Adds bytes to the hash.
   * @param {Uint8Array|ArrayBuffer} data
   * @returns {Sha256} this
   */
  update(data) {
    if (this.done) throw new Error('sha256: update after digest');
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    let pos = 0;
    const n = bytes.length;
    this.length += n;
    if (this.bufLen > 0) {
      const take = Math.min(64 - this.bufLen, n);
      this.buf.set(bytes.subarray(0, take), this.bufLen);
      this.bufLen += take;
      pos = take;
      if (this.bufLen < 64) return this;
      this.blocks(this.buf, 0, 64);
      this.bufLen = 0;
    }
    const whole = (n - pos) & ~63;
    if (whole > 0) {
      this.blocks(bytes, pos, pos + whole);
      pos += whole;
    }
    if (pos < n) {
      this.buf.set(bytes.subarray(pos), 0);
      this.bufLen = n - pos;
    }
    return this;
  }

  /**
   * Finishes the hash.
   * @returns {Uint8Array} the 32-byte digest
   */
  digest() {
    if (this.done) throw new Error('sha256: digest twice');
    const bitsHi = Math.floor(this.length / 0x20000000);
    const bitsLo = (this.length * 8) >>> 0;
    const pad = new Uint8Array(this.bufLen < 56 ? 64 - this.bufLen : 128 - this.bufLen);
    pad[0] = 0x80;
    const tail = pad.length;
    pad[tail - 8] = bitsHi >>> 24; pad[tail - 7] = bitsHi >>> 16; pad[tail - 6] = bitsHi >>> 8; pad[tail - 5] = bitsHi;
    pad[tail - 4] = bitsLo >>> 24; pad[tail - 3] = bitsLo >>> 16; pad[tail - 2] = bitsLo >>> 8; pad[tail - 1] = bitsLo;
    const length = this.length;
    this.update(pad);
    this.length = length;
    this.done = true;
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = this.h[i];
      out[i * 4] = v >>> 24; out[i * 4 + 1] = v >>> 16; out[i * 4 + 2] = v >>> 8; out[i * 4 + 3] = v;
    }
    return out;
  }

  /** @returns {string} the digest as 64 lowercase hex characters */
  hex() {
    return toHex(this.digest());
  }

  /** Compresses whole 64-byte blocks of `p` in [from, to). */
  blocks(p, from, to) {
    const w = this.w;
    const h = this.h;
    let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7];
    for (let off = from; off < to; off += 64) {
      for (let i = 0; i < 16; i++) {
        const j = off + i * 4;
        w[i] = (p[j] << 24) | (p[j + 1] << 16) | (p[j + 2] << 8) | p[j + 3];
      }
      for (let i = 16; i < 64; i++) {
        const a = w[i - 15], b = w[i - 2];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7;
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + hh) | 0;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
  }
}

/**
 * @param {Uint8Array} bytes
 * @returns {string} lowercase hex
 */
export function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

/** @returns {boolean} whether WebCrypto's digest is usable (secure contexts only) */
export function hasWebCrypto() {
  return typeof crypto !== 'undefined' && !!crypto.subtle && typeof crypto.subtle.digest === 'function';
}

const SLICE = 4 * 1024 * 1024;

/**
 * Reads a blob once, hashing it and keeping a copy of its bytes: a shared file must not depend on the
 * file on disk, which the user may move, change or delete after sharing it.
 * @param {Blob} blob
 * @param {(done: number, total: number) => void} [onProgress]
 * @returns {Promise<{hash: string, copy: Blob}>}
 */
export async function hashAndCopy(blob, onProgress) {
  if (hasWebCrypto() && blob.size <= 256 * 1024 * 1024) {
    const bytes = await blob.arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    if (onProgress) onProgress(blob.size, blob.size);
    return { hash: toHex(new Uint8Array(digest)), copy: new Blob([bytes]) };
  }
  const hasher = new Sha256();
  const parts = [];
  for (let off = 0; off < blob.size; off += SLICE) {
    const part = await blob.slice(off, off + SLICE).arrayBuffer();
    hasher.update(new Uint8Array(part));
    parts.push(part);
    if (onProgress) onProgress(Math.min(off + SLICE, blob.size), blob.size);
  }
  return { hash: hasher.hex(), copy: new Blob(parts) };
}

/** @returns {boolean} whether `s` is a page address: 64 lowercase hex characters */
export function isHash(s) {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}
