// The DOM: the home view (write or drop, share, pages held) and the page view (counts, status, progress,
// content). Page content is only ever put into the DOM as text (textContent) or offered as a download.

import { pageFromText, pageFromFile, linkFor, shareLinkFor, parseLocation } from './create.js';
import { formatBytes, formatSpeed } from './format.js';
import { downloadName, sanitizeFileName } from './filename.js';
import { HISTORY_MS } from './node.js';

const FULL_TEXT_BYTES = 4 * 1024 * 1024;
const PREVIEW_BYTES = 256 * 1024;
const PROGRESS_AFTER_MS = 250;

const $ = (id) => document.getElementById(id);

/** Binds a Node to the DOM of index.html. */
export class Ui {
  /**
   * @param {import('./node.js').Node} node
   */
  constructor(node) {
    this.node = node;
    this.file = null;
    this.shownHash = null; // the hash whose content is being put into the DOM
    this.renderedHash = null; // the hash whose content is in the DOM
    this.downloadUrl = null;
    this.lastPaint = 0;
    this.paintQueued = false;
    node.addEventListener('change', (ev) => (ev.detail && ev.detail.urgent ? this.render() : this.schedule()));
    this.bindHome();
    $('copy-link').addEventListener('click', () => this.copyLink());
    $('keep-alive').addEventListener('click', () => {
      if (this.loc && this.loc.hash) this.node.keep(this.loc.hash, Number($('keep-for').value));
    });
    const keepWhenLast = $('keep-when-last');
    keepWhenLast.checked = readSetting(KEEP_WHEN_LAST) === 'on';
    node.setKeepWhenLast(keepWhenLast.checked);
    keepWhenLast.addEventListener('change', () => {
      writeSetting(KEEP_WHEN_LAST, keepWhenLast.checked ? 'on' : 'off');
      node.setKeepWhenLast(keepWhenLast.checked);
    });
    // offered when a holder announces a page larger than this tab takes from a link without its size
    this.noticeText = document.createElement('span');
    this.acceptSize = document.createElement('button');
    this.acceptSize.type = 'button';
    this.acceptSize.id = 'accept-size';
    this.acceptSize.className = 'link';
    this.acceptSize.hidden = true;
    this.acceptSize.addEventListener('click', () => this.onAcceptSize());
    $('notice').replaceChildren(this.noticeText, ' ', this.acceptSize);
    document.addEventListener('click', (ev) => this.onLinkClick(ev));
    window.addEventListener('popstate', () => this.route());
  }

  /** Shows the view for the current URL. */
  route() {
    const loc = parseLocation();
    this.loc = loc;
    if (loc.hash && !this.node.store.has(loc.hash)) this.node.want(loc.hash, { size: loc.size });
    this.render();
  }

  bindHome() {
    const input = $('file');
    input.addEventListener('change', () => this.pickFile(input.files[0] || null));
    const drop = $('drop');
    drop.addEventListener('dragover', (ev) => {
      ev.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (ev) => {
      ev.preventDefault();
      drop.classList.remove('over');
      if (ev.dataTransfer && ev.dataTransfer.files.length) this.pickFile(ev.dataTransfer.files[0]);
    });
    $('clear-file').addEventListener('click', () => {
      input.value = '';
      this.pickFile(null);
    });
    $('share').addEventListener('click', () => this.share());
  }

  pickFile(file) {
    this.file = file;
    $('file-chosen').hidden = !file;
    $('drop-prompt').hidden = !!file;
    $('file-name').textContent = file ? sanitizeFileName(file.name, 'file') + ' · ' + formatBytes(file.size) : '';
  }

  async share() {
    const button = $('share');
    const status = $('share-status');
    const text = $('text').value;
    if (!this.file && text.length === 0) {
      status.textContent = 'Write something or choose a file first.';
      return;
    }
    button.disabled = true;
    status.textContent = 'Hashing…';
    try {
      const page = this.file
        ? await pageFromFile(this.file, (done, total) => {
          status.textContent = 'Hashing… ' + Math.floor((100 * done) / total) + '%';
        })
        : await pageFromText(text);
      this.node.share(page);
      history.pushState(null, '', linkFor(page));
      status.textContent = '';
      $('text').value = '';
      $('file').value = '';
      this.pickFile(null);
      this.route();
    } catch (e) {
      status.textContent = 'Could not read that: ' + e.message;
    } finally {
      button.disabled = false;
    }
  }

  // In-app links must not reload the document: that would drop every page this tab holds.
  onLinkClick(ev) {
    const a = ev.target.closest && ev.target.closest('a[data-internal]');
    if (!a || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    ev.preventDefault();
    history.pushState(null, '', a.getAttribute('href'));
    this.route();
  }

  async copyLink() {
    // a held page's link always carries its size (a text page's address does not show it)
    const held = this.loc && this.loc.hash ? this.node.store.get(this.loc.hash) : undefined;
    const url = held ? location.origin + shareLinkFor(held) : location.href;
    let ok = false;
    try {
      await navigator.clipboard.writeText(url);
      ok = true;
    } catch (e) {
      const field = $('link-field');
      field.value = url;
      field.hidden = false;
      field.select();
      ok = document.execCommand && document.execCommand('copy');
      field.hidden = true;
    }
    $('copy-link').textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => ($('copy-link').textContent = 'Copy link'), 1500);
  }

  // Progress events can arrive thousands of times a second; paint at most ~10 times a second.
  schedule() {
    if (this.paintQueued) return;
    const wait = Math.max(0, 100 - (performance.now() - this.lastPaint));
    this.paintQueued = true;
    setTimeout(() => {
      this.paintQueued = false;
      this.lastPaint = performance.now();
      this.render();
    }, wait);
  }

  render() {
    const node = this.node;
    const conn = $('conn');
    conn.dataset.state = node.connection;
    conn.textContent = { open: 'connected', connecting: 'connecting…', closed: 'reconnecting…' }[node.connection];
    const loc = this.loc || { hash: null };
    document.body.dataset.view = loc.hash ? 'page' : 'home';
    $('home-view').hidden = !!loc.hash;
    $('page-view').hidden = !loc.hash;
    if (loc.hash) this.renderPage(loc);
    else this.renderHome();
  }

  renderHome() {
    document.title = 'ephemeral';
    const held = this.node.store.hashes();
    $('held-section').hidden = held.length === 0;
    const list = $('held');
    list.replaceChildren(...held.map((hash) => {
      const page = this.node.store.get(hash);
      const c = this.node.countsOf(hash);
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = shareLinkFor(page);
      a.dataset.internal = '';
      a.textContent = page.name ? sanitizeFileName(page.name, 'file') : hash.slice(0, 16) + '…';
      const meta = document.createElement('span');
      meta.className = 'meta';
      const k = this.node.keeps.get(hash);
      meta.textContent = formatBytes(page.blob.size) + (c ? ' · ' + c.holders + ' holding' : '')
        + (k && k.state === 'kept' ? ' · kept by a seed until ' + new Date(k.until).toLocaleDateString() : '');
      li.append(a, meta);
      return li;
    }));
  }

  renderPage(loc) {
    const node = this.node;
    const hash = loc.hash;
    const page = node.store.get(hash);
    const fetch = node.fetches.get(hash);
    const counts = node.countsOf(hash);
    const view = $('page-view');
    $('hash').textContent = hash;
    $('holders').textContent = counts ? String(counts.holders) : '–';
    $('wanters').textContent = counts ? String(counts.wanters) : '–';
    const uploads = node.uploads.get(hash) || 0;
    $('serving').textContent = uploads > 0 ? ' · sending to ' + uploads + ' now' : '';

    let state;
    let status;
    if (page) {
      // 'shown' only once the content is in the DOM (reading the Blob is asynchronous)
      state = this.renderedHash === hash ? 'shown' : 'verified';
      status = counts && counts.holders <= 1
        ? 'You are the only holder: this page disappears when you close this tab.'
        : 'You hold this page and serve it to visitors while this tab is open.';
    } else if (node.connection !== 'open') {
      state = 'waiting';
      status = 'Connecting to the signaling server…';
    } else if (fetch && fetch.state === 'receiving') {
      state = 'receiving';
      status = 'Receiving from holder ' + shortId(fetch.holder) + (fetch.route ? ' (' + fetch.route + ')' : '') + '…';
    } else if (counts && counts.holders === 0) {
      state = 'nobody';
      status = 'No one holds this page right now (0 online). Keep this tab open: it appears here as soon as a holder comes back.';
    } else if (fetch && fetch.state === 'retrying' || fetch && fetch.lastHolder && !fetch.routedTo) {
      // the pause before asking again (it grows with each failure, up to a few seconds)
      state = 'waiting';
      status = fetch.lastHolder ? lastFailure(fetch) + '; asking another…' : 'A holder could not send it; asking again in a moment…';
    } else if (fetch && fetch.routedTo) {
      state = 'waiting';
      const same = fetch.lastHolder === fetch.routedTo;
      const now = fetch.signalledAt === null
        ? (same ? 'asked it again' : 'asked holder ' + shortId(fetch.routedTo)) + ', no answer yet…'
        : (same ? 'it answered' : 'holder ' + shortId(fetch.routedTo) + ' answered') + '; connecting…';
      // the last failure stays in view while the next holder is asked: it is why this takes long
      status = fetch.lastHolder ? lastFailure(fetch) + '; ' + now : now.charAt(0).toUpperCase() + now.slice(1);
    } else {
      state = 'waiting';
      status = 'Asking the server for a holder' + (counts && counts.holders > 0 ? ' (' + counts.holders + ' online)' : '') + '…';
    }
    view.dataset.state = state;
    // while reconnecting the counts are the last ones known: shown greyed, not as news
    view.dataset.connection = node.connection;
    $('status').textContent = status;

    this.renderNotice(fetch, page);
    this.renderKeep(hash, page);

    this.renderProgress(fetch, page);
    this.renderRoute(fetch);
    this.renderAttempts(fetch);
    this.renderNetwork(hash, fetch, page);
    if (page && this.shownHash !== hash) this.showContent(page, loc);
    if (!page && this.shownHash !== null) this.clearContent();
    const label = page && page.name ? sanitizeFileName(page.name, 'file') : hash.slice(0, 12);
    document.title = label + ' · ephemeral';
  }

  // What went wrong with holders, when the user should know: a page larger than this tab takes without
  // its size in the link (with a button to accept that size), bytes that did not match the address, a
  // size that does not match the link.
  renderNotice(fetch, page) {
    let text = '';
    let accept = null;
    if (fetch && !page && fetch.tooLarge) {
      const size = fetch.tooLarge.size;
      if (size > fetch.maxSize) {
        text = 'This page is ' + formatBytes(size) + ': more than this tab can hold (' + formatBytes(fetch.maxSize) + ').';
      } else {
        text = 'A holder offers this page as ' + formatBytes(size) + '. Without its size in the link, this tab takes at most '
          + formatBytes(fetch.dl.maxSize) + ', so it was not taken.';
        accept = size;
      }
    } else if (fetch && fetch.rejected > 0) {
      text = 'A peer sent bytes that do not match this address. They were discarded' + (page ? '.' : '; asking another holder.');
    } else if (fetch && !page && fetch.wrongSize) {
      text = 'A holder announced ' + formatBytes(fetch.wrongSize.size) + ', not the ' + formatBytes(fetch.dl.expected)
        + ' the link says. Nothing was taken from it; asking another holder.';
    }
    const notice = $('notice');
    notice.hidden = text === '';
    if (this.noticeText.textContent !== text) this.noticeText.textContent = text;
    this.acceptSize.hidden = accept === null;
    if (accept !== null) {
      const label = 'Accept ' + formatBytes(accept);
      if (this.acceptSize.textContent !== label) this.acceptSize.textContent = label;
      this.acceptSize.dataset.size = String(accept);
    }
  }

  // "Keep alive": only for a page this tab holds; says what came of the request.
  renderKeep(hash, page) {
    const box = $('keep-box');
    box.hidden = !page;
    if (!page) return;
    const k = this.node.keeps.get(hash);
    box.dataset.state = k ? k.state : 'none';
    let text = '';
    if (k && k.state === 'asking') text = 'Asking a volunteer seed…';
    else if (k && k.state === 'kept') text = 'Kept by a seed until ' + new Date(k.until).toLocaleString();
    else if (k && k.state === 'refused') text = 'Not kept: ' + k.message;
    if ($('keep-status').textContent !== text) $('keep-status').textContent = text;
    const button = $('keep-alive');
    button.disabled = !!k && k.state === 'asking';
    button.textContent = k && k.state === 'kept' ? 'Keep longer' : 'Keep alive';
  }

  onAcceptSize() {
    const fetch = this.loc && this.loc.hash ? this.node.fetches.get(this.loc.hash) : undefined;
    const size = Number(this.acceptSize.dataset.size);
    if (fetch && fetch.expect(size)) this.render();
  }

  // Where the bytes come from, and how: holder, path (LAN, NAT, relay), round trip, first byte.
  renderRoute(fetch) {
    const el = $('route');
    const on = !!fetch && !!fetch.holder && (fetch.state === 'receiving' || fetch.state === 'done');
    el.hidden = !on;
    if (!on) return;
    const parts = [(fetch.state === 'done' ? 'From' : 'Receiving from') + ' holder ' + shortId(fetch.holder)];
    if (fetch.route) parts.push(fetch.route);
    if (fetch.firstByteAt) parts.push('first byte after ' + Math.round(fetch.firstByteAt - fetch.startedAt) + ' ms');
    // a speed over a few kilobytes measures the round trip, not the path
    if (fetch.state === 'done' && fetch.dl.received >= 65536) parts.push(formatSpeed(fetch.speed()));
    const text = parts.join(' · ');
    if (el.textContent !== text) el.textContent = text;
  }

  // Each attempt, its holder, outcome and times: open with ?debug, otherwise a closed panel once one failed.
  renderAttempts(fetch) {
    const box = $('attempts');
    const debug = new URLSearchParams(location.search).has('debug');
    const failed = !!fetch && fetch.attempts.some((a) => !a.outcome.startsWith('sent the page'));
    box.hidden = !fetch || !(debug || failed);
    if (box.hidden) return;
    if (debug && !box.dataset.opened) {
      box.open = true;
      box.dataset.opened = '1';
    }
    const list = $('attempts-list');
    if (list.childElementCount === fetch.attempts.length) return;
    list.replaceChildren(...fetch.attempts.map((a) => {
      const li = document.createElement('li');
      li.textContent = 'holder ' + shortId(a.holder) + ': ' + a.outcome + ' (at ' + (a.at / 1000).toFixed(2) + ' s, took ' + a.ms + ' ms)';
      return li;
    }));
  }

  // This tab's own links for the page (whom it got it from and how, whom it served) and the page's counts
  // over the last minutes as a sparkline.
  renderNetwork(hash, fetch, page) {
    const box = $('network');
    box.hidden = !page && !fetch;
    if (box.hidden) return;
    let from = page ? 'You created or shared this page here.' : 'Not received yet.';
    if (fetch && fetch.state === 'done' && fetch.holder) {
      from = 'Got it from holder ' + shortId(fetch.holder) + (fetch.route ? ' · ' + fetch.route : '');
    }
    if ($('net-from').textContent !== from) $('net-from').textContent = from;
    const to = this.node.servedTo.get(hash);
    let served = 'Served to no one yet.';
    if (to && to.size > 0) {
      const n = [...to.values()].reduce((a, b) => a + b, 0);
      served = 'Served ' + n + (n === 1 ? ' time' : ' times') + ' to ' + to.size + (to.size === 1 ? ' peer: ' : ' peers: ')
        + [...to.keys()].slice(0, 8).map(shortId).join(', ') + (to.size > 8 ? ', …' : '');
    }
    if ($('net-served').textContent !== served) $('net-served').textContent = served;
    const history = this.node.history.get(hash) || [];
    $('spark-holders').setAttribute('points', sparkline(history, 'holders'));
    $('spark-wanters').setAttribute('points', sparkline(history, 'wanters'));
  }

  renderProgress(fetch, page) {
    const box = $('progress-box');
    if (!fetch || fetch.dl.size === null && fetch.state !== 'done') {
      box.hidden = true;
      return;
    }
    const dl = fetch.dl;
    const size = page ? page.blob.size : dl.size;
    const received = page ? size : dl.received;
    const elapsed = (fetch.state === 'done' ? fetch.finishedAt : performance.now()) - fetch.startedAt;
    // small pages arrive in a blink: no bar for them
    if (fetch.state !== 'done' && elapsed < PROGRESS_AFTER_MS && received < size) {
      box.hidden = true;
      return;
    }
    if (fetch.state === 'done' && elapsed < PROGRESS_AFTER_MS) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const bar = $('progress');
    bar.max = Math.max(size, 1);
    bar.value = received;
    $('progress-text').textContent = fetch.state === 'done'
      ? 'Received ' + formatBytes(size) + ' in ' + (elapsed / 1000).toFixed(1) + ' s · ' + formatSpeed(fetch.speed()) + ' · verified'
      : formatBytes(received) + ' of ' + formatBytes(size) + ' · ' + formatSpeed(fetch.speed());
  }

  async showContent(page, loc) {
    this.shownHash = page.hash;
    this.renderedHash = null;
    const name = page.name || loc.name;
    const mime = page.mime || loc.mime;
    const pre = $('content');
    const card = $('file-card');
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    // always octet-stream: a blob: URL typed text/html would render as HTML in this origin if opened
    this.downloadUrl = URL.createObjectURL(new Blob([page.blob], { type: 'application/octet-stream' }));
    const download = $('download');
    download.href = this.downloadUrl;
    download.download = downloadName(name, page.hash);
    card.hidden = !name;
    $('file-title').textContent = name ? sanitizeFileName(name, 'file') : '';
    $('file-meta').textContent = formatBytes(page.blob.size) + (mime ? ' · ' + mime : '');
    const textual = !name || /^text\//.test(mime || '');
    if (!textual) {
      pre.hidden = true;
      pre.textContent = '';
      $('truncated').hidden = true;
      $('download-row').hidden = false;
      setShown(this, page.hash);
      return;
    }
    const full = page.blob.size <= FULL_TEXT_BYTES;
    const bytes = await page.blob.slice(0, full ? page.blob.size : PREVIEW_BYTES).arrayBuffer();
    if (this.shownHash !== page.hash) return;
    pre.textContent = new TextDecoder('utf-8').decode(bytes);
    pre.hidden = false;
    setShown(this, page.hash);
    $('truncated').hidden = full;
    $('download-row').hidden = !name && full;
  }

  clearContent() {
    this.shownHash = null;
    this.renderedHash = null;
    $('content').textContent = '';
    $('content').hidden = true;
    $('file-card').hidden = true;
    $('truncated').hidden = true;
    $('download-row').hidden = true;
  }
}

const KEEP_WHEN_LAST = 'ephemeral.keepWhenLast';

/** A saved setting, or null where storage is unavailable (a private window may refuse it). */
function readSetting(key) {
  try {
    return localStorage.getItem(key);
  } catch (e) {
    return null;
  }
}

function writeSetting(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch (e) {
    // not saved: it still applies to this tab
  }
}

// "navigation → verified content on screen", readable with performance.getEntriesByName('content-shown')
function markShown() {
  if (performance.getEntriesByName('content-shown').length === 0) performance.mark('content-shown');
}

/** The DOM now shows `hash`'s content. */
function setShown(ui, hash) {
  ui.renderedHash = hash;
  if (ui.loc && ui.loc.hash === hash) $('page-view').dataset.state = 'shown';
  markShown();
}

/** The holder that failed last, and how: "Holder 3f2a… did not answer within 2 s". */
function lastFailure(fetch) {
  return 'Holder ' + shortId(fetch.lastHolder) + ' ' + fetch.lastWhy.replace(/^could not connect/, 'could not be reached');
}

const SPARK_W = 240;
const SPARK_H = 48;

/**
 * SVG polyline points for one count over the last HISTORY_MS: a step line (a count holds until the next
 * message), scaled to the highest count of either line so the two compare.
 */
function sparkline(history, key) {
  if (history.length === 0) return '';
  const now = Date.now();
  const max = Math.max(1, ...history.map((h) => Math.max(h.holders, h.wanters)));
  const x = (t) => (SPARK_W * (1 - Math.min(HISTORY_MS, now - t) / HISTORY_MS)).toFixed(1);
  const y = (v) => (SPARK_H - 2 - (SPARK_H - 4) * v / max).toFixed(1);
  const points = [];
  history.forEach((h, i) => {
    if (i > 0) points.push(x(h.t) + ',' + y(history[i - 1][key]));
    points.push(x(h.t) + ',' + y(h[key]));
  });
  points.push(SPARK_W + ',' + y(history[history.length - 1][key]));
  return points.join(' ');
}

/** A peer id as people see it: its first characters. */
function shortId(id) {
  return id ? String(id).slice(0, 6) + '…' : 'unknown';
}
