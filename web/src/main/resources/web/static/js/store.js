// The pages this tab holds, in memory only: when the tab closes they are gone.

/**
 * @typedef {object} Page
 * @property {string} hash 64 lowercase hex characters: SHA-256 of `blob`
 * @property {Blob} blob the verified bytes
 * @property {string} [name] file name hint (untrusted text)
 * @property {string} [mime] media type hint (untrusted text)
 * @property {string} [key] a private page's key (from its link; never sent anywhere)
 * @property {string} [title] what people call it: a file's name or its text's first line, once known
 * @property {() => void} [dispose] deletes what the page's bytes take outside memory (a big page's OPFS file)
 */

/** Verified pages by hash. Anything that can `get(hash)` a Page can serve as a store. */
export class PageStore {
  constructor() {
    /** @type {Map<string, Page>} */
    this.pages = new Map();
  }

  /**
   * Keeps a page. Callers must have verified `page.blob` against `page.hash`.
   * @param {Page} page
   */
  put(page) {
    this.pages.set(page.hash, page);
  }

  /**
   * @param {string} hash
   * @returns {Page|undefined}
   */
  get(hash) {
    return this.pages.get(hash);
  }

  /** Forgets a page (and deletes its file, if it has one). */
  remove(hash) {
    const page = this.pages.get(hash);
    this.pages.delete(hash);
    if (page && page.dispose) page.dispose();
  }

  /** @returns {boolean} */
  has(hash) {
    return this.pages.has(hash);
  }

  /** @returns {string[]} held hashes */
  hashes() {
    return [...this.pages.keys()];
  }
}
