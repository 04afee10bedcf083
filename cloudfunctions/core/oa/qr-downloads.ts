/**
 * Downloads of channel QR codes (issue 11 point 6): one image, many as a zip, the links as CSV.
 * Each lands in cloud storage under `exports/<id>/` and is recorded as an export (kind
 * `qrDownload`), so the scheduler's `exports` retention deletes it after 7 days like every
 * other export; the answer carries a link valid a day.
 *
 * The logo in the centre is the batch's own when `logoFileId` names one (上传 Logo: a PNG or JPEG
 * the console uploaded under QR_LOGO_PREFIX, checked by domain/qr-logo.ts and refused with
 * LOGO_NOT_ALLOWED / LOGO_UNREADABLE / LOGO_WRONG_FORMAT / LOGO_TOO_LARGE / LOGO_TOO_SMALL before
 * anything is drawn or stored), else with `logo: true` the brand's (QR_LOGO_FILE_ID, or the
 * default mark when that is unset or unusable), else none.
 *
 * Round trips: image 1 read + 1 upload + 1 record + 1 link, +1 download for a logo file (the
 * batch's or the configured one); zip 1 read for up to 100 codes (the logo read once for all);
 * links CSV 1 read per 1,000 codes. A refused logo costs its 1 download and nothing else.
 */
import { randomUUID } from 'node:crypto';
import type { DownloadResult, QrImageSize } from '../../../typings/admin.js';
import { downloadFile, uploadFile } from '../data/storage.js';
import { createExport } from '../data/exports.js';
import { decodePng, defaultLogo, renderQrPng, type Rgba } from '../domain/qr-image.js';
import { decodeLogo, requireLogoFileId } from '../domain/qr-logo.js';
import {
  LINKS_CSV_HEADER,
  QR_TYPE_NAMES,
  csvLine,
  qrImagePixels,
  ttlText,
} from '../domain/qr-exports.js';
import { AppError } from '../errors.js';
import { createZipStream } from '../print/zip.js';
import { findQr, findQrs, qrLinkPage, type QrRecord } from '../data/oa-qrcodes.js';
import { qrNotFound } from './channel-qrs.js';
import { LINK_MAX_AGE_S, withLinks } from '../exports/jobs.js';

const PAGE = 1_000;

function requireCreated(record: QrRecord | undefined): QrRecord {
  if (!record) throw qrNotFound();
  if (!record.url) {
    throw new AppError('QR_NOT_CREATED', `二维码「${record.name}」未创建成功，没有可下载的图片`);
  }
  return record;
}

/** The logo: the image QR_LOGO_FILE_ID names (a PNG in cloud storage), or the default mark. */
async function brandLogo(): Promise<Rgba> {
  const fileID = process.env.QR_LOGO_FILE_ID?.trim();
  if (!fileID) return defaultLogo();
  try {
    const fileContent = await downloadFile(fileID);
    return decodePng(fileContent);
  } catch (error) {
    // A missing or broken configured logo must not stop downloads: the default mark stands in.
    console.error('[qr-downloads] QR_LOGO_FILE_ID unusable, default logo used', error);
    return defaultLogo();
  }
}

/** The batch's logo, the brand's, or none (see the header); refusals are the batch's only. */
async function chosenLogo(input: {
  logo?: boolean;
  logoFileId?: string;
}): Promise<Rgba | undefined> {
  if (input.logoFileId !== undefined) {
    requireLogoFileId(input.logoFileId);
    let content: Buffer;
    try {
      content = await downloadFile(input.logoFileId);
    } catch (error) {
      throw new AppError('LOGO_UNREADABLE', '找不到上传的 Logo，请重新上传', { cause: error });
    }
    return decodeLogo(content);
  }
  return input.logo ? brandLogo() : undefined;
}

const imageName = (record: QrRecord, width: number, logo: boolean) =>
  `${record.name.replace(/[\\/:*?"<>|\s]+/g, '_')}-${record._id.slice(0, 8)}-${width}px${logo ? '-logo' : ''}.png`;

export async function qrImage(
  input: { qrId: string; size: QrImageSize; logo?: boolean; logoFileId?: string },
  actor: string,
): Promise<DownloadResult> {
  const record = requireCreated(await findQr(input.qrId));
  const width = qrImagePixels(input.size);
  const logo = await chosenLogo(input);
  const png = renderQrPng(record.url, width, logo);
  return store(imageName(record, width, !!logo), png, actor);
}

export async function qrImagesZip(
  input: { qrIds: string[]; size: QrImageSize; logo?: boolean; logoFileId?: string },
  actor: string,
): Promise<DownloadResult> {
  const ids = [...new Set(input.qrIds)];
  const found = new Map((await findQrs(ids)).map((record) => [record._id, record]));
  const records = ids.map((id) => requireCreated(found.get(id)));
  const width = qrImagePixels(input.size);
  const logo = await chosenLogo(input);
  const zip = createZipStream();
  const parts: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    zip.stream.on('data', (chunk: Buffer) => parts.push(chunk));
    zip.stream.once('end', resolve);
    zip.stream.once('error', reject);
  });
  const names = new Set<string>();
  for (const record of records) {
    let name = imageName(record, width, !!logo);
    if (names.has(name)) name = `${record._id}-${name}`;
    names.add(name);
    await zip.add({ path: name, content: renderQrPng(record.url, width, logo) });
  }
  await zip.finalize();
  await done;
  return store(`qrcodes-${width}px${logo ? '-logo' : ''}.zip`, Buffer.concat(parts), actor);
}

export async function exportQrLinks(
  input: { qrIds?: string[] },
  actor: string,
  now = Date.now(),
): Promise<DownloadResult> {
  const accountName = process.env.OA_NAME?.trim() || process.env.OA_APPID?.trim() || '';
  const lines = [csvLine(LINKS_CSV_HEADER)];
  const qrIds = input.qrIds ? [...new Set(input.qrIds)] : undefined;
  for (let offset = 0; ; offset += PAGE) {
    const data = await qrLinkPage(qrIds, offset, PAGE);
    for (const record of data) {
      lines.push(
        csvLine([
          accountName,
          QR_TYPE_NAMES[record.type],
          record.name,
          record._id,
          record.url,
          ttlText(record, now),
        ]),
      );
    }
    if (data.length < PAGE) break;
  }
  // A byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
  return store('qrcode-links.csv', Buffer.from(`\ufeff${lines.join('')}`), actor);
}

async function store(name: string, content: Buffer, actor: string): Promise<DownloadResult> {
  const exportId = randomUUID();
  const fileID = await uploadFile(`exports/${exportId}/${name}`, content);
  const file = { name, fileID, bytes: content.length };
  const now = Date.now();
  await createExport({
    _id: exportId,
    kind: 'qrDownload',
    status: 'done',
    requestedBy: actor,
    createdAt: now,
    finishedAt: now,
    files: [file],
  });
  const [linked] = await withLinks([file]);
  return {
    file: linked!,
    expiresAt: new Date(now + LINK_MAX_AGE_S * 1000).toISOString(),
  };
}
