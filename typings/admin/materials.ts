/**
 * The material hub: what a channel QR code's replies send.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */

export type MaterialKind = 'image' | 'voice' | 'video' | 'news';

/**
 * `addMaterial`: a file already uploaded to cloud storage, or for news one article: published
 * (`articleId`, sent as `mpnewsarticle`) or a draft of the Official Account (`draftMediaId` from
 * `listOaDrafts`, sent as `mpnews`).
 */
export type AddMaterialRequest =
  | { kind: 'image' | 'voice' | 'video'; fileId: string; name: string }
  | { kind: 'news'; articleId: string; name: string }
  | { kind: 'news'; draftMediaId: string; name: string };

export interface MaterialView {
  materialId: string;
  kind: MaterialKind;
  name: string;
  fileId?: string;
  articleId?: string;
  size?: number;
  createdAt: string;
}

export interface MaterialResult {
  material: MaterialView;
}

/** The material hub: newest first. */
export interface ListMaterialsRequest {
  kind?: MaterialKind;
  /** Part of the name. */
  keyword?: string;
  /** Only those the caller added (我的上传). */
  mine?: boolean;
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface ListMaterialsResult {
  materials: MaterialView[];
}

/** The Official Account's drafts (草稿箱), as `/cgi-bin/draft/batchget` pages them. */
export interface ListOaDraftsRequest {
  offset?: number;
  /** 1–20 (WeChat's limit), default 20. */
  count?: number;
}

/** A draft's first article (only single-article rich media can be a reply). */
export interface OaDraftView {
  /** The draft's media_id: what `addMaterial` takes as `draftMediaId`. */
  mediaId: string;
  title: string;
  digest: string;
  author: string;
  /** Cover image URL when WeChat gives one. */
  thumbUrl?: string;
  /** Articles in the draft (more than one cannot be sent as one reply). */
  articleCount: number;
  /** ISO 8601. */
  updatedAt: string;
}

export interface ListOaDraftsResult {
  drafts: OaDraftView[];
  /** All drafts of the account. */
  total: number;
}
