import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { DownloadResult, QrImageSize } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import { qrLogoStore } from './qr-logo';

export type QrImageChoice = 'small' | 'medium' | 'large' | 'custom';

/**
 * 下载二维码 on the details page: a size (WeChat's three or a custom width), the logo or not (the
 * batch's uploaded one from qrLogoStore, else the brand's), and the PNG the server drew (a link
 * valid 24 h) to preview and save. A reply for settings left meanwhile is dropped: the image
 * shown is always the one the settings on screen ask for.
 */
export class QrImageStore {
  qrId = '';
  choice: QrImageChoice = 'medium';
  customPx = '';
  logo = false;
  status: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  image: DownloadResult | null = null;
  error: EnvelopeError | null = null;

  private generation = 0;

  constructor() {
    makeAutoObservable<QrImageStore, 'generation'>(this, { generation: false });
  }

  reset(qrId: string): void {
    this.generation++;
    this.qrId = qrId;
    this.choice = 'medium';
    this.customPx = '';
    this.logo = false;
    this.status = 'idle';
    this.image = null;
    this.error = null;
  }

  setChoice(choice: QrImageChoice): void {
    this.choice = choice;
    this.dropImage();
  }

  setCustomPx(text: string): void {
    this.customPx = text;
    this.dropImage();
  }

  setLogo(logo: boolean): void {
    this.logo = logo;
    this.dropImage();
  }

  /** Draws the image at `size` (the page checked a custom width first). */
  async generate(size: QrImageSize): Promise<void> {
    const generation = ++this.generation;
    this.error = null;
    this.status = 'loading';
    const logoFileId = this.logo ? qrLogoStore.logoFileId : undefined;
    const reply = await adminClient.qrImage({
      qrId: this.qrId,
      size,
      logo: this.logo,
      ...(logoFileId ? { logoFileId } : {}),
    });
    runInAction(() => {
      if (!reply.ok && logoFileId) qrLogoStore.refusedByServer(logoFileId, reply.error);
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.image = reply.data;
        this.status = 'ready';
      } else {
        this.image = null;
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  /** The batch logo was uploaded, replaced or removed: the image shown is the old logo's. */
  logoChanged(): void {
    if (this.logo) this.dropImage();
  }

  /** Settings changed: the image shown no longer matches them. */
  private dropImage(): void {
    this.generation++;
    this.image = null;
    this.error = null;
    this.status = 'idle';
  }
}

export const qrImageStore = new QrImageStore();
