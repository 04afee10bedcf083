/**
 * A zip written as a stream, for exports too large to hold: files go in one at a time and
 * `add()` waits while the archive is behind, so memory stays flat however many codes there are.
 * ZIP64 is switched on by the archiver past 65,535 entries or 4 GB.
 */
import archiver from 'archiver';
import type { Readable } from 'node:stream';
import type { PrintFile } from './files.js';

export interface ZipStream {
  /** The archive bytes; pipe it somewhere before adding files, or `add()` waits forever. */
  stream: Readable;
  add(file: PrintFile): Promise<void>;
  /** Adds a file from disk, streamed (e.g. a large CSV written beside the images). */
  addFile(name: string, filePath: string): Promise<void>;
  /** Writes the central directory; the stream ends after it. */
  finalize(): Promise<void>;
}

/** Entries queued inside the archiver at most; each is one small image. */
const MAX_QUEUED = 64;

export function createZipStream(options: { level?: number } = {}): ZipStream {
  const archive = archiver('zip', { zlib: { level: options.level ?? 6 } });
  let queued = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  archive.on('entry', () => {
    queued -= 1;
    notify();
  });
  // A warning is a file the archiver could not read; ours are in memory, so it is a bug: fail.
  const fail = (error: Error): void => {
    failure ??= error;
    notify();
  };
  archive.on('warning', fail);
  archive.on('error', fail);

  return {
    stream: archive,
    async add(file) {
      if (failure) throw failure;
      // PNGs are deflated already: storing them saves the time and loses nothing.
      archive.append(typeof file.content === 'string' ? Buffer.from(file.content) : file.content, {
        name: file.path,
        store: file.path.endsWith('.png'),
      });
      queued += 1;
      while (queued >= MAX_QUEUED && !failure) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure) throw failure;
    },
    async addFile(name, filePath) {
      if (failure) throw failure;
      archive.file(filePath, { name });
      queued += 1;
      while (queued > 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
    },
    async finalize() {
      if (failure) throw failure;
      await archive.finalize();
      if (failure) throw failure;
    },
  };
}
