/**
 * Roles and members of the console, through `POST /functions/admin` on a local stack: the role
 * matrix (every admin action × every role), invites, the last administrator, the audit log.
 * Identity is the `x-wx-openid` header, as WeChat vouches for it; nothing in the event counts.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdDatabaseRequest } from '../support/requests';
import { callFunction, startTestStack, type TestStack } from '../support/stack';
import { sdkFor } from '../support/sdk';
import { startStack } from '../../local/stack';

const ROOT = 'o-root-bootstrap';
const PEOPLE = {
  admin: 'o-member-admin',
  operator: 'o-member-operator',
  marketer: 'o-member-marketer',
  viewer: 'o-member-viewer',
  none: 'o-not-a-member',
} as const;
type Who = keyof typeof PEOPLE;

/**
 * Who may call what, as issue 10 states it (written out here, not read from the server's table):
 * admin everything; operator codes, activation, products and reads; marketer campaigns and reads;
 * viewer reads (the 工作台 figures included); anyone `me` and `acceptInvite`.
 */
const READ = ['admin', 'operator', 'marketer', 'viewer'] as const;
const MATRIX: Record<string, readonly Who[]> = {
  me: ['admin', 'operator', 'marketer', 'viewer', 'none'],
  acceptInvite: ['admin', 'operator', 'marketer', 'viewer', 'none'],
  dashboard: READ,
  applyCodes: ['admin', 'operator'],
  refreshApplication: ['admin', 'operator'],
  listApplications: READ,
  importRange: ['admin', 'operator'],
  exportRange: ['admin', 'operator'],
  activateRange: ['admin', 'operator'],
  queryActivation: READ,
  listRanges: READ,
  createProduct: ['admin', 'operator'],
  updateProduct: ['admin', 'operator'],
  getProduct: READ,
  listProducts: READ,
  bindProduct: ['admin', 'operator'],
  createCampaign: ['admin', 'marketer'],
  updateCampaign: ['admin', 'marketer'],
  setCampaignStatus: ['admin', 'marketer'],
  getCampaign: READ,
  listCampaigns: READ,
  listPayouts: READ,
  rewardStats: READ,
  // Figures (issue 12): every member reads them; where a range is sold is the codes' business.
  scanStats: READ,
  productScanStats: READ,
  listDiversionAlerts: READ,
  setRangeRegions: ['admin', 'operator'],
  createInvite: ['admin'],
  listMembers: ['admin'],
  grantRole: ['admin'],
  revokeRole: ['admin'],
  listAuditLog: ['admin'],
  // Channel QR codes (issue 11): operators run them, every member reads them.
  createChannelQr: ['admin', 'operator'],
  getChannelQr: READ,
  listChannelQrs: READ,
  updateChannelQr: ['admin', 'operator'],
  copyChannelQr: ['admin', 'operator'],
  deleteChannelQrs: ['admin', 'operator'],
  addMaterial: ['admin', 'operator'],
  listMaterials: READ,
  listOaDrafts: READ,
  listQrScanners: READ,
  exportQrScanners: ['admin', 'operator'],
  getExport: READ,
  // Exports for a CRM (issue 12): users' OpenIDs leave the system, so not a viewer.
  exportData: ['admin', 'operator', 'marketer'],
  listExports: ['admin', 'operator', 'marketer'],
  createAudience: ['admin', 'operator'],
  listAudiences: READ,
  qrImage: READ,
  qrImagesZip: READ,
  exportQrLinks: READ,
};

const PRODUCT = {
  title: '山泉水 550ml',
  brand: '码上山泉',
  images: [],
  attributes: [{ name: '净含量', value: '550ml' }],
  trace: [{ name: '灌装' }],
};

describe('roles and members', () => {
  let stack: TestStack;
  // Raw events, not the typed admin client: the role matrix sends every action of the table by
  // name with whatever parameters (often none): the permission check must answer before the schema.
  const as = (openid: string | undefined, action: string, params: Record<string, unknown> = {}) =>
    stack.call('admin', { action, ...params }, openid ? { openid } : {}).then(({ body }) => body);

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: `${ROOT}, o-local-admin` } });
    for (const role of ['admin', 'operator', 'marketer', 'viewer'] as const) {
      const reply = await as(ROOT, 'grantRole', { openid: PEOPLE[role], role });
      expect(reply, `grant ${role}`).toMatchObject({ ok: true, data: { member: { role } } });
    }
  });
  afterAll(() => stack.destroy());

  describe('the role matrix', () => {
    for (const [action, allowed] of Object.entries(MATRIX)) {
      it(`${action}: ${allowed.join(', ')}`, async () => {
        // Empty parameters: an allowed caller gets past the permission check (and then, for most
        // actions, a validation error); a refused one gets FORBIDDEN before anything is read.
        const replies = await Promise.all(
          (Object.keys(PEOPLE) as Who[]).map(async (who) => [who, await as(PEOPLE[who], action)]),
        );
        for (const [who, reply] of replies) {
          const code = reply.ok ? 'OK' : reply.error.code;
          if (allowed.includes(who)) {
            expect(code, `${who} → ${action}`).not.toMatch(
              /^(FORBIDDEN|UNAUTHENTICATED|UNKNOWN_ACTION)$/,
            );
          } else {
            expect(reply, `${who} → ${action}`).toEqual({
              ok: false,
              error: { code: 'FORBIDDEN', message: expect.stringMatching(/权限|成员/) },
            });
          }
        }
        // Without a WeChat identity every action is refused.
        expect((await as(undefined, action)).error.code).toBe('UNAUTHENTICATED');
      });
    }

    it('covers every action the function has', async () => {
      const { data } = await as(ROOT, 'me');
      expect(Object.keys(data.can).sort()).toEqual(Object.keys(MATRIX).sort());
    });

    it('takes the role from the caller, never from the event', async () => {
      const reply = await as(PEOPLE.viewer, 'createProduct', {
        ...PRODUCT,
        openid: ROOT,
        userInfo: { openId: ROOT },
      });
      expect(reply.error.code).toBe('FORBIDDEN');
    });

    it('lets a viewer read but not write', async () => {
      const before = await as(PEOPLE.viewer, 'listProducts');
      expect(before.ok).toBe(true);
      const refused = await as(PEOPLE.viewer, 'createProduct', PRODUCT);
      expect(refused.error.code).toBe('FORBIDDEN');
      const after = await as(PEOPLE.viewer, 'listProducts');
      expect(after.data.products).toHaveLength(before.data.products.length);
      // An operator's valid write of the same goes through.
      const made = await as(PEOPLE.operator, 'createProduct', PRODUCT);
      expect(made).toMatchObject({ ok: true, data: { product: { title: PRODUCT.title } } });
    });
  });

  describe('me', () => {
    it('tells a member their role and what it allows', async () => {
      const { data } = await as(PEOPLE.operator, 'me');
      expect(data).toMatchObject({
        openid: PEOPLE.operator,
        role: 'operator',
        isAdmin: false,
        bootstrap: false,
      });
      expect(data.permissions).toEqual(expect.arrayContaining(['codes.write', 'products.write']));
      expect(data.permissions).not.toContain('campaigns.write');
      expect(data.can).toMatchObject({
        applyCodes: true,
        createProduct: true,
        listCampaigns: true,
      });
      expect(data.can).toMatchObject({ createCampaign: false, grantRole: false });
    });

    it('tells a visitor they have no role and may only join', async () => {
      const { data } = await as(PEOPLE.none, 'me');
      expect(data).toMatchObject({ role: null, isAdmin: false, permissions: [] });
      const allowed = Object.entries(data.can as Record<string, boolean>)
        .filter(([, can]) => can)
        .map(([action]) => action);
      expect(allowed.sort()).toEqual(['acceptInvite', 'me']);
    });

    it('marks a bootstrap administrator', async () => {
      const { data } = await as(ROOT, 'me');
      expect(data).toMatchObject({ role: 'admin', isAdmin: true, bootstrap: true });
      expect(Object.values(data.can).every(Boolean)).toBe(true);
    });
  });

  describe('invites', () => {
    it('lets exactly one of ten users who accept at once join, with the invited role', async () => {
      const invite = await as(PEOPLE.admin, 'createInvite', { role: 'marketer' });
      expect(invite.ok).toBe(true);
      const { inviteCode, path: joinPath, expiresAt, role } = invite.data;
      expect(role).toBe('marketer');
      expect(inviteCode).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(joinPath).toBe(`/admin/pages/join/index?invite=${inviteCode}`);
      const week = Date.parse(expiresAt) - Date.now();
      expect(week).toBeGreaterThan(6.9 * 86_400_000);
      expect(week).toBeLessThanOrEqual(7 * 86_400_000);

      const users = Array.from({ length: 10 }, (_, i) => `o-candidate-${i}`);
      const replies = await Promise.all(
        users.map((user) => as(user, 'acceptInvite', { inviteCode })),
      );
      const joined = replies.filter((reply) => reply.ok);
      expect(joined).toHaveLength(1);
      for (const reply of replies.filter((r) => !r.ok)) {
        expect(reply.error).toEqual({
          code: 'INVITE_USED',
          message: expect.stringContaining('已被使用'),
        });
      }
      const winner = joined[0].data.member.openid as string;
      expect(joined[0].data.member).toMatchObject({
        role: 'marketer',
        source: 'invite',
        grantedBy: PEOPLE.admin,
      });
      const roles = await Promise.all(users.map((user) => as(user, 'me')));
      expect(roles.map(({ data }) => (data.openid === winner ? 'marketer' : data.role))).toEqual(
        users.map((user) => (user === winner ? 'marketer' : null)),
      );
      // The winner can now do what a marketer does.
      expect((await as(winner, 'listCampaigns')).ok).toBe(true);
    });

    it('refuses an unknown code and an expired invite, with stable codes', async () => {
      const wrong = await as(PEOPLE.none, 'acceptInvite', { inviteCode: 'not-a-real-invite-code' });
      expect(wrong.error).toEqual({
        code: 'INVITE_NOT_FOUND',
        message: expect.stringContaining('邀请'),
      });

      const { data } = await as(ROOT, 'createInvite', { role: 'viewer' });
      // A week passes: the stored expiry is moved into the past.
      const db = sdkFor(stack.url).database();
      const id = createHash('sha256').update(data.inviteCode).digest('hex');
      await db
        .collection('invites')
        .doc(id)
        .update({ data: { expiresAt: Date.now() - 1 } });
      const expired = await as(PEOPLE.none, 'acceptInvite', { inviteCode: data.inviteCode });
      expect(expired.error).toEqual({
        code: 'INVITE_EXPIRED',
        message: expect.stringContaining('过期'),
      });
      expect((await as(PEOPLE.none, 'me')).data.role).toBeNull();
    });

    it('does not store the code, and a member cannot use an invite meant for someone new', async () => {
      const { data } = await as(ROOT, 'createInvite', { role: 'admin' });
      const db = sdkFor(stack.url).database();
      const { data: stored } = await db.collection('invites').limit(100).get();
      expect(JSON.stringify(stored)).not.toContain(data.inviteCode);

      const member = await as(PEOPLE.viewer, 'acceptInvite', { inviteCode: data.inviteCode });
      expect(member.error.code).toBe('ALREADY_MEMBER');
      expect((await as(PEOPLE.viewer, 'me')).data.role).toBe('viewer');
      // The invite is still there for the person it was meant for.
      const newcomer = await as('o-newcomer-admin', 'acceptInvite', {
        inviteCode: data.inviteCode,
      });
      expect(newcomer).toMatchObject({ ok: true, data: { member: { role: 'admin' } } });
    });
  });

  describe('members', () => {
    it('lists bootstrap administrators and members with who granted them', async () => {
      const { data } = await as(PEOPLE.admin, 'listMembers');
      const byOpenid = new Map(
        data.members.map((member: { openid: string }) => [member.openid, member]),
      );
      expect(byOpenid.get(ROOT)).toMatchObject({ role: 'admin', source: 'bootstrap', since: null });
      expect(byOpenid.get(PEOPLE.operator)).toMatchObject({
        role: 'operator',
        source: 'grant',
        grantedBy: ROOT,
        openidMasked: expect.stringContaining('…'),
      });
      expect(byOpenid.get(PEOPLE.operator)).toHaveProperty('since', expect.any(String));
    });

    it('changes and revokes a role; bootstrap administrators cannot be changed here', async () => {
      const user = 'o-temp-member';
      expect((await as(ROOT, 'grantRole', { openid: user, role: 'viewer' })).ok).toBe(true);
      expect(
        (await as(ROOT, 'grantRole', { openid: user, role: 'operator' })).data.member.role,
      ).toBe('operator');
      expect((await as(user, 'me')).data.role).toBe('operator');
      expect(await as(PEOPLE.admin, 'revokeRole', { openid: user })).toEqual({
        ok: true,
        data: { openid: user, previousRole: 'operator' },
      });
      expect((await as(user, 'me')).data.role).toBeNull();
      expect((await as(user, 'listProducts')).error.code).toBe('FORBIDDEN');
      expect((await as(ROOT, 'revokeRole', { openid: user })).error.code).toBe('MEMBER_NOT_FOUND');

      for (const reply of [
        await as(PEOPLE.admin, 'revokeRole', { openid: ROOT }),
        await as(PEOPLE.admin, 'grantRole', { openid: ROOT, role: 'viewer' }),
      ]) {
        expect(reply.error.code).toBe('BOOTSTRAP_ADMIN');
      }
      expect((await as(ROOT, 'me')).data.role).toBe('admin');
    });
  });

  describe('the audit log', () => {
    it('records every write with who, role, action, target and summary, and no read', async () => {
      const actor = 'o-audited-operator';
      await as(ROOT, 'grantRole', { openid: actor, role: 'operator' });
      const made = await as(actor, 'createProduct', { ...PRODUCT, title: '审计用商品' });
      const productId = made.data.product.productId as string;
      await as(actor, 'updateProduct', { productId, brand: '新品牌' });
      // Reads, refusals and invalid writes leave nothing.
      await as(actor, 'listProducts');
      await as(actor, 'getProduct', { productId });
      await as(actor, 'me');
      await as(actor, 'createCampaign', {});
      await as(actor, 'updateProduct', { productId, title: '' });

      const { data } = await as(PEOPLE.admin, 'listAuditLog', { actor });
      expect(data.entries.map((entry: { action: string }) => entry.action)).toEqual([
        'updateProduct',
        'createProduct',
      ]);
      const [update, create] = data.entries;
      expect(create).toMatchObject({
        actor,
        actorMasked: expect.stringContaining('…'),
        role: 'operator',
        target: `product:${productId}`,
        summary: expect.stringContaining('审计用商品'),
      });
      expect(update.summary).toContain('brand');
      expect(Date.parse(update.at)).toBeGreaterThanOrEqual(Date.parse(create.at));

      const grants = await as(PEOPLE.admin, 'listAuditLog', {
        actionName: 'grantRole',
        actor: ROOT,
      });
      expect(grants.data.entries[0]).toMatchObject({
        action: 'grantRole',
        role: 'admin',
        target: `member:${actor}`,
        summary: expect.stringContaining('运营'),
      });
    });

    it('pages newest first and never holds an invite code', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) {
        codes.push((await as(PEOPLE.admin, 'createInvite', { role: 'viewer' })).data.inviteCode);
      }
      const first = await as(ROOT, 'listAuditLog', {
        actionName: 'createInvite',
        actor: PEOPLE.admin,
        limit: 2,
      });
      const second = await as(ROOT, 'listAuditLog', {
        actionName: 'createInvite',
        actor: PEOPLE.admin,
        limit: 2,
        offset: 2,
      });
      const entries = [...first.data.entries, ...second.data.entries];
      expect(first.data.entries).toHaveLength(2);
      const times = entries.map((entry: { at: string }) => Date.parse(entry.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(new Set(entries.map((entry: { id: string }) => entry.id)).size).toBe(entries.length);
      const all = await as(ROOT, 'listAuditLog', { limit: 100 });
      for (const code of codes) expect(JSON.stringify(all.data)).not.toContain(code);
    });

    it('is readable by administrators only', async () => {
      for (const who of ['operator', 'marketer', 'viewer', 'none'] as const) {
        expect((await as(PEOPLE[who], 'listAuditLog')).error.code).toBe('FORBIDDEN');
      }
    });
  });
});

describe('the last administrator', () => {
  it('survives two administrators revoking each other at once', async () => {
    // A team set up by its bootstrap administrator, who was then taken out of ADMIN_OPENIDS.
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mashang-roles-'));
    try {
      const setup = await startTestStack({ dataDir, settings: { ADMIN_OPENIDS: 'o-founder' } });
      try {
        for (const openid of ['o-alice', 'o-bob']) {
          const { body } = await setup.call(
            'admin',
            { action: 'grantRole', openid, role: 'admin' },
            { openid: 'o-founder' },
          );
          expect(body.ok).toBe(true);
        }
      } finally {
        await setup.close();
      }
      const stack = await startStack({
        port: 0,
        timers: false,
        log: () => {},
        dataDir,
        settings: { ADMIN_OPENIDS: '' },
      });
      try {
        const as = (openid: string, action: string, params: Record<string, unknown> = {}) =>
          callFunction(stack.url, 'admin', { action, ...params }, { openid }).then(
            ({ body }) => body,
          );
        // At once: whichever order the database sees, one goes and one administrator stays.
        const [aliceRevokesBob, bobRevokesAlice] = await Promise.all([
          as('o-alice', 'revokeRole', { openid: 'o-bob' }),
          as('o-bob', 'revokeRole', { openid: 'o-alice' }),
        ]);
        const outcomes = [aliceRevokesBob, bobRevokesAlice].map((reply) =>
          reply.ok ? 'revoked' : reply.error.code,
        );
        // The loser is refused by the count (LAST_ADMIN) or, when the winner finished first, by
        // its own permission check (no longer an administrator).
        expect(outcomes.filter((outcome) => outcome === 'revoked')).toHaveLength(1);
        expect(outcomes.find((outcome) => outcome !== 'revoked')).toMatch(
          /^(LAST_ADMIN|FORBIDDEN)$/,
        );
        let survivor = aliceRevokesBob.ok ? 'o-alice' : 'o-bob';
        let other = survivor === 'o-alice' ? 'o-bob' : 'o-alice';
        let members = (await as(survivor, 'listMembers')).data.members;
        expect(members).toEqual([expect.objectContaining({ openid: survivor, role: 'admin' })]);

        // Both past their permission check before either writes: the second transaction sees
        // the first's revocation and refuses.
        expect((await as(survivor, 'grantRole', { openid: other, role: 'admin' })).ok).toBe(true);
        const held = holdDatabaseRequest(stack, (action) => action === 'database.startTransaction');
        const first = as(survivor, 'revokeRole', { openid: other });
        await held.reached;
        const second = await as(other, 'revokeRole', { openid: survivor });
        expect(second.ok).toBe(true);
        held.release();
        expect((await first).error).toEqual({
          code: 'LAST_ADMIN',
          message: expect.stringContaining('管理员'),
        });
        [survivor, other] = [other, survivor];
        members = (await as(survivor, 'listMembers')).data.members;
        expect(members).toEqual([expect.objectContaining({ openid: survivor, role: 'admin' })]);

        // Nor can the survivor remove or demote themself.
        const self = await as(survivor, 'revokeRole', { openid: survivor });
        expect(self.error).toEqual({
          code: 'LAST_ADMIN',
          message: expect.stringContaining('管理员'),
        });
        const demoted = await as(survivor, 'grantRole', { openid: survivor, role: 'viewer' });
        expect(demoted.error.code).toBe('LAST_ADMIN');
        expect((await as(survivor, 'me')).data.role).toBe('admin');
        // Another administrator joins: now either may go.
        await as(survivor, 'grantRole', { openid: 'o-carol', role: 'admin' });
        expect((await as('o-carol', 'revokeRole', { openid: survivor })).ok).toBe(true);
      } finally {
        await stack.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
