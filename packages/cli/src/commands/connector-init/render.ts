/** Values a template may use: strings for `{{name}}`, booleans for `{{#flag}}…{{/flag}}` sections. */
export type TemplateValues = Readonly<Record<string, string | boolean>>;

const STANDALONE_TAG = /^[ \t]*(\{\{[#^/][\w-]+\}\})[ \t]*\r?\n/gm;
const SECTION = /\{\{([#^])([\w-]+)\}\}([\s\S]*?)\{\{\/\2\}\}/;
const VARIABLE = /\{\{([\w-]+)\}\}/g;

/**
 * Renders a template: `{{#flag}}…{{/flag}}` is kept when the flag is true, `{{^flag}}…{{/flag}}` when it is
 * false, then `{{name}}` is replaced by its value. A section tag alone on its line takes the line with it.
 * Unknown names, a string used as a flag and unclosed tags are errors (a template bug, not user input).
 * @example renderTemplate('a{{#x}} {{y}}{{/x}}', { x: true, y: 'b' }) // 'a b'
 */
export function renderTemplate(text: string, values: TemplateValues, where = 'template'): string {
  let out = text.replace(STANDALONE_TAG, '$1');
  for (let match = SECTION.exec(out); match; match = SECTION.exec(out)) {
    const [whole, kind, name = '', body = ''] = match;
    const flag = values[name];
    if (typeof flag !== 'boolean')
      throw new Error(`${where}: {{${kind}${name}}} needs a boolean value, got ${JSON.stringify(flag)}`);
    out = out.slice(0, match.index) + (flag === (kind === '#') ? body : '') + out.slice(match.index + whole.length);
  }
  out = out.replace(VARIABLE, (_, name: string) => {
    const value = values[name];
    if (typeof value !== 'string')
      throw new Error(`${where}: {{${name}}} needs a string value, got ${JSON.stringify(value)}`);
    return value;
  });
  const left = /\{\{[^}]*\}\}/.exec(out);
  if (left) throw new Error(`${where}: unbalanced or unknown tag ${left[0]}`);
  return out;
}
