// The wanter's loop for one page: `want`, take the channel the chosen holder opens, receive and verify,
// and on any failure re-want with that holder excluded, resuming from the bytes already received
// (docs/protocol.md §1 "Routing", §2). A want with no eligible holder stays pending at the server,
// which routes it the moment a holder announces the page: nothing here polls for holders.

import { Download, receiveChannel } from './receiver.js';

/** A routed holder answers with an offer within milliseconds; silence this long means: ask again. */
const OFFER_MS = 2000;
/** From a holder's offer to an open channel. */
const CONNECT_MS = 5000;
const MAX_EXCLUDE = 64;

/**
 * Performance marks (visible in the browser's dev tools, read by the benchmarks): the first `want` and
 * the first verified content of this tab. Navigation start is the marks' time origin.
 * @param {string} name
 */
function markOnce(name) {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

/**
 * Fetching one page. `state` is 'waiting' (want sent, no holder channel yet), 'receiving', 'done' or
 * 'cancelled'. Listeners passed as `onUpdate` are called on every change of state or progress.
 */
export class PageFetch {
  /**
   * @param {string} hash
   * @param {object} opts
   * @param {(msg: object) => boolean} opts.send sends a signaling message
   * @param {() => number} opts.holders the latest holder count the server reported for `hash`
   * @param {number} opts.maxSize largest page accepted, in bytes
   * @param {(dl: Download) => void} opts.onDone called once with the verified download
   * @param {() => void} opts.onUpdate
   */
  constructor(hash, { send, holders, maxSize, onDone, onUpdate }) {
    this.hash = hash;
    this.send = send;
    this.holders = holders;
    this.onDone = onDone;
    this.onUpdate = onUpdate;
    this.dl = new Download(hash, maxSize);
    this.state = 'waiting';
    /** peers that sent bytes that did not verify: never asked again */
    this.liars = new Set();
    /** peers that timed out or vanished: excluded until every known holder has failed once */
    this.failed = new Set();
    this.offeredBy = null; // the holder that signalled an offer for this page, before its channel opened
    this.offerAt = 0;
    this.rejected = 0; // how many times bytes failed verification
    this.lastError = null;
    this.timer = null;
    this.startedAt = 0;
    this.bytesAtStart = 0;
  }

  /** Sends the first `want`. */
  start() {
    this.want();
  }

  /** Re-sends the `want` after a signaling reconnect (peer ids changed, so exclusions are void). */
  rewant() {
    if (this.state !== 'waiting') return;
    this.liars.clear();
    this.failed.clear();
    this.want();
  }

  /** Stops wanting the page. */
  cancel() {
    this.state = 'cancelled';
    clearTimeout(this.timer);
    this.send({ type: 'unwant', hash: this.hash });
  }

  /**
   * A holder signalled an offer for this page: remember who, to exclude it if it never delivers.
   * @param {string} peerId
   */
  noteOffer(peerId) {
    if (this.state !== 'waiting') return;
    this.offeredBy = peerId;
    this.offerAt = performance.now();
  }

  /**
   * Takes a channel a holder opened for this page; returns false (and leaves the channel alone) if a
   * transfer is already running or done.
   * @param {RTCDataChannel} channel
   * @param {string} peerId
   * @returns {boolean}
   */
  attach(channel, peerId) {
    if (this.state !== 'waiting') return false;
    clearTimeout(this.timer);
    this.state = 'receiving';
    this.holder = peerId;
    this.startedAt = performance.now();
    this.bytesAtStart = this.dl.received;
    this.onUpdate();
    receiveChannel(channel, this.dl, { onProgress: () => this.onUpdate() }).then((result) => {
      if (this.state !== 'receiving') return;
      if (result.ok) {
        markOnce('content-verified');
        this.state = 'done';
        this.finishedAt = performance.now();
        this.onUpdate();
        this.onDone(this.dl);
        return;
      }
      this.lastError = result.reason;
      if (result.reason === 'mismatch' || result.reason === 'protocol') {
        this.liars.add(peerId);
        if (result.reason === 'mismatch') this.rejected++;
      } else {
        this.failed.add(peerId);
      }
      this.state = 'waiting';
      this.want();
    });
    return true;
  }

  /** @returns {number} bytes per second over the current transfer */
  speed() {
    const end = this.state === 'done' ? this.finishedAt : performance.now();
    const secs = (end - this.startedAt) / 1000;
    return secs > 0 ? (this.dl.received - this.bytesAtStart) / secs : 0;
  }

  want() {
    this.offeredBy = null;
    // every holder but the liars failed once: give them another chance
    if (this.failed.size > 0 && this.failed.size + this.liars.size >= this.holders()) this.failed.clear();
    const exclude = [...this.liars, ...this.failed].slice(-MAX_EXCLUDE);
    markOnce('want-sent');
    const msg = { type: 'want', hash: this.hash };
    if (exclude.length) msg.exclude = exclude;
    this.send(msg);
    this.onUpdate();
    this.armConnectTimer();
  }

  // A routed holder that never offers, or whose channel never opens: ask again (excluding it when we
  // know who it was; the server does not tell the wanter whom it chose, only the holder's offer does).
  // While nobody holds the page the want simply stays pending at the server.
  armConnectTimer(ms = OFFER_MS) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.state !== 'waiting') return;
      if (this.offeredBy) {
        const left = CONNECT_MS - (performance.now() - this.offerAt);
        if (left > 0) {
          this.armConnectTimer(left);
          return;
        }
        this.failed.add(this.offeredBy);
        this.lastError = 'timeout';
        this.want();
      } else if (this.holders() > this.liars.size) {
        this.want();
      } else {
        this.armConnectTimer();
      }
    }, ms);
  }
}
