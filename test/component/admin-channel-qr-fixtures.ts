import type { ChannelQrMetrics, ChannelQrView } from '../../typings/admin';

/** An active temporary code with two replies, every field set as the server returns it. */
export function qrView(overrides: Partial<ChannelQrView> = {}): ChannelQrView {
  return {
    qrId: 'qr-store',
    name: '上海门店海报',
    type: 'temporary',
    status: 'active',
    sceneStr: 'qr_0000000000000000abcd',
    ticket: 'gQticket-store',
    url: 'http://weixin.qq.com/q/store-poster',
    // 2025-03-31 00:00 China time.
    expiresAt: '2025-03-30T16:00:00.000Z',
    expireSeconds: 2_592_000,
    channel: '门店',
    tagNames: ['门店用户'],
    replies: {
      enabled: true,
      items: [
        { kind: 'text', text: '欢迎关注码上！' },
        { kind: 'image', materialId: 'mat-poster-0001' },
      ],
    },
    createdAt: '2025-03-01T01:30:00.000Z',
    ...overrides,
  };
}

export function metrics(overrides: Partial<ChannelQrMetrics> = {}): ChannelQrMetrics {
  return {
    scans: 0,
    scanners: 0,
    newFollowers: 0,
    repliesSent: 0,
    repliesReceived: 0,
    ...overrides,
  };
}

export function listed(
  qr: ChannelQrView,
  figures: Partial<ChannelQrMetrics> = {},
): ChannelQrView & { metrics: ChannelQrMetrics } {
  return { ...qr, metrics: metrics(figures) };
}
