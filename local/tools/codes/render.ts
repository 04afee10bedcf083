/**
 * `codes render`: print files for the codes of a CSV (or an index range of it) into a folder or
 * a zip: the chosen images per code, plus `codes.csv` (index,code,url) for the selection so the
 * printer's data and images travel together.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import {
  createZipStream,
  csvHeader,
  csvRow,
  needsMatrix,
  PRINT_CSV_COLUMNS,
  PrintError,
  readCsvRecords,
  renderRecordFiles,
  type PrintFile,
  type PrintFormat,
  type RenderOptions,
} from '../../../cloudfunctions/core/print';
import { writeAtomically } from './output';
import { createProgress } from './progress';

export interface RenderCommandOptions {
  csvFile: string;
  out: string;
  formats: PrintFormat[];
  from?: number;
  to?: number;
  render: RenderOptions;
  progress: boolean;
  stderr: NodeJS.WriteStream;
}

export interface RenderSummary {
  codes: number;
  files: number;
  seconds: number;
}

/** A destination for print files: a folder on disk or a streaming zip. */
const LISTING_NAME = 'codes.csv';

interface Sink {
  put(file: PrintFile): Promise<void>;
  /** Adds the listing file as codes.csv and completes the output. */
  close(listingFile: string): Promise<void>;
}

export async function renderCsv(options: RenderCommandOptions): Promise<RenderSummary> {
  const started = process.hrtime.bigint();
  const progress = createProgress(options.progress, options.stderr);
  const zip = options.out.toLowerCase().endsWith('.zip');
  let codes = 0;
  let files = 0;
  if (!zip && (await exists(options.out))) {
    throw new PrintError(
      'PRINT_BAD_FORMAT',
      `输出文件夹 ${options.out} 已存在；请换一个名字或先删除它`,
    );
  }

  await writeAtomically(options.out, async (partial, scratch) => {
    const sink = zip ? await zipSink(partial) : await folderSink(partial);
    const input = createReadStream(options.csvFile);
    // The selection's index,code,url goes to a side file as it is read (memory stays flat for a
    // large range) and joins the output as codes.csv at the end.
    const listingFile = scratch('.codes.csv');
    const listing = createWriteStream(listingFile);
    try {
      listing.write(csvHeader(PRINT_CSV_COLUMNS));
      for await (const record of readCsvRecords(input)) {
        if (options.from !== undefined && record.index < options.from) continue;
        if (options.to !== undefined && record.index > options.to) continue;
        if (needsMatrix(options.formats) && record.matrix === undefined) {
          throw new PrintError(
            'PRINT_BAD_CSV',
            'CSV 没有 matrix 列，只能生成 QR 图片（--formats qr）；微码图片请用 decrypt 生成的 CSV',
          );
        }
        for (const file of renderRecordFiles(record, options.formats, options.render)) {
          await sink.put(file);
          files += 1;
        }
        if (!listing.write(csvRow(record, PRINT_CSV_COLUMNS))) await once(listing, 'drain');
        codes += 1;
        progress.update(codes, 0);
      }
      if (codes === 0) {
        throw new PrintError('PRINT_BAD_CSV', '所选范围内没有码（检查 --from/--to 和 CSV 的序号）');
      }
      listing.end();
      await finished(listing);
      await sink.close(listingFile);
      files += 1;
    } finally {
      input.destroy();
      listing.destroy();
      progress.done();
    }
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { codes, files, seconds };
}

async function folderSink(root: string): Promise<Sink> {
  const made = new Set<string>();
  await mkdir(root, { recursive: true });
  return {
    async put(file) {
      const target = path.join(root, file.path);
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      await writeFile(target, file.content);
    },
    async close(listingFile) {
      await rename(listingFile, path.join(root, LISTING_NAME));
    },
  };
}

async function zipSink(target: string): Promise<Sink> {
  const zip = createZipStream();
  const output = createWriteStream(target);
  zip.stream.pipe(output);
  return {
    put: (file) => zip.add(file),
    async close(listingFile) {
      await zip.addFile(LISTING_NAME, listingFile);
      await zip.finalize();
      await finished(output);
    },
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
