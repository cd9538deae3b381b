// How a page's content is shown, decided from its (untrusted) name and type hints: as Markdown, text, JSON,
// an image, audio, video or PDF from a blob: URL typed by the app, or only as a download. The CSP forbids
// every script but the app's own, whatever slips through. Markdown itself is rendered by markdown.js.

/** Text shown whole up to this; longer text shows its beginning. */
export const FULL_TEXT_BYTES = 4 * 1024 * 1024;
export const PREVIEW_BYTES = 256 * 1024;
/** Markdown is rendered up to this many characters; beyond it the text is shown as plain text. */
export const MARKDOWN_MAX_CHARS = 512 * 1024;
/** Images, audio and video larger than this are not previewed. */
export const MEDIA_MAX_BYTES = 64 * 1024 * 1024;

/** The media types shown inline, by kind. SVG is shown as an image: in <img> it runs no script. */
const IMAGE = /^image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml|x-icon|vnd\.microsoft\.icon)$/;
const AUDIO = /^audio\/(mpeg|ogg|wav|x-wav|webm|flac|aac|mp4)$/;
const VIDEO = /^video\/(mp4|webm|ogg)$/;

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
