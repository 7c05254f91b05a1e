/**
 * The fit report in a real browser: a GMM (Old Faithful), an HMM (the dishonest casino) and a
 * factor analysis — and, for the other mixture plots, a 4-D GMM (Iris, drawn on principal
 * components), a gamma mixture and a Poisson mixture (histograms with the fitted density), and
 * the discrete models — a categorical mixture (ABO blood groups), LDA (topic–word bars, top
 * words) and the Poisson–lognormal (counts with the fitted pmf) — are fitted, their reports rendered and opened from disk in headless Chromium
 * (Debian `chromium` driven by playwright-core) with every network request refused. Each plot
 * the model calls for must be drawn with its marks present, with no console error or warning
 * and no page error; a screenshot of each report (the whole page for the GMM, HMM and FA, the
 * plots for the others) is saved under test-artifacts/report/ (gitignored).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../packages/cli/src/report/render-report.js';
import type { PlotKind } from '../../packages/cli/src/report/report-input.js';
import { handMadeFactorAnalysis, handMadeHmm, noFallback, type ReportCase, reportCase } from './report-cases.js';

const chromiumPath = '/usr/bin/chromium';
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const artifacts = fileURLToPath(new URL('../../test-artifacts/report/', import.meta.url));
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(`report browser test skipped: ${chromiumPath} not found (apt-get install -y chromium)`);
}

interface Expectation {
  readonly example: string;
  readonly seeds: readonly number[];
  readonly handMade: Parameters<typeof reportCase>[2];
  /** The plots of a real fit, and of the hand-made fallback (no trace, no factor scores). */
  readonly fitted: readonly PlotKind[];
  readonly fallback: readonly PlotKind[];
  /** The screenshot: the whole page, or (to keep the test quick) the plots section only. */
  readonly screenshot: 'page' | 'plots';
}

const expectations: readonly Expectation[] = [
  {
    example: 'old-faithful-gmm',
    seeds: [1, 2, 3],
    handMade: noFallback,
    fitted: ['mixture-scatter', 'trace'],
    fallback: [],
    screenshot: 'page',
  },
  {
    example: 'iris-gmm',
    seeds: [1],
    handMade: noFallback,
    fitted: ['mixture-scatter', 'trace'],
    fallback: [],
    screenshot: 'plots',
  },
  {
    example: 'gamma-mixture',
    seeds: [1],
    handMade: noFallback,
    fitted: ['mixture-density', 'trace'],
    fallback: [],
    screenshot: 'plots',
  },
  {
    example: 'poisson-mixture-map',
    seeds: [1],
    handMade: noFallback,
    fitted: ['mixture-density', 'trace'],
    fallback: [],
    screenshot: 'plots',
  },
  {
    example: 'abo-blood-groups',
    seeds: [1],
    handMade: noFallback,
    fitted: ['mixture-density', 'trace'],
    fallback: [],
    screenshot: 'plots',
  },
  {
    example: 'lda',
    seeds: [1],
    handMade: noFallback,
    fitted: ['category-probabilities', 'top-words', 'trace'],
    fallback: [],
    screenshot: 'plots',
  },
  {
    example: 'poisson-lognormal',
    seeds: [1],
    handMade: noFallback,
    fitted: ['count-pmf', 'trace'],
    fallback: [],
    screenshot: 'plots',
  },
  {
    example: 'hmm-dishonest-casino',
    seeds: [3],
    handMade: handMadeHmm,
    fitted: ['state-sequence', 'transition-matrix', 'emission-matrix', 'trace'],
    fallback: ['state-sequence', 'transition-matrix', 'emission-matrix'],
    screenshot: 'page',
  },
  {
    example: 'factor-analysis',
    seeds: [1],
    handMade: handMadeFactorAnalysis,
    fitted: ['loadings', 'factor-scores', 'trace'],
    fallback: ['loadings'],
    screenshot: 'page',
  },
];

interface Rendered {
  readonly kinds: string[];
  readonly charts: { kind: string; rendered: string | null; marks: Record<string, number> }[];
  readonly messages: string[];
  readonly requests: string[];
}

describe.skipIf(!hasChromium)('the fit report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: flags, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(report: ReportCase, screenshot: Expectation['screenshot']): Promise<Rendered> {
    const html = renderReport(report.input);
    const file = join(artifacts, `${report.name}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const messages: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') messages.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => messages.push(`page error: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-plots="done"]', { timeout: 10_000 });
    const charts = await page.$$eval('.chart', (elements) =>
      elements.map((el) => {
        const marks: Record<string, number> = {};
        for (const mark of (el.getAttribute('data-marks') ?? '').split(' ').filter(Boolean)) {
          // Data marks only: axes, legends and titles are marks too, with other roles.
          marks[mark] = el.querySelectorAll(`svg g.mark-${mark}.role-mark > *`).length;
        }
        return { kind: el.getAttribute('data-kind') ?? '', rendered: el.getAttribute('data-rendered'), marks };
      }),
    );
    const path = join(artifacts, `${report.name}.png`);
    if (screenshot === 'page') await page.screenshot({ path, fullPage: true });
    else await page.locator('#plots').screenshot({ path });
    await page.close();
    return { kinds: charts.map((c) => c.kind), charts, messages, requests };
  }

  for (const e of expectations) {
    it(`${e.example}: every plot is drawn, with no console errors`, async () => {
      const report = reportCase(e.example, e.seeds, e.handMade);
      if (!report.fitted) console.warn(`${e.example}: not lowered yet, report built from hand-made params`);
      const rendered = await open(report, e.screenshot);
      expect(rendered.messages).toEqual([]);
      expect(rendered.requests).toEqual([]);
      expect(rendered.kinds).toEqual(report.fitted ? e.fitted : e.fallback);
      for (const chart of rendered.charts) {
        expect(chart.rendered, chart.kind).toBe('true');
        for (const [mark, count] of Object.entries(chart.marks)) {
          expect(count, `${chart.kind}: ${mark} marks`).toBeGreaterThan(0);
        }
      }
    });
  }
});
