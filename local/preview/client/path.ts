/**
 * The slice of Node's posix `path` that miniprogram-simulate calls in the browser (it joins the
 * Mini Program paths of components, e.g. `/pages/landing/index` + `../../components/x/index`).
 * Aliased to `path` when the page runtime is bundled.
 */

function normalizeSegments(segments: string[], absolute: boolean): string[] {
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  return out;
}

export function normalize(input: string): string {
  const absolute = input.startsWith('/');
  const joined = normalizeSegments(input.split('/'), absolute).join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

export function join(...parts: string[]): string {
  return normalize(parts.filter((part) => part !== '').join('/'));
}

export function resolve(...parts: string[]): string {
  let resolved = '';
  for (let i = parts.length - 1; i >= 0 && !resolved.startsWith('/'); i -= 1) {
    resolved = resolved === '' ? parts[i] : `${parts[i]}/${resolved}`;
  }
  return normalize(resolved.startsWith('/') ? resolved : `/${resolved}`);
}

export function dirname(input: string): string {
  const trimmed = input.length > 1 ? input.replace(/\/+$/, '') : input;
  const index = trimmed.lastIndexOf('/');
  if (index < 0) return '.';
  if (index === 0) return '/';
  return trimmed.slice(0, index);
}

export function basename(input: string, ext?: string): string {
  const base = input.replace(/\/+$/, '').split('/').pop() ?? '';
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}

export function extname(input: string): string {
  const base = basename(input);
  const index = base.lastIndexOf('.');
  return index <= 0 ? '' : base.slice(index);
}

export function isAbsolute(input: string): boolean {
  return input.startsWith('/');
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common += 1;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

export const sep = '/';
export const delimiter = ':';
export const posix = {
  normalize,
  join,
  resolve,
  dirname,
  basename,
  extname,
  isAbsolute,
  relative,
  sep,
};

export default { ...posix, posix };
