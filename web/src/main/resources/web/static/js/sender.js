// The holder's side of a `page` data channel (docs/protocol.md §2): wait for `get`, send `header`, then
// the bytes from the requested offset in ≤ 64 KiB binary messages with bufferedAmount flow control.

export const CHUNK_BYTES = 64 * 1024;
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const READ_BYTES = 1024 * 1024;

/**
 * Serves pages from `store` on a channel this peer opened. Resolves when the channel closes.
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
    let busy = false;
    channel.addEventListener('close', () => resolve());
    channel.addEventListener('message', async (ev) => {
      if (typeof ev.data !== 'string' || busy) return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        channel.close();
        return;
      }
      if (!msg || msg.type !== 'get') {
        channel.close();
        return;
      }
      const page = store.get(msg.hash);
      const offset = Number.isSafeInteger(msg.offset) && msg.offset >= 0 ? msg.offset : -1;
      if (!page || offset < 0 || offset > page.blob.size) {
        trySend(channel, JSON.stringify({
          type: 'error', code: 'not_found', message: page ? 'bad offset' : 'page not held here',
        }));
        channel.close();
        return;
      }
      if (!mayStart()) {
        trySend(channel, JSON.stringify({ type: 'error', code: 'busy', message: 'too many transfers; try another holder' }));
        channel.close();
        return;
      }
      busy = true;
      onActive(true);
      try {
        await sendPage(channel, page, offset);
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

async function sendPage(channel, page, offset) {
  const header = { type: 'header', hash: page.hash, size: page.blob.size, offset };
  if (page.name) header.name = page.name;
  if (page.mime) header.mime = page.mime;
  channel.send(JSON.stringify(header));
  const size = page.blob.size;
  const read = (pos) => page.blob.slice(pos, pos + READ_BYTES).arrayBuffer();
  // Reading a blob is an asynchronous trip to the browser's blob store: read the next slice while this
  // one is being sent, so the channel never waits for the disk or the IPC.
  let next = offset < size ? read(offset) : null;
  for (let pos = offset; next && channel.readyState === 'open';) {
    const slice = await next;
    const end = pos + slice.byteLength;
    next = end < size ? read(end) : null;
    for (let i = 0; i < slice.byteLength; i += CHUNK_BYTES) {
      if (channel.bufferedAmount > HIGH_WATER) await drained(channel);
      if (channel.readyState !== 'open') return;
      // a view, not a copy: send() takes exactly the view's bytes
      channel.send(new Uint8Array(slice, i, Math.min(CHUNK_BYTES, slice.byteLength - i)));
    }
    pos = end;
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

function trySend(channel, text) {
  try {
    channel.send(text);
  } catch (e) {
    // closed already
  }
}
