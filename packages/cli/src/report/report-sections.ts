/**
 * The text sections of the report as HTML: the fit summary, the parameter tables (with a
 * standard-error column only for params that have one), the inference plan (E-step per latent,
 * M-step per param, with reasons and formulas), the derivation and the model source.
 */
import type { InferencePlan } from '@emforge/compiler';
import type { FitResult, ParamValue } from '@emforge/runtime';
import { shapeOf } from './data-views.js';
import { escapeHtml, formatNumber, htmlTable } from './html.js';
import { renderMarkdown } from './markdown-html.js';

/** Tables larger than this many entries are cut, with a note. */
const maxEntries = 2000;

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export function summarySection(result: FitResult, plan: InferencePlan): string {
  const rows: [string, string][] = [
    ['model', code(result.model)],
    ['E-step', escapeHtml(result.strategy)],
    ['objective', escapeHtml(plan.objective)],
    ['objective value', formatNumber(result.objective)],
    ['log-likelihood', formatNumber(result.logLik)],
    [
      'iterations',
      `${result.iterations}${result.emSteps !== result.iterations ? ` (${result.emSteps} EM steps)` : ''}`,
    ],
    ['converged', yesNo(result.converged)],
    ['free params', String(result.nParams)],
    ['observations', String(result.nObs)],
    ['AIC', formatNumber(result.aic)],
    ['BIC', formatNumber(result.bic)],
    ['ICL', formatNumber(result.icl)],
  ];
  const table = `<table class="summary"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
  const warnings =
    result.warnings.length === 0
      ? ''
      : `<div class="warnings"><h3>Warnings</h3><ul>${result.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>`;
  return table + warnings;
}

function cell(value: ParamValue | undefined, se: ParamValue | undefined): string {
  if (typeof value !== 'number') return '';
  const main = `<span class="num">${formatNumber(value)}</span>`;
  return typeof se === 'number' ? `${main} <span class="se">(${formatNumber(se)})</span>` : main;
}

/** A matrix (or a vector as one column) as a table with index headers. */
function matrixTable(name: string, value: ParamValue[], se: ParamValue | undefined): string {
  const shape = shapeOf(value);
  const at = (v: ParamValue | undefined, i: number) => (Array.isArray(v) ? v[i] : undefined);
  if (shape.length === 1) {
    const header = ['index', 'value', ...(se !== undefined ? ['std. error'] : [])];
    const rows = value.map((v, i) => [
      code(`${name}[${i}]`),
      cell(v, undefined),
      ...(se !== undefined ? [cell(at(se, i), undefined)] : []),
    ]);
    return htmlTable(header, rows, 'params');
  }
  const columns = shape[1] ?? 0;
  const header = ['', ...Array.from({ length: columns }, (_, j) => code(`[${j}]`))];
  const rows = value.map((row, i) => [
    code(`[${i}]`),
    ...Array.from({ length: columns }, (_, j) => cell(at(row, j), at(at(se, i), j))),
  ]);
  return htmlTable(header, rows, 'params matrix');
}

function paramBlock(name: string, value: ParamValue, se: ParamValue | undefined): string {
  const shape = shapeOf(value);
  const size = shape.reduce((a, b) => a * b, 1);
  const title = `<h3>${code(name)} <span class="shape">${shape.length === 0 ? 'scalar' : escapeHtml(shape.join(' × '))}</span>${se !== undefined ? ' <span class="shape">with standard errors</span>' : ''}</h3>`;
  if (typeof value === 'number')
    return (
      title +
      htmlTable(
        ['value', ...(se !== undefined ? ['std. error'] : [])],
        [[cell(value, undefined), ...(se !== undefined ? [cell(se, undefined)] : [])]],
        'params',
      )
    );
  if (size > maxEntries) {
    return `${title}<p class="note">${size} entries: too many to list here; see <code>emforge fit --json</code>.</p>`;
  }
  if (shape.length <= 2) return title + matrixTable(name, value, se);
  // Three or more dims: one table per leading index (Sigma[0], Sigma[1], …).
  const parts = value.map((sub, i) => {
    const subSe = Array.isArray(se) ? se[i] : undefined;
    const label = `${name}[${i}]`;
    return Array.isArray(sub)
      ? `<div class="sub"><div class="sub-title">${code(label)}</div>${shapeOf(sub).length <= 2 ? matrixTable(label, sub, subSe) : paramBlock(label, sub, subSe)}</div>`
      : '';
  });
  return `${title}<div class="subs">${parts.join('')}</div>`;
}

export function paramsSection(result: FitResult, standardErrors?: Readonly<Record<string, ParamValue>>): string {
  return Object.entries(result.params)
    .map(([name, value]) => `<div class="param">${paramBlock(name, value, standardErrors?.[name])}</div>`)
    .join('\n');
}

export function planSection(plan: InferencePlan): string {
  const latents =
    plan.latents.length === 0
      ? '<p>No latent variables: the params are fitted by direct maximum likelihood.</p>'
      : htmlTable(
          ['latent', 'E-step', 'exact', 'why', 'posterior'],
          plan.latents.map((l) => [
            code(l.name),
            `<strong>${escapeHtml(l.strategy)}</strong>`,
            yesNo(l.exact),
            escapeHtml(l.reason),
            l.posteriors.map(code).join('<br>'),
          ]),
          'plan',
        );
  const params = htmlTable(
    ['param', 'M-step', 'rule', 'update', 'why', 'exact'],
    plan.params.map((p) => [
      code(p.name),
      `<strong>${escapeHtml(p.update)}</strong>${p.prior ? `<br><span class="note">prior: ${code(p.prior.text)}</span>` : ''}`,
      code(p.rule),
      code(p.formula),
      escapeHtml(p.reason),
      yesNo(p.exact),
    ]),
    'plan',
  );
  const notes =
    plan.notes.length === 0
      ? ''
      : `<ul class="notes">${plan.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  return `<h3>E-step</h3>${latents}<h3>M-step</h3>${params}${notes}`;
}

/** The derivation markdown without its title and model listing (the report shows both elsewhere). */
export function derivationSection(markdown: string): string {
  const withoutModel = markdown.replace(/^# .*\n+/, '').replace(/^## Model\n+```[^\n]*\n[\s\S]*?\n```\n*/m, '');
  return renderMarkdown(withoutModel, 1);
}

export function sourceSection(source: string): string {
  return `<pre class="source"><code>${escapeHtml(source.trimEnd())}</code></pre>`;
}
