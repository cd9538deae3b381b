// Turning what the user wrote or dropped into a page: bytes, their SHA-256, and the link. A file's name
// and type, and a page's size, ride in the URL fragment, which browsers never send to the server:
//
//   /<hash>                                   bare link: the size is not known in advance
//   /<hash>#n=<bytes>                         a page of exactly <bytes> bytes
//   /<hash>#name=<name>&type=<mime>&n=<bytes> a file (type optional), form-urlencoded
//   …&k=<key>                                 a private page: its bytes are sealed, the key opens them
//
// With `n` the visitor takes only a holder that announces exactly that size (any other size is a lie);
// without it, only pages up to a default limit (node.js DEFAULT_UNSIZED_MAX_BYTES).

import { Sha256, hasWebCrypto, hashAndCopy, isHash, toHex } from './sha256.js';
import { DISK_FROM, DiskSink, MEMORY_MAX_BYTES, diskAvailable } from './disk.js';
import { formatBytes } from './format.js';
import { seal } from './private.js';
import { keyOfAddress } from './live.js';

async function hashOf(bytes) {
  return hasWebCrypto()
    ? toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
    : new Sha256().update(bytes).hex();
}

/**
 * @param {string} text
 * @param {{private?: boolean}} [opts] private: sealed under a fresh key (the page's `key`)
 * @returns {Promise<import('./store.js').Page>}
 */
export async function pageFromText(text, opts = {}) {
  const bytes = new TextEncoder().encode(text);
  if (opts.private) return sealedPage(bytes, {});
  return { hash: await hashOf(bytes), blob: new Blob([bytes]) };
}

/**
 * @param {File} file
 * @param {(done: number, total: number) => void} [onProgress]
 * @param {{private?: boolean}} [opts]
 * @returns {Promise<import('./store.js').Page>}
 */
export async function pageFromFile(file, onProgress, opts = {}) {
  const hints = { name: file.name || 'file', mime: file.type || undefined };
  if (opts.private) return sealedPage(new Uint8Array(await file.arrayBuffer()), hints);
  // a big file is copied and hashed by a worker, into this tab's private file system: not into its memory
  if (file.size >= DISK_FROM && diskAvailable()) return { ...(await DiskSink.copy(file, onProgress)), ...hints };
  if (file.size > MEMORY_MAX_BYTES) {
    throw new Error(file.name + ' is ' + formatBytes(file.size) + ': this browser offers no private file system (OPFS), '
      + 'so a page is kept in memory, up to ' + formatBytes(MEMORY_MAX_BYTES));
  }
  const { hash, copy } = await hashAndCopy(file, onProgress);
  return { hash, blob: copy, ...hints };
}

async function sealedPage(plain, hints) {
  const { sealed, key } = await seal(plain);
  return { hash: await hashOf(sealed), blob: new Blob([sealed]), key, ...hints };
}

/** Largest size a link may give: what a JavaScript number counts exactly. */
const MAX_SIZE_DIGITS = 16;

/**
 * The address shown after sharing: a file's carries its name, type and size; a text page's is the bare
 * `/<hash>` (its size goes into the link the Copy button gives, see `shareLinkFor`).
 * @param {import('./store.js').Page} page
 * @returns {string} the page's path and fragment, e.g. "/ab12…#name=a.pdf&type=application%2Fpdf&n=5120"
 */
export function linkFor(page) {
  if (!page.name && !page.key) return '/' + page.hash;
  return shareLinkFor(page);
}

/**
 * The link to hand out for a held page: always with its size, so that visitors can tell a lying holder
 * by its `header` alone and never take more bytes than the page has.
 * @param {import('./store.js').Page} page
 * @returns {string} e.g. "/ab12…#n=5120" or "/ab12…#name=a.pdf&type=application%2Fpdf&n=5120"
 */
export function shareLinkFor(page) {
  const params = new URLSearchParams();
  if (page.name) {
    params.set('name', page.name);
    if (page.mime) params.set('type', page.mime);
  }
  params.set('n', String(page.blob.size));
  if (page.key) params.set('k', page.key);
  return '/' + page.hash + '#' + params.toString();
}

/**
 * @param {string|null} n the `n` parameter of a link's fragment
 * @returns {number|undefined} the size it gives, or undefined when absent or not a plain decimal count
 */
export function parseSize(n) {
  if (typeof n !== 'string' || !/^(0|[1-9][0-9]*)$/.test(n) || n.length > MAX_SIZE_DIGITS) return undefined;
  const size = Number(n);
  return Number.isSafeInteger(size) ? size : undefined;
}

/**
 * Reads the current location.
 * @returns {{hash: string|null, live?: string, name?: string, mime?: string, size?: number, key?: string}} `hash`
 *          null on the home page and on a live page's (`live`: its key)
 */
export function parseLocation() {
  const live = keyOfAddress(location.pathname);
  if (live) return { hash: null, live };
  const path = location.pathname.slice(1);
  if (!isHash(path)) return { hash: null };
  const params = new URLSearchParams(location.hash.slice(1));
  const name = params.get('name');
  const mime = params.get('type');
  return {
    hash: path,
    name: name ? name.slice(0, 255) : undefined,
    mime: mime ? mime.slice(0, 255) : undefined,
    size: parseSize(params.get('n')),
    key: params.get('k') || undefined,
  };
}
