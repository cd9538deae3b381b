// RTCPeerConnections to other peers (docs/protocol.md §2 "Connection"): created by a holder for a
// `content_request`, answered by the wanter, handshake relayed through `signal`. A live connection to
// the same peer is reused by opening another `page` channel on it; a connection with no open channel
// for 30 s is closed.

const IDLE_MS = 30000;

/** One RTCPeerConnection, keyed by the remote peer and the hash it was paired for. */
class Conn {
  constructor(pc, peerId, hash) {
    this.pc = pc;
    this.peerId = peerId;
    this.hash = hash;
    this.pendingCandidates = [];
    this.openChannels = 0;
    this.idleTimer = null;
  }
}

/** Creates, reuses and closes peer connections; hands every channel the remote side opens to `onChannel`. */
export class PeerManager {
  /**
   * @param {object} opts
   * @param {(msg: object) => boolean} opts.send sends a signaling message
   * @param {() => RTCIceServer[]} opts.iceServers the ICE servers from `welcome`
   * @param {(channel: RTCDataChannel, peerId: string, pairedHash: string) => void} opts.onChannel
   *        a channel the remote peer opened (we are the wanter)
   */
  constructor({ send, iceServers, onChannel }) {
    this.send = send;
    this.iceServers = iceServers;
    this.onChannel = onChannel;
    /** @type {Map<string, Conn>} */
    this.conns = new Map();
  }

  /**
   * As a holder: opens a `page` channel to `peerId` for `hash`, on a live connection if there is one,
   * else on a new connection whose offer goes out through `signal`.
   * @param {string} peerId
   * @param {string} hash
   * @returns {RTCDataChannel}
   */
  openChannel(peerId, hash) {
    for (const conn of this.conns.values()) {
      if (conn.peerId === peerId && conn.pc.connectionState === 'connected') {
        return this.track(conn, conn.pc.createDataChannel('page', { ordered: true, protocol: hash }));
      }
    }
    const conn = this.create(peerId, hash);
    const channel = this.track(conn, conn.pc.createDataChannel('page', { ordered: true, protocol: hash }));
    (async () => {
      try {
        await conn.pc.setLocalDescription(await conn.pc.createOffer());
        this.signal(conn, { sdp: plain(conn.pc.localDescription) });
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
        if (conn) this.close(conn); // a fresh offer for the same pairing replaces a stale connection
        conn = this.create(from, hash);
        await conn.pc.setRemoteDescription(data.sdp);
        await this.flush(conn);
        await conn.pc.setLocalDescription(await conn.pc.createAnswer());
        this.signal(conn, { sdp: plain(conn.pc.localDescription) });
      } else if (data.sdp && data.sdp.type === 'answer') {
        if (!conn || conn.pc.signalingState !== 'have-local-offer') return;
        await conn.pc.setRemoteDescription(data.sdp);
        await this.flush(conn);
      } else if (data.candidate) {
        // an empty `candidate` is end-of-candidates, however its other fields are set (Firefox sends
        // sdpMid "0"): nothing to add
        if (!conn || !data.candidate.candidate) return;
        if (conn.pc.remoteDescription) await conn.pc.addIceCandidate(data.candidate);
        else conn.pendingCandidates.push(data.candidate);
      }
    } catch (e) {
      console.warn('signal failed', e);
    }
  }

  /** Closes every connection. */
  closeAll() {
    for (const conn of [...this.conns.values()]) this.close(conn);
  }

  create(peerId, hash) {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers() });
    const conn = new Conn(pc, peerId, hash);
    this.conns.set(keyOf(peerId, hash), conn);
    pc.onicecandidate = (ev) => this.signal(conn, { candidate: candidateData(ev.candidate) });
    pc.ondatachannel = (ev) => {
      this.track(conn, ev.channel);
      this.onChannel(ev.channel, peerId, hash);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.close(conn);
    };
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
    clearTimeout(conn.idleTimer);
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
      try {
        await conn.pc.addIceCandidate(c);
      } catch (e) {
        console.warn('candidate refused', e);
      }
    }
  }

  signal(conn, data) {
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
