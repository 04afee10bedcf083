/**
 * Stands in for miniprogram-simulate's `src/wxss.js` in the browser. The original runs postcss,
 * less and csso on every load; here the build already did that work on the server (imports
 * inlined, rpx scaled, tag selectors mapped), leaving placeholders where simulate's class prefix
 * goes, so loading a component only substitutes its prefix.
 */
import { CLASS_PREFIX_TOKEN, HOST_TOKEN } from '../protocol';

function fileMap(): Record<string, unknown> {
  return (window as unknown as { __FILE_MAP__?: Record<string, unknown> }).__FILE_MAP__ ?? {};
}

export function getContent(filePath: string): string {
  const content = fileMap()[filePath];
  return typeof content === 'string' ? content : '';
}

/** simulate calls this with the component's tag name as `prefix` (`van-button`, `main`, …). */
export function compile(wxss: string, options: { prefix?: string } = {}): string {
  const prefix = options.prefix ?? '';
  return wxss.split(CLASS_PREFIX_TOKEN).join(prefix).split(HOST_TOKEN).join(prefix);
}

export function insert(wxss: string | string[], id: string): void {
  const list = Array.isArray(wxss) ? wxss : [wxss];
  document.querySelectorAll(`style#${id}`).forEach((style) => style.remove());
  const style = document.createElement('style');
  style.id = id;
  style.textContent = list.join('\n');
  document.head.appendChild(style);
}
