/**
 * `renderReport(input)`: the fit report as one self-contained HTML page — the fit summary, the
 * plots that fit the model, the parameter tables, the inference plan, the derivation and the
 * model source. Plots are Vega-Lite specs with their data inlined, drawn as SVG in the page by
 * the Vega and Vega-Lite builds inlined with them: the file needs no network to view.
 *
 * Each plot's container carries `data-kind`, `data-marks` (the Vega mark types it must draw)
 * and, once drawn, `data-rendered="true"` (or `"error"` with the message shown in its place);
 * `<body data-plots="done">` says every plot has finished. The browser test relies on these.
 */
import { choosePlots } from './choose-plots.js';
import { escapeHtml, jsonForScript, scriptText } from './html.js';
import type { ReportInput, ReportPlot } from './report-input.js';
import { derivationSection, paramsSection, planSection, sourceSection, summarySection } from './report-sections.js';
import { reportStyle } from './report-style.js';
import { vegaAssets } from './vega-assets.js';

/** Compiles and draws every plot; runs after the inlined Vega and Vega-Lite scripts. */
const bootstrap = `(function () {
  var plots = JSON.parse(document.getElementById('emforge-plots').textContent);
  var pending = plots.length;
  function finished() {
    pending -= 1;
    if (pending <= 0) document.body.setAttribute('data-plots', 'done');
  }
  function fail(el, error) {
    el.setAttribute('data-rendered', 'error');
    el.textContent = 'This plot could not be drawn: ' + (error && error.message ? error.message : String(error));
    console.error(error);
  }
  if (pending === 0) document.body.setAttribute('data-plots', 'done');
  plots.forEach(function (plot) {
    var el = document.getElementById(plot.id);
    try {
      var compiled = vegaLite.compile(plot.spec).spec;
      var view = new vega.View(vega.parse(compiled)).renderer('svg').initialize(el).hover();
      view.runAsync().then(
        function () { el.setAttribute('data-rendered', 'true'); finished(); },
        function (error) { fail(el, error); finished(); }
      );
    } catch (error) {
      fail(el, error);
      finished();
    }
  });
})();`;

function plotFigure(plot: ReportPlot, id: string): string {
  return [
    `<figure class="plot" data-kind="${escapeHtml(plot.kind)}">`,
    `<h3>${escapeHtml(plot.title)}</h3>`,
    `<div class="chart" id="${id}" data-kind="${escapeHtml(plot.kind)}" data-marks="${escapeHtml(plot.marks.join(' '))}"></div>`,
    `<figcaption>${escapeHtml(plot.caption)}</figcaption>`,
    '</figure>',
  ].join('');
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

/** The report page for a fit. */
export function renderReport(input: ReportInput): string {
  const { plots, failures } = choosePlots(input);
  const ids = plots.map((_, i) => `plot-${i + 1}`);
  const assets = vegaAssets();
  const name = input.result.model;
  const failed =
    failures.length === 0
      ? ''
      : `<div class="warnings"><h3>Plots left out</h3><ul>${failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul></div>`;
  const sections = [
    section('summary', 'Fit', summarySection(input.result, input.plan)),
    section(
      'plots',
      'Plots',
      (plots.length > 0
        ? plots.map((p, i) => plotFigure(p, ids[i]!)).join('\n')
        : '<p>No plot applies to this model.</p>') + failed,
    ),
    section('params', 'Parameters', paramsSection(input.result, input.standardErrors)),
    section('plan', 'Inference plan', planSection(input.plan)),
    ...(input.derivation ? [section('derivation', 'Derivation', derivationSection(input.derivation))] : []),
    section('model', 'Model', sourceSection(input.source)),
  ];
  const nav = [
    ['summary', 'Fit'],
    ['plots', 'Plots'],
    ['params', 'Parameters'],
    ['plan', 'Plan'],
    ...(input.derivation ? [['derivation', 'Derivation']] : []),
    ['model', 'Model'],
  ]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join('');
  const specs = plots.map((p, i) => ({ id: ids[i]!, spec: p.spec }));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="emforge (vega ${escapeHtml(assets.versions.vega)}, vega-lite ${escapeHtml(assets.versions.vegaLite)})">
<title>${escapeHtml(`${name} — emforge fit report`)}</title>
<style>${reportStyle}</style>
</head>
<body>
<header>
<h1>${escapeHtml(name)} <span class="subtitle">emforge fit report</span></h1>
${input.sourceName ? `<div class="meta">${escapeHtml(input.sourceName)}</div>` : ''}
${input.command ? `<div class="meta"><code>${escapeHtml(input.command)}</code></div>` : ''}
<nav>${nav}</nav>
</header>
<main>
${sections.join('\n')}
</main>
<noscript><p class="note">The plots are drawn by JavaScript embedded in this file; enable it to see them.</p></noscript>
<script type="application/json" id="emforge-plots">${jsonForScript(specs)}</script>
<script>${scriptText(assets.vega)}</script>
<script>${scriptText(assets.vegaLite)}</script>
<script>${scriptText(bootstrap)}</script>
</body>
</html>
`;
}
