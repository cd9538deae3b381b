// Markdown, safely: rendered by marked, then sanitised by DOMPurify (raw HTML inside the Markdown is shown
// as text, never rendered; links get rel="noopener noreferrer"; images are not fetched); code blocks are
// highlighted by highlight.js. Loaded only when a text page is shown: these libraries are most of the app's
// weight, and a first visit must not wait for them before it can answer a holder's offer.

import { marked } from '../vendor/marked/marked.esm.js';
import DOMPurify from '../vendor/dompurify/purify.es.js';
import hljs from '../vendor/highlight/highlight.min.js';

/** Code longer than this is not highlighted (highlighting is quadratic in the worst case). */
const HIGHLIGHT_MAX_CHARS = 64 * 1024;

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
