// A QR code of a page's link, drawn as SVG squares from the matrix the vendored uqr library encodes.
// Built with DOM calls: nothing is parsed as markup.

import { encode } from '../vendor/uqr/uqr.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @param {string} text
 * @returns {SVGSVGElement}
 */
export function qrSvg(text) {
  const { size, data } = encode(text, { ecc: 'M', border: 2 });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + size + ' ' + size);
  svg.setAttribute('width', String(size * 4));
  svg.setAttribute('height', String(size * 4));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'QR code of the link');
  svg.setAttribute('shape-rendering', 'crispEdges');
  const bg = document.createElementNS(SVG, 'rect');
  bg.setAttribute('width', String(size));
  bg.setAttribute('height', String(size));
  bg.setAttribute('fill', '#fff');
  svg.append(bg);
  // one path for all dark modules: a few thousand squares stay one element
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (data[y][x]) d += 'M' + x + ' ' + y + 'h1v1h-1z';
    }
  }
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(path);
  return svg;
}
