/**
 * The one declaration of every collection and its indexes.
 *
 * The local emulator creates these collections and enforces these indexes (a duplicate key on a
 * unique index fails exactly as CloudBase's does); in production they are created once in the
 * CloudBase console (数据库 → 集合 → 索引管理) or by `npm run deploy`, as docs/deploy.md lists. Correctness under concurrency
 * leans on the unique indexes here, so a change to this file is a change to the product.
 */

export type IndexDirection = 1 | -1;

export interface IndexSpec {
  /** Index name as shown in the console. */
  name: string;
  /** Field paths (dot notation for nested fields) and their order. */
  keys: Record<string, IndexDirection>;
  unique?: boolean;
}

/**
 * CloudBase's collection permission (数据库 → 集合 → 权限设置; the API's `AclTag`). Only one is
 * allowed here: `ADMINONLY`, 仅管理端可读写 — Mini Program clients can neither read nor write, only
 * the functions (which use the admin SDK) can. The console's default for a new collection lets
 * clients write, and a client that can write `roles` or `payouts` can make itself an
 * administrator or be paid; so every collection is server-only, and `npm run deploy` sets it.
 */
export type CollectionPermission = 'ADMINONLY';

/** 仅管理端可读写. */
export const SERVER_ONLY: CollectionPermission = 'ADMINONLY';

/** The same as a custom security rule (自定义安全规则), for an environment that uses rules. */
export const SERVER_ONLY_RULE = { read: false, write: false } as const;

export interface CollectionSpec {
  name: string;
  /** One line: what a document of this collection is. */
  describes: string;
  indexes: IndexSpec[];
  /** Who may read and write it from a Mini Program client: nobody (server-only). */
  permission: CollectionPermission;
}

export const COLLECTIONS: readonly CollectionSpec[] = [
  {
    name: 'operators',
    permission: SERVER_ONLY,
    describes: 'a Mini Program user seen by the admin function: first and last visit, role',
    indexes: [{ name: 'openid_unique', keys: { openid: 1 }, unique: true }],
  },
  {
    name: 'jobs',
    permission: SERVER_ONLY,
    describes: 'a scheduled job: last run, outcome and run count (one document per job name)',
    indexes: [{ name: 'name_unique', keys: { name: 1 }, unique: true }],
  },
  {
    name: 'tokens',
    permission: SERVER_ONLY,
    describes: 'a centrally refreshed access token (one document per appid)',
    indexes: [],
  },
  {
    name: 'codeApplications',
    permission: SERVER_ONLY,
    describes: 'an applycode order and the code ranges WeChat generated for it',
    indexes: [
      { name: 'isv_application_id_unique', keys: { isvApplicationId: 1 }, unique: true },
      // WeChat's uint64 id, stored as a decimal string.
      { name: 'application_id_unique', keys: { applicationId: 1 }, unique: true },
      { name: 'applied_at', keys: { appliedAt: -1 } },
    ],
  },
  {
    name: 'packageImports',
    permission: SERVER_ONLY,
    describes:
      'the import of one generated code range (`_id` = applicationId:codeStart): importing, imported or import_failed',
    indexes: [{ name: 'application', keys: { applicationId: 1 } }],
  },
  {
    name: 'packageCodes',
    permission: SERVER_ONLY,
    describes:
      'one code of an imported package: raw code, URL, index; trusted only while its range is imported',
    indexes: [
      { name: 'code_unique', keys: { code: 1 }, unique: true },
      { name: 'import', keys: { importId: 1 } },
      { name: 'application_index', keys: { applicationId: 1, index: 1 } },
    ],
  },
  {
    name: 'codeRanges',
    permission: SERVER_ONLY,
    describes: 'an activated segment of codes and the product, campaign and region it belongs to',
    indexes: [
      { name: 'application_range', keys: { applicationId: 1, codeStart: 1 }, unique: true },
    ],
  },
  {
    name: 'codes',
    permission: SERVER_ONLY,
    describes: 'a scanned code (created on its first scan): scan counts, first scan, reward state',
    indexes: [
      { name: 'code_unique', keys: { code: 1 }, unique: true },
      // Range overviews count scanned codes per activated segment.
      { name: 'application_index', keys: { applicationId: 1, index: 1 } },
      // 工作台 counts the codes first scanned today.
      { name: 'first_scanned_at', keys: { firstScannedAt: -1 } },
    ],
  },
  {
    name: 'codeScanners',
    permission: SERVER_ONLY,
    describes:
      'one user who scanned one code: the insert that succeeds is what counts a new distinct scanner',
    indexes: [
      { name: 'code_openid_unique', keys: { code: 1, openid: 1 }, unique: true },
      // The scanners export for a CRM pages by first scan time (core/exports/sources.ts).
      { name: 'first_scanned_at', keys: { firstScannedAt: 1 } },
    ],
  },
  {
    name: 'scans',
    permission: SERVER_ONLY,
    describes:
      'one scan of one code by one user (`_id` = scanId, a hash of user and ticket: a re-resolved ticket is the same scan)',
    indexes: [
      { name: 'code_time', keys: { code: 1, scannedAt: -1 } },
      { name: 'openid_time', keys: { openid: 1, scannedAt: -1 } },
      // 工作台 counts today's scans (core/stats/dashboard.ts).
      { name: 'scanned_at', keys: { scannedAt: -1 } },
    ],
  },
  {
    name: 'rateLimits',
    describes:
      'a fixed-window counter (`_id` = bucket:subject:window start), e.g. scans per user: taken with one conditional `_.inc`',
    permission: SERVER_ONLY,
    indexes: [{ name: 'expires_at', keys: { expiresAt: 1 } }],
  },
  {
    name: 'products',
    permission: SERVER_ONLY,
    describes:
      'a product: title, brand, images, attributes, origin trace template, follow card, suspicion limits',
    indexes: [
      { name: 'ean', keys: { ean: 1 } },
      { name: 'created_at', keys: { createdAt: -1 } },
    ],
  },
  {
    name: 'campaigns',
    permission: SERVER_ONLY,
    describes: 'a reward campaign: budget, amount rule, window, targeting and risk limits',
    indexes: [
      { name: 'status', keys: { status: 1 } },
      { name: 'created_at', keys: { createdAt: -1 } },
      // The holds sweep finds campaigns with old budget holds.
      { name: 'holds_at', keys: { 'holds.at': 1 } },
    ],
  },
  {
    name: 'payouts',
    permission: SERVER_ONLY,
    describes: 'one reward payout with its deterministic out-number and state ledger',
    indexes: [
      { name: 'out_no_unique', keys: { outNo: 1 }, unique: true },
      { name: 'reward_code_unique', keys: { code: 1 }, unique: true },
      { name: 'state', keys: { state: 1 } },
      // Reconciliation reads what is due; operators list a campaign's payouts and the flagged ones.
      { name: 'due_at', keys: { dueAt: 1 } },
      { name: 'campaign_time', keys: { campaignId: 1, createdAt: -1 } },
      { name: 'flagged_at', keys: { flaggedAt: -1 } },
      // rewardStats across every campaign and 工作台 read a window of claim time; 工作台 also
      // counts payouts paid today and those flagged with a reason.
      { name: 'created_at', keys: { createdAt: -1 } },
      { name: 'state_since', keys: { state: 1, stateSince: -1 } },
      { name: 'flag_reason', keys: { flagReason: 1 } },
      // The holds sweep asks which budget holds became payouts; unique, so the sweep's fence
      // (data/payouts.ts fenceHold) keeps a claim that stalled past it from inserting its payout.
      { name: 'hold_id_unique', keys: { holdId: 1 }, unique: true },
    ],
  },
  {
    name: 'claimQuotas',
    describes:
      "a campaign's claim counter for one user (total, per day) or one IP (per hour), taken conditionally with the budget hold",
    permission: SERVER_ONLY,
    indexes: [],
  },
  {
    name: 'payNotifications',
    permission: SERVER_ONLY,
    describes:
      "a WeChat Pay callback as received (id = WeChat's notification id), kept before it is acknowledged",
    indexes: [{ name: 'out_bill_no', keys: { outBillNo: 1 } }],
  },
  {
    name: 'payoutAnomalies',
    describes:
      'money WeChat Pay reports that our books did not expect (paid after its budget was released), one per payout and kind',
    permission: SERVER_ONLY,
    indexes: [{ name: 'campaign_time', keys: { campaignId: 1, at: -1 } }],
  },
  {
    name: 'roles',
    permission: SERVER_ONLY,
    describes:
      'a member of the console (`_id` = openid): role admin, operator, marketer or viewer, who granted it and when',
    indexes: [
      { name: 'openid_unique', keys: { openid: 1 }, unique: true },
      { name: 'granted_at', keys: { grantedAt: 1 } },
    ],
  },
  {
    name: 'roleCounts',
    permission: SERVER_ONLY,
    describes:
      'how many administrators `roles` holds (one document), moved in the transaction that changes a role, so the last one cannot be removed',
    indexes: [],
  },
  {
    name: 'invites',
    permission: SERVER_ONLY,
    describes:
      'a single-use invite to join the console with a role (`_id` = SHA-256 of its code; the code is never stored), with its expiry and who used it',
    indexes: [],
  },
  {
    name: 'auditLog',
    permission: SERVER_ONLY,
    describes:
      'one write of the console (who, role, action, target, summary, when); append-only, read by administrators',
    indexes: [
      { name: 'at', keys: { at: -1 } },
      { name: 'action_at', keys: { action: 1, at: -1 } },
      { name: 'actor_at', keys: { actor: 1, at: -1 } },
    ],
  },
  {
    name: 'oaQrcodes',
    permission: SERVER_ONLY,
    describes:
      'an Official Account channel QR code (`_id` = qrId): scene, WeChat ticket and url, status, tags, auto-replies, and its metrics as `_.inc` counters',
    indexes: [
      { name: 'scene_unique', keys: { scene: 1 }, unique: true },
      { name: 'created_at', keys: { createdAt: -1 } },
      { name: 'status_created', keys: { status: 1, createdAt: -1 } },
    ],
  },
  {
    name: 'oaQrScanners',
    permission: SERVER_ONLY,
    describes:
      'one user of one channel QR code (`_id` = qrId:openid): first and last scan, scan count, follow from the code, welcome received and its latest status',
    indexes: [
      { name: 'qr_last_scan', keys: { qrId: 1, lastScanAt: -1 } },
      // The scanned-users list and the export/audience jobs page by first scan (core/data/oa-qr-scanners.ts).
      { name: 'qr_first_scan', keys: { qrId: 1, firstScanAt: -1 } },
    ],
  },
  {
    name: 'oaReplySends',
    permission: SERVER_ONLY,
    describes:
      "one scan of a channel QR code applied (`_id` = the push dedupeKey, claimed before anything is sent, so a redelivery never sends twice): each reply item's outcome and errcode",
    indexes: [{ name: 'qr_time', keys: { qrId: 1, at: -1 } }],
  },
  {
    name: 'oaTags',
    permission: SERVER_ONLY,
    describes: 'an Official Account user tag (`_id` = its name) and its WeChat tag id',
    indexes: [],
  },
  {
    name: 'oaMaterials',
    permission: SERVER_ONLY,
    describes:
      'a reply material: kind, the cloud file (or published article), and its WeChat temporary media_id with upload time (renewed on use)',
    indexes: [
      { name: 'created_at', keys: { createdAt: -1 } },
      // The hub filters by kind and by uploader (我的上传), newest first.
      { name: 'kind_time', keys: { kind: 1, createdAt: -1 } },
      { name: 'creator_time', keys: { createdBy: 1, createdAt: -1 } },
    ],
  },
  {
    name: 'oaEvents',
    permission: SERVER_ONLY,
    describes:
      "one push to the Official Account's server URL (subscribe, SCAN, unsubscribe, a message without its content), recorded once whatever WeChat's redeliveries: `dedupeKey` = MsgId, or FromUserName + CreateTime + Event",
    indexes: [
      { name: 'dedupe_unique', keys: { dedupeKey: 1 }, unique: true },
      { name: 'openid_time', keys: { openid: 1, createdAt: -1 } },
      // Channel QR figures and scanned users read a scene's events newest first.
      { name: 'scene_time', keys: { scene: 1, createdAt: -1 } },
    ],
  },
  {
    name: 'oaFollowers',
    permission: SERVER_ONLY,
    describes:
      'an Official Account user (`_id` = OA openid): following or not, first and last follow seen, the channel QR scene of the latest follow',
    indexes: [{ name: 'scene_following', keys: { scene: 1, following: 1 } }],
  },
  {
    name: 'audiences',
    permission: SERVER_ONLY,
    describes:
      "a saved audience of Official Account users: a frozen snapshot of a channel QR code's scanners (its members in audienceMembers), built in the background",
    indexes: [
      { name: 'qr_created', keys: { qrId: 1, createdAt: -1 } },
      { name: 'created_at', keys: { createdAt: -1 } },
      { name: 'state', keys: { state: 1 } },
    ],
  },
  {
    name: 'audienceMembers',
    permission: SERVER_ONLY,
    describes:
      'one chunk of an audience (`_id` = audienceId:page): up to 1,000 openids in the order of the snapshot',
    indexes: [{ name: 'audience_page', keys: { audienceId: 1, page: 1 } }],
  },
  {
    name: 'exportLocks',
    permission: SERVER_ONLY,
    describes:
      'the one running background export of a user, whatever its kind (`_id` = user:openid): which export holds it',
    indexes: [],
  },
  {
    name: 'exports',
    permission: SERVER_ONLY,
    describes: 'an export job and the cloud files it produced',
    indexes: [
      { name: 'status', keys: { status: 1 } },
      { name: 'kind_status', keys: { kind: 1, status: 1 } },
      // 导出 lists the caller's own exports, newest first.
      { name: 'requester_time', keys: { requestedBy: 1, createdAt: -1 } },
    ],
  },
  {
    name: 'scanRollups',
    permission: SERVER_ONLY,
    describes:
      'scan figures of one China-time day and shard (`_id` = YYYYMMDD-shard): the day in total and per product, range, campaign and province, each hour in total, and per product its new, repeat and repurchasing users, kept with `_.inc` (domain/rollups.ts)',
    indexes: [{ name: 'day', keys: { day: 1 } }],
  },
  {
    name: 'scanHourRollups',
    permission: SERVER_ONLY,
    describes:
      "scan figures of one day and shard by hour and key (`_id` = YYYYMMDD-shard): each hour's scans, scanners and first scans per product, range, campaign and province, and the shard's writes per hour; and per day and dimension its folds (`_id` = YYYYMMDD-dimension): the hours that are over summed over the shards, with the write counts they were summed at. Read only for hourly figures by key",
    indexes: [{ name: 'day', keys: { day: 1 } }],
  },
  {
    name: 'rewardRollups',
    permission: SERVER_ONLY,
    describes:
      'reward figures of one China-time day and shard, like scanRollups: claims, received and released payouts, refusals by reason, per campaign',
    indexes: [{ name: 'day', keys: { day: 1 } }],
  },
  {
    name: 'scannerMarks',
    permission: SERVER_ONLY,
    describes:
      "one user's scan marks (`_id` = hash of the openid): counters per day bucket and key, and per product its scans and codes; a counter that reads 1 after a scan's update makes the scan the user's first there",
    indexes: [],
  },
  {
    name: 'claimRefusals',
    permission: SERVER_ONLY,
    describes:
      'one refused reward claim (reason, campaign, time): the raw data the refusal figures are rebuilt from',
    indexes: [{ name: 'refused_at', keys: { refusedAt: -1 } }],
  },
  {
    name: 'diversions',
    permission: SERVER_ONLY,
    describes:
      'scans of an activated range outside its sales regions, per province (窜货): count, first and last seen',
    indexes: [
      {
        name: 'range_province_unique',
        keys: { applicationId: 1, codeStart: 1, province: 1 },
        unique: true,
      },
      { name: 'last_seen', keys: { lastSeenAt: -1 } },
    ],
  },
];
