// Live pages (docs/protocol.md, "Live pages"): versions signed by the author's Ed25519 key, checked with
// WebCrypto. The same formats as the Java peer's ephemeral.protocol.live: what one signs, the other verifies.

import { isHash } from './sha256.js';

export const DOMAIN = 'ephemeral-live-v1';
export const MAX_SEQ = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const KEY_RE = /^[A-Za-z0-9_-]{43}$/;
const SIG_RE = /^[A-Za-z0-9_-]{86}$/;

function toBase64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Whether `text` is a live key: 43 base64url characters, the one spelling of 32 bytes. */
export function isLiveKey(text) {
  return typeof text === 'string' && KEY_RE.test(text) && toBase64url(fromBase64url(text)) === text;
}

/** The key of an address `/live/<key>`, or null. */
export function keyOfAddress(path) {
  const m = /^\/live\/([^/?#]+)$/.exec(path || '');
  return m && isLiveKey(m[1]) ? m[1] : null;
}

/** The exact bytes an author signs for a version. */
export function signedBytes(key, seq, hash, size) {
  return new TextEncoder().encode(`${DOMAIN}\n${key}\n${seq}\n${hash}\n${size}`);
}

/** Whether `v` has a version's shape (its signature is checked by `verifyVersion`). */
export function isVersionShape(v) {
  return !!v && typeof v === 'object' && isLiveKey(v.key)
    && Number.isSafeInteger(v.seq) && v.seq >= 1 && isHash(v.hash)
    && Number.isSafeInteger(v.size) && v.size >= 0
    && typeof v.sig === 'string' && SIG_RE.test(v.sig) && toBase64url(fromBase64url(v.sig)) === v.sig;
}

/** Whether `v` is well formed and signed by its key. */
export async function verifyVersion(v) {
  if (!isVersionShape(v)) return false;
  try {
    const key = await crypto.subtle.importKey('raw', fromBase64url(v.key), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, fromBase64url(v.sig), signedBytes(v.key, v.seq, v.hash, v.size));
  } catch (e) {
    return false;
  }
}

/** A new author key pair; the private key cannot be exported (it is kept as a CryptoKey, e.g. in IndexedDB). */
export async function newAuthor() {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  const key = toBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  return { key, privateKey: pair.privateKey };
}

/** Signs version `seq` of the author's live page: it names the ordinary page `hash` of `size` bytes. */
export async function signVersion(author, seq, hash, size) {
  const sig = await crypto.subtle.sign({ name: 'Ed25519' }, author.privateKey, signedBytes(author.key, seq, hash, size));
  return { key: author.key, seq, hash, size, sig: toBase64url(new Uint8Array(sig)) };
}

/**
 * Which of two versions of one key to keep (> 0: `a`): the higher `seq`; for one `seq` signed twice, the
 * lower `hash`, then the lower `size`, so every peer keeps the same one.
 */
export function preference(a, b) {
  if (a.seq !== b.seq) return a.seq > b.seq ? 1 : -1;
  if (a.hash !== b.hash) return a.hash < b.hash ? 1 : -1;
  if (a.size !== b.size) return a.size < b.size ? 1 : -1;
  return 0;
}

/** Whether a peer at `address` (its key) holding `current` (or null) takes `candidate`. */
export async function supersedes(candidate, address, current) {
  return !!candidate && candidate.key === address && (await verifyVersion(candidate))
    && (!current || preference(candidate, current) > 0);
}
