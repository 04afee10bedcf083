import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { EnvelopeError } from '../../../typings/envelope';
import { uploadQrLogo } from '../services/cloud-files';

/**
 * The phases of 上传 Logo, once:
 * - `none`: downloads with the logo use the brand's (QR_LOGO_FILE_ID or the default mark);
 * - `uploading`: the picked image is on its way to cloud storage (`progress` 0–100);
 * - `uploaded`: the batch's downloads use `fileId`, shown by its local `thumbnail`;
 * - `refused`: the picture was refused here (size, format), by the upload, or by the server when
 *   drawing it (its LOGO_* code); `refusal` says why, and the brand's logo applies again.
 */
export type QrLogoPhase = 'none' | 'uploading' | 'uploaded' | 'refused';

/** The server's limit (cloudfunctions/core/domain/qr-logo.ts), checked before uploading. */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;

/** A picture as wx.chooseMedia describes it. */
export interface PickedLogo {
  tempFilePath: string;
  size: number;
}

/**
 * The logo of the current batch of channel QR downloads (the list's zip and the details page's
 * image), one per console session: uploaded once, used by every download until removed. A reply
 * for a picture replaced or removed meanwhile is dropped.
 */
export class QrLogoStore {
  phase: QrLogoPhase = 'none';
  progress = 0;
  fileId = '';
  thumbnail = '';
  refusal: EnvelopeError | null = null;

  private generation = 0;

  constructor() {
    makeAutoObservable<QrLogoStore, 'generation'>(this, { generation: false });
  }

  /** What a download request carries: the uploaded file, or nothing (the brand's logo). */
  get logoFileId(): string | undefined {
    return this.phase === 'uploaded' ? this.fileId : undefined;
  }

  async upload(picked: PickedLogo): Promise<void> {
    const generation = ++this.generation;
    this.fileId = '';
    this.thumbnail = '';
    const problem = pickedProblem(picked);
    if (problem) {
      this.refuse(problem);
      return;
    }
    this.refusal = null;
    this.progress = 0;
    this.phase = 'uploading';
    const outcome = await uploadQrLogo(picked.tempFilePath, (percent) =>
      runInAction(() => {
        if (generation === this.generation) this.progress = percent;
      }),
    );
    runInAction(() => {
      if (generation !== this.generation) return;
      if (!outcome.ok) {
        this.refuse({ code: 'NETWORK_ERROR', message: outcome.message });
        return;
      }
      this.phase = 'uploaded';
      this.progress = 100;
      this.fileId = outcome.fileID;
      this.thumbnail = picked.tempFilePath;
    });
  }

  /** Back to the brand's logo (an upload under way is forgotten). */
  remove(): void {
    this.generation++;
    this.phase = 'none';
    this.progress = 0;
    this.fileId = '';
    this.thumbnail = '';
    this.refusal = null;
  }

  /** A download answered a LOGO_* code for this file: it cannot serve; say why. */
  refusedByServer(fileId: string, error: EnvelopeError): void {
    if (this.phase !== 'uploaded' || this.fileId !== fileId || !error.code.startsWith('LOGO_'))
      return;
    this.generation++;
    this.fileId = '';
    this.thumbnail = '';
    this.refuse(error);
  }

  private refuse(error: EnvelopeError): void {
    this.phase = 'refused';
    this.progress = 0;
    this.refusal = error;
  }
}

/** What the phone already knows: the size, and the extension WeChat gives the temp file. */
function pickedProblem(picked: PickedLogo): EnvelopeError | null {
  if (picked.size > MAX_LOGO_BYTES) {
    const mb = (picked.size / 1024 / 1024).toFixed(1);
    return { code: 'LOGO_TOO_LARGE', message: `图片 ${mb} MB，不能超过 2 MB` };
  }
  const ext = /\.([a-z0-9]{1,5})$/i.exec(picked.tempFilePath)?.[1]?.toLowerCase();
  if (ext && !['png', 'jpg', 'jpeg'].includes(ext)) {
    return { code: 'LOGO_WRONG_FORMAT', message: 'Logo 须是 PNG 或 JPEG 图片' };
  }
  return null;
}

export const qrLogoStore = new QrLogoStore();
