// The WebSocket to the signaling server (docs/protocol.md §1), reconnecting with backoff. It only moves
// JSON messages; deciding what to announce after a reconnect is the caller's job (see Node).
// Sends are paced below the server's `messagesPerSecond`/`messageBurst` (from `welcome`): a burst of
// handshakes (say, a holder asked by many wanters at once) is delayed a little instead of getting this
// connection refused and closed by the server's rate limit.

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5000;
/** Share of the server's rate and burst this client uses, leaving room for timing jitter. */
const PACE_SHARE = 0.9;
/** Messages waiting for the pace at most; past it a message is dropped (its peer's clocks handle it). */
const MAX_QUEUED = 2048;
/** Until `welcome` says otherwise: a connection nothing arrived on for this long is dead. */
const DEFAULT_IDLE_MS = 45000;

/**
 * A self-healing signaling connection. Callbacks:
 * `onWelcome(welcome)` after every (re)connect, `onMessage(msg)` for every other server message,
 * `onState(state)` with 'connecting' | 'open' | 'closed'.
 */
export class SignalingClient {
  /**
   * @param {string} url ws:// or wss:// URL of the /ws endpoint
   */
  constructor(url) {
    this.url = url;
    this.ws = null;
    this.backoff = BACKOFF_MIN_MS;
    this.stopped = false;
    this.timer = null;
    this.welcome = null;
    this.queue = []; // messages held back by the pace, in order
    this.tokens = Infinity;
    this.rate = Infinity; // tokens per millisecond
    this.burst = Infinity;
    this.refilledAt = 0;
    this.paceTimer = null;
    this.onWelcome = () => {};
    this.onMessage = () => {};
    this.onState = () => {};
    this.early = claimEarly(url);
    // Liveness: a browser cannot see WebSocket pings, and a dropped network or a vanished server may never
    // close the socket. So: a `ping` after a third of `idleSeconds` without hearing anything, and a
    // connection whose ping stays unanswered is dropped and replaced (docs/protocol.md).
    this.idleMs = DEFAULT_IDLE_MS;
    this.lastHeard = performance.now();
    this.pingAt = null; // when the latest ping went out
    this.liveTimer = null;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.drop();
  }

  /**
   * Whether index.html's early script already sent `want` for `hash` on this connection's `welcome`
   * (then the fetch must not send it again). True at most once.
   * @param {string} hash
   * @returns {boolean}
   */
  takeEarlyWant(hash) {
    if (!this.early || this.early.wanted !== hash) return false;
    this.early.wanted = null;
    return true;
  }

  /** @returns {string} the signaling URL for the page's own origin */
  static defaultUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  }

  /** Connects (and keeps reconnecting until `stop()`). */
  start() {
    this.stopped = false;
    clearInterval(this.liveTimer);
    this.liveTimer = setInterval(() => this.checkAlive(), 1000);
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOffline);
    const early = this.early;
    this.early = null;
    if (!early) {
      this.connect();
      return;
    }
    // take over the socket index.html opened, and handle what it received meanwhile, in order
    this.onState('connecting');
    this.attach(early.ws);
    for (const data of early.messages) this.receive(data);
  }

  /** Closes for good. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.liveTimer);
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOffline);
    if (this.ws) this.ws.close();
  }

  // Once a second: ping a connection that has been quiet for a third of `idleSeconds`, and drop one whose
  // ping went unanswered for the other two thirds. Only an unanswered ping counts as death: a background
  // tab's timers may run once a minute, and a long pause between two checks proves nothing.
  checkAlive() {
    if (!this.ready) return;
    const now = performance.now();
    const outstanding = this.pingAt !== null && this.lastHeard < this.pingAt;
    if (outstanding) {
      if (now - this.pingAt > (this.idleMs * 2) / 3) this.drop();
    } else if (now - this.lastHeard > this.idleMs / 3 && this.take()) {
      this.ws.send('{"type":"ping"}');
      this.pingAt = now;
    }
  }

  /**
   * Gives up on the current connection at once and reconnects (with backoff): its close handshake may
   * never complete on a dead network, so its onclose is not waited for.
   */
  drop() {
    const ws = this.ws;
    if (!ws || this.stopped) return;
    ws.onclose = null;
    ws.onmessage = null;
    this.ws = null;
    this.welcome = null;
    this.queue = [];
    try {
      ws.close();
    } catch (e) {
      // already closing
    }
    this.onState('closed');
    this.retry();
  }

  // The browser says the network is back: don't wait for the backoff.
  reconnectNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.timer);
    this.backoff = BACKOFF_MIN_MS;
    this.connect();
  }

  /** @returns {boolean} whether a welcomed connection is open */
  get ready() {
    return !!this.welcome && !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** @returns {string|null} this connection's server-assigned peer id */
  get peerId() {
    return this.welcome ? this.welcome.peerId : null;
  }

  /**
   * Sends one message if connected, now or (past the server's burst) as soon as the pace allows; drops
   * it when not connected (the reconnect re-announces state) or when too many wait.
   * @param {object} msg
   * @returns {boolean} whether it was sent or queued
   */
  send(msg) {
    if (!this.ready) return false;
    if (this.queue.length === 0 && this.take()) {
      this.ws.send(JSON.stringify(msg));
      return true;
    }
    if (this.queue.length >= MAX_QUEUED) return false;
    this.queue.push(JSON.stringify(msg));
    this.drainLater();
    return true;
  }

  // Paces by the limits of the latest `welcome`; a limit it does not give is no limit.
  pace(limits) {
    const rate = limits && limits.messagesPerSecond;
    const burst = limits && limits.messageBurst;
    const ok = (n) => Number.isFinite(n) && n > 0;
    this.rate = ok(rate) ? (rate * PACE_SHARE) / 1000 : Infinity;
    this.burst = ok(burst) ? Math.max(1, Math.floor(burst * PACE_SHARE)) : Infinity;
    this.tokens = this.burst;
    this.refilledAt = performance.now();
  }

  take() {
    if (this.rate !== Infinity) {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.rate);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  drainLater() {
    if (this.paceTimer !== null) return;
    const wait = this.rate === Infinity ? 0 : Math.ceil((1 - this.tokens) / this.rate);
    this.paceTimer = setTimeout(() => {
      this.paceTimer = null;
      while (this.queue.length && this.ready && this.take()) this.ws.send(this.queue.shift());
      if (!this.ready) this.queue = [];
      if (this.queue.length) this.drainLater();
    }, Math.max(0, wait));
  }

  connect() {
    this.onState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.retry();
      return;
    }
    this.attach(ws);
  }

  attach(ws) {
    this.ws = ws;
    this.lastHeard = performance.now();
    this.pingAt = null;
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.welcome = null;
      this.ws = null;
      this.queue = [];
      this.onState('closed');
      this.retry();
    };
    ws.onerror = () => {}; // onclose follows
  }

  receive(data) {
    this.lastHeard = performance.now();
    if (typeof data !== 'string') return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (msg.type === 'pong') return; // liveness only: lastHeard is set
    if (msg.type === 'welcome') {
      this.welcome = msg;
      this.idleMs = Number.isFinite(msg.idleSeconds) && msg.idleSeconds > 0 ? msg.idleSeconds * 1000 : DEFAULT_IDLE_MS;
      this.queue = []; // meant for the peers of an earlier connection
      this.pace(msg.limits);
      this.backoff = BACKOFF_MIN_MS;
      this.onState('open');
      this.onWelcome(msg);
    } else {
      this.onMessage(msg);
    }
  }

  retry() {
    if (this.stopped) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

/**
 * The socket index.html's early script opened for `url`, if it is still usable: taken once, and from
 * then on that script sends nothing more.
 * @param {string} url
 * @returns {{ws: WebSocket, messages: string[], wanted: ?string}|null}
 */
function claimEarly(url) {
  const early = globalThis.earlySignaling;
  if (!early || early.claimed || !early.ws) return null;
  early.claimed = true;
  delete globalThis.earlySignaling;
  if (early.ws.url !== url) {
    early.ws.close(); // not ours to use: don't leave a second connection open
    return null;
  }
  const state = early.ws.readyState;
  return state === WebSocket.CLOSING || state === WebSocket.CLOSED ? null : early;
}
