/**
 * The demo seed's console members (issue 10 point 4: a role to switch to in the preview): an
 * operator, a marketer and a viewer, each joined through createInvite + acceptInvite, once, however
 * often the seed runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../local/admin-client';
import { DEMO, seedDemo } from '../../local/seed/demo';
import { startTestStack, type TestStack } from '../support/stack';

describe('demo members', () => {
  let stack: TestStack;
  const admin = () => adminClient(stack.url, DEMO.admin);

  beforeAll(async () => {
    stack = await startTestStack({ seed: true });
  });
  afterAll(() => stack?.destroy());

  it('joins each demo role by invite, once, and a second seed changes nothing', async () => {
    await seedDemo(stack, { log: () => {}, campaign: false });

    const { members } = await admin().call('listMembers');
    const demo = members.filter((member) =>
      (Object.values(DEMO.members) as string[]).includes(member.openid),
    );
    expect(
      demo
        .map(({ openid, role, source }) => ({ openid, role, source }))
        .sort((a, b) => a.openid.localeCompare(b.openid)),
    ).toEqual([
      { openid: DEMO.members.marketer, role: 'marketer', source: 'invite' },
      { openid: DEMO.members.operator, role: 'operator', source: 'invite' },
      { openid: DEMO.members.viewer, role: 'viewer', source: 'invite' },
    ]);
    // Through the real doors: three invites, three acceptances, in the audit log.
    const invites = await admin().call('listAuditLog', { actionName: 'createInvite', limit: 100 });
    const accepted = await admin().call('listAuditLog', { actionName: 'acceptInvite', limit: 100 });
    expect(invites.entries).toHaveLength(3);
    expect(accepted.entries.map((entry) => entry.actor).sort()).toEqual(
      Object.values(DEMO.members).sort(),
    );
    // Each may do what its role allows.
    const viewer = await admin().as(DEMO.members.viewer).call('me');
    expect(viewer).toMatchObject({
      role: 'viewer',
      can: { dashboard: true, createCampaign: false },
    });
  }, 120_000);
});
