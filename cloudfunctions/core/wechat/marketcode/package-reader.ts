/**
 * Streaming reader for a marketcode code package: text in, `CodeRecord`s out, in constant memory.
 *
 *   source (base64 text, or the whole applycodedownload JSON reply)
 *     → the `buffer` string pulled out of the reply without holding it (package-reply.ts)
 *     → base64 decoded chunk by chunk (package-base64.ts)
 *     → AES-CBC deciphered (package.ts createPackageDecipher; its failures are read here)
 *     → split into lines and parsed (package-lines.ts → package.ts parsePackageLine)
 *
 * This module runs the stages; every stage reports a PackageReadError (package-read-error.ts).
 *
 * A package is large (20,000,000 codes is about 8 GB of text) and every stage holds at most one
 * input chunk plus a few bytes of carry. Records come out in batches, one per decrypted chunk, so
 * the per-code cost is a parse and nothing else; `readPackageRecords` flattens them for callers
 * that want one at a time.
 *
 * Records are yielded as they are decrypted, and some failures (bad padding, a truncated package)
 * only show at the end: a consumer must treat the package as accepted only once iteration has
 * completed without throwing (the CLI writes to a `.partial` file, the import is all-or-nothing).
 */
import { Readable } from 'node:stream';
import type { AppError } from '../../errors.js';
import { createPackageDecipher, type CodeRecord } from './package.js';
import { Base64StreamDecoder } from './package-base64.js';
import { LineSplitter, type PackageLineBatch } from './package-lines.js';
import { PackageReadError } from './package-read-error.js';
import { EnvelopeReader } from './package-reply.js';

/** What a package can be read from: a Readable (or any async iterable of chunks), or all of it. */
export type PackageSource = AsyncIterable<Uint8Array | string> | Uint8Array | string;

export interface PackageReadOptions {
  /** Called with the number of source bytes consumed so far, once per source chunk. */
  onSourceBytes?: (bytes: number) => void;
}

/**
 * The package as batches of checked lines, one batch per decrypted chunk, without a string or
 * object per code: the fastest way through a package (the CLI turns these straight into CSV
 * bytes). Every line in a batch has passed the same checks as parsePackageLine.
 */
export async function* readPackageLines(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): AsyncGenerator<PackageLineBatch, void, undefined> {
  let decipher;
  try {
    decipher = createPackageDecipher(packageKey);
  } catch (error) {
    throw new PackageReadError(
      'PACKAGE_KEY_INVALID',
      '码包密钥长度不对：应为 16、24 或 32 个字节',
      error instanceof Error ? error.message : String(error),
      undefined,
      { cause: error },
    );
  }
  const envelope = new EnvelopeReader();
  const base64 = new Base64StreamDecoder();
  const lines = new LineSplitter();
  let sourceBytes = 0;
  let cipherBytes = 0;
  let records = 0;

  for await (const chunk of chunksOf(source)) {
    sourceBytes += chunk.length;
    options.onSourceBytes?.(sourceBytes);
    for (const text of envelope.push(chunk)) {
      const ciphertext = base64.push(text);
      if (ciphertext.length === 0) continue;
      cipherBytes += ciphertext.length;
      const batch = lines.push(decipher.update(ciphertext));
      records += batch.length;
      if (batch.length > 0) yield batch;
    }
  }

  envelope.end();
  const tail = base64.end();
  cipherBytes += tail.length;
  if (cipherBytes === 0) {
    throw new PackageReadError('PACKAGE_EMPTY', '码包是空的', 'no ciphertext in the source');
  }
  const beforeFinal = lines.push(decipher.update(tail));
  let final: Buffer;
  try {
    final = decipher.final();
  } catch (error) {
    throw decipherFailure(error, cipherBytes, lines.lineNumber);
  }
  for (const batch of [beforeFinal, lines.push(final), lines.end()]) {
    records += batch.length;
    if (batch.length > 0) yield batch;
  }
  if (records === 0) {
    throw new PackageReadError('PACKAGE_EMPTY', '码包里没有码', 'the plaintext has no lines');
  }
}

/** Records in batches, one batch per decrypted chunk: the cheap way to get CodeRecords. */
export async function* readPackageBatches(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): AsyncGenerator<CodeRecord[], void, undefined> {
  for await (const batch of readPackageLines(source, packageKey, options)) yield batch.records();
}

/** Records one at a time, for callers that prefer it to batches. */
export async function* readPackageRecords(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): AsyncGenerator<CodeRecord, void, undefined> {
  for await (const batch of readPackageBatches(source, packageKey, options)) yield* batch;
}

/** The same records as an object-mode Readable, for `pipeline()` users. */
export function packageRecordStream(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): Readable {
  return Readable.from(readPackageRecords(source, packageKey, options), { objectMode: true });
}

async function* chunksOf(source: PackageSource): AsyncGenerator<Buffer> {
  if (typeof source === 'string') {
    yield Buffer.from(source, 'utf8');
    return;
  }
  if (source instanceof Uint8Array) {
    yield Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    return;
  }
  for await (const chunk of source) {
    yield typeof chunk === 'string'
      ? Buffer.from(chunk, 'utf8')
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

function decipherFailure(error: unknown, cipherBytes: number, lineNumber: number): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  if (cipherBytes % 16 !== 0 || /wrong final block length/i.test(reason)) {
    return new PackageReadError(
      'PACKAGE_TRUNCATED',
      '码包不完整（密文长度不是 16 字节的整数倍），请重新下载',
      `${cipherBytes} ciphertext bytes: ${reason}`,
      undefined,
      { cause: error },
    );
  }
  // With AES-CBC a wrong key only shows as bad padding at the very end (or as garbage lines,
  // caught earlier); a package cut at a block boundary looks the same, so say both.
  return new PackageReadError(
    'PACKAGE_WRONG_KEY',
    '码包解密失败：密钥不对，或码包已损坏/不完整',
    `${reason} after ${lineNumber} lines`,
    undefined,
    { cause: error },
  );
}
