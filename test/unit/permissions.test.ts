import { describe, expect, it } from 'vitest';
import {
  ADMIN_ACTIONS,
  allowedActions,
  inviteRefusal,
  invitePath,
  leavesAnAdmin,
  maskOpenid,
  mayCall,
  MEMBER_ROLES,
  permissionsOf,
} from '../../cloudfunctions/core/domain/permissions';

const WRITES_OF = {
  operator: [
    'applyCodes',
    'refreshApplication',
    'importRange',
    'exportRange',
    'activateRange',
    // Where a range is sold (issue 12's diversion watch): part of activating it.
    'setRangeRegions',
    'createProduct',
    'updateProduct',
    'bindProduct',
    // Channel QR codes of the Official Account (issue 11).
    'createChannelQr',
    'updateChannelQr',
    'copyChannelQr',
    'deleteChannelQrs',
    'addMaterial',
    // Exports of scanned users and audiences: users' OpenIDs leave the system.
    'exportQrScanners',
    'createAudience',
  ],
  marketer: ['createCampaign', 'updateCampaign', 'setCampaignStatus'],
} as const;
/** Writes of both operators and marketers, never a viewer's: exports for a CRM (issue 12). */
const SHARED_WRITES = ['exportData', 'listExports'];
const MEMBERS_ONLY = ['createInvite', 'listMembers', 'grantRole', 'revokeRole', 'listAuditLog'];
const OPEN = ['me', 'acceptInvite'];

describe('permissions', () => {
  it('gives an administrator every action', () => {
    expect(ADMIN_ACTIONS.every((action) => mayCall('admin', action))).toBe(true);
  });

  it('gives an operator codes, products and channel QR codes, a marketer campaigns, a viewer neither', () => {
    const writes = [...WRITES_OF.operator, ...WRITES_OF.marketer] as string[];
    for (const role of ['operator', 'marketer', 'viewer'] as const) {
      const own: readonly string[] = role === 'viewer' ? [] : WRITES_OF[role];
      for (const action of ADMIN_ACTIONS) {
        const expected = MEMBERS_ONLY.includes(action)
          ? false
          : SHARED_WRITES.includes(action)
            ? role !== 'viewer'
            : writes.includes(action)
              ? own.includes(action)
              : true;
        expect(mayCall(role, action), `${role} → ${action}`).toBe(expected);
      }
    }
  });

  it('lets a WeChat user without a role call only me and acceptInvite', () => {
    const allowed = Object.entries(allowedActions(null))
      .filter(([, can]) => can)
      .map(([action]) => action);
    expect(allowed.sort()).toEqual([...OPEN].sort());
    expect(permissionsOf(null)).toEqual([]);
  });

  it('reports permissions per role, members.manage for administrators only', () => {
    for (const role of MEMBER_ROLES) {
      expect(permissionsOf(role).includes('members.manage')).toBe(role === 'admin');
      expect(permissionsOf(role)).toEqual(expect.arrayContaining(['codes.read', 'payouts.read']));
    }
  });
});

describe('the last administrator', () => {
  it('refuses removing the only administrator, and only that', () => {
    expect(leavesAnAdmin({ bootstrapAdmins: 0, grantedAdmins: 1, removesAdmin: true })).toBe(false);
    expect(leavesAnAdmin({ bootstrapAdmins: 0, grantedAdmins: 2, removesAdmin: true })).toBe(true);
    expect(leavesAnAdmin({ bootstrapAdmins: 1, grantedAdmins: 1, removesAdmin: true })).toBe(true);
    expect(leavesAnAdmin({ bootstrapAdmins: 0, grantedAdmins: 1, removesAdmin: false })).toBe(true);
  });
});

describe('invites', () => {
  it('is refused once used or from its expiry on', () => {
    const expiresAt = 1_000;
    expect(inviteRefusal({ expiresAt }, 999)).toBeNull();
    expect(inviteRefusal({ expiresAt }, 1_000)).toBe('INVITE_EXPIRED');
    expect(inviteRefusal({ expiresAt, usedAt: 500 }, 600)).toBe('INVITE_USED');
  });

  it('opens the join page of the console', () => {
    expect(invitePath('abc_-9')).toBe('/admin/pages/join/index?invite=abc_-9');
  });
});

describe('maskOpenid', () => {
  it('keeps the ends and hides the middle', () => {
    expect(maskOpenid('oMASH1234567890abcdefXYZ')).toBe('oMAS…fXYZ');
    expect(maskOpenid('oMASH1234567890abcdefXYZ')).not.toContain('1234567890');
  });
});
