import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { diagnosticToJson, renderDiagnostic } from '../../src/diagnostics/render.js';
import { SourceFile } from '../../src/diagnostics/span.js';

const source = new SourceFile('gmm.em', 'model gmm {\n  param mu[K]: real[D]\n  x[n] ~ MvNormal(mu[z[n]], S)\n}\n');
const lookup = () => source;

describe('renderDiagnostic', () => {
  it('prints location, code, the source line, a caret under the span and the hint', () => {
    const start = source.text.indexOf('mu[z[n]]');
    const d: Diagnostic = {
      code: 'E2003',
      severity: 'error',
      message: 'shape mismatch',
      span: source.span(start, start + 'mu[z[n]]'.length),
      hint: 'declare mu[K]: real[D]',
    };
    expect(renderDiagnostic(d, { source: lookup })).toMatchInlineSnapshot(`
      "gmm.em:3:19: error[E2003]: shape mismatch
      3 |   x[n] ~ MvNormal(mu[z[n]], S)
        |                   ^^^^^^^^
        = hint: declare mu[K]: real[D]"
    `);
  });

  it('prints related spans as notes with their own excerpt', () => {
    const use = source.text.indexOf('S)');
    const decl = source.text.indexOf('mu[K]');
    const d: Diagnostic = {
      code: 'W2100',
      severity: 'warning',
      message: 'something',
      span: source.span(use, use + 1),
      related: [{ span: source.span(decl, decl + 2), message: 'declared here' }],
    };
    expect(renderDiagnostic(d, { source: lookup })).toMatchInlineSnapshot(`
      "gmm.em:3:29: warning[W2100]: something
      3 |   x[n] ~ MvNormal(mu[z[n]], S)
        |                             ^
        note: declared here (gmm.em:2:9)
        2 |   param mu[K]: real[D]
          |         ^^"
    `);
  });

  it('marks at least one column for an empty span at the end of a line', () => {
    const end = source.text.indexOf('\n');
    const d: Diagnostic = { code: 'E1001', severity: 'error', message: 'm', span: source.span(end, end) };
    expect(renderDiagnostic(d, { source: lookup }).split('\n')[2]).toBe('  |            ^');
  });

  it('prints only the header when the source is unknown or there is no span', () => {
    const d: Diagnostic = { code: 'E0001', severity: 'error', message: "cannot read 'x.em'" };
    expect(renderDiagnostic(d)).toBe("error[E0001]: cannot read 'x.em'");
  });

  it('serialises to JSON without undefined fields', () => {
    const d: Diagnostic = { code: 'E0001', severity: 'error', message: 'm' };
    expect(diagnosticToJson(d)).toEqual({ code: 'E0001', severity: 'error', message: 'm' });
  });
});
