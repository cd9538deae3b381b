// Big pages off the main thread and its heap (docs/protocol.md, "Big pages in the browser"): a page of
// DISK_FROM bytes or more is hashed and stored by a worker (recv-worker.js), in this tab's folder of the
// Origin Private File System. Each tab writes only to its own folder, `recv/<tab>`, and holds a Web Lock
// of that name while it lives; a tab that starts deletes the folders whose lock nobody holds (tabs that
// closed or crashed), so pages never outlive the tabs that held them.
//
// A big page whose size the link gives is received into `partial/<hash>` instead, under a Web Lock
// `ephemeral-partial-<hash>` (one tab at a time): a reload or a crashed tab leaves what arrived there, and
// the next tab that opens the link hashes it again and asks holders for the rest only. Once verified, it
// moves into the tab's folder; it is deleted when cancelled, when its bytes do not verify, and
// PARTIAL_KEEP_MS after it was last written. A page arriving from several holders at once has holes until
// it is complete: how far it is whole from its first byte is kept in localStorage (`partialFront`), and a
// resume takes only that much.

/** Pages at least this big go to a worker and, where it exists, to OPFS. */
export const DISK_FROM = 8 * 1024 * 1024;
/**
 * Where this browser has no Origin Private File System, a page is held in memory (a worker's, while it
 * arrives): the largest page a tab then takes, and says so.
 */
export const MEMORY_MAX_BYTES = 512 * 1024 * 1024;
/** A partial page nobody resumed for this long is deleted by the next tab that starts. */
export const PARTIAL_KEEP_MS = 24 * 60 * 60 * 1000;

/** The localStorage key of how far `partial/<hash>` is whole from its first byte, once it has holes. */
function partialFront(hash) {
  return 'ephemeral-partial-front-' + hash;
}

function remember(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, String(value));
  } catch (e) {
    // no storage (a private window's quota): a resume then finds the holes, fails to verify, starts from 0
  }
}

/** @returns {?number} a count `remember` kept, or null */
function recalled(key) {
  try {
    const n = Number(localStorage.getItem(key) ?? NaN);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  } catch (e) {
    return null;
  }
}

const TAB = 'tab-' + Math.random().toString(36).slice(2, 12);
let swept = null;

/** Whether this browser has a private file system for big pages (and a worker to write them there). */
export function diskAvailable() {
  return workerAvailable() && typeof navigator !== 'undefined' && !!navigator.storage
    && typeof navigator.storage.getDirectory === 'function';
}

/**
 * Whether an arriving big page can be hashed by a worker: to OPFS where it exists, else kept in the
 * worker's memory (the worker falls back by itself when OPFS refuses).
 */
export function workerAvailable() {
  return typeof Worker === 'function';
}

/** Holds this tab's lock for its lifetime, then removes other tabs' leftover folders (once per tab). */
function sweep() {
  if (swept) return swept;
  swept = (async () => {
    if (!navigator.locks) return;
    navigator.locks.request('ephemeral-recv-' + TAB, () => new Promise(() => {})); // released when the tab ends
    try {
      const root = await navigator.storage.getDirectory();
      const recv = await root.getDirectoryHandle('recv', { create: true });
      for await (const name of recv.keys()) {
        if (name === TAB) continue;
        await navigator.locks.request('ephemeral-recv-' + name, { ifAvailable: true }, async (lock) => {
          if (lock) await recv.removeEntry(name, { recursive: true });
        });
      }
      const partial = await root.getDirectoryHandle('partial', { create: true });
      for await (const [name, handle] of partial.entries()) {
        await navigator.locks.request('ephemeral-partial-' + name, { ifAvailable: true }, async (lock) => {
          if (lock && Date.now() - (await handle.getFile()).lastModified > PARTIAL_KEEP_MS) await partial.removeEntry(name);
        });
      }
    } catch (e) {
      // no OPFS here: nothing to sweep
    }
  })();
  return swept;
}

/**
 * The bytes of one page being received, in a worker. Calls are queued in order; `write` transfers its
 * buffer (the caller must not use it after).
 */
export class DiskSink {
  /**
   * @param {string} hash
   * @param {{partial?: {size: number, release: () => void}}} [opts] `partial`: write to `partial/<hash>`,
   *        resuming what is there (at most `size` bytes); `release` gives up its lock once the sink is done
   */
  constructor(hash, { partial } = {}) {
    sweep();
    this.worker = new Worker(new URL('./recv-worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    this.waiting = new Map();
    /** @type {(bytes: number) => void} told of an import's progress */
    this.onProgress = () => {};
    this.worker.onmessage = (ev) => {
      if (ev.data.progress !== undefined) return this.onProgress(ev.data.progress);
      if (ev.data.front !== undefined) {
        if (this.holes) remember(partialFront(hash), ev.data.front);
        return undefined;
      }
      const w = this.waiting.get(ev.data.id);
      if (!w) return;
      this.waiting.delete(ev.data.id);
      if (ev.data.error) w.reject(new Error(ev.data.error));
      else w.resolve(ev.data);
    };
    this.hash = hash;
    this.name = hash + '-' + Math.random().toString(36).slice(2, 8);
    this.release = partial ? partial.release : () => {};
    this.partial = !!partial;
    /** bytes written in order from the first (as far as this side knows), and whether any came ahead of them */
    this.inOrder = 0;
    this.holes = false;
    /** whether the bytes go to a file (then they may come in any order), once `opened` resolved */
    this.onDisk = false;
    /** where the finished file is: {top: 'recv'|'partial', name} (null in memory) */
    this.where = null;
    // OPFS, or the worker's memory if it refuses: the worker decides, and the chunks queued meanwhile wait.
    // `opened` resolves to the bytes of an earlier visit it found and hashed again (0 if none).
    // (A page without OPFS keeps its worker without it too: its limit is MEMORY_MAX_BYTES.)
    // A partial page with holes is taken up to its recorded front only (the worker cuts the rest off).
    const front = partial ? recalled(partialFront(hash)) : null;
    const upTo = partial ? Math.min(partial.size, front ?? partial.size) : 0;
    this.opened = this.call(partial ? { op: 'open', resume: true, name: hash, upTo }
      : { op: 'open', dir: TAB, name: this.name, memory: !diskAvailable() }).then((r) => {
      this.onDisk = !!r.disk;
      if (r.resumed) this.inOrder = r.resumed;
      if (front !== null) remember(partialFront(hash), null); // cut at the front: whole again
      return r.resumed || 0;
    }, () => 0);
  }

  /**
   * A sink on `partial/<hash>`, for a page of `size` bytes, if this tab can have that file to itself (no other
   * tab is receiving the same page); null otherwise.
   * @returns {Promise<?DiskSink>}
   */
  static async partial(hash, size) {
    if (!navigator.locks) return null;
    let release;
    const held = new Promise((resolve) => {
      navigator.locks.request('ephemeral-partial-' + hash, { ifAvailable: true }, (lock) => {
        if (!lock) return resolve(false);
        resolve(true);
        return new Promise((r) => { release = r; });
      }).catch(() => resolve(false));
    });
    if (!(await held)) return null;
    return new DiskSink(hash, { partial: { size, release: () => release() } });
  }

  call(msg, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  /**
   * A file the user shares, copied into this tab's folder (or the worker's memory) and hashed, off the
   * main thread: the page is then this copy, as if it had arrived.
   * @param {File} file
   * @param {(done: number, total: number) => void} [onProgress]
   * @returns {Promise<{hash: string, blob: Blob, dispose: () => void}>}
   */
  static async copy(file, onProgress) {
    const sink = new DiskSink('shared');
    if (onProgress) sink.onProgress = (done) => onProgress(done, file.size);
    try {
      await sink.call({ op: 'import', file });
      const hash = await sink.hex();
      return { hash, blob: await sink.finish(), dispose: () => sink.remove() };
    } catch (e) {
      sink.discard();
      throw e;
    }
  }

  /**
   * Bytes at `at` (only on disk may they come ahead of the ones before them: see `onDisk`). The buffer is
   * transferred: the caller must not use it after.
   */
  write(buf, at) {
    if (at === this.inOrder) {
      this.inOrder += buf.byteLength;
    } else if (this.partial && !this.holes) {
      // before the first byte ahead is written: a reload from now on resumes from the front only
      this.holes = true;
      remember(partialFront(this.hash), this.inOrder);
    }
    this.worker.postMessage({ op: 'write', buf, at }, [buf]);
  }

  /**
   * @param {number[][]} ranges [from, to) pairs
   * @returns {Promise<string[]>} the SHA-256 of each range as stored
   */
  async digests(ranges) {
    return (await this.call({ op: 'digests', ranges })).hex;
  }

  /**
   * Everything but `kept` (sorted, disjoint [from, to) pairs) will be written again: the page is hashed
   * again from its first byte as the bytes come.
   */
  async forget(kept) {
    this.holes = this.holes || this.partial;
    if (this.partial) remember(partialFront(this.hash), kept.length && kept[0][0] === 0 ? kept[0][1] : 0);
    await this.call({ op: 'forget', kept });
  }

  /** @returns {Promise<string>} the SHA-256 of everything appended since the last reset */
  async hex() {
    return (await this.call({ op: 'digest' })).hex;
  }

  /** @returns {Promise<Blob>} the bytes (an OPFS file, or a Blob of the worker's chunks); ends the worker */
  async finish() {
    const { blob, where } = await this.call({ op: 'finish', moveTo: { dir: TAB, name: this.name } });
    this.where = where;
    this.worker.terminate();
    this.done();
    return blob;
  }

  /** Deletes the finished page's file (when the page is no longer held); nothing if it was kept in memory. */
  async remove() {
    if (!this.where) return;
    try {
      const root = await navigator.storage.getDirectory();
      const top = await root.getDirectoryHandle(this.where.top);
      const dir = this.where.top === 'recv' ? await top.getDirectoryHandle(TAB) : top;
      await dir.removeEntry(this.where.name);
    } catch (e) {
      // already gone
    }
  }

  /** Throws the bytes away (a failed or cancelled fetch) and ends the worker. */
  discard() {
    this.call({ op: 'discard' }).catch(() => {}).finally(() => {
      this.worker.terminate();
      this.done();
    });
  }

  done() {
    if (this.partial) remember(partialFront(this.hash), null);
    this.release();
  }
}
