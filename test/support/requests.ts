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
