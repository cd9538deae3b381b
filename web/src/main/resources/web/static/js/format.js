// Small formatting helpers for the UI. Everything a peer or a link supplies is untrusted text (file
// names: filename.js).

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
