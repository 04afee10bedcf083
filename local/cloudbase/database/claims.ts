/**
 * Write intents: which open transaction has written which document and which unique index entry
 * (transactions.ts tells the rules), and the committed view plain requests read and write
 * through, where a write that meets another transaction's claim must wait for it.
 */

import { idKey, type Document } from './codec.js';
import type { DocumentView } from './operations.js';
import type { OrderedReader, SqlPrefilter, StoredDocument } from './rows.js';
import type { DocumentStore } from './storage.js';

function intentKey(collection: string, key: string): string {
  return `${collection}\u0000${key}`;
}

/**
 * The unique index entries a write adds: an update that keeps a document's unique keys claims
 * none (a plain insert of a duplicate still hears "duplicate key", not a conflict).
 */
export function newUniqueKeys(
  store: DocumentStore,
  name: string,
  written: Document,
  before: Document | undefined,
): string[] {
  const keys = store.uniqueKeys(name, written);
  if (!before) return keys;
  const kept = new Set(store.uniqueKeys(name, before));
  return keys.filter((key) => !kept.has(key));
}

/** A unique index entry's claim, apart from any `_id` key. */
export function uniqueIntentKey(uniqueKey: string): string {
  return `\u0001${uniqueKey}`;
}

/**
 * Thrown by the committed view when a plain write meets a transaction's claim; never leaves the
 * coordinator, which rolls the request back, waits for `owner` to end and runs it again.
 */
export class ClaimedByTransaction extends Error {
  constructor(readonly owner: string) {
    super(`claimed by transaction ${owner}`);
    this.name = 'ClaimedByTransaction';
  }
}

/** Which open transaction has written which document. */
export class WriteIntents {
  private readonly owners = new Map<string, string>();

  /** True while no transaction has written anything: plain writes skip every check. */
  get none(): boolean {
    return this.owners.size === 0;
  }

  ownerOf(collection: string, key: string): string | undefined {
    return this.owners.get(intentKey(collection, key));
  }

  claim(collection: string, key: string, transactionId: string): void {
    this.owners.set(intentKey(collection, key), transactionId);
  }

  releaseAll(transactionId: string): void {
    for (const [key, owner] of this.owners) if (owner === transactionId) this.owners.delete(key);
  }
}

/** The committed state, where a write to a document an open transaction wrote must wait. */
export class CommittedView implements DocumentView {
  readonly ordered: OrderedReader;

  constructor(
    private readonly store: DocumentStore,
    private readonly intents: WriteIntents,
  ) {
    this.ordered = store;
  }

  hasCollection(name: string): boolean {
    return this.store.hasCollection(name);
  }

  indexedPaths(name: string): ReadonlySet<string> {
    return this.store.indexedPaths(name);
  }

  select(name: string, prefilter: SqlPrefilter | null, omit?: readonly string[]): StoredDocument[] {
    return this.store.select(name, prefilter, omit);
  }

  selectByKey(name: string, key: string): StoredDocument | undefined {
    return this.store.selectByKey(name, key);
  }

  insert(name: string, document: Document): void {
    this.assertUnclaimed(name, idKey(document._id), document);
    this.store.insert(name, document);
  }

  replace(name: string, row: StoredDocument, next: Document, text: string): void {
    this.assertUnclaimed(name, idKey(row.document._id), next, row.document);
    this.store.replace(name, row.seq, next, text);
  }

  remove(name: string, row: StoredDocument): void {
    this.assertUnclaimed(name, idKey(row.document._id));
    this.store.delete(name, row.seq);
  }

  private assertUnclaimed(name: string, key: string, written?: Document, before?: Document): void {
    if (this.intents.none) return;
    const owner = this.intents.ownerOf(name, key);
    if (owner !== undefined) throw new ClaimedByTransaction(owner);
    for (const uniqueKey of written ? newUniqueKeys(this.store, name, written, before) : []) {
      const keyOwner = this.intents.ownerOf(name, uniqueIntentKey(uniqueKey));
      if (keyOwner !== undefined) throw new ClaimedByTransaction(keyOwner);
    }
  }
}
