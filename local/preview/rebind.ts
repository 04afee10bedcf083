/**
 * A bound `value` that setData sets again reaches the component even when it equals what was
 * rendered last, as on WeChat.
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
 * setData touched the data its binding reads is found by rendering once more with that data
 * altered: if the node's `value` comes out different, the binding reads it, and the value is
 * applied again, as WeChat would. A binding that reads none of it (vant's field re-rendering for
 * `showClear` while the user types) keeps what is shown.
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

/**
 * The same data with every string and number changed and the shape kept: arrays keep their
 * length and booleans their value, so `wx:for` and most `wx:if` render the same nodes.
 */
function altered(value: unknown): unknown {
  if (typeof value === 'string') return value + PROBE_MARK;
  if (typeof value === 'number') return Number.isFinite(value) ? value + 1 : 0;
  if (Array.isArray(value)) return value.map(altered);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, altered(item)]));
  }
  return value;
}

/** `data` with the value at each changed path altered, the original left as it was. */
function probeData(data: Record<string, unknown>, changes: DataChange[]): Record<string, unknown> {
  const root: Record<string, unknown> = { ...data };
  for (const change of changes) {
    if (!change || change[0].length === 0) continue;
    const path = change[0];
    let container: Record<string | number, unknown> = root;
    for (const step of path.slice(0, -1)) {
      const next = container[step];
      if (next === null || typeof next !== 'object') break;
      const copy = Array.isArray(next) ? [...next] : { ...next };
      container[step] = copy;
      container = copy as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    container[last] = altered(container[last]);
  }
  return root;
}

const valueOf = (node: VirtualNode): unknown =>
  node.attrs.find((attr) => attr.name === 'value')?.value;

/** One step down the tree: the n-th child of the same kind, so a sibling shown or hidden before it does not matter. */
interface Step {
  tagName: string;
  componentId: string;
  key: string | undefined;
  type: number;
  nth: number;
}

function stepTo(parent: VirtualNode, child: VirtualNode): Step {
  const same = (other: VirtualNode) =>
    other.type === child.type &&
    other.tagName === child.tagName &&
    other.componentId === child.componentId &&
    other.key === child.key;
  return {
    tagName: child.tagName,
    componentId: child.componentId,
    key: child.key,
    type: child.type,
    nth: parent.children.filter(same).indexOf(child),
  };
}

function follow(root: VirtualNode, steps: Step[]): VirtualNode | undefined {
  let node: VirtualNode | undefined = root;
  for (const step of steps) {
    node = node?.children.filter(
      (other) =>
        other.type === step.type &&
        other.tagName === step.tagName &&
        other.componentId === step.componentId &&
        other.key === step.key,
    )[step.nth];
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
  let probe: VirtualNode | undefined;
  try {
    probe = runtime.generate(probeData(data, changes));
  } catch {
    // A template that cannot render the altered data: leave what is shown, as before.
    return;
  }
  for (const { node, steps } of stale) {
    const twin = follow(probe, steps);
    // Gone in the probe: the touched data decides whether the node exists, so it is bound to it.
    if (!twin || valueOf(twin) !== valueOf(node)) runtime.apply(node.exparserNode, valueOf(node));
  }
}
