import { describe, expect, it } from 'vitest';
import { readFileRows, type PageReader } from '../../cloudfunctions/core/exports/file-rows';
import type { ExportCursor } from '../../cloudfunctions/core/exports/source';

/** `total` rows numbered from 0, paged by cursor as the sources do; every read is recorded. */
function table(total: number) {
  const reads: { after?: number; size: number }[] = [];
  const events: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const read: PageReader<number> = async (after, size) => {
    reads.push({ ...(after ? { after: after.at } : {}), size });
    events.push(`read ${after?.at ?? 'start'}`);
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    const from = after ? after.at + 1 : 0;
    const rows = Array.from(
      { length: Math.max(0, Math.min(size, total - from)) },
      (_, i) => from + i,
    );
    const last = rows.at(-1);
    return { rows, ...(last === undefined ? {} : { cursor: { at: last, id: `r${last}` } }) };
  };
  const line = (row: number) => {
    events.push(`line ${row}`);
    return `${row}\r\n`;
  };
  return { read, line, reads, events, mostInFlight: () => mostInFlight };
}

const LIMITS = { done: 0, fileRows: 10, pageRows: 4, maxRows: 25 };

/** Files until the export ends, as the scheduler's runs write them. */
async function exportAll(total: number, limits = LIMITS) {
  const source = table(total);
  const files: number[][] = [];
  let cursor: ExportCursor | undefined;
  let done = 0;
  for (;;) {
    const file = await readFileRows(source.read, source.line, { ...limits, cursor, done });
    files.push(file.lines.map((text) => Number(text.trim())));
    cursor = file.cursor;
    done += file.rows;
    if (file.ended) return { files, ...source };
  }
}

describe('an export file read in pages', () => {
  it('splits rows into files of the file size, the last one short', async () => {
    const { files, reads } = await exportAll(13);
    expect(files).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12],
    ]);
    // Pages of 4, 4 and the file's last 2, a peek past the file; then 4 that bring 3.
    expect(reads).toEqual([
      { size: 4 },
      { after: 3, size: 4 },
      { after: 7, size: 2 },
      { after: 9, size: 1 },
      { after: 9, size: 4 },
    ]);
  });

  it('ends on a file that ends exactly where the rows do, without an empty file after it', async () => {
    const { files } = await exportAll(20);
    expect(files.map((file) => file.length)).toEqual([10, 10]);
  });

  it('stops at the most an export holds, the rows past it left out', async () => {
    const { files, reads } = await exportAll(40);
    expect(files.map((file) => file.length)).toEqual([10, 10, 5]);
    expect(files.at(-1)).toEqual([20, 21, 22, 23, 24]);
    // No peek when the export is full: nothing past row 24 is asked for.
    expect(Math.max(...reads.map((read) => (read.after ?? -1) + read.size))).toBe(24);
  });

  it('asks for the next page before writing this one, one read at a time', async () => {
    const source = table(13);
    await readFileRows(source.read, source.line, LIMITS);
    expect(source.events.slice(0, 4)).toEqual(['read start', 'read 3', 'line 0', 'line 1']);
    expect(source.mostInFlight()).toBe(1);
  });
});
