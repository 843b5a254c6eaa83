import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInline, parseMarkdown, safeHref } from '../src/dashboard/markdown';

const text = (t: string) => ({ kind: 'text', text: t });

test('headings, paragraphs (lines joined) and rules', () => {
  assert.deepEqual(parseMarkdown('# Paywatch\n\nFirst line\nsecond line\n\n---\n### Small ###'), [
    { kind: 'heading', level: 1, children: [text('Paywatch')] },
    { kind: 'paragraph', children: [text('First line second line')] },
    { kind: 'rule' },
    { kind: 'heading', level: 3, children: [text('Small')] },
  ]);
});

test('bold, italic, inline code, escapes; snake_case is not emphasis', () => {
  assert.deepEqual(parseInline('a **b** *c* _d_ `e*f` \\*g\\* snake_case_name'), [
    text('a '), { kind: 'strong', children: [text('b')] }, text(' '), { kind: 'em', children: [text('c')] }, text(' '),
    { kind: 'em', children: [text('d')] }, text(' '), { kind: 'code', text: 'e*f' }, text(' *g* snake_case_name'),
  ]);
  assert.deepEqual(parseInline('**bold *and italic***'), [
    { kind: 'strong', children: [text('bold '), { kind: 'em', children: [text('and italic')] }] },
  ]);
});

test('unclosed markers stay literal', () => {
  assert.deepEqual(parseInline('2 * 3 and `open and **open'), [text('2 * 3 and `open and **open')]);
});

test('links: http and https only; anything else is only its text', () => {
  assert.deepEqual(parseInline('[docs](https://docs.aws.amazon.com/x)'), [
    { kind: 'link', href: 'https://docs.aws.amazon.com/x', button: false, children: [text('docs')] },
  ]);
  assert.deepEqual(parseInline('[click](javascript:alert(1))'), [text('click'), text(')')]);
  assert.deepEqual(parseInline('[x](data:text/html,hi)'), [text('x')]);
  assert.deepEqual(parseInline('[button:primary:Runbook](http://example.com/)'), [
    { kind: 'link', href: 'http://example.com/', button: true, children: [text('Runbook')] },
  ]);
  assert.equal(safeHref('HTTPS://Example.com'), 'https://example.com/');
  assert.equal(safeHref('/relative'), null);
  assert.equal(safeHref('JavaScript:alert(1)'), null);
});

test('markup in the source is text, not HTML', () => {
  assert.deepEqual(parseMarkdown('<img src=x onerror=alert(1)>'), [
    { kind: 'paragraph', children: [text('<img src=x onerror=alert(1)>')] },
  ]);
});

test('bullet and numbered lists', () => {
  assert.deepEqual(parseMarkdown('- one\n* **two**\n\n1. first\n2) second'), [
    { kind: 'list', ordered: false, items: [[text('one')], [{ kind: 'strong', children: [text('two')] }]] },
    { kind: 'list', ordered: true, items: [[text('first')], [text('second')]] },
  ]);
});

test('a paragraph ends where a list or heading starts', () => {
  assert.deepEqual(parseMarkdown('Intro\n- item\n## Next').map(b => b.kind), ['paragraph', 'list', 'heading']);
});

test('simple pipe tables and fenced code', () => {
  assert.deepEqual(parseMarkdown('| Alarm | Action |\n|---|:--|\n| ALARM | page *on-call* |\n\n```\n# not a heading\n```'), [
    {
      kind: 'table',
      header: [[text('Alarm')], [text('Action')]],
      rows: [[[text('ALARM')], [text('page '), { kind: 'em', children: [text('on-call')] }]]],
    },
    { kind: 'code', text: '# not a heading' },
  ]);
});
