/** Models of examples/ written with the builder make the same tree as their `model.em`. */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { exampleModels } from './example-models.js';
import { expectSameTree, repoRoot } from './parse-text.js';

describe('examples written with the builder', () => {
  it.each(Object.keys(exampleModels))('%s', (name) => {
    const path = `${repoRoot}examples/${name}/model.em`;
    expectSameTree(exampleModels[name]?.() as never, readFileSync(path, 'utf8'), path);
  });
});
