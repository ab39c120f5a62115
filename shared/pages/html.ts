import { escapeHtml } from '../text/escape.ts';

/**
 * HTML built only through the `html` tag: every interpolated value is escaped unless it is
 * itself a `SafeHtml` made by this module, so no page can forget to escape a user's text.
 */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Markup written by us (a constant), never a value that came from a request or the table. */
export const trusted = (markup: string): SafeHtml => new SafeHtml(markup);

/**
 * A catalogue text with some `{placeholders}` filled by markup (a link, a bold amount): the text
 * around them is escaped like any value. An unknown placeholder is a bug, hence the throw.
 */
export function fillHtml(template: string, values: Readonly<Record<string, SafeHtml | string | number>>): SafeHtml {
  const out = template.split(/(\{\w+\})/).map((part) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) return escapeHtml(part);
    const value = values[name];
    if (value === undefined) throw new Error(`page template: no value for {${name}}`);
    return value instanceof SafeHtml ? value.value : escapeHtml(String(value));
  });
  return new SafeHtml(out.join(''));
}
