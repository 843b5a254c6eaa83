// A safe Markdown subset for text widgets, parsed into a tree that the renderer turns into DOM nodes (never HTML):
// headings, paragraphs, bold, italic, inline code, links (http/https only), bullet and numbered lists, fenced code,
// horizontal rules and simple pipe tables. Anything else stays literal text.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; button: boolean; children: Inline[] };

export type Block =
  | { kind: 'heading'; level: number; children: Inline[] }
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' }
  | { kind: 'table'; header: Inline[][]; rows: Inline[][][] };

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.trim() === '') { index++; continue; }
    if (/^\s*```/.test(line)) {
      const body: string[] = [];
      index++;
      while (index < lines.length && !/^\s*```/.test(lines[index]!)) body.push(lines[index++]!);
      index++; // the closing fence (or the end)
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, children: parseInline(heading[2]!) });
      index++;
      continue;
    }
    if (RULE.test(line)) { blocks.push({ kind: 'rule' }); index++; continue; }
    if (line.includes('|') && index + 1 < lines.length && TABLE_DIVIDER.test(lines[index + 1]!)) {
      const header = splitRow(line).map(parseInline);
      const rows: Inline[][][] = [];
      index += 2;
      while (index < lines.length && lines[index]!.includes('|') && lines[index]!.trim() !== '') {
        rows.push(splitRow(lines[index++]!).map(parseInline));
      }
      blocks.push({ kind: 'table', header, rows });
      continue;
    }
    const listPattern = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (listPattern) {
      const items: Inline[][] = [];
      while (index < lines.length && listPattern.test(lines[index]!)) {
        items.push(parseInline(listPattern.exec(lines[index++]!)![1]!));
      }
      blocks.push({ kind: 'list', ordered: listPattern === NUMBERED, items });
      continue;
    }
    const paragraph: string[] = [];
    while (index < lines.length && lines[index]!.trim() !== '' && !startsBlock(lines, index)) paragraph.push(lines[index++]!.trim());
    blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join(' ')) });
  }
  return blocks;
}

function startsBlock(lines: string[], index: number): boolean {
  const line = lines[index]!;
  return /^\s*```/.test(line) || HEADING.test(line) || RULE.test(line) || BULLET.test(line) || NUMBERED.test(line)
    || (line.includes('|') && index + 1 < lines.length && TABLE_DIVIDER.test(lines[index + 1]!));
}

function splitRow(line: string): string[] {
  const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|');
  return cells.map(cell => cell.trim());
}

/** Only web links: a javascript: or data: URL in a dashboard must not become something to click. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function parseInline(source: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => { if (text) { out.push({ kind: 'text', text }); text = ''; } };
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '\\' && index + 1 < source.length && /[\\`*_[\]()#|-]/.test(source[index + 1]!)) {
      text += source[index + 1];
      index += 2;
      continue;
    }
    if (char === '`') {
      const end = source.indexOf('`', index + 1);
      if (end > index) {
        flush();
        out.push({ kind: 'code', text: source.slice(index + 1, end) });
        index = end + 1;
        continue;
      }
    }
    if ((char === '*' || char === '_') && source[index + 1] === char) {
      const marker = char + char;
      let end = source.indexOf(marker, index + 2);
      // In a run like "***" the strong closes on its last two markers, so that an emphasis inside can close first.
      while (end > 0 && source[end + 2] === char) end++;
      if (end > index + 2) {
        flush();
        out.push({ kind: 'strong', children: parseInline(source.slice(index + 2, end)) });
        index = end + 2;
        continue;
      }
    }
    if (char === '*' || char === '_') {
      const end = findSingle(source, char, index + 1);
      // An underscore inside a word (snake_case) is not emphasis.
      const wordInside = char === '_' && index > 0 && /\w/.test(source[index - 1]!);
      if (end > index + 1 && !wordInside) {
        flush();
        out.push({ kind: 'em', children: parseInline(source.slice(index + 1, end)) });
        index = end + 1;
        continue;
      }
    }
    if (char === '[') {
      const link = /^\[([^\]]*)\]\(([^)\s]*)\)/.exec(source.slice(index));
      if (link) {
        flush();
        // CloudWatch's text widgets also write buttons as [button:Label](url) and [button:primary:Label](url).
        const button = /^button:(?:primary:)?/.exec(link[1]!);
        const label = button ? link[1]!.slice(button[0].length) : link[1]!;
        const href = safeHref(link[2]!);
        const children = parseInline(label);
        if (href) out.push({ kind: 'link', href, button: button !== null, children });
        else out.push(...children);
        index += link[0].length;
        continue;
      }
    }
    text += char;
    index++;
  }
  flush();
  return out;
}

/** The next lone marker (not part of a double one) after start, or -1. */
function findSingle(source: string, marker: string, start: number): number {
  for (let index = start; index < source.length; index++) {
    if (source[index] === '\\') { index++; continue; }
    if (source[index] !== marker) continue;
    if (source[index + 1] === marker) { index++; continue; }
    return index;
  }
  return -1;
}
