// The wanter's loop for one page: `want`, learn from `routed` which holder the server chose, take the
// channel that holder opens, receive and verify; on any failure wait a little (doubling each time) and
// want again with that holder excluded, resuming from the bytes already received when that is safe
// (docs/protocol.md §1 "Routing", §2). A want with no eligible holder stays pending at the server, which
// routes it the moment a holder announces the page: until `routed` arrives nothing here times out or
// re-sends.

import { Download, receiveChannel, STALL_MS } from './receiver.js';

/** From `routed` until the chosen holder's first `signal` (or its channel): silence this long = failed. */
export const ROUTED_WAIT_MS = 2000;
/** From the chosen holder's first `signal` until its channel is open. */
export const CONNECT_MS = 5000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 8000;
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
    this.routedTo = null; // the holder the server chose for the latest want
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
    if (this.dl.size !== null && this.dl.size !== size) this.dl.reset();
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
    if (!this.accepts()) return;
    this.liars.clear();
    this.failed.clear();
    this.excludedAt.clear();
    this.oversized.clear();
    this.want();
  }

  /** Stops wanting the page. */
  cancel() {
    this.state = 'cancelled';
    clearTimeout(this.timer);
    this.send({ type: 'unwant', hash: this.hash });
    // a transfer under way stops, and what it received is thrown away (a big page's file with it)
    if (this.channel) {
      try {
        this.channel.close();
      } catch (e) {
        // already closed
      }
    }
    this.dl.reset();
  }

  /**
   * The server routed our latest `want` to `holder`: it must answer (signal or channel) in time.
   * @param {string} holder
   */
  noteRouted(holder) {
    if (this.state !== 'waiting') return;
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
    if (this.state !== 'waiting' || from !== this.routedTo || this.signalledAt !== null) return;
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
    if (this.state !== 'waiting' || from !== this.routedTo || this.offerTaken) return false;
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
    if (this.state !== 'waiting' || peerId !== this.routedTo) return;
    this.addExcluded(this.failed, peerId);
    this.lastError = 'unreachable';
    this.note(peerId, 'could not connect: ' + why);
    this.retry(true);
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

  /** @returns {boolean} whether a holder's channel would be taken now */
  accepts() {
    return this.state === 'waiting' || this.state === 'retrying';
  }

  /**
   * Takes a channel a holder opened for this page (also a late one, during the pause before the next
   * want); returns false (and leaves the channel alone) if a transfer is already running or done.
   * @param {RTCDataChannel} channel
   * @param {string} peerId
   * @returns {boolean}
   */
  attach(channel, peerId) {
    if (!this.accepts()) return false;
    clearTimeout(this.timer);
    const connectLeft = this.signalledAt === null ? CONNECT_MS : CONNECT_MS - (performance.now() - this.signalledAt);
    this.state = 'receiving';
    this.channel = channel;
    this.holder = peerId;
    this.startedAt = performance.now();
    this.firstByteAt = 0;
    this.bytesAtStart = this.dl.received;
    const before = { received: this.dl.received, name: this.dl.name, mime: this.dl.mime };
    this.onUpdate();
    receiveChannel(channel, this.dl, {
      from: peerId,
      openMs: Math.max(0, connectLeft),
      stallMs: STALL_MS,
      onProgress: () => {
        if (!this.firstByteAt) this.firstByteAt = performance.now();
        this.onUpdate();
      },
    }).then(async (result) => {
      if (this.state !== 'receiving') return;
      if (result.ok) {
        markOnce('content-verified');
        const held = await this.dl.take();
        if (this.state !== 'receiving') { // cancelled while a big page's file was being closed
          held.dispose();
          return;
        }
        this.note(peerId, 'sent the page (' + this.dl.received + ' bytes, verified)');
        this.state = 'done';
        this.finishedAt = performance.now();
        this.onUpdate();
        this.onDone(this.dl, held);
        return;
      }
      const culprit = this.blame(result, peerId);
      this.note(peerId, OUTCOMES[result.reason] || String(result.reason));
      if (culprit) this.report(culprit, REPORT_REASONS[result.reason]);
      if (this.noResume || this.dl.received === 0) {
        // a size (and name) belongs to whoever sent kept bytes: with none kept, forget them
        this.dl.reset();
      } else if (this.dl.received === before.received) {
        this.dl.name = before.name;
        this.dl.mime = before.mime;
      }
      this.retry();
    });
    return true;
  }

  /** @returns {number} bytes per second over the current transfer */
  speed() {
    const end = this.state === 'done' ? this.finishedAt : performance.now();
    const secs = (end - this.startedAt) / 1000;
    return secs > 0 ? (this.dl.received - this.bytesAtStart) / secs : 0;
  }

  // Who is to blame for a failed attempt: a liar is never asked again, a failed holder only until all
  // have failed, and when several holders' bytes are mixed nobody can be blamed. Returns the culprit,
  // or null when holders disagreed.
  blame(result, peerId) {
    this.lastError = result.reason === 'error' ? result.code || 'error' : result.reason;
    if (result.reason === 'mismatch') {
      this.rejected++;
      const from = result.contributors || [];
      if (from.length > 1) {
        this.noResume = true;
        return null;
      }
      const liar = from.length ? from[0] : peerId;
      this.addExcluded(this.liars, liar);
      return liar;
    }
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
      if (this.state !== 'waiting' || this.routedTo !== holder) return;
      this.addExcluded(this.failed, holder);
      this.lastError = reason;
      // it answered but no path came up: say what the connection knows (a refused relay, no relay at all)
      const trouble = reason === 'no_answer' ? null : this.trouble(holder);
      this.note(holder, reason === 'no_answer' ? 'did not answer within ' + ROUTED_WAIT_MS / 1000 + ' s'
        : trouble ? 'could not connect within ' + CONNECT_MS / 1000 + ' s: ' + trouble
          : 'answered, but no connection within ' + CONNECT_MS / 1000 + ' s');
      this.report(holder, 'silent');
      this.retry(true);
    }, ms);
  }

  // Tells the server that the holder it chose for us failed us, so that one holder failing many wanters
  // stops being chosen (docs/protocol.md "Fair routing"). Only that holder may be reported: the server
  // refuses a report of a peer it did not pair us with.
  report(peerId, reason) {
    if (reason && peerId === this.routedTo) this.send({ type: 'report', hash: this.hash, peer: peerId, reason });
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
    this.offerTaken = false;
    this.signalledAt = null;
    // every holder but the liars failed once: give them another chance
    if (this.failed.size > 0 && this.failed.size + this.liars.size >= this.holders()) this.failed.clear();
    const exclude = this.newestExcluded(this.maxExclude());
    const msg = { type: 'want', hash: this.hash };
    if (exclude.length) msg.exclude = exclude;
    // before the signaling connection is welcomed nothing is sent: `welcome` re-wants (Node#onWelcome)
    if (this.send(msg)) markOnce('want-sent');
    this.onUpdate();
  }
}
