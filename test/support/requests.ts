/**
 * Watches the requests the functions make of the emulator (they reach it in this process), for
 * tests and benchmarks that count database round trips. The request itself goes on unchanged.
 */
import type { Stack } from '../../local/stack';

export function onDatabaseRequest(
  stack: Pick<Stack, 'database'>,
  see: (action: string, collection: string | undefined) => void,
): void {
  const { database } = stack;
  const handle = database.handle.bind(database);
  database.handle = (action, body, signal) => {
    see(action, typeof body.collectionName === 'string' ? body.collectionName : undefined);
    return handle(action, body, signal);
  };
}

export function onStorageRequest(
  stack: Pick<Stack, 'storage'>,
  see: (action: string) => void,
): void {
  const { storage } = stack;
  const handle = storage.handle.bind(storage);
  storage.handle = (action, body) => {
    see(action);
    return handle(action, body);
  };
}

/**
 * Holds the next database request that `matches` until the test lets it go: a claim frozen at
 * one step, while the test does what the world might do meanwhile (pause the campaign, run the
 * holds sweep). `reached` resolves when the request arrives; `release` sends it on, unchanged.
 * Only the first matching request is held.
 */
export function holdDatabaseRequest(
  stack: Pick<Stack, 'database'>,
  matches: (action: string, collection: string | undefined) => boolean,
): { reached: Promise<void>; release: () => void } {
  const { database } = stack;
  const handle = database.handle.bind(database);
  let armed = true;
  let arrived!: () => void;
  let go!: () => void;
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const released = new Promise<void>((resolve) => (go = resolve));
  database.handle = async (action, body, signal) => {
    const collection = typeof body.collectionName === 'string' ? body.collectionName : undefined;
    if (armed && matches(action, collection)) {
      armed = false;
      database.handle = handle;
      arrived();
      await released;
    }
    return handle(action, body, signal);
  };
  return { reached, release: go };
}

/**
 * Resolves when the next database request that `matches` arrives (it goes on unchanged). Arm it
 * before holdDatabaseRequest when both are used: a hold, once it matched, puts back the handler
 * it found.
 */
export function nextDatabaseRequest(
  stack: Pick<Stack, 'database'>,
  matches: (action: string, collection: string | undefined) => boolean,
): Promise<void> {
  const { database } = stack;
  const handle = database.handle.bind(database);
  let armed = true;
  return new Promise<void>((arrived) => {
    database.handle = (action, body, signal) => {
      const collection = typeof body.collectionName === 'string' ? body.collectionName : undefined;
      if (armed && matches(action, collection)) {
        armed = false;
        arrived();
      }
      return handle(action, body, signal);
    };
  });
}
