// One peer: the signaling connection, the peer connections, the pages held and the pages wanted.
// It knows nothing about the DOM; the UI listens to its 'change' events. A test can build one with a
// different store (e.g. one that lies) from the same modules.

import { SignalingClient } from './signaling.js';
import { PeerManager } from './peers.js';
import { PageFetch } from './fetcher.js';
import { PageStore } from './store.js';
import { serveChannel } from './sender.js';
import { isHash } from './sha256.js';
import { MEMORY_MAX_BYTES, diskAvailable } from './disk.js';
import { LiveMesh, topicOf } from './mesh.js';
import { isLiveKey, signVersion } from './live.js';

/**
 * Largest page a tab takes at all, with a private file system (OPFS) for big pages; without one, pages
 * are held in memory and the limit is disk.js's MEMORY_MAX_BYTES.
 */
export const DEFAULT_MAX_PAGE_BYTES = 2 * 1024 * 1024 * 1024;
/**
 * Largest page taken when its size is not known in advance (a link without `n=`, docs/protocol.md):
 * a holder may announce any size, and what it sends is held in memory until the hash can be checked.
 * A larger page needs a link with its size, or the user's say-so (PageFetch#expect).
 */
export const DEFAULT_UNSIZED_MAX_BYTES = 256 * 1024 * 1024;
/** Transfers one tab serves at once; more get `busy` and ask another holder. */
export const MAX_UPLOADS = 16;
/** How long a volunteer seed is asked to keep a page when nobody says (a seed may keep it for less). */
export const DEFAULT_KEEP_SECONDS = 7 * 24 * 3600;
/** How far back a page's counts are kept for its sparkline. */
export const HISTORY_MS = 5 * 60 * 1000;
/** The errors that answer a `keep` (docs/protocol.md, "Keep-alive"). */
const KEEP_REFUSALS = new Set(['no_volunteer', 'not_holding', 'rate_limited']);

/**
 * A peer of the network. Dispatches 'change' (a CustomEvent whose `detail.urgent` is true when a page
 * just arrived) whenever something worth showing changed.
 */
export class Node extends EventTarget {
  /**
   * @param {object} [opts]
   * @param {{get(hash: string): any, has(hash: string): boolean, hashes(): string[], put(page: any): void}} [opts.store]
   * @param {string} [opts.url] signaling URL (default: this origin's /ws)
   * @param {number} [opts.maxPageBytes] largest page this peer accepts
   * @param {number} [opts.unsizedMaxBytes] largest page this peer accepts when its size is not known
   */
  constructor({
    store = new PageStore(),
    url = SignalingClient.defaultUrl(),
    maxPageBytes = diskAvailable() ? DEFAULT_MAX_PAGE_BYTES : MEMORY_MAX_BYTES,
    unsizedMaxBytes = DEFAULT_UNSIZED_MAX_BYTES,
  } = {}) {
    super();
    this.store = store;
    this.maxPageBytes = maxPageBytes;
    /** Whether pages are held in memory (no private file system): the UI says so with the limit */
    this.inMemory = !diskAvailable();
    this.unsizedMaxBytes = unsizedMaxBytes;
    this.signaling = new SignalingClient(url);
    /** @type {RTCConfiguration} from `welcome`: ICE servers (TURN credentials are per connection) and policy */
    this.rtcConfig = { iceServers: [], iceTransportPolicy: 'all' };
    this.refreshTimer = null;
    this.limits = {};
    /** @type {Map<string, {holders: number, wanters: number}>} */
    this.counts = new Map();
    /** @type {Map<string, PageFetch>} */
    this.fetches = new Map();
    this.uploads = new Map(); // hash -> transfers running now
    /**
     * Keep requests and what came of them, by hash: asking, kept (by a volunteer seed, until a time in ms)
     * or refused (with the server's reason).
     * @type {Map<string, {state: 'asking'|'kept'|'refused', seconds?: number, until?: number, by?: string, message?: string}>}
     */
    this.keeps = new Map();
    /** Per page, the peers this tab sent it to (peerId → transfers): this peer's own links, nobody else's. */
    this.servedTo = new Map();
    /**
     * Per page, its counts over time as the server told them: [{t (ms), holders, wanters}], the last
     * HISTORY_MS only.
     */
    this.history = new Map();
    /** Ask a volunteer seed to keep a page as soon as this tab is its only holder. */
    this.keepWhenLast = false;
    this.connection = 'connecting';
    /** @type {Map<string, LiveMesh>} the live pages this peer follows, by topic */
    this.lives = new Map();
    const send = (msg) => this.signaling.send(msg);
    this.peers = new PeerManager({
      send,
      rtcConfig: () => this.rtcConfig,
      onChannel: (channel, peerId, pairedHash) => this.onIncomingChannel(channel, peerId, pairedHash),
      // as a wanter, answer only the holder the server routed our want to, and only its first offer;
      // a live page's mesh answers the peers it waits for
      acceptOffer: (from, hash) => {
        const live = this.lives.get(hash);
        if (live) return live.expectsOffer(from);
        const fetch = this.fetches.get(hash);
        return !!fetch && fetch.takeOffer(from);
      },
      onFailed: (peerId, hash, why) => {
        const fetch = this.fetches.get(hash);
        if (fetch) fetch.noteUnreachable(peerId, why);
      },
      relay: (peerId, hash, data) => {
        const live = this.lives.get(hash);
        return !!live && live.relay(peerId, data);
      },
    });
    this.signaling.onState = (state) => {
      this.connection = state;
      this.changed();
    };
    this.signaling.onWelcome = (welcome) => this.onWelcome(welcome);
    this.signaling.onMessage = (msg) => this.onMessage(msg);
  }

  /** Connects to the signaling server. */
  start() {
    this.signaling.start();
  }

  /** Disconnects and closes every peer connection. */
  stop() {
    clearTimeout(this.refreshTimer);
    for (const live of this.lives.values()) live.leave();
    this.lives.clear();
    this.signaling.stop();
    this.peers.closeAll();
  }

  /**
   * Holds a verified page and announces it.
   * @param {import('./store.js').Page} page
   */
  share(page) {
    this.store.put(page);
    const fetch = this.fetches.get(page.hash);
    if (fetch && fetch.state !== 'done') fetch.cancel();
    this.signaling.send({ type: 'have', hash: page.hash });
    this.changed();
  }

  /**
   * Follows a live page: joins its mesh, takes each newer version its author signs and serves it on.
   * @param {string} key the page's key
   * @returns {LiveMesh}
   */
  follow(key) {
    let live = this.lives.get(topicOf(key));
    if (!live) {
      live = new LiveMesh(key, this.meshHost());
      this.lives.set(live.topic, live);
    }
    return live;
  }

  /** Leaves a live page's mesh and lets go of its page. */
  unfollow(key) {
    const live = this.lives.get(topicOf(key));
    if (!live) return;
    live.leave();
    this.lives.delete(live.topic);
    this.changed(true);
  }

  /**
   * Publishes a new version of the author's live page: the next seq after any this tab knows of (its
   * own, `author.seq`, or the newest the mesh has heard of), signed, held and pushed to the neighbours.
   * @param {{key: string, privateKey: CryptoKey, seq?: number}} author
   * @param {import('./store.js').Page} page verified (e.g. just made)
   * @returns {Promise<object>} the version
   */
  async publish(author, page) {
    const live = this.follow(author.key);
    const known = live.newestKnown();
    const seq = Math.max(author.seq || 0, known ? known.seq : 0) + 1;
    const version = await signVersion(author, seq, page.hash, page.blob.size);
    await live.publish(version, page);
    return version;
  }

  /** What a live page's mesh uses of this peer. */
  meshHost() {
    return {
      send: (msg) => this.signaling.send(msg),
      selfId: () => this.signaling.peerId,
      open: (peer, topic, label, protocol) => this.peers.openChannel(peer, topic, label, protocol),
      signal: (from, topic, data) => this.peers.handleSignal({ from, hash: topic, data }),
      dropSession: (peer, topic) => this.peers.closePairing(peer, topic),
      holds: (hash) => this.store.has(hash),
      hold: (page) => this.share(page),
      release: (hash) => {
        this.store.remove(hash);
        this.signaling.send({ type: 'drop', hash });
      },
      maxExclude: () => this.limits.maxExclude,
      changed: (urgent) => this.changed(urgent),
    };
  }

  /**
   * Asks the network to keep a held page alive: the server hands it to one volunteer seed, which fetches
   * it from a holder and answers `kept` (or the server `no_volunteer`).
   * @param {string} hash
   * @param {number} [seconds] how long; a seed may keep it for less
   * @returns {boolean} whether the request was sent (this tab holds the page)
   */
  keep(hash, seconds = DEFAULT_KEEP_SECONDS) {
    const page = this.store.get(hash);
    if (!page) return false;
    this.keeps.set(hash, { state: 'asking', seconds });
    this.signaling.send({ type: 'keep', hash, size: page.blob.size, seconds });
    this.changed();
    return true;
  }

  /** Turns the "keep my pages alive when I am the last holder" setting on or off. */
  setKeepWhenLast(on) {
    this.keepWhenLast = !!on;
    for (const hash of this.store.hashes()) this.keepIfLast(hash);
  }

  /** Stops holding a page (and wanting it): it leaves this tab's store and the server's rosters. */
  stopHolding(hash) {
    // a live page's version: letting go of it is leaving the live page
    for (const live of [...this.lives.values()]) if (live.current && live.current.hash === hash) this.unfollow(live.key);
    const fetch = this.fetches.get(hash);
    if (fetch && fetch.state !== 'done') fetch.cancel();
    this.fetches.delete(hash);
    if (this.store.has(hash)) {
      this.store.remove(hash);
      this.signaling.send({ type: 'drop', hash });
    }
    this.keeps.delete(hash);
    this.counts.delete(hash); // no longer a member: the server stops telling this tab the counts
    this.changed(true);
  }

  /** With the setting on, a page this tab alone holds is handed to a volunteer seed, once. */
  keepIfLast(hash) {
    const c = this.counts.get(hash);
    if (this.keepWhenLast && c && c.holders === 1 && this.store.has(hash) && !this.keeps.has(hash)) this.keep(hash);
  }

  /**
   * Starts fetching a page (or returns the fetch already running).
   * @param {string} hash
   * @param {{size?: number}} [opts] `size`: the page's size in bytes, when its link gives it
   * @returns {PageFetch}
   */
  want(hash, { size } = {}) {
    let fetch = this.fetches.get(hash);
    if (fetch && fetch.state !== 'cancelled') {
      if (size !== undefined) fetch.expect(size);
      return fetch;
    }
    fetch = new PageFetch(hash, {
      send: (msg) => this.signaling.send(msg),
      holders: () => (this.counts.get(hash) || { holders: 0 }).holders,
      maxExclude: () => this.limits.maxExclude,
      trouble: (peerId) => this.peers.whyNotConnected(peerId),
      maxSize: this.maxPageBytes,
      unsizedMaxSize: this.unsizedMaxBytes,
      expectedSize: size,
      onUpdate: () => this.changed(),
      onDone: (dl, held) => {
        this.store.put({ hash, blob: held.blob, name: dl.name, mime: dl.mime, dispose: held.dispose });
        this.signaling.send({ type: 'unwant', hash });
        this.signaling.send({ type: 'have', hash });
        this.changed(true);
      },
    });
    this.fetches.set(hash, fetch);
    if (this.signaling.takeEarlyWant(hash)) fetch.wantedEarly();
    else fetch.start();
    return fetch;
  }

  /**
   * @param {string} hash
   * @returns {{holders: number, wanters: number}|undefined} the latest counts from the server
   */
  countsOf(hash) {
    return this.counts.get(hash);
  }

  /** @returns {number} RTCPeerConnections this peer has open or opening now (at most MAX_CONNECTIONS) */
  connectionCount() {
    return this.peers.size;
  }

  /** @returns {number} transfers this peer is serving now */
  uploadCount() {
    let n = 0;
    for (const v of this.uploads.values()) n += v;
    return n;
  }

  /** @returns {boolean} whether closing now would make some held page disappear */
  isLastHolderOfSomething() {
    return this.store.hashes().some((h) => {
      const c = this.counts.get(h);
      return !c || c.holders <= 1;
    });
  }

  onWelcome(welcome) {
    this.rtcConfig = {
      iceServers: Array.isArray(welcome.iceServers) ? welcome.iceServers : [],
      // a value this client does not know reads as 'all' (docs/protocol.md)
      iceTransportPolicy: welcome.iceTransportPolicy === 'relay' ? 'relay' : 'all',
    };
    // TURN credentials expire (`<expiry>:<peerId>` usernames): reconnect shortly before, for fresh ones
    clearTimeout(this.refreshTimer);
    const after = refreshAfter(this.rtcConfig.iceServers, Date.now());
    if (after !== null) this.refreshTimer = setTimeout(() => this.signaling.drop(), after);
    this.limits = welcome.limits && typeof welcome.limits === 'object' ? welcome.limits : {};
    // the server's numbers are the only ones: if it sets no cap, everything goes in one message
    const max = this.limits.maxHashesPerMessage;
    const batch = Number.isSafeInteger(max) && max > 0 ? max : Infinity;
    const held = this.store.hashes();
    for (let i = 0; i < held.length; i += batch) {
      this.signaling.send({ type: 'have', hashes: held.slice(i, i + batch) });
    }
    for (const fetch of this.fetches.values()) fetch.rewant();
    for (const live of this.lives.values()) live.onWelcome();
    // the server forgot requests made on the last connection
    for (const [hash, k] of this.keeps) if (k.state === 'asking') this.keep(hash, k.seconds);
    this.changed();
  }

  // Unknown message types and fields are ignored: the server may speak a newer protocol.
  onMessage(msg) {
    const live = this.lives.get(msg.hash);
    switch (msg.type) {
      case 'content_request':
        if (live) live.onContentRequest(msg.from);
        else this.onContentRequest(msg);
        break;
      case 'routed': {
        if (live && typeof msg.holder === 'string') live.onRouted(msg.holder);
        const fetch = this.fetches.get(msg.hash);
        if (fetch && typeof msg.holder === 'string') fetch.noteRouted(msg.holder);
        break;
      }
      case 'signal': {
        // any signal from the routed holder shows it is answering; which one does not matter here
        const fetch = this.fetches.get(msg.hash);
        if (fetch && typeof msg.from === 'string') fetch.noteSignal(msg.from);
        if (msg.data && typeof msg.data === 'object') this.peers.handleSignal(msg);
        break;
      }
      case 'peers': {
        if (live) live.onPeers(msg.holders);
        this.counts.set(msg.hash, { holders: msg.holders, wanters: msg.wanters });
        const now = Date.now();
        const past = (this.history.get(msg.hash) || []).filter((h) => now - h.t <= HISTORY_MS);
        past.push({ t: now, holders: msg.holders, wanters: msg.wanters });
        this.history.set(msg.hash, past);
        this.keepIfLast(msg.hash);
        this.changed();
        break;
      }
      case 'kept':
        if (Number.isSafeInteger(msg.until) && typeof msg.by === 'string') {
          this.keeps.set(msg.hash, { state: 'kept', until: msg.until * 1000, by: msg.by });
          this.changed(true);
        }
        break;
      case 'error': {
        const k = this.keeps.get(msg.ref);
        if (k && k.state === 'asking' && KEEP_REFUSALS.has(msg.code)) {
          this.keeps.set(msg.ref, { state: 'refused', seconds: k.seconds, message: String(msg.message || msg.code) });
          this.changed(true);
          break;
        }
        // a cluster node that cannot reach its Redis refused the want: ask again after the retry pause
        const fetch = msg.code === 'unavailable' ? this.fetches.get(msg.ref) : null;
        if (fetch) {
          fetch.unavailable();
          break;
        }
        console.warn('signaling error', msg.code, msg.message, msg.ref || '');
        break;
      }
      default:
        break;
    }
  }

  onContentRequest({ hash, from }) {
    if (!this.store.has(hash)) return; // the wanter's wait after `routed` runs out: it asks someone else
    const channel = this.peers.openChannel(from, hash);
    // a connection for this pairing is being set up (its channel will serve), or a cap is reached: do
    // nothing, and the wanter's wait after `routed` runs out
    if (channel) this.serve(channel, hash, from);
  }

  /** Serves `hash` on a `page` channel this peer opened, or a `pull` channel a live page's neighbour did. */
  serve(channel, hash, from) {
    serveChannel(channel, this.store, (active) => {
      this.uploads.set(hash, (this.uploads.get(hash) || 0) + (active ? 1 : -1));
      if (active) {
        const to = this.servedTo.get(hash) || new Map();
        to.set(from, (to.get(from) || 0) + 1);
        this.servedTo.set(hash, to);
      }
      this.changed();
    }, () => this.uploadCount() < MAX_UPLOADS);
  }

  // The holder says which page a channel is for in its `protocol`; a peer that leaves it empty opened
  // it for the hash it was paired for, or (on a reused connection) for some page we are waiting on.
  // A live page's neighbour opens `live` channels (its protocol: the key) and `pull` channels (the hash).
  onIncomingChannel(channel, peerId, pairedHash) {
    if (channel.label === 'live') {
      const live = isLiveKey(channel.protocol) ? this.lives.get(topicOf(channel.protocol)) : undefined;
      if (live) live.onRemoteChannel(channel, peerId);
      else channel.close();
      return;
    }
    if (channel.label === 'pull') {
      this.serve(channel, channel.protocol, peerId);
      return;
    }
    const hinted = isHash(channel.protocol) ? channel.protocol : null;
    let fetch = this.fetches.get(hinted || pairedHash);
    if (!hinted && (!fetch || !fetch.accepts(peerId))) {
      fetch = [...this.fetches.values()].find((f) => f.accepts(peerId));
    }
    if (!fetch || !fetch.attach(channel, peerId)) {
      channel.close();
      return;
    }
    const taken = fetch;
    if (taken.holder !== peerId) return; // one more holder for a big page: the route shown is the first's
    taken.route = '';
    this.peers.route(peerId).then((route) => {
      if (taken.holder === peerId) taken.route = route;
      this.changed();
    });
  }

  /** @param {boolean} [urgent] something to show at once (a page arrived), not a progress tick */
  changed(urgent = false) {
    this.dispatchEvent(new CustomEvent('change', { detail: { urgent } }));
  }
}

/** Never reconnect for fresh credentials sooner than this after a `welcome`. */
const MIN_REFRESH_MS = 60000;
/** Fresh credentials are fetched this long before the old ones expire, at most (a tenth of their life if less). */
const MAX_MARGIN_MS = 300000;

/**
 * Milliseconds until this tab should reconnect for fresh TURN credentials, or null when none expire
 * (the same rule as the Java peer's Ice#refreshAfter).
 * @param {RTCIceServer[]} iceServers
 * @param {number} now Date.now()
 * @returns {number|null}
 */
export function refreshAfter(iceServers, now) {
  let expiry = null;
  for (const s of iceServers) {
    const m = typeof s.username === 'string' ? /^(\d{1,12}):/.exec(s.username) : null;
    if (m && (expiry === null || Number(m[1]) * 1000 < expiry)) expiry = Number(m[1]) * 1000;
  }
  if (expiry === null) return null;
  const life = expiry - now;
  return Math.max(MIN_REFRESH_MS, life - Math.min(MAX_MARGIN_MS, life / 10));
}
