// Turning what the user wrote or dropped into a page: bytes, their SHA-256, and the link. A file's name
// and type ride in the URL fragment, which browsers never send to the server.

import { Sha256, hasWebCrypto, hashAndCopy, isHash, toHex } from './sha256.js';

/**
 * @param {string} text
 * @returns {Promise<import('./store.js').Page>}
 */
export async function pageFromText(text) {
  const bytes = new TextEncoder().encode(text);
  const hash = hasWebCrypto()
    ? toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
    : new Sha256().update(bytes).hex();
  return { hash, blob: new Blob([bytes]) };
}

/**
 * @param {File} file
 * @param {(done: number, total: number) => void} [onProgress]
 * @returns {Promise<import('./store.js').Page>}
 */
export async function pageFromFile(file, onProgress) {
  const { hash, copy } = await hashAndCopy(file, onProgress);
  return { hash, blob: copy, name: file.name || 'file', mime: file.type || undefined };
}

/**
 * @param {import('./store.js').Page} page
 * @returns {string} the page's path and fragment, e.g. "/ab12…#name=a.pdf&type=application%2Fpdf"
 */
export function linkFor(page) {
  if (!page.name) return '/' + page.hash;
  const params = new URLSearchParams();
  params.set('name', page.name);
  if (page.mime) params.set('type', page.mime);
  return '/' + page.hash + '#' + params.toString();
}

/**
 * Reads the current location.
 * @returns {{hash: string|null, name?: string, mime?: string}} `hash` null on the home page
 */
export function parseLocation() {
  const path = location.pathname.slice(1);
  if (!isHash(path)) return { hash: null };
  const params = new URLSearchParams(location.hash.slice(1));
  const name = params.get('name');
  const mime = params.get('type');
  return { hash: path, name: name ? name.slice(0, 255) : undefined, mime: mime ? mime.slice(0, 255) : undefined };
}
