/**
 * The `database.*` actions of `POST /admin`: request bodies in, reply bodies out.
 *
 * Reply shapes are the ones @cloudbase/database 1.4.3 (used by node-sdk 3.x and wx-server-sdk 4)
 * reads: `data.list` of EJSON strings (get, aggregate), `data.insertedIds`, `data.total`,
 * `data.updated` + `data.upsert_id`, `data.deleted`, `data.updated` + `data.doc` (EJSON string),
 * and a top-level `transactionId` for startTransaction.
 */
import { EJSON } from 'bson';
import {
  decodeWireValue,
  encodeWireDocument,
  isPlainObject,
  resolveWireValue,
  type Document,
} from './codec.js';
import {
  actionNotSupported,
  collectionNotExist,
  collectionAlreadyExist,
  invalidParam,
} from './failures.js';
import type { CollectionOperations, DocumentView } from './operations.js';
import type { DocumentStore } from './storage.js';

export type RequestBody = Record<string, unknown>;
export type Reply = Record<string, unknown>;

/** The SDK sends no limit → 100, and never more than 1000; the emulator enforces the same. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/**
 * What one request may touch: the data it sees (committed, or its transaction's), the store for
 * collection management, and the time serverDate resolves to.
 */
export interface RequestContext {
  store: DocumentStore;
  view: DocumentView;
  operations: CollectionOperations;
  now: Date;
}

type ActionHandler = (body: RequestBody, context: RequestContext) => Reply;

function collectionName(body: RequestBody, context: RequestContext): string {
  const name = body.collectionName;
  if (typeof name !== 'string' || name.length === 0)
    throw invalidParam('collectionName is required');
  if (!context.view.hasCollection(name)) throw collectionNotExist(name);
  return name;
}

/** Decodes an EJSON parameter that may arrive as a string (SDK) or as an already-parsed object. */
function wireParam(value: unknown, name: string, now: Date): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      return decodeWireValue(value, now);
    } catch {
      throw invalidParam(`${name} is not valid EJSON`);
    }
  }
  if (typeof value === 'object')
    return resolveWireValue(EJSON.deserialize(value as Document, { relaxed: true }), now);
  throw invalidParam(`${name} must be an EJSON string`);
}

function documentParam(value: unknown, name: string, now: Date): Document | undefined {
  const decoded = wireParam(value, name, now);
  if (decoded === undefined) return undefined;
  if (!isPlainObject(decoded)) throw invalidParam(`${name} must be an object`);
  return decoded;
}

function filterParam(body: RequestBody, now: Date): Document {
  return documentParam(body.query, 'query', now) ?? {};
}

function numberParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
    throw invalidParam(`${name} must be a non-negative integer`);
  }
  return number;
}

/** Single-document requests (queryType DOC) never touch more than one document. */
function isMulti(body: RequestBody): boolean {
  return body.queryType !== 'DOC' && body.multi !== false && body.multi !== 'false';
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

const getDocument: ActionHandler = (body, context) => {
  const collection = collectionName(body, context);
  const limit = Math.min(numberParam(body.limit, 'limit') || DEFAULT_LIMIT, MAX_LIMIT);
  const offset = numberParam(body.offset, 'offset') ?? 0;
  const list = context.operations.find(collection, filterParam(body, context.now), {
    order: documentParam(body.order, 'order', context.now),
    offset,
    limit: body.queryType === 'DOC' ? 1 : limit,
    projection: documentParam(body.projection, 'projection', context.now),
  });
  return { data: { list: list.map(encodeWireDocument), offset, limit } };
};

const calculateDocument: ActionHandler = (body, context) => {
  const collection = collectionName(body, context);
  return { data: { total: context.operations.count(collection, filterParam(body, context.now)) } };
};

const insertDocument: ActionHandler = (body, context) => {
  const collection = collectionName(body, context);
  const items = Array.isArray(body.data) ? body.data : [body.data];
  if (items.length === 0) throw invalidParam('data must not be empty');
  const documents = items.map((item, index) => {
    const document = documentParam(item, `data[${index}]`, context.now);
    if (!document) throw invalidParam(`data[${index}] must be a document`);
    return document;
  });
  return { data: { insertedIds: context.operations.insert(collection, documents) } };
};

const modifyDocument: ActionHandler = (body, context) => {
  const collection = collectionName(body, context);
  const data = documentParam(body.data, 'data', context.now);
  if (!data) throw invalidParam('data is required');
  const result = context.operations.modify(collection, filterParam(body, context.now), data, {
    multi: isMulti(body),
    upsert: isTrue(body.upsert),
    merge: body.merge === undefined ? true : isTrue(body.merge),
  });
  // CloudBase's HTTP API reports matched and modified apart; the SDK reads `updated` (= modified).
  const reply: Document = { updated: result.updated, matched: result.matched };
  if (result.upsertedId !== undefined) reply.upsert_id = result.upsertedId;
  return { data: reply };
};

const modifyAndReturnDoc: ActionHandler = (body, context) => {
  const collection = collectionName(body, context);
  const data = documentParam(body.data, 'data', context.now);
  if (!data) throw invalidParam('data is required');
  const result = context.operations.modifyAndReturn(
    collection,
    filterParam(body, context.now),
    data,
  );
  return {
    data: {
      updated: result.updated,
      doc: result.document ? encodeWireDocument(result.document) : null,
    },
  };
};

const removeDocument: ActionHandler = (body, context) => {
  const collection = collectionName(body, context);
  return {
    data: {
      deleted: context.operations.remove(collection, filterParam(body, context.now), isMulti(body)),
    },
  };
};

const aggregateDocuments: ActionHandler = (body, context) => {
  const collection = collectionName(body, context);
  if (!Array.isArray(body.stages)) throw invalidParam('stages must be an array');
  const pipeline = body.stages.map((stage, index) => {
    if (!isPlainObject(stage) || typeof stage.stageKey !== 'string')
      throw invalidParam(`stages[${index}] is malformed`);
    return { [stage.stageKey]: wireParam(stage.stageValue, `stages[${index}]`, context.now) };
  });
  return {
    data: { list: context.operations.aggregate(collection, pipeline).map(encodeWireDocument) },
  };
};

const addCollection: ActionHandler = (body, context) => {
  const name = body.collectionName;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_\-.]{1,128}$/.test(name)) {
    throw invalidParam('collectionName must be 1-128 letters, digits, "_", "-" or "."');
  }
  if (!context.store.createCollection(name)) throw collectionAlreadyExist(name);
  return { data: {} };
};

/** Handlers that run inside the request's SQLite transaction, or on its CloudBase transaction. */
export const DOCUMENT_ACTIONS: Record<string, ActionHandler> = {
  'database.getDocument': getDocument,
  'database.calculateDocument': calculateDocument,
  'database.insertDocument': insertDocument,
  'database.modifyDocument': modifyDocument,
  'database.modifyAndReturnDoc': modifyAndReturnDoc,
  'database.removeDocument': removeDocument,
  'database.aggregateDocuments': aggregateDocuments,
  'database.addCollection': addCollection,
};

export const TRANSACTION_ACTIONS = {
  start: 'database.startTransaction',
  commit: 'database.commitTransaction',
  abort: 'database.abortTransaction',
} as const;

export function unknownAction(action: string): never {
  throw actionNotSupported(action);
}

export function transactionIdOf(body: RequestBody): string | undefined {
  const id = body.transactionId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
