/**
 * Writing an output file or folder so that it exists only when complete: everything goes to
 * `<path>.partial` and is renamed at the end. A failed or interrupted run leaves nothing that an
 * operator could mistake for a finished file (a printer fed half a CSV prints half the codes).
 */
import { rename, rm } from 'node:fs/promises';

const pending = new Set<string>();

export function partialPath(target: string): string {
  return `${target}.partial`;
}

/**
 * Runs `write(partial, scratch)`, then moves the partial output into place. `scratch(suffix)`
 * names a side file next to it; the partial output and every side file are removed on failure,
 * and side files on success too.
 */
export async function writeAtomically<T>(
  target: string,
  write: (partial: string, scratch: (suffix: string) => string) => Promise<T>,
): Promise<T> {
  const partial = partialPath(target);
  const mine = [partial];
  const scratch = (suffix: string): string => {
    const file = `${partial}${suffix}`;
    mine.push(file);
    pending.add(file);
    return file;
  };
  pending.add(partial);
  try {
    await rm(partial, { recursive: true, force: true });
    const result = await write(partial, scratch);
    await rename(partial, target);
    mine.shift();
    return result;
  } finally {
    await Promise.all(mine.map((p) => rm(p, { recursive: true, force: true })));
    for (const p of [partial, ...mine]) pending.delete(p);
  }
}

/** For a signal handler: removes the partial outputs still being written. */
export async function removePendingOutputs(): Promise<void> {
  await Promise.all([...pending].map((p) => rm(p, { recursive: true, force: true })));
}
