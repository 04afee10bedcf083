/**
 * Official Account channel QR codes: the codes, their scanners, audiences and downloads.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */
import type { ExportedFile } from './codes.js';

// ---------------------------------------------------------------------------------------------
// Official Account channel QR codes (issue 11)

export type ChannelQrType = 'temporary' | 'permanent';

/** `expired` is derived from `expiresAt` when read; `deleted` QR codes still follow, nothing else. */
export type ChannelQrStatus = 'creating' | 'active' | 'expired' | 'creation_failed' | 'deleted';

/** One item of a QR code's auto-reply, sent in order as a customer-service message. */
export type ReplyItem =
  | { kind: 'text'; text: string }
  | { kind: 'image'; materialId: string }
  | { kind: 'video'; materialId: string; title: string; description: string }
  | { kind: 'news'; materialId: string }
  | { kind: 'voice'; materialId: string }
  | { kind: 'miniprogram'; appid: string; pagePath: string; title: string; thumbMaterialId: string }
  | { kind: 'link'; title: string; url: string; description: string; thumbMaterialId: string };

export interface ChannelQrReplies {
  enabled: boolean;
  /** At most 3, sent in this order. */
  items: ReplyItem[];
}

export interface ChannelQrView {
  qrId: string;
  name: string;
  type: ChannelQrType;
  status: ChannelQrStatus;
  /** The scene WeChat pushes back (`qrscene_<sceneStr>` on follow, bare on SCAN). */
  sceneStr: string;
  /** WeChat's ticket (the image is `showqrcode?ticket=`); empty until created. */
  ticket: string;
  /** What the QR code encodes; empty until created. */
  url: string;
  /** ISO 8601, temporary codes only. */
  expiresAt?: string;
  /** Requested time to live (temporary codes), kept so a copy inherits it. */
  expireSeconds?: number;
  channel?: string;
  tagNames: string[];
  replies: ChannelQrReplies;
  createdAt: string;
  /** Why WeChat refused it (`creation_failed`). */
  failureReason?: string;
}

/** As the seed defines them; counted as scans arrive (one read to show them). */
export interface ChannelQrMetrics {
  /** Every scan recorded (a non-follower who scans without following sends nothing: not a scan). */
  scans: number;
  /** Distinct users who scanned. */
  scanners: number;
  /** Distinct users who followed the Official Account from this QR code. */
  newFollowers: number;
  /** Scans whose welcome reached the user (at least one item delivered). */
  repliesSent: number;
  /** Distinct users who received the welcome. */
  repliesReceived: number;
}

export interface CreateChannelQrRequest {
  name: string;
  type: ChannelQrType;
  /** Temporary codes: 60 s to 30 days (2,592,000 s); default 30 days. */
  expireSeconds?: number;
  channel?: string;
  /** Tags given to users who scan (each ≤ 30 bytes, ≤ 20 per code). */
  tagNames?: string[];
  replies?: ChannelQrReplies;
}

export interface ChannelQrResult {
  qr: ChannelQrView;
}

export interface GetChannelQrRequest {
  qrId: string;
}

export interface ChannelQrDetails {
  qr: ChannelQrView;
  metrics: ChannelQrMetrics;
}

export interface ListChannelQrsRequest {
  /** Part of the name. */
  keyword?: string;
  status?: ChannelQrStatus;
  /** 1–100, default 20; newest first. */
  limit?: number;
  offset?: number;
}

export interface ListChannelQrsResult {
  /** Each with its metrics (the list shows scans and new followers; they live on the same document). */
  qrs: (ChannelQrView & { metrics: ChannelQrMetrics })[];
}

export interface UpdateChannelQrRequest {
  qrId: string;
  name?: string;
  tagNames?: string[];
  replies?: ChannelQrReplies;
}

export interface CopyChannelQrRequest {
  qrId: string;
}

export interface DeleteChannelQrsRequest {
  /** 1–100 codes. */
  qrIds: string[];
}

export interface DeleteChannelQrsResult {
  /** Deleted now, each with the status it had. */
  deleted: { qrId: string; previousStatus: ChannelQrStatus }[];
  /** Already deleted or unknown: nothing changed. */
  skipped: string[];
}

export type ChannelQrErrorCode =
  | 'QR_NOT_FOUND'
  | 'QR_QUOTA_EXCEEDED'
  | 'QR_CREATION_FAILED'
  | 'QR_DELETED'
  | 'MATERIAL_NOT_FOUND'
  | 'MATERIAL_INVALID';

// Scanned users, their export, audiences and downloads (issue 11 points 5 and 6)

/** Where a scanner's welcome stands: `none` when the code has no replies to send. */
export type ScannerReplyStatus = 'sent' | 'partial' | 'failed' | 'none';

/** One user who scanned one channel QR code. */
export interface QrScannerView {
  openid: string;
  /** The tags a scan of this code gives (the code's tags). */
  tags: string[];
  /** ISO 8601: the user's first scan of this code (the order of the list) and latest scan. */
  firstScanAt: string;
  lastScanAt: string;
  scans: number;
  /** The user followed the Official Account from this code. */
  followedFromQr: boolean;
  replyStatus: ScannerReplyStatus;
}

/**
 * `listQrScanners`: a code's scanners by first scan time (`desc` newest first), or the one user
 * with exactly this OpenID.
 */
export interface ListQrScannersRequest {
  qrId: string;
  openid?: string;
  order: 'asc' | 'desc';
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface ListQrScannersResult {
  scanners: QrScannerView[];
}

/** `exportQrScanners`: the list as filtered, as CSV files in the background (`getExport`). */
export interface ExportQrScannersRequest {
  qrId: string;
  openid?: string;
  order: 'asc' | 'desc';
}

export type AudienceState = 'building' | 'ready' | 'failed';

export interface AudienceView {
  audienceId: string;
  name: string;
  qrId: string;
  state: AudienceState;
  /** Users in the snapshot (so far, while `building`). */
  size: number;
  /** ISO 8601: the moment the audience is a snapshot of (scanners who had scanned by then). */
  snapshotAt: string;
  createdAt: string;
}

/** `createAudience`: a frozen list of the code's scanners now; later scans never change it. */
export interface CreateAudienceRequest {
  qrId: string;
  name: string;
}

export interface AudienceResult {
  audience: AudienceView;
}

export interface ListAudiencesRequest {
  qrId?: string;
  /** 1–100, default 20; newest first. */
  limit?: number;
  offset?: number;
}

export interface ListAudiencesResult {
  audiences: AudienceView[];
}

/** 258, 430 or 1280 px (WeChat's download sizes), or a custom width of 100–3000 px. */
export type QrImageSize = 'small' | 'medium' | 'large' | number;

/** `qrImage`: the code's QR (error correction H) as a PNG, the brand logo in the centre or not. */
export interface QrImageRequest {
  qrId: string;
  size: QrImageSize;
  logo?: boolean;
  /** The batch's own logo (上传 Logo), a file under `oa-materials/logos/`; wins over `logo`. */
  logoFileId?: string;
}

export interface QrImagesZipRequest {
  /** 1–100 codes. */
  qrIds: string[];
  size: QrImageSize;
  logo?: boolean;
  logoFileId?: string;
}

/** `exportQrLinks`: the codes' links as CSV (all codes not deleted, without `qrIds`). */
export interface ExportQrLinksRequest {
  qrIds?: string[];
}

/** One file in cloud storage with a temporary link. */
export interface DownloadResult {
  file: ExportedFile;
  /** ISO 8601: when the link expires (ask again for a new one). */
  expiresAt: string;
}

export type QrExportErrorCode =
  | 'EXPORT_IN_PROGRESS'
  | 'EXPORT_NOT_FOUND'
  | 'QR_NOT_CREATED'
  | 'LOGO_NOT_ALLOWED'
  | 'LOGO_UNREADABLE'
  | 'LOGO_WRONG_FORMAT'
  | 'LOGO_TOO_LARGE'
  | 'LOGO_TOO_SMALL';
