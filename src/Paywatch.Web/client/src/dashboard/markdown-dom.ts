// The parsed Markdown subset as DOM nodes: text is always text, links only http(s) and open safely.
import { h } from '../dom';
import type { Block, Inline } from './markdown';

function inline(node: Inline): Node {
  switch (node.kind) {
    case 'text': return document.createTextNode(node.text);
    case 'strong': return h('strong', {}, ...node.children.map(inline));
    case 'em': return h('em', {}, ...node.children.map(inline));
    case 'code': return h('code', {}, node.text);
    case 'link': return h('a', { href: node.href, target: '_blank', rel: 'noopener noreferrer', class: node.button ? 'button' : null }, ...node.children.map(inline));
  }
}

function block(node: Block): Node {
  switch (node.kind) {
    case 'heading': return h(`h${Math.min(6, Math.max(1, node.level))}` as 'h1', {}, ...node.children.map(inline));
    case 'paragraph': return h('p', {}, ...node.children.map(inline));
    case 'list': return h(node.ordered ? 'ol' : 'ul', {}, ...node.items.map(item => h('li', {}, ...item.map(inline))));
    case 'code': return h('pre', {}, h('code', {}, node.text));
    case 'rule': return h('hr');
    case 'table': return h('table', {},
      h('thead', {}, h('tr', {}, ...node.header.map(cell => h('th', {}, ...cell.map(inline))))),
      h('tbody', {}, ...node.rows.map(row => h('tr', {}, ...row.map(cell => h('td', {}, ...cell.map(inline)))))));
  }
}

export const renderInline = (nodes: readonly Inline[]): Node[] => nodes.map(inline);
export const renderMarkdown = (blocks: readonly Block[]): Node[] => blocks.map(block);
