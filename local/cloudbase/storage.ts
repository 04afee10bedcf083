import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CloudBaseError, ErrorCode } from './errors';

/** How long a temporary download URL lives when the caller does not say (CloudBase: 1 day max). */
const DEFAULT_MAX_AGE_S = 2 * 60 * 60;

/**
 * How long an upload target from getUploadMetadata may be used. COS signs it with a key time
 * (q-key-time); CloudBase does not document its length (UNVERIFIED), so this is ours: long
 * enough for a slow phone upload, short enough that a leaked target soon stops working.
 */
export const UPLOAD_TTL_S = 10 * 60;

/**
 * Cloud storage on local disk: the `storage.*` actions of `POST /admin` and the object endpoint
 * the SDK uploads to and downloads from. Uploads and downloads are authorised by an HMAC of the
 * object path (and expiry), the way COS pre-signed URLs are, so a URL handed out by one action
 * cannot be altered to reach another file.
 */
export class FileStorage {
  constructor(
    private readonly root: string,
    private readonly envId: string,
    private readonly secret: string,
    private readonly publicBase: () => string,
    /** The clock that upload and download expiries are read against (tests move it). */
    private readonly now: () => number = Date.now,
  ) {}

  fileIdOf(cloudPath: string): string {
    return `cloud://${this.envId}.${this.envId}-local/${cloudPath}`;
  }

  async handle(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (action) {
      case 'storage.getUploadMetadata':
        return { data: this.uploadMetadata(requireCloudPath(body.path)) };
      case 'storage.batchGetDownloadUrl':
        return {
          data: {
            download_list: await Promise.all(
              fileList(body.file_list).map((item) => this.downloadUrl(item)),
            ),
          },
        };
      case 'storage.batchDeleteFile':
        return {
          data: {
            delete_list: await Promise.all(
              stringList(body.fileid_list).map((fileID) => this.delete(fileID)),
            ),
          },
        };
      default:
        throw new CloudBaseError(
          ErrorCode.ActionNotSupported,
          `storage action ${action} is not supported by the local emulator`,
        );
    }
  }

  /** Writes an uploaded object if its authorisation matches its path. */
  async put(cloudPath: string, authorization: string | undefined, content: Buffer): Promise<void> {
    const safe = requireCloudPath(cloudPath);
    // `<expiry seconds>.<HMAC of path and expiry>`: the expiry cannot be moved without the key.
    const [expires = '', signature = ''] = (authorization ?? '').split('.', 2);
    const deadline = Number(expires);
    if (!/^\d+$/.test(expires) || !this.verify(`put:${safe}:${deadline}`, signature)) {
      throw new CloudBaseError(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided',
        403,
      );
    }
    if (deadline * 1000 < this.now())
      throw new CloudBaseError('AccessDenied', 'Request has expired', 403);
    const file = this.fileOf(safe);
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const partial = `${file}.${randomUUID()}.partial`;
    await writeFile(partial, content);
    await rename(partial, file);
  }

  /** Opens an object for a temporary URL, or explains why not. */
  async open(
    cloudPath: string,
    expires: string | undefined,
    sign: string | undefined,
  ): Promise<{ stream: NodeJS.ReadableStream; size: number }> {
    const safe = requireCloudPath(cloudPath);
    const deadline = Number(expires);
    if (!sign || !Number.isFinite(deadline) || !this.verify(`get:${safe}:${deadline}`, sign)) {
      throw new CloudBaseError('AccessDenied', 'Request has invalid signature', 403);
    }
    if (deadline * 1000 < this.now())
      throw new CloudBaseError('AccessDenied', 'Request has expired', 403);
    const file = this.fileOf(safe);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile())
      throw new CloudBaseError('NoSuchKey', 'The specified key does not exist.', 404);
    return { stream: createReadStream(file), size: info.size };
  }

  private uploadMetadata(cloudPath: string): Record<string, string> {
    const expires = Math.floor(this.now() / 1000) + UPLOAD_TTL_S;
    return {
      url: `${this.publicBase()}/storage/objects/${encodePath(cloudPath)}`,
      token: 'local',
      authorization: `${expires}.${this.sign(`put:${cloudPath}:${expires}`)}`,
      fileId: this.fileIdOf(cloudPath),
      // COS's own id of the object; it travels in a header, so it must be plain ASCII.
      cosFileId: createHmac('md5', this.envId).update(cloudPath).digest('hex'),
      download_url: `${this.publicBase()}/storage/objects/${encodePath(cloudPath)}`,
    };
  }

  private async downloadUrl(item: {
    fileid: string;
    max_age?: number;
  }): Promise<Record<string, unknown>> {
    const cloudPath = this.pathOf(item.fileid);
    if (!cloudPath || !(await isFile(this.fileOf(cloudPath)))) {
      return {
        fileID: item.fileid,
        tempFileURL: '',
        code: ErrorCode.StorageFileNotExist,
        message: '文件不存在',
      };
    }
    const maxAge = item.max_age && item.max_age > 0 ? item.max_age : DEFAULT_MAX_AGE_S;
    const expires = Math.floor(this.now() / 1000) + maxAge;
    const sign = this.sign(`get:${cloudPath}:${expires}`);
    return {
      fileID: item.fileid,
      // Unencoded like COS's: the SDK applies encodeURI itself before downloading.
      tempFileURL: `${this.publicBase()}/storage/objects/${cloudPath}?expires=${expires}&sign=${sign}`,
      code: 'SUCCESS',
      maxAge,
    };
  }

  private async delete(fileID: string): Promise<Record<string, unknown>> {
    const cloudPath = this.pathOf(fileID);
    if (!cloudPath || !(await isFile(this.fileOf(cloudPath)))) {
      return { fileID, code: ErrorCode.StorageFileNotExist, message: '文件不存在' };
    }
    await rm(this.fileOf(cloudPath));
    return { fileID, code: 'SUCCESS' };
  }

  /** The path inside the bucket of a `cloud://env.bucket/path` file id. */
  private pathOf(fileID: string): string | undefined {
    const match = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileID);
    if (!match) return undefined;
    try {
      return requireCloudPath(match[1]);
    } catch {
      return undefined;
    }
  }

  private fileOf(cloudPath: string): string {
    return path.join(this.root, ...cloudPath.split('/'));
  }

  private sign(subject: string): string {
    return createHmac('sha256', this.secret).update(subject).digest('hex');
  }

  private verify(subject: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(subject));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** A cloud path is relative, `/`-separated and never climbs out of the bucket. */
function requireCloudPath(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CloudBaseError(ErrorCode.InvalidParam, 'cloudPath must be a non-empty string');
  }
  const trimmed = value.replace(/^\/+/, '');
  const segments = trimmed.split('/');
  if (
    segments.some(
      (segment) =>
        segment === '' ||
        segment === '.' ||
        segment === '..' ||
        segment.includes('\\') ||
        segment.includes('\0'),
    )
  ) {
    throw new CloudBaseError(ErrorCode.InvalidParam, `invalid cloudPath: ${value}`);
  }
  return trimmed;
}

function encodePath(cloudPath: string): string {
  return cloudPath.split('/').map(encodeURIComponent).join('/');
}

function fileList(value: unknown): { fileid: string; max_age?: number }[] {
  if (!Array.isArray(value))
    throw new CloudBaseError(ErrorCode.InvalidParam, 'file_list must be an array');
  return value.map((item: unknown) => {
    const entry = item as { fileid?: unknown; max_age?: unknown };
    if (typeof entry?.fileid !== 'string')
      throw new CloudBaseError(ErrorCode.InvalidParam, 'file_list items need a fileid');
    return {
      fileid: entry.fileid,
      max_age: typeof entry.max_age === 'number' ? entry.max_age : undefined,
    };
  });
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new CloudBaseError(ErrorCode.InvalidParam, 'fileid_list must be an array of strings');
  }
  return value as string[];
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}
