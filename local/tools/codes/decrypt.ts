/**
 * `codes decrypt`: a package file (base64 or the JSON reply) → CSV `index,code,url,matrix`.
 * One decrypted chunk at a time from file to file, so memory does not grow with the package.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { readPackageLines } from '../../../cloudfunctions/core/wechat/marketcode/package-reader';
import {
  csvHeader,
  decryptCsvBytes,
  DECRYPT_CSV_COLUMNS,
} from '../../../cloudfunctions/core/print/csv';
import { writeAtomically } from './output';
import { createProgress } from './progress';

export interface DecryptOptions {
  packageFile: string;
  key: string;
  out: string;
  progress: boolean;
  stderr: NodeJS.WriteStream;
}

export interface DecryptSummary {
  codes: number;
  firstIndex: number | undefined;
  lastIndex: number | undefined;
  sourceBytes: number;
  seconds: number;
}

/** Big reads: the per-chunk work (a regex, a decode, a decipher call) is then negligible. */
const READ_CHUNK = 1 << 20;

export async function decryptPackageFile(options: DecryptOptions): Promise<DecryptSummary> {
  const started = process.hrtime.bigint();
  const progress = createProgress(options.progress, options.stderr);
  let sourceBytes = 0;
  let codes = 0;
  let firstIndex: number | undefined;
  let lastIndex: number | undefined;

  await writeAtomically(options.out, async (partial) => {
    const input = createReadStream(options.packageFile, { highWaterMark: READ_CHUNK });
    const output = createWriteStream(partial);
    // Surface an output error (disk full) at the next write instead of as an unhandled event.
    let outputError: Error | undefined;
    output.on('error', (error) => (outputError = error));
    try {
      output.write(csvHeader(DECRYPT_CSV_COLUMNS));
      // Line batches, not CodeRecords: a row is then a few byte copies (see decryptCsvBytes).
      const batches = readPackageLines(input, options.key, {
        onSourceBytes: (bytes) => (sourceBytes = bytes),
      });
      for await (const batch of batches) {
        if (outputError) throw outputError;
        codes += batch.length;
        firstIndex ??= batch.indexes[0];
        lastIndex = batch.indexes[batch.length - 1];
        if (!output.write(decryptCsvBytes(batch))) await once(output, 'drain');
        progress.update(codes, sourceBytes);
      }
      output.end();
      await finished(output);
    } finally {
      input.destroy();
      output.destroy();
      progress.done();
    }
  });

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { codes, firstIndex, lastIndex, sourceBytes, seconds };
}
