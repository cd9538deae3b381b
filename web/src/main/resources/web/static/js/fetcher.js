// The wanter's loop for one page: `want`, learn from `routed` which holder the server chose, take the
// channel that holder opens, receive and verify; on any failure wait a little (doubling each time) and
// want again with that holder excluded, resuming from the bytes already received when that is safe
// (docs/protocol.md §1 "Routing", §2). A want with no eligible holder stays pending at the server, which
// routes it the moment a holder announces the page: until `routed` arrives nothing here times out or
// re-sends.
//
// A big page going to a file is asked of up to MAX_HOLDERS holders at once, each for its own range (a
// *lane*), found by more `want`s that exclude the holders already asked (docs/protocol.md "Several holders
// at once"). If such a page does not verify, another holder's digests of the ranges tell which holder's
// bytes to fetch again.

import { DISK_FROM } from './disk.js';
import { Download, Range, askDigests, receiveChannel, STALL_MS } from './receiver.js';

/** From `routed` until the chosen holder's first `signal` (or its channel): silence this long = failed. */
export const ROUTED_WAIT_MS = 2000;
/** From the chosen holder's first `signal` until its channel is open. */
export const CONNECT_MS = 5000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 8000;
/** Pages this big or bigger may come from several holders at once, when they go to a file. */
export const SEVERAL_FROM = DISK_FROM;
/** At most this many holders at once. */
export const MAX_HOLDERS = 3;
/** A holder's range is halved for a newcomer only if both halves get at least this many bytes... */
const MIN_RANGE = 1024 * 1024;
/** ...and the cut is at a multiple of this (a holder's chunk). */
const ALIGN = 65536;
/** The most ranges one `get_digests` may ask about. */
const MAX_DIGEST_RANGES = 64;
/** Who sent the bytes an earlier visit of the page left (a reload, a crashed tab). */
const EARLIER = 'an earlier visit';
/** The `report` reason for each way an attempt fails (receiver.js); conflicts blame nobody. */
const REPORT_REASONS = {
  timeout: 'silent',
  stalled: 'stalled',
  closed: 'refused',
  error: 'refused',
  protocol: 'protocol',
  too_large: 'protocol',
  wrong_size: 'protocol',
  mismatch: 'bad_bytes',
};

/** A mismatch found by comparing what holders said with the verified page: in words. */
function rangeWords(p) {
  return 'bytes ' + p.from + '–' + p.to;
}

/**
 * The pause before the next `want` after `failures` (≥ 1) failed attempts of one fetch: without it a
 * wanter whose only holder fails at once would re-want thousands of times a minute.
 * @param {number} failures
 * @returns {number} milliseconds
 */
export function retryDelay(failures) {
  return Math.min(RETRY_MIN_MS * 2 ** Math.max(0, failures - 1), RETRY_MAX_MS);
}

/**
 * Performance marks (visible in the browser's dev tools, read by the benchmarks): the first `want` and
 * the first verified content of this tab. Navigation start is the marks' time origin.
 * @param {string} name
 */
function markOnce(name) {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

/** Attempts kept for the ?debug panel. */
const MAX_ATTEMPTS = 50;

/** A failed attempt's reason (receiver.js), in words. */
const OUTCOMES = {
  mismatch: 'sent bytes that do not match the address',
  size_conflict: 'announced a size other holders did not',
  too_large: 'announced a size over this tab\'s limit',
  wrong_size: 'announced a size other than the link\'s',
  protocol: 'broke the protocol',
  timeout: 'opened no channel in time',
  stalled: 'stopped sending',
  closed: 'closed the channel early',
  error: 'answered with an error',
};

/**
 * Fetching one page. `state` is 'waiting' (want sent: pending at the server, or routed to `routedTo`
 * and waiting for its channel), 'retrying' (an attempt failed; the next want goes out at `retryAt`),
 * 'receiving', 'done' or 'cancelled'. `onUpdate` is called on every change of state or progress.
 */
export class PageFetch {
  /**
   * @param {string} hash
   * @param {object} opts
   * @param {(msg: object) => boolean} opts.send sends a signaling message
   * @param {() => number} opts.holders the latest holder count the server reported for `hash`
   * @param {() => (number|undefined)} [opts.maxExclude] the server's `limits.maxExclude` (none: no cap)
   * @param {(peerId: string) => (string|null)} [opts.trouble] why no connection to a peer came up, in words
   * @param {number} opts.maxSize largest page this peer can take at all, in bytes
   * @param {number} [opts.unsizedMaxSize] largest page taken when its size is not known in advance
   *        (default `maxSize`)
   * @param {number} [opts.expectedSize] the page's size as its link gives it: a holder announcing another
   *        size lies
   * @param {(dl: Download) => void} opts.onDone called once with the verified download
   * @param {() => void} opts.onUpdate
   */
  constructor(hash, { send, holders, maxExclude = () => undefined, trouble = () => null, maxSize, unsizedMaxSize = maxSize, expectedSize, onDone, onUpdate }) {
    this.hash = hash;
    this.trouble = trouble;
    this.send = send;
    this.holders = holders;
    this.maxExclude = maxExclude;
    this.onDone = onDone;
    this.onUpdate = onUpdate;
    this.maxSize = maxSize;
    this.dl = new Download(hash, Math.min(unsizedMaxSize, maxSize));
    /** the largest size a holder announced past our limit, when no size was known: {size} (for the UI) */
    this.tooLarge = null;
    /** a size a holder announced that differs from the link's: {size} (for the UI) */
    this.wrongSize = null;
    this.oversized = new Map(); // peer -> the size over our limit it announced (excluded as a liar)
    this.state = 'waiting';
    /** peers that sent bytes that did not verify, or broke the protocol: never asked again */
    this.liars = new Set();
    /** peers that timed out, vanished or replied `error`: excluded until every known holder failed once */
    this.failed = new Set();
    this.excludedAt = new Map(); // peer -> when it was last excluded, to keep the newest under maxExclude
    this.exclusions = 0;
    this.routedTo = null; // the holder the server chose for the latest want, until its channel comes
    this.offerTaken = false; // whether an offer from that holder was taken (one per routed)
    this.signalledAt = null; // when that holder's first signal arrived
    this.failures = 0; // failed attempts so far; never reset: it paces the retries of this fetch
    this.retryAt = 0;
    // Set once holders disagreed (on the size, or bytes from several did not verify): from then on
    // every attempt starts at 0, so the next mismatch has exactly one culprit.
    this.noResume = false;
    this.rejected = 0; // how many times bytes failed verification
    this.lastError = null;
    this.timer = null;
    this.skipRewant = false; // see wantedEarly
    this.startedAt = 0;
    this.bytesAtStart = 0;
    this.firstByteAt = 0; // when the current holder's first byte came (performance.now())
    /** the holder whose attempt failed last, and why in words (for the status line) */
    this.lastHolder = null;
    this.lastWhy = '';
    /** how the page came: 'relayed by TURN · rtt 3 ms' (set by the node once it is verified) */
    this.route = '';
    /** every attempt so far, for the ?debug panel: {holder, outcome, at, ms} (at most MAX_ATTEMPTS) */
    this.attempts = [];
    this.attemptAt = performance.now();
    /** @type {Map<string, object>} the holders asked now, by peer id: {holder, routed, channel, range} */
    this.lanes = new Map();
    /** what each holder sent of the bytes held: {holder, routed, from, to} */
    this.pieces = [];
    /** a want for one more holder is out and no `routed` answered it yet */
    this.wantOut = false;
    this.nextWantAt = 0;
    this.wantTimer = null;
    /** set while the bytes are being hashed for a decision: no lane, no want */
    this.busy = false;
    /** the pieces of a failed try from several holders, with their digests, while the next holder is asked its digests */
    this.locating = null;
    this.located = false;
    /** what holders said of ranges (bytes, digests), held against the page once it verifies */
    this.suspects = [];
    /** holders whose ranges were dropped: asked for nothing until the page verifies */
    this.doubted = new Set();
    /** holders found to have sent (or vouched for) bytes that are not the page's: [{holder, what}] */
    this.named = [];
    /** who sent the verified page, in bytes: holder -> bytes (set once done) */
    this.sources = new Map();
    if (expectedSize !== undefined && expectedSize !== null) this.expect(expectedSize);
  }

  /**
   * From now on the page is `size` bytes: the size its link gives, or one the user accepted after a
   * holder announced it (see `tooLarge`). A holder announcing another size is a liar; holders excluded
   * only for announcing exactly this size over our default limit are forgiven. A size over `maxSize`
   * is not taken (the page is too large for this peer, whatever the link says): `tooLarge` tells.
   * @param {number} size
   * @returns {boolean} whether it was taken
   */
  expect(size) {
    if (!Number.isSafeInteger(size) || size < 0 || !this.accepts()) return false;
    if (size > this.maxSize) {
      if (this.dl.expected === null) this.tooLarge = { size };
      this.onUpdate();
      return false;
    }
    if (this.dl.expected !== null) return this.dl.expected === size; // the first size given stays
    // kept bytes come from a holder that announced another size: they cannot be this page
    if (this.dl.size !== null && this.dl.size !== size) this.resetBytes();
    this.dl.expected = size;
    this.dl.resume();
    this.dl.ready.then(() => this.onUpdate()); // what an earlier visit left is shown as soon as it is counted
    if (this.tooLarge && this.tooLarge.size === size) this.tooLarge = null;
    let forgiven = false;
    for (const [peer, announced] of this.oversized) {
      if (announced !== size) continue;
      this.liars.delete(peer);
      this.oversized.delete(peer);
      forgiven = true;
    }
    // a want pending at the server still excludes the forgiven holders: send it again without them
    if (forgiven && this.state === 'waiting' && this.routedTo === null) this.want();
    else if (forgiven && this.state === 'retrying') this.want();
    this.onUpdate();
    return true;
  }

  /** Sends the first `want`. */
  start() {
    this.want();
  }

  /**
   * The first `want` went out before the modules loaded (index.html's early script), on the connection
   * whose `welcome` is about to be handled: that welcome must not send it again.
   */
  wantedEarly() {
    this.state = 'waiting';
    this.skipRewant = true;
  }

  /** Re-sends the `want` at once after a signaling reconnect (peer ids changed: exclusions are void). */
  rewant() {
    if (this.skipRewant) {
      this.skipRewant = false;
      return;
    }
    if (this.state === 'receiving') {
      // the lanes go on; a want for one more holder is sent again under the new id
      this.wantOut = false;
      this.routedTo = null;
      this.more();
      return;
    }
    if (!this.accepts()) return;
    this.liars.clear();
    this.failed.clear();
    this.excludedAt.clear();
    this.oversized.clear();
    this.want();
  }

  /** The server could not take the latest want (a cluster node without its Redis): ask again after a pause. */
  unavailable() {
    if (this.state === 'waiting' && !this.routedTo) this.retry();
    else if (this.state === 'receiving' && this.wantOut) this.pause(false);
  }

  /** Stops wanting the page. */
  cancel() {
    this.state = 'cancelled';
    clearTimeout(this.timer);
    this.send({ type: 'unwant', hash: this.hash });
    // a transfer under way stops, and what it received is thrown away (a big page's file with it)
    this.closeLanes();
    this.dl.reset();
  }

  closeLanes() {
    const lanes = [...this.lanes.values()];
    this.lanes.clear(); // first: their ends are no one's business now
    for (const lane of lanes) {
      if (lane.control.abort) lane.control.abort();
      try {
        lane.channel.close();
      } catch (e) {
        // already closed
      }
    }
  }

  /**
   * The server routed our latest `want` to `holder`: it must answer (signal or channel) in time.
   * @param {string} holder
   */
  noteRouted(holder) {
    if (this.state === 'receiving' && this.wantOut) {
      // a want for one more holder: it gets the same clocks, unless it is asked already
      this.wantOut = false;
      if (this.lanes.has(holder) || !this.wantsLane()) return;
    } else if (this.state !== 'waiting') {
      return;
    }
    this.routedTo = holder;
    this.offerTaken = false;
    this.signalledAt = null;
    this.arm(ROUTED_WAIT_MS, holder, 'no_answer');
    this.onUpdate();
  }

  /**
   * A relayed `signal` for this page arrived from `from`. The first one from the routed holder shows it
   * answered; from then on it has CONNECT_MS to open its channel. Later signals (more offers, more
   * candidates) never restart that clock: it is armed once per `routed`.
   * @param {string} from
   */
  noteSignal(from) {
    if (!this.asking() || from !== this.routedTo || this.signalledAt !== null) return;
    this.signalledAt = performance.now();
    this.arm(CONNECT_MS, from, 'timeout');
  }

  /**
   * Whether to answer an offer from `from` for this page: only from the holder named by the latest
   * `routed`, and only its first offer (a peer re-sending offers gets no more connections, and its
   * clock keeps running).
   * @param {string} from
   * @returns {boolean}
   */
  takeOffer(from) {
    if (!this.asking() || from !== this.routedTo || this.offerTaken) return false;
    this.offerTaken = true;
    return true;
  }

  /**
   * The connection to `peerId` found no network path (`why`, in words): when it is the holder we wait
   * for, give up on it now rather than at the connect timeout.
   * @param {string} peerId
   * @param {string} why
   */
  noteUnreachable(peerId, why) {
    if (!this.asking() || peerId !== this.routedTo) return;
    this.addExcluded(this.failed, peerId);
    this.lastError = 'unreachable';
    this.note(peerId, 'could not connect: ' + why);
    this.gaveUp();
  }

  /** @returns {boolean} whether a holder named by `routed` is being waited for (the first, or one more) */
  asking() {
    return this.state === 'waiting' || (this.state === 'receiving' && this.routedTo !== null);
  }

  // The routed holder is given up on: the next want goes out at once (its clock was the pause).
  gaveUp() {
    if (this.state === 'waiting') {
      this.retry(true);
      return;
    }
    clearTimeout(this.timer);
    this.routedTo = null;
    this.more();
    this.onUpdate();
  }

  // One attempt's end, for the status line and the ?debug panel.
  note(holder, outcome) {
    this.lastHolder = holder;
    this.lastWhy = outcome;
    const now = performance.now();
    if (this.attempts.length < MAX_ATTEMPTS) {
      this.attempts.push({ holder, outcome, at: this.attemptAt, ms: Math.round(now - this.attemptAt) });
    }
    this.attemptAt = now;
  }

  /**
   * @param {string} [peerId] the holder that opened it
   * @returns {boolean} whether a holder's channel would be taken now: the first, or one more holder
   */
  accepts(peerId) {
    if (peerId !== undefined && this.doubted.has(peerId)) return false; // its ranges are asked of others
    if (this.state === 'waiting' || this.state === 'retrying') return !this.busy;
    return this.state === 'receiving' && peerId !== undefined && !this.lanes.has(peerId) && this.wantsLane();
  }

  /**
   * Takes a channel a holder opened for this page (also a late one, during the pause before the next
   * want), or one more holder's for a big page; returns false (and leaves the channel alone) if it is not
   * wanted now.
   * @param {RTCDataChannel} channel
   * @param {string} peerId
   * @returns {boolean}
   */
  attach(channel, peerId) {
    if (!this.accepts(peerId)) return false;
    clearTimeout(this.timer);
    const connectLeft = this.signalledAt === null ? CONNECT_MS : CONNECT_MS - (performance.now() - this.signalledAt);
    const lane = { holder: peerId, routed: peerId === this.routedTo, channel, range: null, control: {} };
    if (peerId === this.routedTo) this.routedTo = null;
    const first = this.lanes.size === 0;
    this.lanes.set(peerId, lane);
    const openMs = Math.max(0, connectLeft);
    if (this.locating) {
      // a try from several holders did not verify: this holder is asked for the digests of the others' pieces
      lane.asked = this.locating.filter((p) => p.holder !== peerId);
      this.state = 'receiving';
      this.holder = peerId;
      this.onUpdate();
      askDigests(channel, this.hash, lane.asked.map((p) => [p.from, p.to]), { openMs })
        .then((result) => this.digestsCame(lane, result));
      return true;
    }
    if (first) {
      this.state = 'receiving';
      this.holder = peerId;
      this.startedAt = performance.now();
      this.firstByteAt = 0;
      this.bytesAtStart = this.dl.received;
    }
    const before = { received: this.dl.received, name: this.dl.name, mime: this.dl.mime };
    this.onUpdate();
    receiveChannel(channel, this.dl, {
      from: peerId,
      openMs,
      stallMs: STALL_MS,
      keep: true,
      control: lane.control,
      range: () => {
        if (first) this.bytesAtStart = this.dl.received; // an earlier visit's bytes are counted by now
        return (lane.range = this.assign(lane));
      },
      onProgress: () => {
        if (!this.firstByteAt) this.firstByteAt = performance.now();
        this.more();
        this.onUpdate();
      },
    }).then((result) => this.laneEnded(lane, result, before));
    if (!first) this.more();
    return true;
  }

  /**
   * What a holder whose channel is open is asked for: the whole page while its size is unknown, else the
   * lowest range nobody is asked for, else the back half of the range with most still to come; null when
   * there is nothing worth asking it.
   * @returns {?Range}
   */
  assign(lane) {
    if (this.state !== 'receiving' || this.lanes.get(lane.holder) !== lane || this.busy) return null;
    const size = this.dl.size;
    const asked = [...this.lanes.values()].some((l) => l.range);
    // one holder at a time until a header tells the size
    if (size === null) return asked ? null : new Range(this.dl.received, null);
    // an earlier visit left the whole page: a `get` at its end, whose header lets it be verified
    if (this.dl.received === size) return asked ? null : new Range(size, size);
    const free = this.free();
    if (free.length) return new Range(free[0][0], free[0][1], free[0][1] < size ? free[0][1] : null);
    const victim = this.splittable();
    if (!victim) return null;
    const r = victim.range;
    const mid = r.pos + Math.floor(r.remaining() / 2 / ALIGN) * ALIGN;
    const range = new Range(mid, r.end, r.end < size ? r.end : null);
    r.end = mid;
    return range;
  }

  /** @returns {number[][]} the ranges [from, to) of the page neither held nor asked of a holder, lowest first */
  free() {
    const size = this.dl.size;
    if (size === null) return [];
    const taken = this.pieces.map((p) => [p.from, p.to]);
    if (this.dl.resumedFrom > 0) taken.push([0, this.dl.resumedFrom]);
    for (const l of this.lanes.values()) if (l.range && l.range.end !== null) taken.push([l.range.start, l.range.end]);
    taken.sort((a, b) => a[0] - b[0]);
    const free = [];
    let at = 0;
    for (const [from, to] of taken) {
      if (from > at) free.push([at, from]);
      at = Math.max(at, to);
    }
    if (at < size) free.push([at, size]);
    return free;
  }

  /** @returns {?object} the lane with the most still to come, if a newcomer could take half of it */
  splittable() {
    let best = null;
    for (const l of this.lanes.values()) {
      if (l.range && l.range.remaining() >= 2 * MIN_RANGE && (!best || l.range.remaining() > best.range.remaining())) best = l;
    }
    return best;
  }

  /** @returns {boolean} whether one more holder would get something to send */
  wantsLane() {
    if (this.state !== 'receiving' || this.busy || this.locating || this.dl.size === null) return false;
    const max = !this.noResume && this.dl.size >= SEVERAL_FROM && this.dl.ranged() ? MAX_HOLDERS : 1;
    if (this.lanes.size >= max) return false;
    return this.free().length > 0 || this.splittable() !== null;
  }

  /**
   * Wants one more holder when one would help and no want is already on its way; a holder routed for
   * that and no longer needed (the others sent everything) is let go, unblamed.
   */
  more() {
    if (this.state !== 'receiving' || this.wantOut) return;
    const wait = this.nextWantAt - performance.now();
    if (wait > 0) {
      this.wantTimer = this.wantTimer || setTimeout(() => {
        this.wantTimer = null;
        this.more();
      }, wait);
      return;
    }
    if (this.routedTo !== null) {
      if (!this.busy && !this.locating && !this.wantsLane()) {
        clearTimeout(this.timer);
        this.routedTo = null;
      }
      return;
    }
    if (!this.wantsLane()) return;
    this.wantOut = true;
    this.sendWant();
  }

  // After a failure while other holders still send: the next want waits (as `retry` does).
  pause(waited) {
    this.failures++;
    this.wantOut = false;
    this.nextWantAt = performance.now() + (waited ? 0 : retryDelay(this.failures));
    this.more();
  }

  // One holder's channel ended: what it sent is kept (a piece), the rest of its range goes to the next.
  async laneEnded(lane, result, before) {
    if (this.lanes.get(lane.holder) !== lane) return; // dropped with the others (a conflict, a cancel)
    this.lanes.delete(lane.holder);
    const r = lane.range;
    if (r && r.pos > r.start) this.pieces.push({ holder: lane.holder, routed: lane.routed, from: r.start, to: r.pos });
    if (this.state !== 'receiving') return;
    if (result.ok && result.partial) {
      this.note(lane.holder, 'sent the page\'s bytes ' + r.start + '–' + r.pos);
      this.wantOut = false; // a want pending at the server still leaves this holder out: sent again without it
      this.more();
      this.onUpdate();
      return;
    }
    if (result.ok) {
      await this.verified(lane);
      return;
    }
    if (result.reason === 'unneeded') {
      if (this.lanes.size === 0) this.retry();
      return;
    }
    if (result.reason === 'mismatch') {
      await this.mismatch(lane);
      return;
    }
    const culprit = this.blame(result, lane.holder);
    this.note(lane.holder, OUTCOMES[result.reason] || String(result.reason));
    if (culprit) this.report(culprit, REPORT_REASONS[result.reason], lane.routed);
    if (result.reason === 'size_conflict') {
      // holders disagree on the size: any of them may be wrong, so every byte and every holder goes
      this.closeLanes();
      this.resetBytes();
    } else if (this.noResume || (this.dl.received === 0 && this.lanes.size === 0)) {
      // a size (and name) belongs to whoever sent kept bytes: with none kept, forget them
      this.resetBytes();
    } else if (this.dl.received === before.received) {
      this.dl.name = before.name;
      this.dl.mime = before.mime;
    }
    if (this.lanes.size === 0) this.retry();
    else this.pause(false);
  }

  // Forgets every byte: the next holder starts from 0, and doubts about ranges no longer held are void.
  resetBytes() {
    this.dl.reset();
    this.pieces = [];
    this.doubted.clear();
  }

  /**
   * The page verified. If an earlier try from several holders failed, what each holder said of its
   * ranges (bytes or digests) is held against the page first: whoever said otherwise lied.
   */
  async verified(lane) {
    markOnce('content-verified');
    if (this.suspects.length && this.dl.sink) {
      this.busy = true;
      let actual = [];
      try {
        actual = await this.dl.sink.digests(this.suspects.map((p) => [p.from, p.to]));
      } catch (e) {
        // no verdict on the past: the page itself is verified
      }
      this.busy = false;
      actual.forEach((hex, i) => {
        const p = this.suspects[i];
        if (hex === p.sha256 || this.liars.has(p.holder)) return;
        this.addExcluded(this.liars, p.holder);
        this.named.push({ holder: p.holder, what: rangeWords(p) });
        this.note(p.holder, (p.said ? 'vouched for ' : 'sent ') + rangeWords(p) + ' that are not the page\'s');
        this.report(p.holder, 'bad_bytes', p.routed);
      });
    }
    const held = await this.dl.take();
    if (this.state !== 'receiving') { // cancelled while a big page's file was being closed
      held.dispose();
      return;
    }
    for (const p of this.pieces) this.sources.set(p.holder, (this.sources.get(p.holder) || 0) + p.to - p.from);
    if (this.dl.resumedFrom > 0) this.sources.set(EARLIER, this.dl.resumedFrom);
    this.note(lane.holder, 'sent the page (' + this.dl.received + ' bytes, verified'
      + (this.sources.size > 1 ? ', from ' + this.sources.size + ' holders' : '') + ')');
    this.state = 'done';
    clearTimeout(this.timer);
    this.finishedAt = performance.now();
    this.onUpdate();
    this.onDone(this.dl, held);
  }

  /**
   * Every byte came and the whole does not match. One sender: it lied. Several: the bytes are kept and the
   * next holder is asked for the digests of the ranges it did not send (once, and only for bytes in a file);
   * otherwise every byte goes and the page comes again from one holder at a time, from 0.
   */
  async mismatch(lane) {
    this.rejected++;
    this.lastError = 'mismatch';
    const from = [...new Set(this.pieces.map((p) => p.holder))];
    if (this.dl.resumedFrom > 0) from.push(EARLIER);
    if (from.length <= 1) {
      const liar = from.length ? from[0] : lane.holder;
      this.addExcluded(this.liars, liar);
      if (liar !== EARLIER) this.named.push({ holder: liar, what: 'the page' });
      this.note(liar, OUTCOMES.mismatch);
      this.report(liar, 'bad_bytes', this.pieces.some((p) => p.holder === liar && p.routed));
      this.resetBytes();
      this.retry();
      return;
    }
    const failed = 'bytes from ' + from.length + ' holders do not match the address';
    const pieces = this.pieces;
    const locate = !this.located && !from.includes(EARLIER) && this.dl.ranged() && pieces.length <= MAX_DIGEST_RANGES;
    this.busy = true;
    let digests = null;
    try {
      if (this.dl.ranged()) digests = await this.dl.sink.digests(pieces.map((p) => [p.from, p.to]));
    } catch (e) {
      // no digests to go by: the page from one holder
    }
    this.busy = false;
    if (this.state !== 'receiving') return;
    const hashed = digests ? pieces.map((p, i) => ({ ...p, sha256: digests[i] })) : [];
    if (locate && digests) {
      this.located = true;
      this.locating = hashed;
      this.note(null, failed + '; asking another holder for the digests of their ranges');
    } else {
      this.note(null, failed + '; asking for the page again, from one holder');
      this.fallBack(hashed);
    }
    this.retry();
  }

  // From now on one holder at a time, from 0; what holders said so far is held against the page.
  fallBack(hashed = this.locating || []) {
    this.suspects.push(...hashed);
    this.locating = null;
    this.noResume = true;
    this.resetBytes();
  }

  /**
   * A holder's digests of the ranges the others sent in the try that failed. A range whose digest differs
   * puts its sender in doubt; if none does, or several senders do (one liar cannot be all of them), the
   * answering holder's own ranges are in doubt. Those ranges are dropped and fetched again from others; the
   * rest is kept. What everyone said is held against the page once it verifies.
   */
  async digestsCame(lane, result) {
    if (this.lanes.get(lane.holder) !== lane) return;
    this.lanes.delete(lane.holder);
    if (this.state !== 'receiving') return;
    if (!result.ok) {
      const culprit = this.blame(result, lane.holder);
      this.note(lane.holder, 'gave no digests: ' + (OUTCOMES[result.reason] || result.reason));
      if (culprit) this.report(culprit, REPORT_REASONS[result.reason], lane.routed);
      this.fallBack();
      this.retry();
      return;
    }
    const asked = lane.asked;
    const doubted = new Set();
    asked.forEach((p, i) => {
      this.suspects.push({ holder: lane.holder, routed: lane.routed, from: p.from, to: p.to, sha256: result.sha256[i], said: true });
      if (result.sha256[i] !== p.sha256) doubted.add(p.holder);
    });
    this.suspects.push(...this.locating);
    const own = this.pieces.some((p) => p.holder === lane.holder);
    const inDoubt = doubted.size === 1 ? doubted : new Set([lane.holder]);
    if (doubted.size !== 1 && !own) {
      this.note(lane.holder, 'gave digests that locate no range');
      this.locating = null; // already among the suspects
      this.fallBack([]);
      this.retry();
      return;
    }
    this.locating = null;
    const kept = this.pieces.filter((p) => !inDoubt.has(p.holder));
    const again = this.pieces.length - kept.length;
    this.pieces = kept;
    this.dl.received = kept.reduce((n, p) => n + p.to - p.from, 0);
    this.dl.digest = null;
    for (const h of inDoubt) this.doubted.add(h);
    this.note(lane.holder, 'gave digests: the ranges of ' + [...inDoubt].map((h) => h.slice(0, 6)).join(', ')
      + ' are in doubt (' + again + ' ranges fetched again)');
    this.busy = true;
    try {
      await this.dl.sink.forget(merged(kept));
    } catch (e) {
      this.busy = false;
      this.fallBack([]);
      this.retry();
      return;
    }
    this.busy = false;
    this.retry(true);
  }

  /** @returns {number} bytes per second over the current transfer */
  speed() {
    const end = this.state === 'done' ? this.finishedAt : performance.now();
    const secs = (end - this.startedAt) / 1000;
    return secs > 0 ? (this.dl.received - this.bytesAtStart) / secs : 0;
  }

  // Who is to blame for a failed attempt (bytes that do not verify are `mismatch`'s): a liar is never
  // asked again, a failed holder only until all have failed. Returns the culprit, or null when holders
  // disagreed on the size.
  blame(result, peerId) {
    this.lastError = result.reason === 'error' ? result.code || 'error' : result.reason;
    if (result.reason === 'size_conflict') {
      this.noResume = true;
      return null;
    }
    if (result.reason === 'too_large') {
      // every honest holder of a page announces its one true size, so a size over our cap is a lie too;
      // but the user may accept that size (`expect`), which forgives the holders that announced it
      this.addExcluded(this.liars, peerId);
      this.oversized.set(peerId, result.size);
      if (!this.tooLarge || result.size > this.tooLarge.size) this.tooLarge = { size: result.size };
    } else if (result.reason === 'wrong_size') {
      this.addExcluded(this.liars, peerId);
      this.wrongSize = { size: result.size };
    } else if (result.reason === 'protocol') {
      this.addExcluded(this.liars, peerId);
    } else {
      this.addExcluded(this.failed, peerId); // timeout, stalled, closed, error (any code)
    }
    return peerId;
  }

  addExcluded(set, peerId) {
    set.add(peerId);
    this.excludedAt.set(peerId, ++this.exclusions);
  }

  // The liars and failed holders to send as `exclude`: the newest `max` (the server refuses a longer
  // list), or all of them when it set no cap.
  newestExcluded(max) {
    const all = [...new Set([...this.liars, ...this.failed])];
    if (!Number.isSafeInteger(max) || max < 0 || all.length <= max) return all;
    all.sort((a, b) => (this.excludedAt.get(a) || 0) - (this.excludedAt.get(b) || 0));
    return all.slice(all.length - max);
  }

  // The routed holder did not answer (or connect) in time.
  arm(ms, holder, reason) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.asking() || this.routedTo !== holder) return;
      this.addExcluded(this.failed, holder);
      this.lastError = reason;
      // it answered but no path came up: say what the connection knows (a refused relay, no relay at all)
      const trouble = reason === 'no_answer' ? null : this.trouble(holder);
      this.note(holder, reason === 'no_answer' ? 'did not answer within ' + ROUTED_WAIT_MS / 1000 + ' s'
        : trouble ? 'could not connect within ' + CONNECT_MS / 1000 + ' s: ' + trouble
          : 'answered, but no connection within ' + CONNECT_MS / 1000 + ' s');
      this.report(holder, 'silent', true);
      this.gaveUp();
    }, ms);
  }

  // Tells the server that the holder it chose for us failed us, so that one holder failing many wanters
  // stops being chosen (docs/protocol.md "Fair routing"). Only that holder may be reported: the server
  // refuses a report of a peer it did not pair us with.
  report(peerId, reason, routed) {
    if (reason && routed) this.send({ type: 'report', hash: this.hash, peer: peerId, reason });
  }

  // `waited`: the attempt already cost a clock's wait (a silent holder), which is pause enough; the backoff
  // is for holders that fail at once, which would otherwise be asked again in a loop
  retry(waited = false) {
    this.failures++;
    this.state = 'retrying';
    this.routedTo = null;
    const delay = waited ? 0 : retryDelay(this.failures);
    this.retryAt = performance.now() + delay;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.state === 'retrying') this.want();
    }, delay);
    this.onUpdate();
  }

  want() {
    clearTimeout(this.timer);
    this.attemptAt = performance.now();
    this.state = 'waiting';
    this.routedTo = null;
    this.wantOut = false;
    // every holder but the liars failed once: give them another chance
    if (this.failed.size > 0 && this.failed.size + this.liars.size >= this.holders()) this.failed.clear();
    this.sendWant();
    this.onUpdate();
  }

  // The holders asked now and those in doubt are left out first (each holder gets its own range), then
  // the newest liars and failed holders, up to the server's cap.
  sendWant() {
    this.offerTaken = false;
    this.signalledAt = null;
    const max = this.maxExclude();
    const exclude = [...new Set([...this.lanes.keys(), ...this.doubted, ...this.newestExcluded(max)])];
    if (Number.isSafeInteger(max) && max >= 0 && exclude.length > max) exclude.length = max;
    const msg = { type: 'want', hash: this.hash };
    if (exclude.length) msg.exclude = exclude;
    // before the signaling connection is welcomed nothing is sent: `welcome` re-wants (Node#onWelcome)
    if (this.send(msg)) markOnce('want-sent');
  }
}

/** @returns {number[][]} the pieces' ranges, sorted and merged where they touch */
function merged(pieces) {
  const out = [];
  for (const p of [...pieces].sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last && last[1] >= p.from) last[1] = Math.max(last[1], p.to);
    else out.push([p.from, p.to]);
  }
  return out;
}
