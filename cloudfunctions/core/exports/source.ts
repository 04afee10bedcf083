/**
 * What one kind of background export is to the machine (core/exports/jobs.ts): its own module, so
 * the sources (core/exports/sources.ts) and the machine both depend on it and not on each other.
 */
import type { ExportKind } from '../../../typings/admin.js';

/** Where a job stands in its rows: the last row written, by its order key and id. */
export interface ExportCursor {
  at: number;
  id: string;
}

/** How one kind of export reads its rows. `F` is its filter, `C` what a run reads once. */
export interface ExportSource<F, R, C = undefined> {
  kind: ExportKind;
  header: readonly string[];
  title(filter: F): string;
  /** Rows expected (before the 2,000,000 cap). */
  plan(filter: F, until: number): Promise<number>;
  /** Up to `size` rows after `cursor` (from the start without one), recorded by `until`. */
  page(
    filter: F,
    until: number,
    cursor: ExportCursor | undefined,
    size: number,
  ): Promise<{ rows: R[]; cursor?: ExportCursor }>;
  /** Read once per run, e.g. a channel QR code's tags. */
  context(filter: F): Promise<C>;
  line(row: R, context: C): string;
  fileName(filter: F, index: number): string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySource = ExportSource<any, any, any>;
