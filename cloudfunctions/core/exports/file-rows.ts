/**
 * One export file's rows, read in pages after a cursor (core/exports/jobs.ts writes the file).
 * The next page is asked for as soon as this one's cursor is known, before this one's lines are
 * written, so the database reads while the function writes CSV; with the last page of a full
 * file goes a one-row peek, since the rows may end exactly at the file's end. No more than one
 * read is ever in flight.
 */
import type { ExportCursor } from './source.js';

export type PageReader<R> = (
  after: ExportCursor | undefined,
  size: number,
) => Promise<{ rows: R[]; cursor?: ExportCursor }>;

export interface FileLimits {
  /** Where the export stands: the last row written, and how many rows that was. */
  cursor?: ExportCursor;
  done: number;
  /** Rows per file, per page, and in the whole export. */
  fileRows: number;
  pageRows: number;
  maxRows: number;
}

export interface FileRows {
  /** One CSV line per row, in order. */
  lines: string[];
  rows: number;
  /** After the file's last row (the one given when the file is empty). */
  cursor?: ExportCursor;
  /** No rows are left, or the export reached its most. */
  ended: boolean;
}

export async function readFileRows<R>(
  read: PageReader<R>,
  line: (row: R) => string,
  limits: FileLimits,
): Promise<FileRows> {
  const { done, fileRows, pageRows, maxRows } = limits;
  /** Rows the next page may bring: a page, the file's rest, the export's rest. */
  const wantAfter = (rows: number) => Math.min(pageRows, fileRows - rows, maxRows - done - rows);
  const lines: string[] = [];
  let rows = 0;
  let cursor = limits.cursor;
  let ended = false;
  let want = wantAfter(0);
  let next = want > 0 ? read(cursor, want) : undefined;
  let peek: ReturnType<PageReader<R>> | undefined;
  while (next) {
    const page = await next;
    next = undefined;
    rows += page.rows.length;
    if (page.cursor) cursor = page.cursor;
    if (page.rows.length < want) ended = true;
    else if (wantAfter(rows) > 0) next = read(cursor, (want = wantAfter(rows)));
    else if (done + rows < maxRows) peek = read(cursor, 1);
    for (const row of page.rows) lines.push(line(row));
  }
  if (!ended) ended = !peek || (await peek).rows.length === 0;
  return { lines, rows, ...(cursor ? { cursor } : {}), ended };
}
