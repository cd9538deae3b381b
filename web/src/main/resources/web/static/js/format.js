// Small formatting helpers for the UI. Everything a peer or a link supplies is untrusted text.

/**
 * @param {number} n bytes
 * @returns {string} e.g. "12.3 MB"
 */
export function formatBytes(n) {
  if (n < 1000) return n + ' B';
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return (v < 10 ? v.toFixed(1) : Math.round(v)) + ' ' + units[i];
}

/**
 * @param {number} bytesPerSecond
 * @returns {string} e.g. "15 MB/s"
 */
export function formatSpeed(bytesPerSecond) {
  return formatBytes(Math.round(bytesPerSecond)) + '/s';
}

/**
 * A file name safe to offer as a download name: no path, no control characters, bounded length.
 * @param {string|undefined} name untrusted
 * @param {string} fallback
 * @returns {string}
 */
export function safeFileName(name, fallback) {
  const cleaned = String(name || '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || fallback;
}
