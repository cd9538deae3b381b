// A big page's bytes as they arrive, off the page's main thread (docs/protocol.md, "Big pages in the
// browser"): each chunk is hashed here (incremental SHA-256) and written to this tab's folder of the Origin
// Private File System through a sync access handle, so neither the hashing nor the bytes weigh on the main
// thread or its heap. Where OPFS is missing (or refused), the chunks are kept in this worker's memory.
// Messages are handled one at a time, in order.

import { Sha256 } from './sha256.js';

let file = null; // { handle, access } while writing to OPFS
let parts = null; // the in-memory fallback
let hasher = new Sha256();
let position = 0;
/** Chunks not yet written: written together once they reach WRITE_BYTES (fewer, larger OPFS writes). */
let pending = [];
let pendingBytes = 0;
const WRITE_BYTES = 1024 * 1024;
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
      self.postMessage({ id: msg.id, error: String(e) });
    }
  }
  draining = false;
}

function write(buf) {
  const bytes = new Uint8Array(buf);
  hasher.update(bytes);
  position += bytes.byteLength;
  if (!file) {
    parts.push(buf);
    return;
  }
  pending.push(bytes);
  pendingBytes += bytes.byteLength;
  if (pendingBytes >= WRITE_BYTES) flush();
}

function flush() {
  if (!file || pendingBytes === 0) return;
  const all = new Uint8Array(pendingBytes);
  let at = 0;
  for (const p of pending) {
    all.set(p, at);
    at += p.byteLength;
  }
  file.access.write(all, { at: position - pendingBytes });
  pending = [];
  pendingBytes = 0;
}

async function handle(msg) {
  switch (msg.op) {
    case 'open': {
      try {
        const root = await navigator.storage.getDirectory();
        const recv = await root.getDirectoryHandle('recv', { create: true });
        const dir = await recv.getDirectoryHandle(msg.dir, { create: true });
        const handle = await dir.getFileHandle(msg.name, { create: true });
        const access = await handle.createSyncAccessHandle();
        access.truncate(0);
        file = { dir, name: msg.name, handle, access };
      } catch (e) {
        parts = [];
      }
      self.postMessage({ id: msg.id, disk: file !== null });
      return;
    }
    case 'reset':
      hasher = new Sha256();
      position = 0;
      pending = [];
      pendingBytes = 0;
      if (file) file.access.truncate(0);
      else parts = [];
      return;
    case 'digest':
      self.postMessage({ id: msg.id, hex: hasher.hex() });
      return;
    case 'finish': {
      // the bytes as a Blob: an OPFS file once its handle is closed (nothing copied), or the kept chunks
      let blob;
      if (file) {
        flush();
        file.access.flush();
        file.access.close();
        blob = await file.handle.getFile();
      } else {
        blob = new Blob(parts);
        parts = [];
      }
      self.postMessage({ id: msg.id, blob });
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
