/**
 * What the preview's built-in components (builtins.ts, form-fields.ts) are written against: the
 * `this` j-component gives a built-in's methods, and the element it renders into.
 */

export interface BuiltinThis {
  _exparserNode: { $$: HTMLElement };
  data: Record<string, unknown>;
  setData(data: Record<string, unknown>): void;
  triggerEvent(name: string, detail?: unknown): void;
  __native?: HTMLImageElement | HTMLInputElement | HTMLCanvasElement;
}

export type BuiltinDefinition = Record<string, unknown>;

export function hostOf(component: BuiltinThis): HTMLElement {
  return component._exparserNode.$$;
}
