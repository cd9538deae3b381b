// The page view of a live page, /live/<key>: its newest version as the mesh delivers it (number, and
// when it arrived here), shown like any page; for its author, an editor and "Publish".

import { pageFromText } from './create.js';
import { titleOf } from './kinds.js';
import { createAuthor, loadAuthor, noteSeq } from './authors.js';

const $ = (id) => document.getElementById(id);

export class LiveView {
  /**
   * @param {import('./ui.js').Ui} ui shows a version's page (showContent) like any page
   * @param {import('./node.js').Node} node
   */
  constructor(ui, node) {
    this.ui = ui;
    this.node = node;
    this.key = null;
    /** this browser's author record for `key`, or null */
    this.author = null;
    /** the editor was filled with the held version's text once (the author edits from there) */
    this.prefilled = false;
    $('publish').addEventListener('click', () => this.publish());
    $('live-text').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) this.publish();
    });
    $('new-live').addEventListener('click', () => this.create());
  }

  /** Opens live page `key`: follows it, and finds out whether this browser is its author. */
  async enter(key) {
    if (this.key === key) return;
    this.key = key;
    this.author = null;
    this.prefilled = false;
    $('live-text').value = '';
    $('publish-status').textContent = '';
    this.node.follow(key);
    const author = await loadAuthor(key);
    if (this.key !== key) return;
    this.author = author;
    this.ui.render();
  }

  leave() {
    this.key = null;
    this.author = null;
  }

  /** A new live page whose author is this browser: its key is made and kept here, then it opens. */
  async create() {
    const button = $('new-live');
    button.disabled = true;
    try {
      const author = await createAuthor();
      history.pushState(null, '', '/live/' + author.key);
      await this.ui.route();
    } catch (e) {
      $('share-status').textContent = 'Could not make a live page here: ' + e.message;
    } finally {
      button.disabled = false;
    }
  }

  async publish() {
    const author = this.author;
    const status = $('publish-status');
    const text = $('live-text').value;
    if (!author) return;
    if (text.length === 0) {
      status.textContent = 'Write something first.';
      return;
    }
    $('publish').disabled = true;
    status.textContent = 'Signing…';
    try {
      const page = await pageFromText(text);
      page.title = titleOf(undefined, text.slice(0, 400)) || undefined;
      const version = await this.node.publish(author, page);
      await noteSeq(author, version.seq);
      status.textContent = 'Published version ' + version.seq + '.';
    } catch (e) {
      status.textContent = 'Could not publish: ' + e.message;
    } finally {
      $('publish').disabled = false;
    }
  }

  /** Renders the page view for live page `key` (the Ui has shown the page view and its shared parts). */
  render(key) {
    const node = this.node;
    const live = node.follow(key);
    const v = live.current;
    const page = v ? node.store.get(v.hash) : undefined;
    const counts = node.countsOf(live.topic);
    const view = $('page-view');
    $('address-label').textContent = 'Live page key (Ed25519): ';
    $('hash').textContent = key;
    const link = location.origin + '/live/' + key;
    if ($('link-field').value !== link) $('link-field').value = link;
    $('holders').textContent = counts ? String(counts.holders) : '–';
    $('wanters').textContent = counts ? String(counts.wanters) : '–';
    $('serving').textContent = ' · ' + live.linkedPeers().length + ' linked';

    let state;
    let status;
    if (page) {
      state = this.ui.renderedHash === page.hash ? 'shown' : 'verified';
      status = 'Live: updates appear here as their author publishes them.';
    } else if (node.connection !== 'open' && live.linkedPeers().length === 0) {
      state = 'waiting';
      status = 'Connecting to the signaling server…';
    } else if (live.target) {
      state = 'receiving';
      status = 'Receiving version ' + live.target.seq + '…';
    } else if (this.author) {
      state = 'empty';
      status = 'Nothing published yet: write the first version below.';
    } else if (counts && counts.holders === 0) {
      state = 'nobody';
      status = 'No one holds this live page right now. Keep this tab open: it appears as soon as a holder comes back.';
    } else {
      state = 'waiting';
      status = 'Looking for holders of this live page' + (counts && counts.holders > 0 ? ' (' + counts.holders + ' online)' : '') + '…';
    }
    view.dataset.state = state;
    view.dataset.liveSeq = v ? String(v.seq) : '';
    view.dataset.liveLinks = String(live.linkedPeers().length);
    view.dataset.liveLiars = String(live.liars.size);
    view.dataset.connection = node.connection;
    $('status').textContent = status;
    $('live-version').textContent = v
      ? 'Version ' + v.seq + ' · here since ' + new Date(live.currentSince).toLocaleTimeString() : 'No version yet';
    const eq = live.equivocation;
    $('live-equivocation').hidden = !eq;
    $('live-equivocation').textContent = eq ? 'Its author signed two different versions ' + eq.seq
      + ': every peer keeps the same one (the other is ignored).' : '';

    $('live-editor').hidden = !this.author;
    if (this.author && !this.prefilled && page && this.ui.renderedHash === page.hash && this.ui.shownText != null) {
      this.prefilled = true;
      if (!$('live-text').value) $('live-text').value = this.ui.shownText;
    }
    const title = page && page.title ? page.title : 'Live page ' + key.slice(0, 8) + '…';
    if ($('title').textContent !== title) $('title').textContent = title;
    document.title = title + ' · ephemeral';
    if (page && this.ui.shownHash !== page.hash) this.ui.showContent(page, {});
    if (!page && this.ui.shownHash !== null) this.ui.clearContent();
  }
}
