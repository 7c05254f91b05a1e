/**
 * A tiny markdown-to-HTML renderer for the subset `emforge explain` writes: `#`–`######`
 * headings, fenced code blocks, `- ` bullet lists, paragraphs, and inline `code`, `**strong**`
 * and `*emphasis*`. Everything else is text. All text is escaped; formulas outside code spans
 * keep their `*` and `_` unless they form emphasis with no space inside the markers.
 */
import { escapeHtml } from './html.js';

/** Inline markup of one line or paragraph: code spans first, then strong and emphasis outside them. */
export function renderInline(text: string): string {
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*(\S(?:[^*]*\S)?)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^*\w])\*(\S(?:[^*]*\S)?)\*(?![*\w])/g, '$1<em>$2</em>');
    })
    .join('');
}

/**
 * Renders the markdown to HTML. Headings are shifted down by `headingOffset` levels (so the
 * derivation's `#` title can sit under the report's own `<h2>`), capped at `<h6>`.
 */
export function renderMarkdown(markdown: string, headingOffset = 0): string {
  const out: string[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${renderInline(paragraph.join(' '))}</p>`);
    if (list.length > 0) out.push(`<ul>${list.map((item) => `<li>${renderInline(item)}</li>`).join('')}</ul>`);
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^```(\S*)\s*$/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) code.push(lines[i]!);
      const lang = fence[1] ? ` class="language-${escapeHtml(fence[1])}"` : '';
      out.push(`<pre><code${lang}>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const level = Math.min(6, heading[1]!.length + headingOffset);
      out.push(`<h${level}>${renderInline(heading[2]!.trim())}</h${level}>`);
      continue;
    }
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1]!);
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (list.length > 0 && /^\s+\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (list.length > 0) flush();
    paragraph.push(line.trim());
  }
  flush();
  return out.join('\n');
}
