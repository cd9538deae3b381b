// The holder's side of a `page` data channel (docs/protocol.md §2): wait for `get`, send `header`, then
// the bytes from the requested offset in ≤ 64 KiB binary messages with bufferedAmount flow control; or
// for `get_digests`, and send the SHA-256 of each range asked about.
// A request it cannot serve gets one `error` with a code, and the channel stays open long enough for the
// wanter to read it (rather than see a bare close).

import { Sha256, isHash } from './sha256.js';

export const CHUNK_BYTES = 64 * 1024;
/** The most ranges one `get_digests` asks about (docs/protocol.md, "Several holders at once"). */
const MAX_DIGEST_RANGES = 64;
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const READ_BYTES = 1024 * 1024;
/** How long a refused channel stays open for the wanter to read the `error` and close it. */
const ERROR_FLUSH_MS = 1000;
const FLUSH_POLL_MS = 10;
/** A channel with no request this long after it opened is closed: its wanter gave up or never will ask. */
const GET_WAIT_MS = 10000;
/** A served channel the wanter has not closed this long after the last byte left is closed (2 × its stall clock). */
const SERVED_LINGER_MS = 10000;

/**
 * Serves pages from `store` on a channel this peer opened. The first message decides: a valid `get`
 * or `get_digests` (unknown extra fields are ignored) is answered; anything else is answered with `error` and code
 * `bad_request`, `not_found`, `bad_offset` or `busy`. Messages after the first are ignored. Channels
 * left idle by the wanter (no request, or not closed once served) are closed, so that they do not keep
 * the connection alive. Resolves when the channel closes.
 * @param {RTCDataChannel} channel
 * @param {{get(hash: string): (import('./store.js').Page|undefined)}} store
 * @param {(sending: boolean) => void} [onActive] told when a transfer starts and ends
 * @param {() => boolean} [mayStart] false when this peer already serves its maximum of transfers
 * @returns {Promise<void>}
 */
export function serveChannel(channel, store, onActive = () => {}, mayStart = () => true) {
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = LOW_WATER;
  return new Promise((resolve) => {
    let first = true;
    channel.addEventListener('close', () => resolve());
    opened(channel).then(() => setTimeout(() => {
      if (first) channel.close();
    }, GET_WAIT_MS));
    channel.addEventListener('message', async (ev) => {
      if (!first) return;
      first = false;
      // On a reused connection Chromium can deliver the wanter's `get` before this side's 'open' event,
      // while send() still throws: answer once open, or the wanter would see a bare close.
      await opened(channel);
      if (channel.readyState !== 'open') return;
      const request = parseRequest(ev.data);
      if (request.error) {
        refuse(channel, request.error, request.message);
        return;
      }
      const page = store.get(request.hash);
      if (!page) {
        refuse(channel, 'not_found', 'page not held here');
        return;
      }
      const size = page.blob.size;
      const beyond = request.ranges ? request.ranges.some(([, to]) => to > size) && 'a range ends'
        : request.offset > size ? 'offset' : request.end > size ? 'end' : null;
      if (beyond) {
        refuse(channel, 'bad_offset', beyond + ' beyond the page size ' + size);
        return;
      }
      if (!mayStart()) {
        refuse(channel, 'busy', 'too many transfers; try another holder');
        return;
      }
      onActive(true);
      try {
        if (request.ranges) await sendDigests(channel, page, request.ranges);
        else await sendPage(channel, page, request.offset, request.end);
        flushed(channel, Infinity).then(() => setTimeout(() => channel.close(), SERVED_LINGER_MS));
      } catch (e) {
        // the channel closed under us, or the bytes could not be read: either way this attempt is over, and
        // closing tells the wanter to resume elsewhere now rather than after its stall timeout
        channel.close();
      } finally {
        onActive(false);
      }
    });
  });
}

/**
 * Answers `get_digests`: the SHA-256 of each range of the page (it reads them all, so it counts as a
 * transfer), and no bytes.
 */
async function sendDigests(channel, page, ranges) {
  const sha256 = [];
  for (const [from, to] of ranges) {
    const hasher = new Sha256();
    for (let pos = from; pos < to; pos += READ_BYTES) {
      if (channel.readyState !== 'open') return;
      hasher.update(await page.blob.slice(pos, Math.min(pos + READ_BYTES, to)).arrayBuffer());
    }
    sha256.push(hasher.hex());
  }
  if (channel.readyState === 'open') channel.send(JSON.stringify({ type: 'digests', hash: page.hash, sha256 }));
}

/**
 * @param {string|ArrayBuffer} data the first message on a channel
 * @returns {{hash: string, offset: number, end?: number, error?: undefined}
 *   |{hash: string, ranges: number[][], error?: undefined}|{error: string, message: string}}
 */
function parseRequest(data) {
  if (typeof data !== 'string') return { error: 'bad_request', message: 'expected get before anything else' };
  let msg;
  try {
    msg = JSON.parse(data);
  } catch (e) {
    return { error: 'bad_request', message: 'not JSON' };
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg) || (msg.type !== 'get' && msg.type !== 'get_digests')) {
    return { error: 'bad_request', message: 'expected {"type":"get",...} or {"type":"get_digests",...}' };
  }
  if (!isHash(msg.hash)) return { error: 'bad_request', message: 'hash must be 64 lowercase hex characters' };
  if (msg.type === 'get_digests') {
    const ok = Array.isArray(msg.ranges) && msg.ranges.length >= 1 && msg.ranges.length <= MAX_DIGEST_RANGES
      && msg.ranges.every((r) => Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0])
        && Number.isSafeInteger(r[1]) && r[0] >= 0 && r[1] > r[0]);
    return ok ? { hash: msg.hash, ranges: msg.ranges }
      : { error: 'bad_request', message: 'ranges must be 1 to ' + MAX_DIGEST_RANGES + ' [from, to] pairs, 0 <= from < to' };
  }
  if (!Number.isSafeInteger(msg.offset) || msg.offset < 0) {
    return { error: 'bad_request', message: 'offset must be a non-negative integer' };
  }
  if (msg.end !== undefined && (!Number.isSafeInteger(msg.end) || msg.end <= msg.offset)) {
    return { error: 'bad_request', message: 'end must be an integer greater than offset' };
  }
  return { hash: msg.hash, offset: msg.offset, end: msg.end };
}

/** @returns {Promise<void>} settles once `channel` is no longer connecting (open, or closed) */
function opened(channel) {
  if (channel.readyState !== 'connecting') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      channel.removeEventListener('open', done);
      channel.removeEventListener('close', done);
      resolve();
    };
    channel.addEventListener('open', done);
    channel.addEventListener('close', done);
  });
}

/**
 * Sends `error`, and closes the channel ERROR_FLUSH_MS later unless the wanter (which closes it as soon
 * as it reads the error) did first. Closing as soon as bufferedAmount reads 0 is not enough: Chromium
 * then still loses the error now and then (measured: about 1 channel in 100 when several are refused
 * at once; presumably a message handed to SCTP but not yet sent is dropped when its stream is reset).
 */
function refuse(channel, code, message) {
  try {
    channel.send(JSON.stringify({ type: 'error', code, message }));
  } catch (e) {
    return; // closed already
  }
  setTimeout(() => channel.close(), ERROR_FLUSH_MS);
}

// Resolves once the send buffer is empty (or the channel closed), or after `maxMs`. bufferedAmount drops
// asynchronously after send(), so it is polled rather than read once.
function flushed(channel, maxMs) {
  const deadline = performance.now() + maxMs;
  return new Promise((resolve) => {
    const tick = () => {
      if (channel.readyState === 'open' && channel.bufferedAmount > 0 && performance.now() < deadline) {
        setTimeout(tick, FLUSH_POLL_MS);
      } else {
        resolve();
      }
    };
    setTimeout(tick, 0);
  });
}

// Sends [offset, end) (end: the page's size when the wanter gave none) after a header echoing the request.
async function sendPage(channel, page, offset, end) {
  const header = { type: 'header', hash: page.hash, size: page.blob.size, offset };
  if (end !== undefined) header.end = end;
  if (page.name) header.name = page.name;
  if (page.mime) header.mime = page.mime;
  channel.send(JSON.stringify(header));
  const size = end ?? page.blob.size;
  const read = (pos) => page.blob.slice(pos, Math.min(pos + READ_BYTES, size)).arrayBuffer();
  // Reading a blob is an asynchronous trip to the browser's blob store: read the next slice while this
  // one is being sent, so the channel never waits for the disk or the IPC.
  let next = offset < size ? read(offset) : null;
  for (let pos = offset; next && channel.readyState === 'open';) {
    const slice = await next;
    const after = pos + slice.byteLength;
    next = after < size ? read(after) : null;
    for (let i = 0; i < slice.byteLength; i += CHUNK_BYTES) {
      if (channel.bufferedAmount > HIGH_WATER) await drained(channel);
      if (channel.readyState !== 'open') return;
      // a view, not a copy: send() takes exactly the view's bytes
      channel.send(new Uint8Array(slice, i, Math.min(CHUNK_BYTES, slice.byteLength - i)));
    }
    pos = after;
  }
}

function drained(channel) {
  return new Promise((resolve) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', done);
      resolve();
    };
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', done);
  });
}
