// The DOM: the home view (write, drop or paste; share; pages held) and the page view (share panel, counts,
// status, progress, content). Page content reaches the DOM only as text (textContent), as Markdown rendered
// and sanitised (markdown.js), as media from a blob: URL typed by the app, or as a download.

import { pageFromText, pageFromFile, linkFor, shareLinkFor, parseLocation } from './create.js';
import { formatBytes, formatSpeed } from './format.js';
import { downloadName, sanitizeFileName } from './filename.js';
import { HISTORY_MS } from './node.js';
import {
  FULL_TEXT_BYTES, PREVIEW_BYTES, MEDIA_MAX_BYTES, MARKDOWN_MAX_CHARS, kindOf, safeType, prettyJson, titleOf,
} from './kinds.js';
import { canSeal, isSealed, open as openSealed } from './private.js';
import { LiveView } from './liveview.js';

// The Markdown renderer and the QR encoder are most of the app's weight: loaded when first needed, so a
// first visit runs its modules (and answers a holder's offer) without compiling them first.
let markdownModule = null;
const loadMarkdown = () => (markdownModule = markdownModule || import('./markdown.js'));
let qrModule = null;
const loadQr = () => (qrModule = qrModule || import('./qr.js'));

const PROGRESS_AFTER_MS = 250;
/** Images of more pixels than this are not previewed (decoded, 40 MP is 160 MB). */
const MAX_IMAGE_PIXELS = 40e6;

const $ = (id) => document.getElementById(id);

/** Binds a Node to the DOM of index.html. */
export class Ui {
  /**
   * @param {import('./node.js').Node} node
   */
  constructor(node) {
    this.node = node;
    this.files = [];
    this.shownHash = null; // the hash whose content is being put into the DOM
    this.renderedHash = null; // the hash whose content is in the DOM
    this.downloadUrl = null;
    this.lastPaint = 0;
    this.paintQueued = false;
    node.addEventListener('change', (ev) => (ev.detail && ev.detail.urgent ? this.render() : this.schedule()));
    this.bindHome();
    this.live = new LiveView(this, node);
    $('copy-link').addEventListener('click', () => this.copyLink());
    $('link-field').addEventListener('focus', (ev) => ev.target.select());
    $('show-qr').addEventListener('click', () => this.toggleQr());
    if (typeof navigator.share === 'function') {
      $('share-sheet').hidden = false;
      $('share-sheet').addEventListener('click', () => {
        navigator.share({ title: document.title, url: $('link-field').value }).catch(() => {});
      });
    }
    // A cancelled fetch stays cancelled (nothing more is received or asked for) until "Get it again".
    this.cancelled = new Set();
    $('cancel-fetch').addEventListener('click', () => {
      const hash = this.loc && this.loc.hash;
      if (!hash || this.node.store.has(hash)) return;
      this.cancelled.add(hash);
      this.node.stopHolding(hash);
    });
    $('get-again').addEventListener('click', () => {
      const loc = this.loc;
      if (!loc || !loc.hash) return;
      this.cancelled.delete(loc.hash);
      this.node.want(loc.hash, { size: loc.size });
      this.render();
    });
    $('stop-holding').addEventListener('click', () => {
      if (this.loc && this.loc.live) {
        this.node.unfollow(this.loc.live);
        this.goHome();
      } else if (this.loc && this.loc.hash) {
        this.stopHolding(this.loc.hash);
      }
    });
    $('copy-text').addEventListener('click', async () => {
      let ok = false;
      try {
        await navigator.clipboard.writeText(this.shownText || '');
        ok = true;
      } catch (e) {
        ok = false;
      }
      $('copy-text').textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(() => ($('copy-text').textContent = 'Copy text'), 1500);
    });
    $('show-raw').addEventListener('click', () => this.setRaw($('show-raw').getAttribute('aria-pressed') !== 'true'));
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
    if (loc.live) this.live.enter(loc.live);
    else this.live.leave();
    if (loc.hash && !this.node.store.has(loc.hash) && !this.cancelled.has(loc.hash)) {
      this.node.want(loc.hash, { size: loc.size });
    }
    this.render();
  }

  bindHome() {
    const input = $('file');
    input.addEventListener('change', () => this.pickFiles(input.files));
    const drop = $('drop');
    // the whole drop area is a button: a click or Enter/Space opens the file chooser
    drop.addEventListener('click', (ev) => {
      if (ev.target.closest('button')) return;
      input.click();
    });
    drop.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        input.click();
      }
    });
    // drop anywhere: files dropped on any view come to the home view, picked
    document.addEventListener('dragover', (ev) => {
      if (!hasFiles(ev.dataTransfer)) return;
      ev.preventDefault();
      drop.classList.add('over');
    });
    document.addEventListener('dragleave', (ev) => {
      if (!ev.relatedTarget) drop.classList.remove('over');
    });
    document.addEventListener('drop', (ev) => {
      if (!hasFiles(ev.dataTransfer)) return;
      ev.preventDefault();
      drop.classList.remove('over');
      this.goHome();
      this.pickFiles(ev.dataTransfer.files);
    });
    // paste anywhere: files are picked, text outside a field goes into the page being written
    document.addEventListener('paste', (ev) => this.onPaste(ev));
    $('clear-file').addEventListener('click', () => {
      input.value = '';
      this.pickFiles([]);
    });
    $('share').addEventListener('click', () => this.share());
    $('text').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        this.share();
      }
    });
  }

  onPaste(ev) {
    const data = ev.clipboardData;
    if (!data) return;
    if (data.files && data.files.length > 0) {
      ev.preventDefault();
      this.goHome();
      this.pickFiles(data.files);
      return;
    }
    const inField = ev.target.closest && ev.target.closest('input, textarea, [contenteditable]');
    const text = data.getData('text/plain');
    if (inField || !text) return;
    ev.preventDefault();
    this.goHome();
    const area = $('text');
    area.value += text;
    area.focus();
  }

  goHome() {
    if (this.loc && (this.loc.hash || this.loc.live)) {
      history.pushState(null, '', '/');
      this.route();
    }
  }

  pickFiles(files) {
    this.files = [...files];
    const some = this.files.length > 0;
    $('file-chosen').hidden = !some;
    $('drop-prompt').hidden = some;
    const total = this.files.reduce((n, f) => n + f.size, 0);
    $('file-name').textContent = !some ? ''
      : this.files.length === 1 ? sanitizeFileName(this.files[0].name, 'file') + ' · ' + formatBytes(total)
        : this.files.length + ' files (one page each) · ' + formatBytes(total) + ': '
          + this.files.slice(0, 5).map((f) => sanitizeFileName(f.name, 'file')).join(', ') + (this.files.length > 5 ? ', …' : '');
  }

  async share() {
    const button = $('share');
    const status = $('share-status');
    const text = $('text').value;
    const files = this.files || [];
    if (files.length === 0 && text.length === 0) {
      status.textContent = 'Write something or choose a file first.';
      return;
    }
    const opts = { private: $('private').checked };
    if (opts.private && !canSeal()) {
      status.textContent = 'Private links need a secure context (https or localhost).';
      return;
    }
    button.disabled = true;
    status.textContent = opts.private ? 'Encrypting…' : 'Hashing…';
    try {
      const pages = [];
      if (files.length === 0) {
        const page = await pageFromText(text, opts);
        page.title = titleOf(undefined, text.slice(0, 400)) || undefined;
        pages.push(page);
      }
      for (const [i, file] of files.entries()) {
        pages.push(await pageFromFile(file, (done, total) => {
          status.textContent = (files.length > 1 ? 'File ' + (i + 1) + ' of ' + files.length + ': ' : '') + 'Hashing… '
            + Math.floor((100 * done) / total) + '%';
        }, opts));
      }
      for (const page of pages) this.node.share(page);
      status.textContent = pages.length > 1 ? 'Shared ' + pages.length + ' pages: they are listed below.' : '';
      $('text').value = '';
      $('file').value = '';
      this.pickFiles([]);
      if (pages.length === 1) {
        history.pushState(null, '', linkFor(pages[0]));
        this.route();
      } else {
        this.render();
      }
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
    const field = $('link-field');
    const url = field.value;
    let ok = false;
    try {
      await navigator.clipboard.writeText(url);
      ok = true;
    } catch (e) {
      field.focus();
      field.select();
      ok = document.execCommand && document.execCommand('copy');
    }
    $('copy-link').textContent = ok ? 'Copied' : 'Select and copy';
    setTimeout(() => ($('copy-link').textContent = 'Copy link'), 1500);
  }

  /** The link to hand out: a held page's carries its size (and a private page's key); else this address. */
  linkOf(hash) {
    const held = this.node.store.get(hash);
    return held ? location.origin + shareLinkFor(held) : location.href;
  }

  toggleQr() {
    const box = $('qr');
    const show = box.hidden;
    box.hidden = !show;
    $('show-qr').setAttribute('aria-expanded', String(show));
    if (show) this.drawQr();
  }

  async drawQr() {
    const link = $('link-field').value;
    const { qrSvg } = await loadQr();
    if ($('link-field').value === link && !$('qr').hidden) $('qr').replaceChildren(qrSvg(link));
  }

  stopHolding(hash) {
    this.node.stopHolding(hash);
    if (this.loc && this.loc.hash === hash) {
      history.pushState(null, '', '/');
      this.route();
    } else {
      this.render();
    }
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
    const paged = !!(loc.hash || loc.live);
    document.body.dataset.view = paged ? 'page' : 'home';
    $('home-view').hidden = paged;
    $('page-view').hidden = !paged;
    $('live-box').hidden = !loc.live;
    // what only an ordinary page has: its fetch, keep-alive, network details
    if (loc.live) {
      for (const id of ['only-holder', 'keep-box', 'progress-box', 'cancelled-box', 'route', 'attempts', 'network', 'notice']) {
        $(id).hidden = true;
      }
      $('stop-holding').hidden = false;
      this.live.render(loc.live);
    } else if (loc.hash) {
      $('address-label').textContent = 'Address (SHA-256): ';
      this.renderPage(loc);
    } else {
      this.renderHome();
    }
  }

  renderHome() {
    document.title = 'ephemeral';
    const held = this.node.store.hashes();
    $('held-empty').hidden = held.length > 0;
    const list = $('held');
    // a live page's version is listed under the live page's address
    const lives = new Map([...this.node.lives.values()].filter((l) => l.current).map((l) => [l.current.hash, l]));
    list.replaceChildren(...held.map((hash) => {
      const page = this.node.store.get(hash);
      const c = this.node.countsOf(hash);
      const live = lives.get(hash);
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = live ? '/live/' + live.key : shareLinkFor(page);
      a.dataset.internal = '';
      a.textContent = friendlyTitle(page, hash);
      const meta = document.createElement('span');
      meta.className = 'meta';
      const k = this.node.keeps.get(hash);
      meta.textContent = (live ? 'live, version ' + live.current.seq + ' · ' : '')
        + formatBytes(page.blob.size) + (c ? ' · ' + c.holders + ' holding' : '')
        + (page.key ? ' · private' : '')
        + (k && k.state === 'kept' ? ' · kept by a seed until ' + new Date(k.until).toLocaleDateString() : '');
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'link remove';
      remove.textContent = 'Stop holding';
      remove.setAttribute('aria-label', 'Stop holding ' + a.textContent);
      remove.addEventListener('click', () => this.stopHolding(hash));
      li.append(a, meta, remove);
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
    const link = this.linkOf(hash);
    if ($('link-field').value !== link) {
      $('link-field').value = link;
      if (!$('qr').hidden) this.drawQr();
    }
    const title = friendlyTitle(page, hash, loc.name);
    if ($('title').textContent !== title) $('title').textContent = title;
    const kept = node.keeps.get(hash);
    $('only-holder').hidden = !(page && counts && counts.holders <= 1 && !(kept && kept.state === 'kept'));
    $('stop-holding').hidden = !page;
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
    } else if (this.cancelled.has(hash)) {
      state = 'cancelled';
      status = 'Cancelled: nothing more is received, and what had arrived is gone.';
    } else if (node.connection !== 'open') {
      state = 'waiting';
      status = 'Connecting to the signaling server…';
    } else if (fetch && fetch.state === 'receiving') {
      state = 'receiving';
      status = 'Receiving from ' + senders(fetch) + (fetch.route ? ' (' + fetch.route + ')' : '') + '…';
    } else if (counts && counts.holders === 0) {
      state = 'nobody';
      status = 'No one holds this page right now (0 online). Keep this tab open: it appears here as soon as a holder comes back.';
    } else if (fetch && fetch.state === 'retrying' || fetch && fetch.lastHolder && !fetch.routedTo) {
      // the pause before asking again (it grows with each failure, up to a few seconds)
      state = 'waiting';
      status = fetch.lastHolder ? lastFailure(fetch) + '; asking another…'
        : fetch.lastWhy ? fetch.lastWhy.charAt(0).toUpperCase() + fetch.lastWhy.slice(1) + '…' // no one holder to name
          : 'A holder could not send it; asking again in a moment…';
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
    // who sent the page, and who was found to have lied about its ranges (peer ids, for tests and ?debug)
    view.dataset.sources = fetch ? [...fetch.sources.keys()].join(' ') : '';
    view.dataset.named = fetch ? fetch.named.map((n) => n.holder).join(' ') : '';
    $('cancelled-box').hidden = state !== 'cancelled';
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
    document.title = title + ' · ephemeral';
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
        text = 'This page is ' + formatBytes(size) + ': more than this tab can hold (' + formatBytes(fetch.maxSize)
          + (this.node.inMemory ? ': this browser offers no private file system (OPFS), so pages are kept in memory' : '') + ').';
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
    const parts = [(fetch.state === 'done' ? 'From ' : 'Receiving from ') + senders(fetch)];
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
      li.textContent = (a.holder ? 'holder ' + shortId(a.holder) + ': ' : '') + a.outcome + ' (at ' + (a.at / 1000).toFixed(2) + ' s, took ' + a.ms + ' ms)';
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
      from = 'Got it from ' + senders(fetch) + (fetch.route ? ' · ' + fetch.route : '');
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
    $('cancel-fetch').hidden = fetch.state === 'done';
    const type = this.loc && this.loc.mime ? this.loc.mime + ' · ' : '';
    // what an earlier visit left (a reload, a crashed tab) counts: "Resuming at" until the rest flows
    const resumed = dl.resumedFrom > 0 ? ' · resumed at ' + formatBytes(dl.resumedFrom) : '';
    $('progress-text').textContent = fetch.state === 'done'
      ? 'Received ' + formatBytes(size) + ' in ' + (elapsed / 1000).toFixed(1) + ' s · ' + formatSpeed(fetch.speed()) + ' · verified'
      : resumed && fetch.state !== 'receiving' && received === dl.resumedFrom
        ? type + 'Resuming at ' + formatBytes(received) + ' of ' + formatBytes(size)
        : type + formatBytes(received) + ' of ' + formatBytes(size) + ' · ' + formatSpeed(fetch.speed())
          + timeLeft(size - received, fetch.speed(), elapsed) + resumed;
  }

  async showContent(page, loc) {
    this.shownHash = page.hash;
    this.renderedHash = null;
    this.clearMedia();
    const name = page.name || loc.name;
    const mime = page.mime || loc.mime;
    const note = $('private-note');
    note.hidden = true;
    let blob = page.blob;
    const head = new Uint8Array(await blob.slice(0, 64).arrayBuffer());
    if (isSealed(head)) {
      const key = loc.key || page.key;
      if (!key) {
        this.showOnly('This page is private: its link is missing its key (the part after #k=). Ask whoever shared it for the whole link.', page.hash);
        return;
      }
      try {
        blob = new Blob([await openSealed(new Uint8Array(await page.blob.arrayBuffer()), key)]);
        page.key = key;
      } catch (e) {
        this.showOnly('This page is private, and ' + e.message + '. Check that the whole link was copied.', page.hash);
        return;
      }
    }
    if (this.shownHash !== page.hash) return;
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    // always octet-stream: a blob: URL typed text/html would render as HTML in this origin if opened
    this.downloadUrl = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
    const download = $('download');
    download.href = this.downloadUrl;
    download.download = downloadName(name, page.hash);
    const kind = kindOf({ name, mime });
    const card = $('file-card');
    card.hidden = !name;
    $('file-title').textContent = name ? sanitizeFileName(name, 'file') : '';
    $('file-meta').textContent = formatBytes(blob.size) + (mime ? ' · ' + mime : '');
    const textual = kind === 'markdown' || kind === 'json' || kind === 'text';
    $('download-row').hidden = false;
    $('copy-text').hidden = !textual;
    $('show-raw').hidden = true;
    if (!textual) {
      this.shownText = null;
      if (kind !== 'file' && blob.size <= MEDIA_MAX_BYTES) this.showMedia(kind, blob, mime);
      setShown(this, page.hash);
      return;
    }
    const full = blob.size <= FULL_TEXT_BYTES;
    const text = new TextDecoder('utf-8').decode(await blob.slice(0, full ? blob.size : PREVIEW_BYTES).arrayBuffer());
    if (this.shownHash !== page.hash) return;
    this.shownText = text;
    page.title = page.title || titleOf(name, text.slice(0, 400)) || undefined;
    const pre = $('content');
    pre.textContent = kind === 'json' ? prettyJson(text) : text;
    // the text first, at once; formatted as soon as the renderer is loaded
    $('rendered').replaceChildren();
    this.setRaw(true);
    setShown(this, page.hash);
    $('truncated').hidden = full;
    this.render(); // the title is known now: heading, tab title and list show it
    if (kind === 'markdown' && text.length <= MARKDOWN_MAX_CHARS) {
      const { renderMarkdown } = await loadMarkdown();
      if (this.shownHash !== page.hash) return;
      $('rendered').replaceChildren(renderMarkdown(text));
      $('show-raw').hidden = false;
      this.setRaw(false);
    }
  }

  /** Shows the Markdown as rendered, or the text as it is. */
  setRaw(raw) {
    const markdownShown = $('rendered').childNodes.length > 0;
    $('rendered').hidden = raw || !markdownShown;
    $('content').hidden = !raw && markdownShown;
    $('show-raw').setAttribute('aria-pressed', String(raw));
    $('show-raw').textContent = raw ? 'Show formatted' : 'Show as plain text';
  }

  showMedia(kind, blob, mime) {
    const box = $('media');
    this.mediaUrl = URL.createObjectURL(new Blob([blob], { type: safeType(kind, mime) }));
    let el;
    if (kind === 'image') {
      // the header says how big it is before any pixel is decoded: a decompression bomb is not shown
      const img = new Image();
      img.decoding = 'async';
      img.alt = 'Preview of the page';
      img.onload = () => {
        if (this.mediaUrl !== img.src) return;
        if (img.naturalWidth * img.naturalHeight > MAX_IMAGE_PIXELS) {
          const p = document.createElement('p');
          p.className = 'muted';
          p.textContent = 'This image is ' + img.naturalWidth + ' × ' + img.naturalHeight + ' pixels: too large to preview. Download it to see it.';
          box.replaceChildren(p);
        } else {
          box.replaceChildren(img);
        }
        box.hidden = false;
      };
      img.src = this.mediaUrl;
      return;
    } else if (kind === 'audio' || kind === 'video') {
      el = document.createElement(kind);
      el.controls = true;
      el.preload = 'metadata';
    } else {
      el = document.createElement('iframe');
      el.title = 'PDF preview';
    }
    el.src = this.mediaUrl;
    box.replaceChildren(el);
    box.hidden = false;
  }

  clearMedia() {
    if (this.mediaUrl) URL.revokeObjectURL(this.mediaUrl);
    this.mediaUrl = null;
    $('media').replaceChildren();
    $('media').hidden = true;
  }

  /** A page that cannot be shown: only the reason, no content. */
  showOnly(reason, hash) {
    const note = $('private-note');
    note.textContent = reason;
    note.hidden = false;
    $('content').textContent = '';
    $('content').hidden = true;
    $('rendered').replaceChildren();
    $('rendered').hidden = true;
    $('download-row').hidden = true;
    $('file-card').hidden = true;
    setShown(this, hash);
  }

  clearContent() {
    this.shownHash = null;
    this.renderedHash = null;
    this.shownText = null;
    this.clearMedia();
    $('content').textContent = '';
    $('content').hidden = true;
    $('rendered').replaceChildren();
    $('rendered').hidden = true;
    $('private-note').hidden = true;
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
  if (ui.shownHash === hash) $('page-view').dataset.state = 'shown';
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

/** Whether a drag or paste carries files. */
function hasFiles(data) {
  return !!data && [...(data.types || [])].includes('Files');
}

/**
 * What people call a page: its title (a file's name, or its text's first line, once known), else a
 * short form of its address.
 */
function friendlyTitle(page, hash, linkName) {
  if (page && page.title) return sanitizeFileName(page.title, 'page');
  const name = (page && page.name) || linkName;
  if (name) return sanitizeFileName(name, 'file');
  return 'Page ' + hash.slice(0, 12) + '…';
}

/** " · about 40 s left" once the speed means something (a second in), else "". */
function timeLeft(bytes, bytesPerSecond, elapsedMs) {
  if (elapsedMs < 1000 || !(bytesPerSecond > 0) || bytes <= 0) return '';
  const s = Math.ceil(bytes / bytesPerSecond);
  return ' · about ' + (s < 90 ? s + ' s' : Math.round(s / 60) + ' min') + ' left';
}

/** A peer id as people see it: its first characters. */
/** 'holder 1a2b3c…', or '3 holders' while (or when) a big page comes from several at once. */
function senders(fetch) {
  const n = fetch.state === 'done' ? fetch.sources.size : fetch.lanes.size;
  return n > 1 ? n + ' holders' : 'holder ' + shortId(fetch.holder);
}

function shortId(id) {
  return id ? String(id).slice(0, 6) + '…' : 'unknown';
}
