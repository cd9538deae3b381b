// Showing a page's content safely. Peer content is untrusted: text is Markdown rendered by marked and then
// sanitised by DOMPurify (raw HTML inside the Markdown is shown as text, never rendered; links get
// rel="noopener noreferrer"; images are not fetched); code blocks are highlighted by highlight.js; media
// types the browser can show natively are shown from a blob: URL typed by us; anything else is a download.
// The CSP forbids every script but the app's own, whatever slips through.

import { marked } from '../vendor/marked/marked.esm.js';
import DOMPurify from '../vendor/dompurify/purify.es.js';
import hljs from '../vendor/highlight/highlight.min.js';

/** Text shown whole up to this; longer text shows its beginning. */
export const FULL_TEXT_BYTES = 4 * 1024 * 1024;
export const PREVIEW_BYTES = 256 * 1024;
/** Markdown rendering and highlighting stop here: beyond it the text is shown as plain text. */
const MARKDOWN_MAX_CHARS = 512 * 1024;
const HIGHLIGHT_MAX_CHARS = 64 * 1024;
/** Images, audio and video larger than this are not previewed (a decoding bomb must not freeze the tab). */
export const MEDIA_MAX_BYTES = 64 * 1024 * 1024;

/** The media types shown inline, by kind. SVG is shown as an image: in <img> it runs no script. */
const IMAGE = /^image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml|x-icon|vnd\.microsoft\.icon)$/;
const AUDIO = /^audio\/(mpeg|ogg|wav|x-wav|webm|flac|aac|mp4)$/;
const VIDEO = /^video\/(mp4|webm|ogg)$/;

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

marked.use({
  gfm: true,
  breaks: true, // a plain text page keeps its line breaks
  renderer: {
    // raw HTML is text
    html({ text }) {
      return escapeHtml(text);
    },
    // images in a page would be fetched from anywhere: their text stands in for them
    image({ text, href }) {
      return escapeHtml('[image: ' + (text || href || '') + ']');
    },
    code({ text, lang }) {
      const language = (lang || '').trim().split(/\s+/)[0];
      let body = escapeHtml(text);
      if (text.length <= HIGHLIGHT_MAX_CHARS) {
        try {
          body = language && hljs.getLanguage(language)
            ? hljs.highlight(text, { language, ignoreIllegals: true }).value
            : hljs.highlightAuto(text).value;
        } catch (e) {
          body = escapeHtml(text);
        }
      }
      return '<pre><code class="hljs' + (language ? ' language-' + escapeHtml(language) : '') + '">' + body + '</code></pre>';
    },
  },
});

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('rel', 'noopener noreferrer');
    node.setAttribute('target', '_blank');
  }
});

/**
 * Markdown to a sanitised fragment.
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text) {
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'iframe', 'object', 'embed', 'svg', 'math'],
    FORBID_ATTR: ['style', 'id', 'name'],
  });
}

/**
 * How a page is shown: 'markdown' (text), 'json', 'text' (other text types), 'image', 'audio', 'video',
 * 'pdf', or 'file' (a download only).
 * @param {{name?: string, mime?: string}} hints untrusted
 * @returns {string}
 */
export function kindOf({ name, mime }) {
  const type = (mime || '').toLowerCase().split(';')[0].trim();
  const ext = (name || '').toLowerCase().match(/\.([a-z0-9]+)$/);
  const e = ext ? ext[1] : '';
  if (!name && !type) return 'markdown';
  if (type === 'text/markdown' || e === 'md' || e === 'markdown') return 'markdown';
  if (type === 'application/json' || e === 'json') return 'json';
  if (IMAGE.test(type)) return 'image';
  if (AUDIO.test(type)) return 'audio';
  if (VIDEO.test(type)) return 'video';
  if (type === 'application/pdf' || e === 'pdf') return 'pdf';
  if (type.startsWith('text/') || ['txt', 'log', 'csv', 'js', 'java', 'py', 'c', 'h', 'css', 'xml', 'yaml', 'yml', 'toml', 'sh'].includes(e)) return 'text';
  return 'file';
}

/** The type a blob is given for an inline preview: only one of the types shown inline, never HTML. */
export function safeType(kind, mime) {
  const type = (mime || '').toLowerCase().split(';')[0].trim();
  if (kind === 'image' && IMAGE.test(type)) return type;
  if (kind === 'audio' && AUDIO.test(type)) return type;
  if (kind === 'video' && VIDEO.test(type)) return type;
  if (kind === 'pdf') return 'application/pdf';
  return 'application/octet-stream';
}

/** Pretty-printed JSON, or the text as it is when it does not parse. */
export function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (e) {
    return text;
  }
}

/**
 * A friendly title for a page: its file name, or its text's first line (Markdown marks dropped).
 * @param {string|undefined} name
 * @param {string|undefined} firstText the page's first characters, when it is text
 * @returns {string|null}
 */
export function titleOf(name, firstText) {
  if (name) return name;
  if (!firstText) return null;
  const line = firstText.split('\n').map((l) => l.replace(/^[#>*\-\s`]+/, '').trim()).find((l) => l.length > 0);
  if (!line) return null;
  return line.length > 60 ? line.slice(0, 59) + '…' : line;
}

export { MARKDOWN_MAX_CHARS };
