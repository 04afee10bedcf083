/**
 * The shell document's DOM helpers: an element of its markup by id, and a template tag that
 * escapes what it interpolates (titles and texts come from pages and from typed-in values).
 */

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from the shell`);
  return found as T;
}

export function html(strings: TemplateStringsArray, ...values: string[]): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? escape(values[i]) : ''),
    '',
  );
}
