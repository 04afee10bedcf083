/**
 * The promise-style subset of wx-server-sdk's database API the suite uses. The SDK's own typings
 * model the legacy callback style (every call may return void), which buries the real result
 * types; this narrow view keeps the tests strictly typed.
 */
export type SdkDocument = Record<string, unknown> & { _id?: string | number };

export interface SdkCondition {
  and(...conditions: unknown[]): SdkCondition;
  or(...conditions: unknown[]): SdkCondition;
}

type Operator = (...operands: unknown[]) => SdkCondition;

export interface SdkCommand {
  eq: Operator;
  neq: Operator;
  gt: Operator;
  gte: Operator;
  lt: Operator;
  lte: Operator;
  in: Operator;
  nin: Operator;
  and: Operator;
  or: Operator;
  exists: Operator;
  size: Operator;
  all: Operator;
  elemMatch: Operator;
  inc: Operator;
  mul: Operator;
  min: Operator;
  max: Operator;
  set: Operator;
  remove: Operator;
  rename: Operator;
  push: Operator;
  pull: Operator;
  pullAll: Operator;
  addToSet: Operator;
  pop: Operator;
  shift: Operator;
  unshift: Operator;
  /** Aggregation expression operators (`$.sum`, `$.size`, …). */
  aggregate: Record<string, (...operands: unknown[]) => unknown>;
}

export interface SdkQuery {
  where(condition: object): SdkQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): SdkQuery;
  skip(offset: number): SdkQuery;
  limit(max: number): SdkQuery;
  field(projection: object): SdkQuery;
  get(): Promise<{ data: SdkDocument[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: object }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface SdkDocumentReference {
  field(projection: object): SdkDocumentReference;
  get(): Promise<{ data: SdkDocument }>;
  set(options: {
    data: object;
  }): Promise<{ _id: string | number; stats: { updated: number; created: number } }>;
  update(options: { data: object }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface SdkAggregate {
  match(condition: object): SdkAggregate;
  group(spec: object): SdkAggregate;
  sort(spec: object): SdkAggregate;
  skip(count: number): SdkAggregate;
  limit(count: number): SdkAggregate;
  project(spec: object): SdkAggregate;
  count(field: string): SdkAggregate;
  unwind(spec: string | object): SdkAggregate;
  lookup(spec: object): SdkAggregate;
  addFields(spec: object): SdkAggregate;
  end(): Promise<{ list: SdkDocument[] }>;
}

export interface SdkCollection extends SdkQuery {
  doc(id: string | number): SdkDocumentReference;
  add(options: { data: object[] }): Promise<{ _ids: string[] }>;
  add(options: { data: object }): Promise<{ _id: string }>;
  aggregate(): SdkAggregate;
}

export interface SdkTransaction {
  collection(name: string): SdkCollection;
  commit(): Promise<unknown>;
  rollback(reason?: unknown): Promise<unknown>;
}

export interface SdkDatabase {
  command: SdkCommand;
  serverDate(options?: { offset?: number }): unknown;
  RegExp(options: { regexp: string; options?: string }): unknown;
  collection(name: string): SdkCollection;
  createCollection(name: string): Promise<unknown>;
  runTransaction<T>(run: (transaction: SdkTransaction) => Promise<T>, retries?: number): Promise<T>;
  startTransaction(): Promise<SdkTransaction>;
}
