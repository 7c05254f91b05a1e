/** A model built in another file than the span test, to check spans name the real caller. */
import type { Model } from '../../src/index.js';
import { model, real } from '../../src/index.js';

export function buildElsewhere(): Model {
  return model('elsewhere', (m) => {
    const N = m.size('N');
    m.data('x', [N], real);
  });
}
