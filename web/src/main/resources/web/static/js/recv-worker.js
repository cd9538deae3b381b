// A big page's bytes as they arrive, off the page's main thread (docs/protocol.md, "Big pages in the
// browser"): each chunk is hashed here (incremental SHA-256) and written to this tab's folder of the Origin
// Private File System through a sync access handle, so neither the hashing nor the bytes weigh on the main
// thread or its heap. Where OPFS is missing (or refused), the chunks are kept in this worker's memory.
// A file being shared is read, hashed and copied here the same way ('import').
// A page that may be resumed after a reload is written to `partial/<hash>` instead (disk.js says when).
// Messages are handled one at a time, in order.

import { Sha256, hasWebCrypto, toHex } from './sha256.js';

let file = null; // { handle, access } while writing to OPFS
let parts = null; // the in-memory fallback
const hasher = new Sha256(); // one worker per page: a failed page's worker is discarded, not reset
/** The digest of an imported file WebCrypto hashed whole (then `hasher` saw none of it) */
let known = null;
const WHOLE_MAX = 128 * 1024 * 1024;
let position = 0;
const WRITE_BYTES = 1024 * 1024;
/**
 * Bytes not yet written, copied into one buffer made once and written when full: fewer, larger OPFS
 * writes, and no new buffer per write (a new 1 MiB buffer per write left ~100 MiB more garbage in a 1 GiB
 * page's worker, docs/benchmarks.md). `batchAt` is where in the file they go.
 */
const batch = new Uint8Array(WRITE_BYTES);
let batched = 0;
let batchAt = 0;
const queue = [];
let draining = false;

// In order, one at a time; chunks are handled at once unless an earlier message is still being awaited.
self.onmessage = (ev) => {
  queue.push(ev.data);
  if (!draining) drain();
};

async function drain() {
  draining = true;
  while (queue.length) {
    const msg = queue.shift();
    try {
      if (msg.op === 'write') write(msg.buf);
      else await handle(msg);
    } catch (e) {
      console.error('recv-worker', msg.op, String(e));
      self.postMessage({ id: msg.id, error: String(e) });
    }
  }
  draining = false;
}

function write(buf) {
  const bytes = new Uint8Array(buf);
  hasher.update(bytes);
  store(bytes);
}

/** Keeps bytes already hashed: after the ones before them, on disk (in batches) or in memory. */
function store(bytes) {
  position += bytes.byteLength;
  if (!file) {
    parts.push(bytes);
    return;
  }
  for (let at = 0; at < bytes.byteLength;) {
    const n = Math.min(WRITE_BYTES - batched, bytes.byteLength - at);
    batch.set(bytes.subarray(at, at + n), batched);
    batched += n;
    at += n;
    if (batched === WRITE_BYTES) flush();
  }
}

function flush() {
  if (!file || batched === 0) return;
  file.access.write(batch.subarray(0, batched), { at: batchAt });
  batchAt += batched;
  batched = 0;
}

/**
 * A partial page's access handle. Right after a reload the old page's worker may still hold it for a
 * moment (a handle is exclusive): try again for up to 2 s.
 */
async function openAgain(handle) {
  for (let tries = 0; ; tries++) {
    try {
      return await handle.createSyncAccessHandle();
    } catch (e) {
      if (tries >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Hashes the first bytes of a partial page again (at most upTo), trims the rest; returns how many. */
function rehash(access, upTo) {
  let size = access.getSize();
  if (size > upTo) {
    access.truncate(upTo);
    size = upTo;
  }
  const block = new Uint8Array(Math.min(size, WRITE_BYTES) || 1);
  for (let at = 0; at < size;) {
    const n = access.read(block.subarray(0, Math.min(block.byteLength, size - at)), { at });
    if (n <= 0) break;
    hasher.update(block.subarray(0, n));
    at += n;
  }
  position = size;
  batchAt = size;
  return size;
}

async function handle(msg) {
  switch (msg.op) {
    case 'open': {
      // a partial page (msg.resume) is kept as found: its bytes are hashed again, and arrivals go after them
      let resumed = 0;
      try {
        if (msg.memory) throw new Error('the page has no private file system: keep it in memory');
        const root = await navigator.storage.getDirectory();
        const top = await root.getDirectoryHandle(msg.resume ? 'partial' : 'recv', { create: true });
        const dir = msg.resume ? top : await top.getDirectoryHandle(msg.dir, { create: true });
        const handle = await dir.getFileHandle(msg.name, { create: true });
        const access = msg.resume ? await openAgain(handle) : await handle.createSyncAccessHandle();
        if (msg.resume) resumed = rehash(access, msg.upTo);
        else access.truncate(0);
        file = { dir, name: msg.name, handle, access };
      } catch (e) {
        parts = [];
      }
      self.postMessage({ id: msg.id, resumed });
      return;
    }
    case 'import': {
      // a file the user shares: read a slice at a time, hashed and copied like arriving bytes, so the
      // shared page depends neither on the file on disk (which may change or go) nor on the tab's memory
      // up to WHOLE_MAX, WebCrypto's native digest in one go is several times faster than hashing here,
      // for a passing copy in this worker's memory; beyond, a slice at a time
      if (msg.file.size <= WHOLE_MAX && hasWebCrypto()) {
        const whole = await msg.file.arrayBuffer();
        known = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', whole)));
        store(new Uint8Array(whole));
        self.postMessage({ id: msg.id });
        return;
      }
      const SLICE = 4 * 1024 * 1024;
      for (let at = 0; at < msg.file.size; at += SLICE) {
        write(await msg.file.slice(at, at + SLICE).arrayBuffer());
        self.postMessage({ progress: position });
      }
      self.postMessage({ id: msg.id });
      return;
    }
    case 'digest':
      self.postMessage({ id: msg.id, hex: known ?? hasher.hex() });
      return;
    case 'finish': {
      // the bytes as a Blob: an OPFS file once its handle is closed (nothing copied), or the kept chunks.
      // A finished partial page moves into the tab's folder (msg.moveTo), to go with the tab like any other.
      let blob;
      let where = null;
      if (file) {
        flush();
        file.access.flush();
        file.access.close();
        where = { top: file.dir.name === 'partial' ? 'partial' : 'recv', name: file.name };
        if (where.top === 'partial') {
          try {
            const root = await navigator.storage.getDirectory();
            const recv = await root.getDirectoryHandle('recv', { create: true });
            const tab = await recv.getDirectoryHandle(msg.moveTo.dir, { create: true });
            await file.handle.move(tab, msg.moveTo.name);
            where = { top: 'recv', name: msg.moveTo.name };
          } catch (e) {
            // left in partial/: removed with the page, or by the sweep of old partial pages
          }
        }
        blob = await file.handle.getFile();
      } else {
        blob = new Blob(parts);
        parts = [];
      }
      self.postMessage({ id: msg.id, blob, where });
      return;
    }
    case 'discard':
      if (file) {
        file.access.close();
        await file.dir.removeEntry(file.name);
        file = null;
      }
      parts = [];
      self.postMessage({ id: msg.id });
      return;
    default:
      throw new Error('unknown op ' + msg.op);
  }
}
