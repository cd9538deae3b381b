// File names from untrusted hints (a holder's `header.name`, a link's `name=`): what a download is saved
// as and what the page shows as its title. A hint can be anything a hostile peer likes, so before it is
// used it goes through these rules, in this order:
//
// 1. Invisible and control characters go: every C0/C1 control (Cc), every format character (Cf: the
//    bidi controls U+061C, U+200E/F, U+202A–202E, U+2066–2069, which can make "gpj.exe" read as
//    "exe.jpg"; the zero-width U+200B–200D and U+2060; the BOM U+FEFF; soft hyphen; tags), the line and
//    paragraph separators U+2028/2029 (Zl, Zp) and lone surrogates (Cs, not valid in any file system).
//    Tab, line feed and the like become a space first, so "a\tb" stays two words.
// 2. Characters Windows forbids in a name, path separators among them (< > : " / \ | ? *), become "_":
//    a name never names a folder or an alternate data stream.
// 3. Every run of white space (any Unicode space, and the blank-looking Hangul fillers and braille blank)
//    becomes one space, so "invoice.pdf        …        .exe" cannot push ".exe" out of view.
// 4. Leading dots and spaces go (no hidden file, no "..") and so do trailing ones (Windows drops them,
//    which would change the extension).
// 5. A Windows device name (CON, PRN, AUX, NUL, COM0–9, LPT0–9 and their superscript-digit forms,
//    CONIN$, CONOUT$), alone or before any extension and whatever its case, gets a "_" in front.
// 6. The length is capped at MAX_NAME_BYTES of UTF-8 (file systems allow 255; browsers add " (1)"),
//    cut between code points and keeping the extension (the part after the last dot, if short).
// 7. If nothing is left, the fallback is used.
//
// Written here rather than vendored: the maintained npm packages (sanitize-filename, filenamify) cover
// rules 2, 4, 5 and 6 but not the bidi and zero-width characters, separators or white-space runs of
// rules 1 and 3, and sanitize-filename is CommonJS.

/** Longest name, in bytes of UTF-8. */
export const MAX_NAME_BYTES = 200;
/** Longest extension kept whole when the name is cut (longer ones are part of the name). */
const MAX_EXTENSION_CHARS = 16;

const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const FORBIDDEN = /[<>:"/\\|?*]/g;
const BLANKS = /[\s\u115f\u1160\u3164\uffa0\u2800]+/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/**
 * A file name that is safe to save and to show.
 * @param {unknown} hint untrusted
 * @param {string} fallback used when nothing of `hint` is left (itself trusted)
 * @returns {string}
 */
export function sanitizeFileName(hint, fallback) {
  let name = typeof hint === 'string' ? hint : '';
  name = name.normalize('NFC')
    .replace(WHITESPACE_CONTROLS, ' ')
    .replace(INVISIBLE, '')
    .replace(FORBIDDEN, '_')
    .replace(BLANKS, ' ');
  name = trimEnds(name);
  const dot = name.indexOf('.');
  const base = dot < 0 ? name : name.slice(0, dot);
  if (DEVICE.test(base.trimEnd())) name = '_' + name;
  name = trimEnds(capLength(name));
  return name || fallback;
}

/**
 * The name a page is saved under.
 * @param {unknown} hint the page's name hint, untrusted; none for a text page
 * @param {string} hash the page's hash
 * @returns {string} the sanitised hint, else "page-<first 8 of hash>" (".txt" for a page without a name)
 */
export function downloadName(hint, hash) {
  const fallback = 'page-' + String(hash).slice(0, 8);
  if (typeof hint !== 'string' || hint === '') return fallback + '.txt';
  return sanitizeFileName(hint, fallback);
}

function trimEnds(name) {
  return name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
}

function utf8Length(s) {
  return new TextEncoder().encode(s).length;
}

// Cuts the part before the extension so that the whole fits MAX_NAME_BYTES.
function capLength(name) {
  if (utf8Length(name) <= MAX_NAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot - 1 <= MAX_EXTENSION_CHARS ? name.slice(dot) : '';
  const room = MAX_NAME_BYTES - utf8Length(ext);
  let stem = '';
  let bytes = 0;
  for (const ch of name.slice(0, name.length - ext.length)) {
    const n = utf8Length(ch);
    if (bytes + n > room) break;
    stem += ch;
    bytes += n;
  }
  return trimEnds(stem) + ext;
}
