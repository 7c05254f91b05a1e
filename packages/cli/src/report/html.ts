/**
 * The few HTML-building helpers the report needs: escaping text for element content and
 * attributes, embedding JSON and scripts inside `<script>` safely, and formatting numbers for
 * tables. Every piece of text that reaches the report goes through `escapeHtml` or `jsonForScript`.
 */

const entities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

/**
 * JSON for a `<script type="application/json">` block: `<` becomes `\u003c`, so no string in
 * the data can close the script element or open a comment; U+2028/U+2029 are escaped as well.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Library code for an inline `<script>`: a `</script` inside it would end the element early. */
export function scriptText(code: string): string {
  return code.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

/** A number for a table cell: 6 significant digits, exponent form for very large or small values. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(4).replace(/-/g, '−');
  return Number(x.toPrecision(6)).toString().replace(/^-/, '−');
}

/** `<tag attrs>content</tag>`; `content` must already be HTML. */
export function element(tag: string, content: string, attributes: Readonly<Record<string, string>> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
  return `<${tag}${attrs}>${content}</${tag}>`;
}

/** An HTML table from a header row and body rows of cells that are already HTML. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  const head = `<thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody>`;
  return `<table${className ? ` class="${escapeHtml(className)}"` : ''}>${head}${body}</table>`;
}
