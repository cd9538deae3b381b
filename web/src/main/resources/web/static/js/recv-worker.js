// A big page's bytes as they arrive, off the page's main thread (docs/protocol.md, "Big pages in the
// browser"): each chunk is hashed here (incremental SHA-256) and written to this tab's folder of the Origin
// Private File System through a sync access handle, so neither the hashing nor the bytes weigh on the main
// thread or its heap. Where OPFS is missing (or refused), the chunks are kept in this worker's memory.
// A file being shared is read, hashed and copied here the same way ('import').
// A page that may be resumed after a reload is written to `partial/<hash>` instead (disk.js says when).
// A page from several holders at once arrives in ranges: each chunk is written at its place, and the page
// is hashed in order from its first byte, reading back what came ahead of that point once the bytes
// before it are in. Messages are handled one at a time, in order.

import { Sha256, hasWebCrypto, toHex } from './sha256.js';

let file = null; // { handle, access } while writing to OPFS
let parts = null; // the in-memory fallback
let hasher = new Sha256(); // of [0, front): restarted only when ranges are dropped (`forget`)
/** The digest of an imported file WebCrypto hashed whole (then `hasher` saw none of it) */
let known = null;
const WHOLE_MAX = 128 * 1024 * 1024;
/** Bytes [0, front) are hashed; `ahead` holds the ranges [from, to) written past it, sorted, disjoint. */
let front = 0;
let ahead = [];
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
      if (msg.op === 'write') write(msg.buf, msg.at);
      else await handle(msg);
    } catch (e) {
      console.error('recv-worker', msg.op, String(e));
      self.postMessage({ id: msg.id, error: String(e) });
    }
  }
  draining = false;
}

/** A chunk at `at` (default: right after the bytes before it, as an import or one holder sends them). */
function write(buf, at = front) {
  const bytes = new Uint8Array(buf);
  // only on disk: the memory fallback takes one holder at a time, in order (fetcher.js)
  if (at !== front && !file) throw new Error('bytes out of order without a file');
  store(bytes, at); // before `front` moves: a flush tells the front, which must be on disk by then
  if (at === front) {
    hasher.update(bytes);
    front += bytes.byteLength;
  } else {
    note(at, at + bytes.byteLength);
  }
  if (ahead.length && ahead[0][0] <= front) catchUp();
}

/** Keeps bytes: on disk at `at` (in batches of consecutive bytes), or in memory after the ones before. */
function store(bytes, at) {
  if (!file) {
    parts.push(bytes);
    return;
  }
  if (batched > 0 && batchAt + batched !== at) flush();
  if (batched === 0) batchAt = at;
  for (let i = 0; i < bytes.byteLength;) {
    const n = Math.min(WRITE_BYTES - batched, bytes.byteLength - i);
    batch.set(bytes.subarray(i, i + n), batched);
    batched += n;
    i += n;
    if (batched === WRITE_BYTES) flush();
  }
}

function flush() {
  if (!file || batched === 0) return;
  file.access.write(batch.subarray(0, batched), { at: batchAt });
  batchAt += batched;
  batched = 0;
  // the page has holes: how far it is whole is what a reload could resume from (disk.js)
  if (ahead.length) self.postMessage({ front });
}

/** The bytes ahead that now join the hashed ones are read back and hashed; the new front is told. */
function catchUp() {
  flush();
  while (ahead.length && ahead[0][0] <= front) {
    const [from, to] = ahead.shift();
    if (to > front) readInto(file.access, front, to, (bytes) => hasher.update(bytes));
    front = Math.max(front, to);
  }
  self.postMessage({ front });
}

/** Adds [from, to) to `ahead`, merged with a range it continues (a holder's bytes come in order). */
function note(from, to) {
  let i = ahead.findIndex((r) => r[1] >= from);
  if (i >= 0 && ahead[i][1] === from && ahead[i][0] <= from) {
    ahead[i][1] = to;
  } else {
    if (i < 0) i = ahead.length;
    else if (ahead[i][0] < from) i++;
    ahead.splice(i, 0, [from, to]);
  }
  if (i + 1 < ahead.length && ahead[i + 1][0] <= ahead[i][1]) {
    ahead[i][1] = Math.max(ahead[i][1], ahead[i + 1][1]);
    ahead.splice(i + 1, 1);
  }
}

let block = null;

/** Reads [from, to) of a file back through its access handle, a block at a time. */
function readInto(access, from, to, use) {
  block = block || new Uint8Array(WRITE_BYTES);
  for (let at = from; at < to;) {
    const n = access.read(block.subarray(0, Math.min(WRITE_BYTES, to - at)), { at });
    if (n <= 0) throw new Error('the page\'s file ends at ' + at + ', before ' + to);
    use(block.subarray(0, n));
    at += n;
  }
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
  readInto(access, 0, size, (bytes) => hasher.update(bytes));
  front = size;
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
      self.postMessage({ id: msg.id, resumed, disk: !!file });
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
        store(new Uint8Array(whole), 0);
        front = whole.byteLength; // hashed: `known`
        self.postMessage({ id: msg.id });
        return;
      }
      const SLICE = 4 * 1024 * 1024;
      for (let at = 0; at < msg.file.size; at += SLICE) {
        write(await msg.file.slice(at, at + SLICE).arrayBuffer());
        self.postMessage({ progress: front });
      }
      self.postMessage({ id: msg.id });
      return;
    }
    case 'digest':
      self.postMessage({ id: msg.id, hex: known ?? hasher.hex() });
      return;
    case 'digests': {
      // the SHA-256 of each range [from, to) as stored: what each holder sent, or what the page holds there
      flush();
      const hex = msg.ranges.map(([from, to]) => {
        const h = new Sha256();
        readInto(file.access, from, to, (bytes) => h.update(bytes));
        return h.hex();
      });
      self.postMessage({ id: msg.id, hex });
      return;
    }
    case 'forget':
      // some ranges are dropped, to be written again: the page is hashed again from 0, the kept ranges
      // (msg.kept, sorted, disjoint) read back as the front reaches them
      flush();
      hasher = new Sha256();
      front = 0;
      ahead = msg.kept.map((r) => [r[0], r[1]]);
      if (ahead.length && ahead[0][0] === 0) catchUp();
      self.postMessage({ id: msg.id });
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
