// Big pages off the main thread and its heap (docs/protocol.md, "Big pages in the browser"): a page of
// DISK_FROM bytes or more is hashed and stored by a worker (recv-worker.js), in this tab's folder of the
// Origin Private File System. Each tab writes only to its own folder, `recv/<tab>`, and holds a Web Lock
// of that name while it lives; a tab that starts deletes the folders whose lock nobody holds (tabs that
// closed or crashed), so pages never outlive the tabs that held them.

/** Pages at least this big go to a worker and, where it exists, to OPFS. */
export const DISK_FROM = 8 * 1024 * 1024;

const TAB = 'tab-' + Math.random().toString(36).slice(2, 12);
let swept = null;

/** Whether this browser can give big pages a worker (OPFS is the worker's concern, with its fallback). */
export function diskAvailable() {
  return typeof Worker === 'function' && typeof navigator !== 'undefined' && !!navigator.storage
    && typeof navigator.storage.getDirectory === 'function';
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
    } catch (e) {
      // no OPFS here: nothing to sweep
    }
  })();
  return swept;
}

/**
 * The bytes of one page being received, in a worker. Calls are queued in order; `append` transfers its
 * buffer (the caller must not use it after).
 */
export class DiskSink {
  constructor(hash) {
    sweep();
    this.worker = new Worker(new URL('./recv-worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    this.waiting = new Map();
    this.worker.onmessage = (ev) => {
      const w = this.waiting.get(ev.data.id);
      if (!w) return;
      this.waiting.delete(ev.data.id);
      if (ev.data.error) w.reject(new Error(ev.data.error));
      else w.resolve(ev.data);
    };
    this.name = hash + '-' + Math.random().toString(36).slice(2, 8);
    // OPFS, or the worker's memory if it refuses: the worker decides, and the chunks queued meanwhile wait
    this.call({ op: 'open', dir: TAB, name: this.name }).catch(() => {});
  }

  call(msg, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  append(buf) {
    this.worker.postMessage({ op: 'write', buf }, [buf]);
  }

  reset() {
    this.worker.postMessage({ op: 'reset' });
  }

  /** @returns {Promise<string>} the SHA-256 of everything appended since the last reset */
  async hex() {
    return (await this.call({ op: 'digest' })).hex;
  }

  /** @returns {Promise<Blob>} the bytes (an OPFS file, or a Blob of the worker's chunks); ends the worker */
  async finish() {
    const { blob } = await this.call({ op: 'finish' });
    this.worker.terminate();
    return blob;
  }

  /** Deletes the finished page's file (when the page is no longer held); nothing if it was kept in memory. */
  async remove() {
    try {
      const root = await navigator.storage.getDirectory();
      const dir = await (await root.getDirectoryHandle('recv')).getDirectoryHandle(TAB);
      await dir.removeEntry(this.name);
    } catch (e) {
      // never written to OPFS, or already gone
    }
  }

  /** Throws the bytes away (a failed or cancelled fetch) and ends the worker. */
  discard() {
    this.call({ op: 'discard' }).catch(() => {}).finally(() => this.worker.terminate());
  }
}
