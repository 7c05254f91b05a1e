/** The report page's stylesheet: readable tables and code, plots in cards, fine on screen and in print. */
export const reportStyle = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
header { padding: 20px 32px 10px; border-bottom: 1px solid var(--line); background: var(--soft); }
h1 { margin: 0 0 4px; font-size: 26px; }
h1 .subtitle { font-size: 15px; font-weight: normal; color: var(--muted); margin-left: 8px; }
.meta { color: var(--muted); font-size: 13px; }
nav { margin-top: 10px; display: flex; gap: 18px; flex-wrap: wrap; }
nav a { color: var(--accent); text-decoration: none; font-weight: 500; }
main { padding: 8px 32px 48px; max-width: 1200px; }
section { margin-top: 28px; }
h2 { font-size: 21px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 8px; }
h4, h5, h6 { font-size: 15px; margin: 14px 0 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
p code, li code, td code { background: var(--soft); padding: 1px 4px; border-radius: 4px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--soft); }
table.summary th { background: var(--soft); font-weight: 500; width: 160px; }
table.params td .num, table.matrix td { font-variant-numeric: tabular-nums; text-align: right; }
table.plan td:nth-child(4) { max-width: 380px; }
.se { color: var(--muted); font-size: 12px; }
.shape { color: var(--muted); font-weight: normal; font-size: 13px; margin-left: 6px; }
.subs { display: flex; flex-wrap: wrap; gap: 18px; }
.sub-title { font-size: 13px; margin-bottom: 2px; }
.note { color: var(--muted); }
.warnings { border-left: 4px solid #d4a72c; background: #fff8c5; padding: 6px 14px; margin: 10px 0; }
#plots { display: block; }
figure.plot { display: inline-block; vertical-align: top; margin: 0 24px 24px 0; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; max-width: 100%; overflow-x: auto; }
figure.plot h3 { margin-top: 0; }
figcaption { color: var(--muted); font-size: 13px; max-width: 460px; margin-top: 6px; }
.chart[data-rendered="error"] { color: #cf222e; }
@media print { header { background: none; } figure.plot { break-inside: avoid; } }
`;
