import { describe, expect, it } from 'vitest';
import { renderTemplate } from './render.js';

describe('renderTemplate', () => {
  it('replaces variables and keeps or drops sections', () => {
    const text = 'name={{name}}{{#webhook}} hook{{/webhook}}{{^webhook}} none{{/webhook}}';
    expect(renderTemplate(text, { name: 'x', webhook: true })).toBe('name=x hook');
    expect(renderTemplate(text, { name: 'x', webhook: false })).toBe('name=x none');
  });

  it('removes the line of a standalone section tag, and nests different sections', () => {
    const text = 'a\n{{#one}}\n  b {{v}}\n  {{#two}}\n  c\n  {{/two}}\n{{/one}}\nd\n';
    expect(renderTemplate(text, { one: true, two: false, v: '1' })).toBe('a\n  b 1\nd\n');
    expect(renderTemplate(text, { one: true, two: true, v: '1' })).toBe('a\n  b 1\n  c\nd\n');
    expect(renderTemplate(text, { one: false, two: true, v: '1' })).toBe('a\nd\n');
  });

  it('refuses unknown names, wrong kinds and unbalanced tags', () => {
    expect(() => renderTemplate('{{nope}}', {}, 'x.tmpl')).toThrow('x.tmpl: {{nope}} needs a string value');
    expect(() => renderTemplate('{{#name}}a{{/name}}', { name: 'n' })).toThrow('needs a boolean');
    expect(() => renderTemplate('{{#a}}never closed', { a: true })).toThrow('unbalanced');
  });
});
