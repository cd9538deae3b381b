// Private pages (docs/protocol.md, "Private pages"): the bytes are sealed with AES-256-GCM under a fresh
// random key before they are hashed, so the address is the hash of the ciphertext and only someone with
// the whole link (the key rides in its fragment, `k=`, which never reaches the server) can read the page.
//
//   sealed = "ephpriv1" (8 ASCII bytes) || iv (12 random bytes) || AES-GCM(key, iv, page) (with its 16-byte tag)

export const MAGIC = new TextEncoder().encode('ephpriv1');
const IV_BYTES = 12;
const KEY_BYTES = 32;

/** @returns {boolean} whether this browser can seal and open pages (WebCrypto needs a secure context) */
export function canSeal() {
  return !!(globalThis.crypto && crypto.subtle);
}

/**
 * @param {Uint8Array} bytes
 * @returns {boolean} whether they are a sealed page (its header, nothing more: anyone may write one)
 */
export function isSealed(bytes) {
  if (bytes.length < MAGIC.length + IV_BYTES + 16) return false;
  return MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Seals a page under a fresh key.
 * @param {Uint8Array} plain
 * @returns {Promise<{sealed: Uint8Array, key: string}>} the key as base64url without padding (43 characters)
 */
export async function seal(plain) {
  const raw = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  const body = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain));
  const sealed = new Uint8Array(MAGIC.length + IV_BYTES + body.length);
  sealed.set(MAGIC, 0);
  sealed.set(iv, MAGIC.length);
  sealed.set(body, MAGIC.length + IV_BYTES);
  return { sealed, key: toBase64Url(raw) };
}

/**
 * Opens a sealed page (already verified against its address) with the link's key.
 * @param {Uint8Array} sealed
 * @param {string} keyText
 * @returns {Promise<Uint8Array>} the page
 * @throws {Error} when the bytes are not a sealed page or the key does not open them
 */
export async function open(sealed, keyText) {
  if (!isSealed(sealed)) throw new Error('this page is not a private page');
  const raw = fromBase64Url(keyText);
  if (!raw || raw.length !== KEY_BYTES) throw new Error('the key in the link is malformed');
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
  const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed.subarray(MAGIC.length + IV_BYTES)));
  } catch (e) {
    throw new Error('the key in the link does not open this page');
  }
}

function toBase64Url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - text.length % 4) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch (e) {
    return null;
  }
}
