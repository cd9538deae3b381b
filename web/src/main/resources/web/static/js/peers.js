// RTCPeerConnections to other peers (docs/protocol.md §2 "Connection"): created by a holder for a
// `content_request`, answered by the wanter, handshake relayed through `signal`. A live connection to
// the same peer is reused by opening another `page` channel on it; a connection with no open channel
// for 30 s is closed.
//
// Self-protection (a tab must survive peers that flood it): at most MAX_CONNECTIONS connections in all
// and MAX_PER_PEER to one remote peer; at most one per (remote peer, hash) pairing; at most
// MAX_CANDIDATES remote ICE candidates per connection (the rest are dropped, so nothing queues without
// bound); a connection not connected within HANDSHAKE_MS is closed, so peers that never answer hold a
// slot only that long. Past a cap nothing is created and nothing is sent: the other side's clocks run out.

const IDLE_MS = 30000;
/** RTCPeerConnections one tab keeps at once (Chromium refuses to create more than ~500). */
export const MAX_CONNECTIONS = 64;
/** RTCPeerConnections to one remote peer (a live one is reused, so an honest peer needs one). */
export const MAX_PER_PEER = 2;
/** Remote ICE candidates taken per connection (a browser gathers a handful per network interface). */
export const MAX_CANDIDATES = 64;
/**
 * A connection still not connected this long after it was created is closed: by then its wanter has
 * given up on it (routed wait 2 s + connect 5 s, docs/protocol.md §2).
 */
export const HANDSHAKE_MS = 10000;

/** One RTCPeerConnection, keyed by the remote peer and the hash it was paired for. */
class Conn {
  constructor(pc, peerId, hash) {
    this.pc = pc;
    this.peerId = peerId;
    this.hash = hash;
    this.pendingCandidates = [];
    this.candidates = 0; // remote candidates taken (added or queued)
    this.openChannels = 0;
    this.idleTimer = null;
    this.handshakeTimer = null;
    this.closed = false;
    this.connected = false;
    this.localCandidates = 0;
    /** ICE candidate errors (a TURN server refusing us, say): why nothing connected, in words */
    this.iceErrors = [];
  }
}

/**
 * Why a connection found no network path, in words a person can act on (docs/protocol.md "Diagnostics").
 * @param {string[]} iceErrors what `icecandidateerror` said
 * @param {RTCConfiguration} config the ICE servers and policy it ran with
 */
export function whyNoPath(iceErrors, config) {
  const refused = iceErrors.find((e) => / 401\b/.test(e));
  if (refused) return 'the relay (TURN) server refused this tab\'s credentials (' + refused + ')';
  const hasRelay = (config.iceServers || []).some((s) => [].concat(s.urls || []).some((u) => String(u).startsWith('turn')));
  if (!hasRelay) return 'no direct network path to it, and this server offers no relay (TURN) to go around a NAT or firewall';
  return 'no network path to it, not even through the relay' + (iceErrors.length ? ' (' + iceErrors.join('; ') + ')' : '');
}

/**
 * How a connected RTCPeerConnection reaches its peer, from its selected candidate pair: a relay candidate
 * on either side means through TURN; otherwise the local candidate's type says how (host: direct on the
 * LAN; srflx/prflx: direct through NAT, found by STUN), with the round-trip time. '' while unknown.
 * @param {RTCPeerConnection} pc
 * @returns {Promise<string>}
 */
export async function describeRoute(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId) || pair;
  });
  if (!pair) { // Firefox has no transport stats: the nominated, succeeded pair
    stats.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    });
  }
  if (!pair) return '';
  const local = stats.get(pair.localCandidateId);
  const remote = stats.get(pair.remoteCandidateId);
  // the other side's relay counts too: the bytes cross a TURN server all the same
  const type = remote && remote.candidateType === 'relay' ? 'relay' : local ? local.candidateType : '';
  const how = type === 'relay' ? 'relayed by TURN'
    : type === 'srflx' || type === 'prflx' ? 'direct through NAT (STUN)'
      : type === 'host' ? 'direct on the LAN' : 'direct';
  return typeof pair.currentRoundTripTime === 'number'
    ? how + ' · rtt ' + Math.round(pair.currentRoundTripTime * 1000) + ' ms' : how;
}

/** Creates, reuses and closes peer connections; hands every channel the remote side opens to `onChannel`. */
export class PeerManager {
  /**
   * @param {object} opts
   * @param {(msg: object) => boolean} opts.send sends a signaling message
   * @param {() => RTCConfiguration} opts.rtcConfig ICE servers and transport policy from `welcome`
   * @param {(channel: RTCDataChannel, peerId: string, pairedHash: string) => void} opts.onChannel
   *        a channel the remote peer opened (we are the wanter)
   * @param {(from: string, hash: string, live: boolean) => boolean} [opts.acceptOffer] whether to answer
   *        an offer from `from` for `hash`; `live` tells whether a connection for that pairing is open or
   *        opening (a taken offer replaces it). Default: only when there is none, so a repeated offer
   *        while the connection lives is ignored.
   * @param {(peerId: string, hash: string, why: string) => void} [opts.onFailed] a connection found no
   *        network path (`why` says why in words)
   * @param {(peerId: string, hash: string, data: object) => boolean} [opts.relay] takes a signal of this
   *        pairing that goes through a live page's neighbour instead of the server (true: taken)
   */
  constructor({
    send, rtcConfig, onChannel, acceptOffer = (from, hash, live) => !live, onFailed = () => {}, relay = () => false,
  }) {
    this.send = send;
    this.relay = relay;
    this.rtcConfig = rtcConfig;
    this.onFailed = onFailed;
    this.onChannel = onChannel;
    this.acceptOffer = acceptOffer;
    /** @type {Map<string, Conn>} */
    this.conns = new Map();
  }

  /** @returns {number} RTCPeerConnections open or opening now */
  get size() {
    return this.conns.size;
  }

  /**
   * As a holder: opens a `page` channel to `peerId` for `hash`, on a live connection if there is one,
   * else on a new connection whose offer goes out through `signal`. Returns null, and creates and sends
   * nothing, when a connection for this pairing is still being set up (its own channel serves the page
   * once it connects) or a cap is reached. A live page's mesh opens its `live` and `pull` channels the
   * same way (`hash`: its topic; `label` and `protocol`: the channel's).
   * @param {string} peerId
   * @param {string} hash
   * @param {string} [label]
   * @param {string} [protocol]
   * @returns {RTCDataChannel|null}
   */
  openChannel(peerId, hash, label = 'page', protocol = hash) {
    const options = { ordered: true, protocol };
    for (const conn of this.conns.values()) {
      if (conn.peerId === peerId && conn.pc.connectionState === 'connected') {
        return this.track(conn, conn.pc.createDataChannel(label, options));
      }
    }
    if (this.conns.has(keyOf(peerId, hash)) || !this.hasRoomFor(peerId)) return null;
    const conn = this.create(peerId, hash);
    const channel = this.track(conn, conn.pc.createDataChannel(label, options));
    (async () => {
      try {
        // the offer goes out only once applied: an answer arriving before would find no local offer
        await conn.pc.setLocalDescription(await conn.pc.createOffer());
        if (!conn.closed) this.signal(conn, { sdp: plain(conn.pc.localDescription) });
      } catch (e) {
        console.warn('offer failed', e);
        this.close(conn);
      }
    })();
    return channel;
  }

  /**
   * Handles a relayed `signal {from, hash, data}`.
   * @param {{from: string, hash: string, data: object}} msg
   */
  async handleSignal({ from, hash, data }) {
    const key = keyOf(from, hash);
    let conn = this.conns.get(key);
    try {
      if (data.sdp && data.sdp.type === 'offer') {
        // at most one connection per pairing: a taken offer replaces a stale one (from an earlier attempt)
        if (!this.acceptOffer(from, hash, !!conn)) return;
        if (conn) this.close(conn);
        if (!this.hasRoomFor(from)) return;
        conn = this.create(from, hash);
        await conn.pc.setRemoteDescription(data.sdp);
        await this.flush(conn);
        // sent before it is applied: the holder works on it while setLocalDescription runs here (tens of
        // ms on a first visit's path); our candidates follow through onicecandidate once it is applied
        const answer = await conn.pc.createAnswer();
        if (conn.closed) return;
        this.signal(conn, { sdp: plain(answer) });
        await conn.pc.setLocalDescription(answer);
      } else if (data.sdp && data.sdp.type === 'answer') {
        if (!conn || conn.pc.signalingState !== 'have-local-offer') return;
        await conn.pc.setRemoteDescription(data.sdp);
        await this.flush(conn);
      } else if (data.candidate) {
        // an empty `candidate` is end-of-candidates, however its other fields are set (Firefox sends
        // sdpMid "0"): nothing to add
        if (!conn || !data.candidate.candidate || conn.candidates >= MAX_CANDIDATES) return;
        conn.candidates++;
        if (conn.pc.remoteDescription) await conn.pc.addIceCandidate(data.candidate);
        else conn.pendingCandidates.push(data.candidate);
      }
    } catch (e) {
      console.warn('signal failed', e);
    }
  }

  /**
   * How the connection to `peerId` runs (see describeRoute), or '' when none is connected.
   * @param {string} peerId
   * @returns {Promise<string>}
   */
  async route(peerId) {
    // a channel can arrive before its connection reports 'connected', and the selected pair a moment later
    for (let tries = 0; tries < 20; tries++) {
      const conn = [...this.conns.values()].find((c) => c.peerId === peerId && !c.closed);
      if (!conn) return '';
      if (conn.pc.connectionState === 'connected') {
        try {
          const route = await describeRoute(conn.pc);
          if (route) return route;
        } catch (e) {
          return '';
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return '';
  }

  /**
   * Why no connection to `peerId` has come up (see whyNoPath), or null when one is up or none is tried.
   * @param {string} peerId
   * @returns {string|null}
   */
  whyNotConnected(peerId) {
    const mine = [...this.conns.values()].filter((c) => c.peerId === peerId && !c.closed);
    if (mine.length === 0 || mine.some((c) => c.connected)) return null;
    return whyNoPath(mine[0].iceErrors, mine[0].config);
  }

  /** Closes the connection of one pairing, if there is one (a live page's handshake that was given up). */
  closePairing(peerId, hash) {
    const conn = this.conns.get(keyOf(peerId, hash));
    if (conn) this.close(conn);
  }

  /** Closes every connection. */
  closeAll() {
    for (const conn of [...this.conns.values()]) this.close(conn);
  }

  /** @returns {boolean} whether one more connection, to `peerId`, stays within the caps */
  hasRoomFor(peerId) {
    if (this.conns.size >= MAX_CONNECTIONS) return false;
    let toPeer = 0;
    for (const conn of this.conns.values()) if (conn.peerId === peerId) toPeer++;
    return toPeer < MAX_PER_PEER;
  }

  create(peerId, hash) {
    const config = this.rtcConfig();
    const pc = new RTCPeerConnection(config);
    const conn = new Conn(pc, peerId, hash);
    conn.config = config;
    this.conns.set(keyOf(peerId, hash), conn);
    const failed = () => {
      if (conn.closed) return;
      this.onFailed(peerId, hash, whyNoPath(conn.iceErrors, config));
      this.close(conn);
    };
    pc.onicecandidate = (ev) => {
      if (conn.closed) return;
      if (ev.candidate) conn.localCandidates++;
      this.signal(conn, { candidate: candidateData(ev.candidate) });
      // gathering found nothing at all (relay only, and the relay refused or did not answer): no path can
      // ever be found, so say so now rather than at a timeout
      if (!ev.candidate && conn.localCandidates === 0) failed();
    };
    pc.onicecandidateerror = (ev) => {
      const what = (ev.url || 'a STUN/TURN server') + ' answered ' + ev.errorCode + ' ' + (ev.errorText || '');
      if (conn.iceErrors.length < 8 && !conn.iceErrors.includes(what)) conn.iceErrors.push(what.trim());
    };
    pc.ondatachannel = (ev) => {
      this.track(conn, ev.channel);
      this.onChannel(ev.channel, peerId, hash);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') {
        conn.connected = true;
        clearTimeout(conn.handshakeTimer);
      }
      if (pc.connectionState === 'failed' && !conn.connected) failed();
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.close(conn);
    };
    conn.handshakeTimer = setTimeout(() => {
      if (pc.connectionState !== 'connected') this.close(conn);
    }, HANDSHAKE_MS);
    this.idle(conn);
    return conn;
  }

  track(conn, channel) {
    let counted = false;
    const opened = () => {
      if (counted) return;
      counted = true;
      conn.openChannels++;
      clearTimeout(conn.idleTimer);
    };
    // a channel the remote side opened may already be open when it is handed over (Firefox)
    if (channel.readyState === 'open') opened();
    else channel.addEventListener('open', opened);
    channel.addEventListener('close', () => {
      if (counted && --conn.openChannels === 0) this.idle(conn);
    });
    return channel;
  }

  idle(conn) {
    clearTimeout(conn.idleTimer);
    conn.idleTimer = setTimeout(() => {
      if (conn.openChannels === 0) this.close(conn);
    }, IDLE_MS);
  }

  close(conn) {
    conn.closed = true;
    conn.pendingCandidates = [];
    clearTimeout(conn.idleTimer);
    clearTimeout(conn.handshakeTimer);
    const key = keyOf(conn.peerId, conn.hash);
    if (this.conns.get(key) === conn) this.conns.delete(key);
    try {
      conn.pc.close();
    } catch (e) {
      // already closed
    }
  }

  async flush(conn) {
    const queued = conn.pendingCandidates;
    conn.pendingCandidates = [];
    for (const c of queued) {
      if (conn.closed) return;
      try {
        await conn.pc.addIceCandidate(c);
      } catch (e) {
        console.warn('candidate refused', e);
      }
    }
  }

  signal(conn, data) {
    if (this.relay(conn.peerId, conn.hash, data)) return;
    this.send({ type: 'signal', to: conn.peerId, hash: conn.hash, data });
  }
}

function keyOf(peerId, hash) {
  return peerId + ' ' + hash;
}

/**
 * The relayed form of a local ICE candidate (docs/protocol.md §1 "Signals"); null (gathering done) is
 * end-of-candidates.
 * @param {RTCIceCandidate|null} c
 * @returns {{candidate: string, sdpMid: ?string, sdpMLineIndex: ?number, usernameFragment?: string}}
 */
function candidateData(c) {
  if (!c) return { candidate: '', sdpMid: null, sdpMLineIndex: null };
  const out = { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
  // which ICE generation the candidate belongs to; the relay accepts it, and it is optional
  if (typeof c.usernameFragment === 'string' && c.usernameFragment) out.usernameFragment = c.usernameFragment;
  return out;
}

function plain(desc) {
  return { type: desc.type, sdp: desc.sdp };
}
