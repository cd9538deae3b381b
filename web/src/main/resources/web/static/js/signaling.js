// The WebSocket to the signaling server (docs/protocol.md §1), reconnecting with backoff. It only moves
// JSON messages; deciding what to announce after a reconnect is the caller's job (see Node).

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5000;

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
    this.onWelcome = () => {};
    this.onMessage = () => {};
    this.onState = () => {};
  }

  /** @returns {string} the signaling URL for the page's own origin */
  static defaultUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  }

  /** Connects (and keeps reconnecting until `stop()`). */
  start() {
    this.stopped = false;
    this.connect();
  }

  /** Closes for good. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
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
   * Sends one message if connected; drops it otherwise (the reconnect re-announces state).
   * @param {object} msg
   * @returns {boolean} whether it was sent
   */
  send(msg) {
    if (!this.ready) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
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
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (msg.type === 'welcome') {
        this.welcome = msg;
        this.backoff = BACKOFF_MIN_MS;
        this.onState('open');
        this.onWelcome(msg);
      } else {
        this.onMessage(msg);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.welcome = null;
      this.ws = null;
      this.onState('closed');
      this.retry();
    };
    ws.onerror = () => {}; // onclose follows
  }

  retry() {
    if (this.stopped) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
