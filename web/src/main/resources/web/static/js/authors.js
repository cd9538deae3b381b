// The live pages this browser is the author of: each key pair's private half is a non-extractable
// CryptoKey kept in IndexedDB (stored as the key object itself: its bytes can never be read, only used to
// sign here), with the last seq published, so a new version after a reload still goes up.

import { newAuthor } from './live.js';

const DB = 'ephemeral-live';
const STORE = 'authors';

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, op) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const req = op(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

/**
 * A new author key pair, kept.
 * @returns {Promise<{key: string, privateKey: CryptoKey, seq: number}>}
 */
export async function createAuthor() {
  const author = { ...(await newAuthor()), seq: 0 };
  await run('readwrite', (s) => s.put(author));
  return author;
}

/**
 * The author of live page `key` if this browser is it, else null (also when IndexedDB is not available,
 * as in some private windows).
 * @returns {Promise<{key: string, privateKey: CryptoKey, seq: number}|null>}
 */
export async function loadAuthor(key) {
  try {
    return (await run('readonly', (s) => s.get(key))) || null;
  } catch (e) {
    return null;
  }
}

/** Remembers the last seq published with `author`. */
export async function noteSeq(author, seq) {
  author.seq = Math.max(author.seq || 0, seq);
  await run('readwrite', (s) => s.put(author));
}
