// The wanter's side of a `page` data channel (docs/protocol.md §2): send `get` for a range (by default
// the rest of the page after the bytes held), accept one `header`, collect binary chunks as ArrayBuffers
// while hashing them incrementally (or hand them to a worker that does), and verify SHA-256 once the page
// is whole. Nothing unverified ever leaves this module.

import { Sha256, isHash, toHex } from './sha256.js';
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

  /** Whether bytes may come in any order (several holders at once): only into a file. */
  ranged() {
    return !!this.sink && this.sink.onDisk;
  }

  /**
   * Takes one chunk, which belongs at `at` (a sink takes the buffer itself: the caller must not use it
   * after). Out of order only when `ranged()`.
   */
  write(buf, at) {
    this.received += buf.byteLength; // before a sink takes the buffer (detached, it has no length)
    if (this.sink) {
      this.sink.write(buf, at);
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
 *   has been reset, unless `keep`);
 * - 'unneeded' (`range` had nothing to ask of this holder).
 * With a `range`, `{ok: true, partial: true}` once that range is in while the page is not yet whole.
 * Never rejects. Closes the channel either way.
 * @param {RTCDataChannel} channel
 * @param {Download} dl
 * @param {{from?: string, openMs?: number, stallMs?: number, onProgress?: (dl: Download) => void,
 *          range?: () => ?Range, keep?: boolean, control?: object}} [opts]
 *        `from` is the holder's peer id, recorded as a contributor of the bytes it sends; `range` says,
 *        once the channel is open and earlier bytes are counted, what to ask this holder for (default: the
 *        rest of the page after the bytes held), and null for nothing; `control.abort()` is set: it ends
 *        the attempt at once ('aborted'), and no byte is taken after it
 * @returns {Promise<{ok: boolean, partial?: boolean, reason?: string, code?: string, size?: number, contributors?: string[]}>}
 */
export function receiveChannel(channel, dl, opts = {}) {
  const from = opts.from ?? '';
  const openMs = opts.openMs ?? 5000;
  const stallMs = opts.stallMs ?? STALL_MS;
  const onProgress = opts.onProgress ?? (() => {});
  const rangeOf = opts.range ?? (() => new Range(dl.received, null));
  /** @type {?Range} */
  let range = null;
  channel.binaryType = 'arraybuffer';
  return new Promise((resolve) => {
    const run = attempt(channel, resolve);
    const { finish, arm, stop } = run;
    let headerSeen = false;
    if (opts.control) opts.control.abort = () => finish({ ok: false, reason: 'aborted' });
    // every byte is in: no more stall clock while the last chunks are hashed (in a worker for a big page,
    // which may be seconds behind the channel), and the holder closing its channel meanwhile changes
    // nothing: the outcome is the hash's alone
    let verifying = false;
    const verify = () => {
      verifying = true;
      stop();
      const check = (actual) => {
        if (run.settled) return;
        if (actual === dl.hash) {
          finish({ ok: true });
        } else {
          const contributors = [...dl.contributors];
          if (!opts.keep) dl.reset();
          finish({ ok: false, reason: 'mismatch', contributors });
        }
      };
      dl.hex().then(check, () => check(null));
    };
    // the first `get` waits for an earlier visit's bytes to be hashed again (begun when the fetch began,
    // so mostly done by now): it asks only for the rest. No stall clock meanwhile, the holder's wait for a
    // `get` (10 s) bounds it
    const onOpen = () => {
      stop();
      dl.ready.then(() => {
        if (run.settled) return;
        range = rangeOf();
        if (!range) return finish({ ok: false, reason: 'unneeded' });
        const get = { type: 'get', hash: dl.hash, offset: range.start };
        if (range.asked !== null) get.end = range.asked;
        channel.send(JSON.stringify(get));
        arm(stallMs, 'stalled');
        return undefined;
      });
    };
    channel.addEventListener('close', () => {
      if (!verifying) finish({ ok: false, reason: 'closed' });
    });
    channel.addEventListener('message', (ev) => {
      if (run.settled) return;
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
        const problem = checkHeader(msg, dl, range);
        if (problem === 'size_conflict') dl.reset();
        if (problem) return finish({ ok: false, reason: problem, size: msg.size });
        headerSeen = true;
        dl.size = msg.size;
        if (range.end === null) range.end = msg.size;
        range.stop = msg.size;
        dl.chooseSink();
        if (typeof msg.name === 'string' && msg.name.length <= MAX_NAME && dl.name === undefined) dl.name = msg.name;
        if (typeof msg.mime === 'string' && msg.mime.length <= MAX_NAME && dl.mime === undefined) dl.mime = msg.mime;
        onProgress(dl);
        if (dl.received === dl.size) verify();
        return;
      }
      if (!headerSeen) return finish({ ok: false, reason: 'protocol' });
      let buf = ev.data instanceof ArrayBuffer ? ev.data : null;
      if (!buf || range.pos + buf.byteLength > range.stop) return finish({ ok: false, reason: 'protocol' });
      if (buf.byteLength === 0 || range.pos >= range.end) return;
      // another holder took over the rest of this range (fetcher.js): what comes past its new end is dropped
      if (range.pos + buf.byteLength > range.end) buf = buf.slice(0, range.end - range.pos);
      const at = range.pos;
      range.pos += buf.byteLength;
      dl.write(buf, at);
      dl.contributors.add(from);
      onProgress(dl);
      if (dl.received === dl.size) verify();
      else if (range.pos === range.end) finish({ ok: true, partial: true });
      return undefined;
    });
    if (channel.readyState === 'open') onOpen();
    else {
      channel.addEventListener('open', onOpen);
      arm(openMs, 'timeout');
    }
  });
}

/**
 * One attempt on a channel: `finish` ends it once (its clock stopped, the channel closed, the promise
 * resolved with the result), `arm(ms, reason)` (re)starts its clock, `stop` stops it.
 */
function attempt(channel, resolve) {
  let timer = null;
  const run = {
    settled: false,
    finish(result) {
      if (run.settled) return;
      run.settled = true;
      clearTimeout(timer);
      try {
        channel.close();
      } catch (e) {
        // already closed
      }
      resolve(result);
    },
    arm(ms, reason) {
      clearTimeout(timer);
      timer = setTimeout(() => run.finish({ ok: false, reason }), ms);
    },
    stop() {
      clearTimeout(timer);
    },
  };
  return run;
}

/** A holder's time to answer `get_digests` for `bytes` in all (docs/protocol.md; Java `Timeouts.digestWaitMs`). */
export function digestWaitMs(bytes) {
  return 5000 + 1000 * Math.floor(bytes / (16 * 1024 * 1024));
}

/**
 * Asks a holder, on a channel it opened, for the SHA-256 of each of `ranges` ([from, to) pairs, at most 64)
 * of the page as it holds it, instead of bytes. Resolves `{ok: true, sha256}` (one lowercase hex digest per
 * range, in order), or `{ok: false, reason, code?}` as `receiveChannel` does ('timeout', 'closed', 'error',
 * 'protocol'). Never rejects; closes the channel either way.
 * @param {RTCDataChannel} channel
 * @param {string} hash
 * @param {number[][]} ranges
 * @param {{openMs?: number}} [opts]
 * @returns {Promise<{ok: boolean, sha256?: string[], reason?: string, code?: string}>}
 */
export function askDigests(channel, hash, ranges, opts = {}) {
  const waitMs = digestWaitMs(ranges.reduce((n, [from, to]) => n + to - from, 0));
  return new Promise((resolve) => {
    const { finish, arm } = attempt(channel, resolve);
    const ask = () => {
      channel.send(JSON.stringify({ type: 'get_digests', hash, ranges }));
      arm(waitMs, 'timeout');
    };
    channel.addEventListener('close', () => finish({ ok: false, reason: 'closed' }));
    channel.addEventListener('message', (ev) => {
      let msg = null;
      try {
        msg = typeof ev.data === 'string' ? JSON.parse(ev.data) : null;
      } catch (e) {
        // falls through to 'protocol'
      }
      if (msg && msg.type === 'error') return finish({ ok: false, reason: 'error', code: typeof msg.code === 'string' ? msg.code : '' });
      const fine = msg && msg.type === 'digests' && msg.hash === hash && Array.isArray(msg.sha256)
        && msg.sha256.length === ranges.length && msg.sha256.every(isHash);
      return finish(fine ? { ok: true, sha256: msg.sha256 } : { ok: false, reason: 'protocol' });
    });
    if (channel.readyState === 'open') ask();
    else {
      channel.addEventListener('open', ask);
      arm(opts.openMs ?? 5000, 'timeout');
    }
  });
}

/**
 * What one holder is asked for: bytes [start, end) (`end` null until a header tells the size), `asked` the
 * `end` sent in the `get` (null: the rest of the page). `pos` is the next byte expected; `end` may be
 * moved down while bytes come (another holder takes the rest), `stop` is where the holder's header says its
 * bytes end: a byte past it is a lie.
 */
export class Range {
  /**
   * @param {number} start
   * @param {?number} end
   * @param {?number} [asked]
   */
  constructor(start, end, asked = null) {
    this.start = start;
    this.pos = start;
    this.end = end;
    this.asked = asked;
    this.stop = Infinity;
  }

  /** @returns {number} bytes still to come (0 while the end is unknown) */
  remaining() {
    return this.end === null ? 0 : this.end - this.pos;
  }
}

function checkHeader(msg, dl, range) {
  if (msg.hash !== dl.hash || msg.offset !== range.start || !Number.isSafeInteger(msg.size)) return 'protocol';
  // the link says how big the page is (kept bytes all come from holders that agreed): this holder lies
  if (dl.expected !== null && msg.size !== dl.expected) return 'wrong_size';
  // bytes are kept from earlier holders (else the fetch would have forgotten their size): one of them,
  // or this holder, is wrong about the page, and nothing tells which
  if (dl.size !== null && msg.size !== dl.size) return 'size_conflict';
  if (msg.size < range.start || (range.end !== null && msg.size < range.end)) return 'protocol';
  if (dl.expected === null && msg.size > dl.maxSize) return 'too_large';
  return null;
}

export { toHex };
