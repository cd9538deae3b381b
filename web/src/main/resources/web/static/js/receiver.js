// The wanter's side of a `page` data channel (docs/protocol.md §2): send `get` from the verified-in-order
// offset, accept one `header`, collect binary chunks as ArrayBuffers while hashing them incrementally,
// and verify SHA-256 when the announced size is reached. Nothing unverified ever leaves this module.

import { Sha256, toHex } from './sha256.js';

const MAX_NAME = 255;

/** The bytes of one page as they arrive, possibly from several holders in turn (resume by offset). */
export class Download {
  /**
   * @param {string} hash
   * @param {number} maxSize largest page accepted, in bytes
   */
  constructor(hash, maxSize) {
    this.hash = hash;
    this.maxSize = maxSize;
    this.reset();
  }

  /** Forgets everything received (after bytes that did not verify). */
  reset() {
    /** @type {ArrayBuffer[]} */
    this.parts = [];
    this.hasher = new Sha256();
    this.received = 0;
    this.size = null;
    this.name = undefined;
    this.mime = undefined;
  }

  /** @returns {Blob} the verified bytes (only valid once `receiveChannel` resolved `ok`) */
  blob() {
    return new Blob(this.parts);
  }
}

/**
 * Runs one attempt on a channel the holder opened. Resolves `{ok: true}` once the page is complete and
 * verified, or `{ok: false, reason}` ('timeout', 'stalled', 'closed', 'not_found', 'busy',
 * 'protocol', 'too_large', 'mismatch'); on 'mismatch' the download has been reset. Never rejects. Closes the
 * channel either way.
 * @param {RTCDataChannel} channel
 * @param {Download} dl
 * @param {{openMs?: number, stallMs?: number, onProgress?: (dl: Download) => void}} [opts]
 * @returns {Promise<{ok: boolean, reason?: string}>}
 */
export function receiveChannel(channel, dl, opts = {}) {
  const openMs = opts.openMs ?? 5000;
  const stallMs = opts.stallMs ?? 4000;
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
    const verify = () => {
      const actual = dl.hasher.hex();
      if (actual === dl.hash) {
        finish({ ok: true });
      } else {
        dl.reset();
        finish({ ok: false, reason: 'mismatch' });
      }
    };
    const onOpen = () => {
      channel.send(JSON.stringify({ type: 'get', hash: dl.hash, offset: dl.received }));
      arm(stallMs, 'stalled');
    };
    channel.addEventListener('close', () => finish({ ok: false, reason: 'closed' }));
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
        // any error (not_found, busy, …) means: ask someone else
        if (msg && msg.type === 'error') return finish({ ok: false, reason: msg.code === 'busy' ? 'busy' : 'not_found' });
        if (!msg || msg.type !== 'header' || headerSeen) return finish({ ok: false, reason: 'protocol' });
        const problem = checkHeader(msg, dl);
        if (problem) return finish({ ok: false, reason: problem });
        headerSeen = true;
        dl.size = msg.size;
        if (typeof msg.name === 'string' && msg.name.length <= MAX_NAME && dl.name === undefined) dl.name = msg.name;
        if (typeof msg.mime === 'string' && msg.mime.length <= MAX_NAME && dl.mime === undefined) dl.mime = msg.mime;
        onProgress(dl);
        if (dl.received === dl.size) verify();
        return;
      }
      if (!headerSeen) return finish({ ok: false, reason: 'protocol' });
      const buf = ev.data instanceof ArrayBuffer ? ev.data : null;
      if (!buf || dl.received + buf.byteLength > dl.size) return finish({ ok: false, reason: 'protocol' });
      dl.parts.push(buf);
      dl.hasher.update(new Uint8Array(buf));
      dl.received += buf.byteLength;
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
  if (msg.hash !== dl.hash || msg.offset !== dl.received) return 'protocol';
  if (!Number.isSafeInteger(msg.size) || msg.size < dl.received) return 'protocol';
  if (msg.size > dl.maxSize) return 'too_large';
  if (dl.size !== null && msg.size !== dl.size) return 'protocol';
  return null;
}

export { toHex };
