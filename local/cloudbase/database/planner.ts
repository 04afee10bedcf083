/**
 * Turns a Mongo filter into an SQL prefilter that can use the `_id` key and declared indexes.
 *
 * The prefilter only narrows the candidates; mingo then applies the exact filter, so correctness
 * never depends on this module. The one rule here is: the SQL must select a SUPERSET of the
 * documents the filter matches. Hence:
 * - only top-level fields (a dotted path may cross an array, which `json_extract` cannot follow);
 * - arrays stay candidates (Mongo matches `{tags: 'a'}` against `tags: ['a', 'b']`), and
 *   `json_extract` returns an array as JSON text starting with `[`;
 * - only scalar operands (string, finite number, boolean), and ranges only on numbers, whose
 *   order SQLite and Mongo agree on;
 * - anything not understood contributes no condition (i.e. "all rows").
 */
import { idKey, isPlainObject, isSqlScalar, type Document } from './codec.js';
import { fieldExpression, type SqlPrefilter } from './rows.js';

const RANGE_OPERATORS: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

function bindable(value: string | number | boolean): string | number {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function orArrayCandidateOf(expression: string, condition: string): string {
  return `(${condition} OR ${expression} BETWEEN '[' AND '[' || char(1114111))`;
}

function planIdCondition(condition: unknown): SqlPrefilter | null {
  const equalTo = isPlainObject(condition)
    ? Object.keys(condition).length === 1
      ? condition.$eq
      : undefined
    : condition;
  if (typeof equalTo === 'string' || (typeof equalTo === 'number' && Number.isFinite(equalTo))) {
    return { where: 'id = ?', params: [idKey(equalTo)] };
  }
  if (
    isPlainObject(condition) &&
    Object.keys(condition).length === 1 &&
    Array.isArray(condition.$in)
  ) {
    const values = condition.$in;
    if (
      values.length > 0 &&
      values.every((value) => typeof value === 'string' || typeof value === 'number')
    ) {
      return { where: `id IN (${values.map(() => '?').join(', ')})`, params: values.map(idKey) };
    }
  }
  return null;
}

function planFieldCondition(
  path: string,
  condition: unknown,
  scalarPaths: ReadonlySet<string>,
): SqlPrefilter | null {
  const expression = fieldExpression(path);
  // A path known to hold no array in this collection needs no array candidates.
  const orArrayCandidate = scalarPaths.has(path)
    ? (_expression: string, sql: string) => sql
    : orArrayCandidateOf;
  if (isSqlScalar(condition)) {
    return {
      where: orArrayCandidate(expression, `${expression} = ?`),
      params: [bindable(condition)],
    };
  }
  if (!isPlainObject(condition)) return null;
  const parts: SqlPrefilter[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (operator === '$eq' && isSqlScalar(operand)) {
      parts.push({
        where: orArrayCandidate(expression, `${expression} = ?`),
        params: [bindable(operand)],
      });
    } else if (
      operator === '$in' &&
      Array.isArray(operand) &&
      operand.length > 0 &&
      operand.every(isSqlScalar)
    ) {
      const values = operand as (string | number | boolean)[];
      parts.push({
        where: orArrayCandidate(
          expression,
          `${expression} IN (${values.map(() => '?').join(', ')})`,
        ),
        params: values.map(bindable),
      });
    } else if (
      operator in RANGE_OPERATORS &&
      typeof operand === 'number' &&
      Number.isFinite(operand)
    ) {
      parts.push({
        where: orArrayCandidate(expression, `${expression} ${RANGE_OPERATORS[operator]} ?`),
        params: [operand],
      });
    }
  }
  return combine(parts, 'AND');
}

function combine(parts: SqlPrefilter[], joiner: 'AND' | 'OR'): SqlPrefilter | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0];
  return {
    where: parts.map((part) => `(${part.where})`).join(` ${joiner} `),
    params: parts.flatMap((part) => part.params),
  };
}

/** Returns the SQL superset filter for `filter`, or null when nothing usable was found. */
export function planPrefilter(
  filter: Document,
  indexedPaths: ReadonlySet<string>,
  scalarPaths: ReadonlySet<string> = new Set(),
): SqlPrefilter | null {
  const parts: SqlPrefilter[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    let part: SqlPrefilter | null = null;
    if (key === '_id') part = planIdCondition(condition);
    else if (key === '$and' && Array.isArray(condition)) {
      part = combine(
        condition
          .filter(isPlainObject)
          .map((branch) => planPrefilter(branch, indexedPaths, scalarPaths))
          .filter((p) => p !== null),
        'AND',
      );
    } else if (key === '$or' && Array.isArray(condition) && condition.length > 0) {
      // Every branch must be narrowed, or the union is the whole collection anyway.
      const branches = condition.map((branch) =>
        isPlainObject(branch) ? planPrefilter(branch, indexedPaths, scalarPaths) : null,
      );
      if (branches.every((branch) => branch !== null))
        part = combine(branches as SqlPrefilter[], 'OR');
    } else if (!key.startsWith('$') && !key.includes('.') && indexedPaths.has(key)) {
      part = planFieldCondition(key, condition, scalarPaths);
    }
    if (part) parts.push(part);
  }
  return combine(parts, 'AND');
}
