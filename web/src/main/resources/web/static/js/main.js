// Entry point: one Node (the peer), one Ui (the DOM), and the warning before closing a tab that is the
// last holder of a page.

import { Node } from './node.js';
import { Ui } from './ui.js';

const node = new Node();
const ui = new Ui(node);
ui.route();
node.start();

window.addEventListener('beforeunload', (ev) => {
  if (node.isLastHolderOfSomething()) {
    ev.preventDefault();
    ev.returnValue = '';
  }
});
