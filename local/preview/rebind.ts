/**
 * A bound `value` that setData sets again reaches the component even when it equals what was
 * rendered last, as on WeChat; a `value` whose binding setData did not touch is left alone.
 *
 * j-component re-renders a template after setData and diffs the new virtual tree against the last
 * one: an attribute whose value equals the last rendered one is skipped. WeChat instead applies
 * every binding whose data setData touched, and the component compares the value with its own
 * current data. The two differ when the component moved on by itself: an `<input>` the user typed
 * into (the preview's built-in keeps its `value` as typed), or a vant field (its `value` follows
 * the typing; its inner `<input value="{{innerValue}}">` never does). Then a page that sets the
 * bound data back to '' — after saving, say — left the typed text on screen in the preview, and
 * vant's own clearing (`innerValue: ''`) was lost too.
 *
 * After each diff (client-bundle.ts patches j-component to call `rebindValues`), every node
 * whose `value` attribute differs from its component's current `value` is a candidate. Whether
 * setData touched the data its binding reads is found by rendering again with the touched
 * strings and numbers altered: if the node's `value` comes out different, the binding reads
 * them and the value is applied again, as WeChat would; if it comes out the same, it reads none
 * of them and what is shown stays (vant's field re-rendering for `showClear` while the user
 * types). A node that the alteration hides (its `wx:if` reads the touched data: vant's field
 * shows its textarea while `type === 'textarea'`, and a parent's re-render sets `type` again
 * with the rest) says nothing about its binding, so the altered data is halved until the node
 * shows; data that alone hides it decides whether the node exists, which WeChat does not read as
 * its value. Without that, adding a second reply blanked the first reply's textarea.
 */

/** j-component's virtual node, as far as this needs it. */
export interface VirtualNode {
  type: number;
  tagName: string;
  componentId: string;
  key?: string;
  attrs: { name: string; value: unknown }[];
  children: VirtualNode[];
  exparserNode?: unknown;
}

/** One setData change as j-component's template engine receives it: the path, then the value. */
export type DataChange = [path: (string | number)[], value: unknown] | null | undefined;

export interface RebindRuntime {
  /** The template's virtual tree for this data (the component's generate function). */
  generate(data: Record<string, unknown>): VirtualNode;
  /** The component's current `value`, or undefined when the node has no `value` property. */
  current(node: unknown): { value: unknown } | undefined;
  /** Sets the node's `value` property, as a changed attribute would. */
  apply(node: unknown, value: unknown): void;
}

const PROBE_MARK = '\u2063';

type Primitive = string | number | boolean;

const isPrimitive = (value: unknown): value is Primitive =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** A string or number changed; the data's shape (arrays, booleans) is never touched. */
function altered(value: unknown): unknown {
  if (typeof value === 'string') return value + PROBE_MARK;
  if (typeof value === 'number') return Number.isFinite(value) ? value + 1 : 0;
  return value;
}

const valueOf = (node: VirtualNode): unknown =>
  node.attrs.find((attr) => attr.name === 'value')?.value;

/** One step down the tree: the n-th child of the same kind, so a sibling shown or hidden before it does not matter. */
interface Step {
  tagName: string;
  componentId: string;
  type: number;
  nth: number;
}

/**
 * Same kind: `wx:key` is left out, since the probe alters keys too; the probe keeps every array's
 * length, so the n-th item is still the same item.
 */
const sameKind = (a: Step | VirtualNode, b: VirtualNode): boolean =>
  a.type === b.type && a.tagName === b.tagName && a.componentId === b.componentId;

function stepTo(parent: VirtualNode, child: VirtualNode): Step {
  return {
    tagName: child.tagName,
    componentId: child.componentId,
    type: child.type,
    nth: parent.children.filter((other) => sameKind(child, other)).indexOf(child),
  };
}

function follow(root: VirtualNode, steps: Step[]): VirtualNode | undefined {
  let node: VirtualNode | undefined = root;
  for (const step of steps) {
    node = node?.children.filter((other) => sameKind(step, other))[step.nth];
  }
  return node;
}

interface Candidate {
  node: VirtualNode;
  steps: Step[];
}

/** Nodes whose `value` attribute is not what their component holds now. */
function candidates(root: VirtualNode, runtime: RebindRuntime): Candidate[] {
  const found: Candidate[] = [];
  const visit = (node: VirtualNode, steps: Step[]) => {
    const value = valueOf(node);
    if (node.exparserNode && isPrimitive(value)) {
      const current = runtime.current(node.exparserNode);
      if (current && isPrimitive(current.value) && String(current.value) !== String(value))
        found.push({ node, steps });
    }
    for (const child of node.children) visit(child, [...steps, stepTo(node, child)]);
  };
  visit(root, []);
  return found;
}

/** Where a string or number sits in the data. */
type LeafPath = (string | number)[];

/** The strings and numbers under each path setData touched. */
function touchedLeaves(data: Record<string, unknown>, changes: DataChange[]): LeafPath[] {
  const leaves: LeafPath[] = [];
  const collect = (value: unknown, path: LeafPath) => {
    if (typeof value === 'string' || typeof value === 'number') leaves.push(path);
    else if (Array.isArray(value)) value.forEach((item, at) => collect(item, [...path, at]));
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) collect(item, [...path, key]);
  };
  for (const change of changes) {
    if (!change || change[0].length === 0) continue;
    let value: unknown = data;
    for (const step of change[0]) {
      value =
        value !== null && typeof value === 'object'
          ? (value as Record<string | number, unknown>)[step]
          : undefined;
    }
    collect(value, change[0]);
  }
  return leaves;
}

/** `data` with each leaf altered (arrays keep their length, booleans their value), the original left as it was. */
function alteredAt(data: Record<string, unknown>, leaves: LeafPath[]): Record<string, unknown> {
  const root: Record<string | number, unknown> = { ...data };
  const copies = new Set<object>([root]);
  for (const path of leaves) {
    let container: Record<string | number, unknown> | undefined = root;
    for (const step of path.slice(0, -1)) {
      const next: unknown = container[step];
      if (next === null || typeof next !== 'object') {
        container = undefined;
        break;
      }
      if (!copies.has(next)) {
        const copy = Array.isArray(next) ? [...next] : { ...next };
        copies.add(copy);
        container[step] = copy;
      }
      container = container[step] as Record<string | number, unknown>;
    }
    if (!container) continue;
    const last = path[path.length - 1];
    container[last] = altered(container[last]);
  }
  return root;
}

/** Renders with the alterations a re-render may try, at most this many per setData. */
const PROBE_BUDGET = 32;

/** Leaves [start, end) altered → the tree rendered (null: the template threw). */
type Probe = (start: number, end: number) => VirtualNode | null | 'spent';

/**
 * Whether the node's `value` reads any touched leaf: rendered with them altered, it shows with
 * another value. Where it does not show, each half is tried; a leaf that alone hides it is read
 * by its `wx:if` (or `wx:for`), not by its value.
 */
function readsTouched(candidate: Candidate, count: number, probe: Probe): boolean {
  const groups: [number, number][] = [[0, count]];
  for (let group = groups.shift(); group; group = groups.shift()) {
    const [start, end] = group;
    const tree = probe(start, end);
    // Out of renders: leave what is shown, as WeChat does for data a binding does not read.
    if (tree === 'spent') return false;
    const twin = tree && follow(tree, candidate.steps);
    if (twin) {
      if (valueOf(twin) !== valueOf(candidate.node)) return true;
    } else if (end - start > 1) {
      const middle = (start + end) >> 1;
      groups.push([start, middle], [middle, end]);
    }
  }
  return false;
}

/**
 * Applies `value` again to each node whose binding reads data that this setData touched and
 * whose component holds another value; see the module comment.
 */
export function rebindValues(
  tree: VirtualNode,
  changes: DataChange[],
  data: Record<string, unknown>,
  runtime: RebindRuntime,
): void {
  if (!changes.some((change) => change && change[0].length > 0)) return;
  const stale = candidates(tree, runtime);
  if (stale.length === 0) return;
  const leaves = touchedLeaves(data, changes);
  if (leaves.length === 0) return;
  const renders = new Map<string, VirtualNode | null>();
  let budget = PROBE_BUDGET;
  const probe: Probe = (start, end) => {
    const key = `${start}:${end}`;
    if (!renders.has(key)) {
      if (budget === 0) return 'spent';
      budget -= 1;
      let rendered: VirtualNode | null = null;
      try {
        rendered = runtime.generate(alteredAt(data, leaves.slice(start, end)));
      } catch {
        // A template that cannot render this alteration: as if the node did not show.
      }
      renders.set(key, rendered);
    }
    return renders.get(key) ?? null;
  };
  for (const candidate of stale) {
    if (readsTouched(candidate, leaves.length, probe))
      runtime.apply(candidate.node.exparserNode, valueOf(candidate.node));
  }
}
