// The wanter's side of a `page` data channel (docs/protocol.md §2): send `get` from the verified-in-order
// offset, accept one `header`, collect binary chunks as ArrayBuffers while hashing them incrementally,
// and verify SHA-256 when the announced size is reached. Nothing unverified ever leaves this module.

import { Sha256, toHex } from './sha256.js';
import { DISK_FROM, DiskSink, diskAvailable, workerAvailable } from './disk.js';

const MAX_NAME = 255;
/** No message on the channel for this long while receiving: the holder stalled. */
export const STALL_MS = 5000;

/**
 * The bytes of one page as they arrive, possibly from several holders in turn (resume by offset), and
 * who sent them: when the whole does not verify, only a sole contributor can be blamed.
 */
export class Download {
  /**
   * @param {string} hash
   * @param {number} maxSize largest page accepted while its size is not known, in bytes
   */
  constructor(hash, maxSize) {
    this.hash = hash;
    this.maxSize = maxSize;
    /** @type {?number} the page's size, known in advance (from its link): any other is a lie */
    this.expected = null;
    this.reset();
  }

  /**
   * Forgets everything received, and with it the size and hints the senders of those bytes announced
   * (after bytes that did not verify, or when no byte is kept).
   */
  reset() {
    if (this.sink) this.sink.discard();
    this.resets = (this.resets || 0) + 1;
    /** resolves once an earlier visit's bytes were found and hashed again (see `resume`) */
    this.ready = Promise.resolve();
    /** bytes this download started with, from an earlier visit's partial page */
    this.resumedFrom = 0;
    /** @type {?DiskSink} where a big page's bytes go instead of `parts` and `hasher` (disk.js) */
    this.sink = null;
    /** @type {ArrayBuffer[]} */
    this.parts = [];
    this.hasher = new Sha256();
    /** @type {?Promise<string>} the digest, once asked for */
    this.digest = null;
    this.received = 0;
    this.size = null;
    this.name = undefined;
    this.mime = undefined;
    /** @type {Set<string>} peers whose bytes are among the kept ones */
    this.contributors = new Set();
  }

  /**
   * A big page whose size is known before any header (from its link): its bytes go to `partial/<hash>`,
   * and what an earlier visit (a reload, a crashed tab) left there counts as received, once hashed
   * again. Those bytes are one more contributor: if the whole does not verify, nobody is blamed and the
   * download starts again from 0 (disk.js).
   */
  resume() {
    if (this.expected === null || this.expected < DISK_FROM || this.received > 0 || this.sink || !diskAvailable()) return;
    const resets = this.resets;
    this.ready = DiskSink.partial(this.hash, this.expected).then(async (sink) => {
      if (!sink) return; // another tab is receiving this page: this one receives its own copy
      const resumed = await sink.opened;
      if (resets !== this.resets || this.sink || this.received > 0) {
        sink.discard();
        return;
      }
      this.sink = sink;
      this.size = this.expected;
      this.received = resumed;
      this.resumedFrom = resumed;
      if (resumed > 0) this.contributors.add('an earlier visit');
    }, () => {});
  }

  /**
   * At a header: a big page from its first byte goes to a worker (and OPFS), off this thread and heap;
   * without OPFS, the worker still hashes it, off this thread, and keeps it in its memory.
   */
  chooseSink() {
    if (this.received === 0 && !this.sink && this.size >= DISK_FROM && workerAvailable()) this.sink = new DiskSink(this.hash);
  }

  /** Takes one chunk (a sink takes the buffer itself: the caller must not use it after). */
  append(buf) {
    this.received += buf.byteLength; // before a sink takes the buffer (detached, it has no length)
    if (this.sink) {
      this.sink.append(buf);
    } else {
      this.parts.push(buf);
      this.hasher.update(new Uint8Array(buf));
    }
  }

  /** @returns {Promise<string>} the SHA-256 of the bytes received, once they are all hashed (asked once) */
  hex() {
    if (!this.digest) this.digest = this.sink ? this.sink.hex() : Promise.resolve().then(() => this.hasher.hex());
    return this.digest;
  }

  /**
   * The verified bytes (only once `receiveChannel` resolved `ok`), and how to delete them when the page is
   * no longer held; this Download lets go of them.
   * @returns {Promise<{blob: Blob, dispose: () => void}>}
   */
  async take() {
    if (this.sink) {
      const sink = this.sink;
      this.sink = null;
      return { blob: await sink.finish(), dispose: () => sink.remove() };
    }
    const blob = new Blob(this.parts);
    this.parts = []; // the Blob has its own copy: don't hold the page twice
    return { blob, dispose: () => {} };
  }
}

/**
 * Runs one attempt on a channel the holder opened. Resolves `{ok: true}` once the page is complete and
 * verified, or `{ok: false, reason, ...}` with reason one of:
 * - 'timeout' (not open within `openMs`), 'stalled', 'closed';
 * - 'too_large' (its `size`, also given as `size`, is over `dl.maxSize` and no size was expected);
 * - 'wrong_size' (its `size`, also given as `size`, is not `dl.expected`);
 * - 'error' (the holder replied `error`; `code` is its code, any string);
 * - 'protocol' (the holder broke the transfer protocol);
 * - 'size_conflict' (its `size` differs from the one announced by the senders of the kept bytes: we
 *   cannot tell who is wrong; the download has been reset);
 * - 'mismatch' (all bytes arrived and do not verify; `contributors` lists who sent them; the download
 *   has been reset).
 * Never rejects. Closes the channel either way.
 * @param {RTCDataChannel} channel
 * @param {Download} dl
 * @param {{from?: string, openMs?: number, stallMs?: number, onProgress?: (dl: Download) => void}} [opts]
 *        `from` is the holder's peer id, recorded as a contributor of the bytes it sends
 * @returns {Promise<{ok: boolean, reason?: string, code?: string, size?: number, contributors?: string[]}>}
 */
export function receiveChannel(channel, dl, opts = {}) {
  const from = opts.from ?? '';
  const openMs = opts.openMs ?? 5000;
  const stallMs = opts.stallMs ?? STALL_MS;
  const onProgress = opts.onProgress ?? (() => {});
  channel.binaryType = 'arraybuffer';
  return new Promise((resolve) => {
    let settled = false;
    let headerSeen = false;
    let timer = null;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        channel.close();
      } catch (e) {
        // already closed
      }
      resolve(result);
    };
    const arm = (ms, reason) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ ok: false, reason }), ms);
    };
    // every byte is in: no more stall clock while the last chunks are hashed (in a worker for a big page,
    // which may be seconds behind the channel), and the holder closing its channel meanwhile changes
    // nothing: the outcome is the hash's alone
    let verifying = false;
    const verify = () => {
      verifying = true;
      clearTimeout(timer);
      const check = (actual) => {
        if (settled) return;
        if (actual === dl.hash) {
          finish({ ok: true });
        } else {
          const contributors = [...dl.contributors];
          dl.reset();
          finish({ ok: false, reason: 'mismatch', contributors });
        }
      };
      dl.hex().then(check, () => check(null));
    };
    // the first `get` waits for an earlier visit's bytes to be hashed again (begun when the fetch began,
    // so mostly done by now): it asks only for the rest. No stall clock meanwhile, the holder's wait for a
    // `get` (10 s) bounds it
    const onOpen = () => {
      clearTimeout(timer);
      dl.ready.then(() => {
        if (settled) return;
        channel.send(JSON.stringify({ type: 'get', hash: dl.hash, offset: dl.received }));
        arm(stallMs, 'stalled');
      });
    };
    channel.addEventListener('close', () => {
      if (!verifying) finish({ ok: false, reason: 'closed' });
    });
    channel.addEventListener('message', (ev) => {
      if (settled) return;
      arm(stallMs, 'stalled');
      if (typeof ev.data === 'string') {
        let msg = null;
        try {
          msg = JSON.parse(ev.data);
        } catch (e) {
          // falls through to 'protocol'
        }
        // any error, whatever its code (busy, not_found, or one we do not know yet): ask someone else
        if (msg && msg.type === 'error') {
          return finish({ ok: false, reason: 'error', code: typeof msg.code === 'string' ? msg.code : '' });
        }
        if (!msg || msg.type !== 'header' || headerSeen) return finish({ ok: false, reason: 'protocol' });
        const problem = checkHeader(msg, dl);
        if (problem === 'size_conflict') dl.reset();
        if (problem) return finish({ ok: false, reason: problem, size: msg.size });
        headerSeen = true;
        dl.size = msg.size;
        dl.chooseSink();
        if (typeof msg.name === 'string' && msg.name.length <= MAX_NAME && dl.name === undefined) dl.name = msg.name;
        if (typeof msg.mime === 'string' && msg.mime.length <= MAX_NAME && dl.mime === undefined) dl.mime = msg.mime;
        onProgress(dl);
        if (dl.received === dl.size) verify();
        return;
      }
      if (!headerSeen) return finish({ ok: false, reason: 'protocol' });
      const buf = ev.data instanceof ArrayBuffer ? ev.data : null;
      if (!buf || dl.received + buf.byteLength > dl.size) return finish({ ok: false, reason: 'protocol' });
      if (buf.byteLength === 0) return;
      dl.append(buf);
      dl.contributors.add(from);
      onProgress(dl);
      if (dl.received === dl.size) verify();
    });
    if (channel.readyState === 'open') onOpen();
    else {
      channel.addEventListener('open', onOpen);
      arm(openMs, 'timeout');
    }
  });
}

function checkHeader(msg, dl) {
  if (msg.hash !== dl.hash || msg.offset !== dl.received || !Number.isSafeInteger(msg.size)) return 'protocol';
  // the link says how big the page is (kept bytes all come from holders that agreed): this holder lies
  if (dl.expected !== null && msg.size !== dl.expected) return 'wrong_size';
  // bytes are kept from earlier holders (else the fetch would have forgotten their size): one of them,
  // or this holder, is wrong about the page, and nothing tells which
  if (dl.size !== null && msg.size !== dl.size) return 'size_conflict';
  if (msg.size < dl.received) return 'protocol';
  if (dl.expected === null && msg.size > dl.maxSize) return 'too_large';
  return null;
}

export { toHex };
