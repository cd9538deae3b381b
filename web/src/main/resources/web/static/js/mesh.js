// A live page's mesh in the browser (docs/protocol.md §3 "Live pages: the mesh"): links to other holders
// of the page, versions taken only when signed by its key and preferred to the one held, their pages
// pulled from the neighbour that announced them and verified, then announced on; upkeep by introductions
// through neighbours, and the server's pairing as the rescue. The same rules and numbers as the Java
// peer's ephemeral.peer.live.LiveMesh. It knows nothing about the DOM.

import { Sha256 } from './sha256.js';
import { isLiveKey, isVersionShape, verifyVersion, preference } from './live.js';
import { Download, receiveChannel } from './receiver.js';

// docs/protocol.md §3, "Rules for a holder" (ephemeral.protocol.live.Mesh)
export const MIN_PEERS = 3;
export const EXTRA_PEERS = 2;
export const MAX_PAGE_BYTES = 64 * 1024 * 1024;
const HELLO_WAIT_MS = 5000;
const LINK_WAIT_MS = 5000;
const OVERFLOW_GRACE_MS = 3000;
const MORE_EVERY_MS = 500;
const RETRY_PEER_MS = 30000;
const ROUTED_WAIT_MS = 2000;
const MESSAGES_PER_SECOND = 100;
const RELAYS_PER_SECOND = 50;
const MAX_MESSAGE_CHARS = 20000;
const MAX_NEIGHBOURS = 16;
/** How often upkeep runs: finer than every clock above. */
const TICK_MS = 250;
/** Pull failures that show the neighbour lied about the page (receiver.js reasons). */
const LIES = new Set(['mismatch', 'wrong_size', 'protocol']);

const PEER_ID = /^[A-Za-z0-9_-]{22}$/;
const isPeerId = (s) => typeof s === 'string' && PEER_ID.test(s);

/** A live page's topic: the name its holders have at the server, SHA-256 of `ephemeral-live-topic` LF key. */
export function topicOf(key) {
  return new Sha256().update(new TextEncoder().encode('ephemeral-live-topic\n' + key)).hex();
}

function isSignalData(d) {
  if (!d || typeof d !== 'object' || (d.sdp == null) === (d.candidate == null)) return false;
  if (d.sdp != null) return typeof d.sdp === 'object' && (d.sdp.type === 'offer' || d.sdp.type === 'answer') && typeof d.sdp.sdp === 'string';
  return typeof d.candidate === 'object' && typeof d.candidate.candidate === 'string';
}

/**
 * Reads one message of a `live` channel: the message, null for a type this client does not know (a newer
 * peer's, skipped), or an Error thrown for a malformed one (whoever sent it is a liar).
 * @param {string} text
 */
export function parseMeshMessage(text) {
  const bad = (why) => {
    throw new Error(why);
  };
  if (text.length > MAX_MESSAGE_CHARS) bad('a message over ' + MAX_MESSAGE_CHARS + ' characters');
  let m;
  try {
    m = JSON.parse(text);
  } catch (e) {
    bad('not JSON');
  }
  if (!m || typeof m !== 'object' || Array.isArray(m) || typeof m.type !== 'string') bad('not a message');
  switch (m.type) {
    case 'hello':
      if (!isLiveKey(m.key)) bad('a hello without a key');
      if (m.version != null && !isVersionShape(m.version)) bad('a hello with a malformed version');
      return { type: 'hello', key: m.key, version: m.version ?? null };
    case 'version':
      if (!isVersionShape(m.version)) bad('a malformed version');
      return { type: 'version', version: m.version };
    case 'more':
      return { type: 'more' };
    case 'neighbours':
      if (!Array.isArray(m.peers) || m.peers.length > MAX_NEIGHBOURS || !m.peers.every(isPeerId)) bad('a malformed neighbours list');
      return { type: 'neighbours', peers: m.peers };
    case 'relay':
      if ((m.to == null) === (m.from == null) || !isPeerId(m.to ?? m.from)) bad('a relay without exactly one of to and from');
      if (!isSignalData(m.data)) bad('a relay without a signal');
      return { type: 'relay', to: m.to ?? null, from: m.from ?? null, data: m.data };
    case 'relay_failed':
      if (!isPeerId(m.peer)) bad('a relay_failed without a peer');
      return { type: 'relay_failed', peer: m.peer, reason: m.reason === 'full' ? 'full' : 'gone' };
    default:
      return null;
  }
}

const same = (a, b) => !!a && !!b && preference(a, b) === 0;
const best = (a, b) => (!a ? b : !b ? a : preference(a, b) >= 0 ? a : b);
/** Two versions the author signed with one seq (an equivocating author). */
const equivocates = (a, b) => !!a && !!b && a.seq === b.seq && (a.hash !== b.hash || a.size !== b.size);

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** One link: the `live` channel to another holder, and what each side knows of the other. */
class Neighbour {
  constructor(peer, channel, outbound) {
    this.peer = peer;
    this.channel = channel;
    /** whether this peer opened it (of two links between one pair, the lower peerId's is kept) */
    this.outbound = outbound;
    this.attachedAt = Date.now();
    this.openedAt = 0;
    /** taken from the server beyond maxPeers: closed after a grace period if still too many */
    this.overflow = false;
    this.helloSeen = false;
    /** the most preferred version it announced (its own never go backwards) */
    this.told = null;
    /** the most preferred version it is known to hold (told by it, or announced to it) */
    this.known = null;
    this.windowStart = Date.now();
    this.messages = 0;
    this.relays = 0;
    /** its messages are handled in order, one at a time (checking a signature takes a moment) */
    this.queue = Promise.resolve();
  }

  send(msg) {
    if (this.channel.readyState !== 'open') return;
    try {
      this.channel.send(JSON.stringify(msg));
    } catch (e) {
      // closing: its close event follows
    }
  }

  /** Counts a message against the per-second limits; false when over one. */
  allow(relay) {
    const now = Date.now();
    if (now - this.windowStart > 1000) {
      this.windowStart = now;
      this.messages = 0;
      this.relays = 0;
    }
    return relay ? ++this.relays <= RELAYS_PER_SECOND : ++this.messages <= MESSAGES_PER_SECOND;
  }

  /** Notes that it holds `v`; true when that is more than was known. */
  holds(v) {
    if (!this.known || preference(v, this.known) > 0) {
      this.known = v;
      return true;
    }
    return false;
  }
}

/**
 * What a mesh needs from its peer (node.js gives it): the signaling connection, peer connections, the store.
 * @typedef {object} MeshHost
 * @property {(msg: object) => void} send a signaling message
 * @property {() => ?string} selfId this peer's id at the server (null before `welcome`)
 * @property {(peer: string, topic: string, label: string, protocol: string) => ?RTCDataChannel} open a channel
 *           to `peer` (on a connection there is, else a new one for the pairing (peer, topic)); null if it cannot
 * @property {(from: string, topic: string, data: object) => void} signal a handshake message that came through a neighbour
 * @property {(peer: string, topic: string) => void} dropSession gives up the pairing's connection
 * @property {(hash: string) => boolean} holds
 * @property {(page: import('./store.js').Page) => void} hold keeps a verified page and announces it
 * @property {(hash: string) => void} release lets go of a page
 * @property {() => number|undefined} maxExclude the server's cap on `exclude`
 * @property {(urgent: boolean) => void} changed something worth showing changed
 */

/** One live page at this peer. */
export class LiveMesh {
  /**
   * @param {string} key the page's Ed25519 key (43 base64url characters)
   * @param {MeshHost} host
   * @param {{minPeers?: number}} [opts]
   */
  constructor(key, host, { minPeers = MIN_PEERS } = {}) {
    this.key = key;
    this.topic = topicOf(key);
    this.host = host;
    this.minPeers = minPeers;
    this.maxPeers = minPeers + EXTRA_PEERS;
    /** the version held (its page verified and in the store), or null */
    this.current = null;
    /** when `current` was taken here (ms) */
    this.currentSince = 0;
    /** whether this mesh put `current`'s page in the store (and so takes it out when a newer one comes) */
    this.ownsPage = false;
    /** a preferred version being fetched, and the neighbours that announced it */
    this.target = null;
    this.sources = [];
    this.pull = null;
    /** the losing version of an author who signed two with one seq, or null */
    this.equivocation = null;
    /** @type {Map<string, Neighbour>} */
    this.neighbours = new Map();
    /** links being made: peer → deadline (ms) */
    this.pending = new Map();
    /** peers whose handshake goes through a neighbour, not the server: peer → Neighbour */
    this.relayVia = new Map();
    /** peers not to try again until (ms) */
    this.avoid = new Map();
    this.liars = new Set();
    this.wantOut = false;
    this.wantAt = 0;
    this.haveSent = false;
    this.lastMoreAt = 0;
    this.moreTurn = 0;
    /** the last `neighbours` answer named nobody new: the server is asked too */
    this.dry = false;
    /** others holding the page, as the server last counted (-1: not yet) */
    this.holdersOnline = -1;
    this.announcementsReceived = 0;
    this.messagesReceived = 0;
    this.left = false;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** @returns {string[]} the peers linked now (hello exchanged) */
  linkedPeers() {
    return this.linked().map((n) => n.peer);
  }

  /** @returns {?object} the best version heard of, held or not */
  newestKnown() {
    return best(this.current, this.target);
  }

  /** (Re)joined the server: holders `have` the topic again; pairings of the old connection are void. */
  onWelcome() {
    this.haveSent = false;
    this.wantOut = false;
    this.pending.clear();
    this.relayVia.clear();
    if (this.current) this.sendHave();
  }

  /**
   * The author's own new version: its page (verified, e.g. just made) is held and the version goes to
   * every neighbour.
   */
  async publish(v, page) {
    if (v.key !== this.key || !(await verifyVersion(v)) || (this.current && preference(v, this.current) <= 0)) {
      throw new Error('version ' + v.seq + ' is not one to take here (held: '
        + (this.current ? 'version ' + this.current.seq : 'none') + ')');
    }
    this.adopt(v, page);
  }

  /** Leaves the mesh: links closed, the server's rosters left, the page let go of. */
  leave() {
    this.left = true;
    clearInterval(this.timer);
    if (this.pull) this.pull.cancel();
    for (const n of [...this.neighbours.values()]) n.channel.close();
    if (this.wantOut) this.host.send({ type: 'unwant', hash: this.topic });
    if (this.haveSent) this.host.send({ type: 'drop', hash: this.topic });
    if (this.ownsPage && this.current) this.host.release(this.current.hash);
  }

  // ---- the server's pairings (rescue) ----

  /** The server paired this holder with a peer that has no link (a newcomer, or one rescued). */
  onContentRequest(from) {
    if (this.liarOrSelf(from) || this.neighbours.has(from) || this.links() >= this.maxPeers + this.minPeers) return;
    const overflow = this.links() >= this.maxPeers;
    this.avoid.delete(from); // a server pairing is tried even with a peer that failed before (see exclusions)
    this.pending.set(from, Date.now() + LINK_WAIT_MS);
    const ch = this.host.open(from, this.topic, 'live', this.key);
    if (!ch) {
      this.pending.delete(from);
      return;
    }
    this.attach(ch, from, true).overflow = overflow;
  }

  /** The server paired this peer with `holder`: its offer comes within the routed wait, or never. */
  onRouted(holder) {
    if (this.liarOrSelf(holder) || this.neighbours.has(holder)) return;
    this.avoid.delete(holder);
    this.pending.set(holder, Date.now() + ROUTED_WAIT_MS);
  }

  onPeers(holders) {
    this.holdersOnline = this.haveSent ? Math.max(0, holders - 1) : holders;
  }

  /** Whether an offer from `from` is one this peer waits for; its answer goes out, so the wait is the connection's now. */
  expectsOffer(from) {
    if (!this.pending.has(from)) return false;
    this.pending.set(from, Math.max(this.pending.get(from), Date.now() + LINK_WAIT_MS));
    return true;
  }

  /** A `live` channel the other side opened. */
  onRemoteChannel(ch, from) {
    if (this.liarOrSelf(from) || (this.refused(from) && !this.pending.has(from))
      || (!this.pending.has(from) && !this.neighbours.has(from) && this.links() >= this.maxPeers)) {
      ch.close();
      return;
    }
    this.attach(ch, from, false);
  }

  /** Takes a handshake message of a connection this peer makes through a neighbour; false: it goes through the server. */
  relay(to, data) {
    const via = this.relayVia.get(to);
    if (!via || via.channel.readyState === 'closed') return false;
    via.send({ type: 'relay', to, data });
    return true;
  }

  // ---- links ----

  links() {
    let n = this.neighbours.size;
    for (const p of this.pending.keys()) if (!this.neighbours.has(p)) n++;
    return n;
  }

  refused(peer) {
    const until = this.avoid.get(peer);
    return this.liarOrSelf(peer) || (until !== undefined && until > Date.now());
  }

  liarOrSelf(peer) {
    return this.liars.has(peer) || peer === this.host.selfId();
  }

  /** The neighbours whose `hello` came. */
  linked() {
    return [...this.neighbours.values()].filter((n) => n.helloSeen);
  }

  /** Takes a `live` channel as a link; returns its neighbour (the one kept when the pair has two). */
  attach(ch, peer, outbound) {
    const before = this.neighbours.get(peer);
    if (before) {
      // two links between one pair (each introduced the other at once): both sides keep the one opened
      // by the lower peerId, so they agree without a word
      const self = this.host.selfId();
      const keepNew = self !== null && outbound === (self < peer) && before.outbound !== outbound;
      if (!keepNew) {
        ch.close();
        return before;
      }
      this.neighbours.delete(peer);
      before.channel.close();
    }
    const n = new Neighbour(peer, ch, outbound);
    this.neighbours.set(peer, n);
    this.pending.delete(peer);
    ch.addEventListener('open', () => this.opened(n));
    ch.addEventListener('message', (ev) => this.onMessage(n, ev.data));
    ch.addEventListener('close', () => this.closed(n));
    if (ch.readyState === 'open') this.opened(n);
    return n;
  }

  opened(n) {
    if (n.openedAt) return;
    n.openedAt = Date.now();
    n.send(this.current ? { type: 'hello', key: this.key, version: this.current } : { type: 'hello', key: this.key });
    if (this.current) n.holds(this.current);
  }

  closed(n) {
    if (this.neighbours.get(n.peer) === n) this.neighbours.delete(n.peer);
    for (const [p, via] of this.relayVia) if (via === n) this.relayVia.delete(p);
    this.sources = this.sources.filter((s) => s !== n);
    if (this.pull && this.pull.from === n) this.pull.cancel();
    this.host.changed(false);
  }

  /** Closes a link that broke the rules; a liar is never linked again for this page. */
  drop(n, why, lie) {
    console.warn('live ' + this.key.slice(0, 8) + ': dropping ' + n.peer.slice(0, 6) + ': ' + why);
    if (lie) this.liars.add(n.peer);
    else this.avoid.set(n.peer, Date.now() + RETRY_PEER_MS);
    n.channel.close();
  }

  // ---- messages ----

  onMessage(n, data) {
    if (this.left) return;
    if (typeof data !== 'string') {
      this.drop(n, 'a binary message on a live link', false);
      return;
    }
    let m;
    try {
      m = parseMeshMessage(data);
    } catch (e) {
      this.drop(n, 'a malformed message: ' + e.message, true);
      return;
    }
    if (!m) return; // a newer peer's message
    const isRelay = m.type === 'relay';
    if (!n.allow(isRelay)) {
      if (!isRelay) this.drop(n, 'over ' + MESSAGES_PER_SECOND + ' messages a second', false);
      return; // a relay over its rate is dropped: that handshake times out
    }
    this.messagesReceived++;
    n.queue = n.queue.then(() => this.handle(n, m)).catch((e) => console.warn('live message failed', e));
  }

  async handle(n, m) {
    if (this.left || this.neighbours.get(n.peer) !== n) return; // the link is gone
    if (!n.helloSeen && m.type !== 'hello') {
      this.drop(n, 'no hello first', true);
      return;
    }
    switch (m.type) {
      case 'hello':
        if (n.helloSeen || m.key !== this.key) {
          this.drop(n, n.helloSeen ? 'a second hello' : 'a hello for another page', true);
          return;
        }
        n.helloSeen = true;
        if (m.version) await this.consider(n, m.version);
        this.announceTo(n);
        this.host.changed(false);
        break;
      case 'version':
        this.announcementsReceived++;
        await this.consider(n, m.version);
        break;
      case 'more': {
        const ids = shuffle(this.linkedPeers().filter((p) => p !== n.peer));
        n.send({ type: 'neighbours', peers: ids.slice(0, MAX_NEIGHBOURS) });
        break;
      }
      case 'neighbours':
        this.introduce(n, m.peers);
        break;
      case 'relay':
        if (m.to) {
          const to = this.neighbours.get(m.to);
          if (!to || !to.helloSeen) n.send({ type: 'relay_failed', peer: m.to, reason: 'gone' });
          else to.send({ type: 'relay', from: n.peer, data: m.data });
        } else {
          this.relayed(n, m.from, m.data);
        }
        break;
      case 'relay_failed': {
        const initiator = this.neighbours.get(m.peer);
        if (this.relayVia.get(m.peer) === n) { // our handshake through n
          this.relayVia.delete(m.peer);
          this.pending.delete(m.peer);
          const half = this.neighbours.get(m.peer);
          if (half && !half.helloSeen) {
            this.neighbours.delete(m.peer);
            half.channel.close();
          }
          this.host.dropSession(m.peer, this.topic);
          this.avoid.set(m.peer, Date.now() + RETRY_PEER_MS);
        } else if (initiator && initiator !== n && initiator.helloSeen) { // n refused a handshake we relayed
          initiator.send({ type: 'relay_failed', peer: n.peer, reason: m.reason });
        }
        break;
      }
      default:
        break;
    }
  }

  /** A handshake message from `from` through neighbour `via`. */
  relayed(via, from, data) {
    if (data.sdp && data.sdp.type === 'offer') {
      if (this.liarOrSelf(from)) return;
      // a peer avoided after a failure may try again (the same rule as the Java LiveMesh#relayed)
      this.avoid.delete(from);
      const mine = this.neighbours.get(from);
      if (mine) {
        if (mine.helloSeen || !mine.outbound) return; // linked already
        // both offered at once (each introduced by another neighbour): the lower peerId's offer wins
        const self = this.host.selfId();
        if (self === null || self < from) return;
        this.neighbours.delete(from);
        mine.channel.close();
        this.host.dropSession(from, this.topic);
      } else if (this.links() >= this.maxPeers) {
        via.send({ type: 'relay_failed', peer: from, reason: 'full' });
        return;
      }
      this.pending.set(from, Date.now() + LINK_WAIT_MS);
    } else if (!this.pending.has(from) && !this.neighbours.has(from)) {
      return;
    }
    this.relayVia.set(from, via);
    this.host.signal(from, this.topic, data);
  }

  /** Links to peers a neighbour named, through it: as many as this peer lacks of minPeers, within maxPeers. */
  introduce(via, peers) {
    const fresh = [...new Set(peers)].filter((p) => !this.refused(p) && !this.neighbours.has(p) && !this.pending.has(p));
    this.dry = fresh.length === 0;
    let lacking = this.minPeers - this.linked().length;
    for (const p of shuffle(fresh)) {
      if (lacking-- <= 0 || this.links() >= this.maxPeers) break;
      this.pending.set(p, Date.now() + LINK_WAIT_MS);
      this.relayVia.set(p, via);
      const ch = this.host.open(p, this.topic, 'live', this.key);
      if (ch) {
        this.attach(ch, p, true);
      } else {
        this.pending.delete(p);
        this.relayVia.delete(p);
      }
    }
  }

  // ---- versions ----

  async consider(n, v) {
    if (v.key !== this.key || !(await verifyVersion(v))) {
      this.drop(n, 'a version that is not signed by this page\'s key', true);
      return;
    }
    if (n.told && preference(v, n.told) < 0) {
      this.drop(n, 'seq ' + v.seq + ' after it had announced ' + n.told.seq + ' (a replay)', true);
      return;
    }
    n.told = v;
    n.holds(v);
    this.noteEquivocation(v);
    const newest = best(this.current, this.target);
    if (!newest || preference(v, newest) > 0) {
      if (v.size > MAX_PAGE_BYTES) {
        console.warn('live: version ' + v.seq + ' names a page of ' + v.size + ' bytes, over ' + MAX_PAGE_BYTES);
        return;
      }
      this.target = v;
      this.sources = [n];
      this.startPull();
    } else if (same(v, this.target) && !this.sources.includes(n)) {
      this.sources.push(n);
      if (!this.pull) this.startPull();
    }
  }

  noteEquivocation(v) {
    for (const other of [this.current, this.target]) {
      if (!equivocates(v, other)) continue;
      const loser = preference(v, other) > 0 ? other : v;
      if (!this.equivocation || loser.seq >= this.equivocation.seq) {
        this.equivocation = loser;
        this.host.changed(true);
      }
    }
  }

  startPull() {
    const target = this.target;
    if (!target || (this.pull && same(this.pull.version, target))) return;
    if (this.pull) {
      this.pull.cancel(); // for an older version: the newer one replaces it; pulled() starts the next
      return;
    }
    if (this.host.holds(target.hash)) {
      this.adopt(target, null);
      return;
    }
    for (const s of this.sources) {
      if (s.channel.readyState !== 'open') continue;
      const ch = this.host.open(s.peer, this.topic, 'pull', target.hash);
      if (!ch) continue;
      const dl = new Download(target.hash, target.size);
      dl.expected = target.size; // the signed size: a header with another is a lie
      const p = {
        version: target,
        from: s,
        cancelled: false,
        cancel() {
          this.cancelled = true;
          ch.close();
        },
      };
      this.pull = p;
      receiveChannel(ch, dl, { from: s.peer, openMs: LINK_WAIT_MS }).then((result) => this.pulled(p, dl, result));
      return;
    }
  }

  async pulled(p, dl, result) {
    if (this.pull === p) this.pull = null;
    if (this.left) return;
    if (result.ok) {
      const held = await dl.take();
      const page = { hash: p.version.hash, blob: held.blob, name: dl.name, mime: dl.mime, dispose: held.dispose };
      if (!this.current || preference(p.version, this.current) > 0) this.adopt(p.version, page);
      else held.dispose();
    } else if (!p.cancelled) {
      this.sources = this.sources.filter((s) => s !== p.from);
      if (LIES.has(result.reason)) this.drop(p.from, 'the page of version ' + p.version.seq + ': ' + result.reason, true);
    }
    this.startPull();
  }

  /** Takes a verified version: holds its page, lets go of the older one, tells the neighbours. */
  adopt(v, page) {
    let owns = false;
    if (page && !this.host.holds(v.hash)) {
      this.host.hold(page);
      owns = true;
    }
    const before = this.current;
    if (before && this.ownsPage && before.hash !== v.hash) this.host.release(before.hash);
    this.current = v;
    this.currentSince = Date.now();
    this.ownsPage = owns || (!!before && this.ownsPage && before.hash === v.hash);
    if (this.target && preference(this.target, v) <= 0) {
      this.target = null;
      this.sources = [];
      if (this.pull) this.pull.cancel();
    }
    this.sendHave();
    for (const n of this.neighbours.values()) this.announceTo(n);
    this.host.changed(true);
  }

  announceTo(n) {
    if (this.current && n.helloSeen && n.holds(this.current)) n.send({ type: 'version', version: this.current });
  }

  sendHave() {
    if (this.haveSent) return;
    this.haveSent = true;
    this.host.send({ type: 'have', hash: this.topic });
  }

  // ---- upkeep ----

  tick() {
    const now = Date.now();
    for (const n of [...this.neighbours.values()]) {
      if (!n.openedAt && now - n.attachedAt > LINK_WAIT_MS) {
        this.drop(n, 'no connection', false);
      } else if (!n.helloSeen && n.openedAt && now - n.openedAt > HELLO_WAIT_MS) {
        this.drop(n, 'no hello', false);
      } else if (n.overflow && this.neighbours.size > this.maxPeers && now - n.attachedAt > OVERFLOW_GRACE_MS) {
        n.channel.close(); // not a fault: it has met others through this one by now
      } else if (n.overflow && this.neighbours.size <= this.maxPeers) {
        n.overflow = false;
      }
    }
    for (const [p, deadline] of this.pending) {
      if (deadline > now) continue;
      this.pending.delete(p);
      this.avoid.set(p, now + RETRY_PEER_MS);
      this.relayVia.delete(p);
      this.host.dropSession(p, this.topic);
    }
    for (const [p, until] of this.avoid) if (until <= now) this.avoid.delete(p);
    // links still being made do not count: one stuck on a peer that left would hold off healing for LINK_WAIT_MS
    const linked = this.linked();
    if (linked.length < this.minPeers) {
      if (linked.length > 0 && now - this.lastMoreAt > MORE_EVERY_MS) {
        this.lastMoreAt = now;
        linked[this.moreTurn++ % linked.length].send({ type: 'more' });
      }
      const rescue = linked.length === 0 || this.dry;
      if (rescue && (!this.wantOut || now - this.wantAt > ROUTED_WAIT_MS) && this.host.selfId() !== null) {
        this.wantOut = true;
        this.wantAt = now;
        this.host.send({ type: 'want', hash: this.topic, exclude: this.exclusions() });
      }
    } else if (this.wantOut) {
      this.wantOut = false;
      this.host.send({ type: 'unwant', hash: this.topic });
    }
  }

  // A rescue `want` leaves out the linked, the linking and the liars, and the peers given up on for a
  // failure only while other holders remain (the same rule as the Java LiveMesh#exclusions).
  exclusions() {
    let all = [...new Set([...this.neighbours.keys(), ...this.pending.keys(), ...this.liars])];
    const withAvoided = [...new Set([...all, ...this.avoid.keys()])];
    if (this.holdersOnline < 0 || withAvoided.length < this.holdersOnline) all = withAvoided;
    const max = this.host.maxExclude();
    return Number.isSafeInteger(max) && max >= 0 ? all.slice(0, max) : all;
  }
}
