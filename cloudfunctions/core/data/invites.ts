import { createHash, randomBytes } from 'node:crypto';
import type { MemberRole } from '../../../typings/admin.js';
import { db } from '../cloud.js';

/**
 * `invites`: one document per invite to join the console, `_id` = the SHA-256 of its code. The
 * code itself (128 random bits) is shown once to the administrator who made it and never
 * stored, so whoever reads the database cannot use an open invite. Accepting it is
 * data/members.ts joinWithInvite (one transaction with the role it grants).
 */
export interface InviteRecord {
  _id: string;
  role: MemberRole;
  createdBy: string;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  /** Set once, when a user joins with it. */
  usedBy?: string;
  usedAt?: number;
}

export const INVITES = 'invites';

/** A fresh invite code: 128 random bits, URL-safe (22 characters). */
export function newInviteCode(): string {
  return randomBytes(16).toString('base64url');
}

/** The id an invite code is stored under. */
export function inviteIdOf(inviteCode: string): string {
  return createHash('sha256').update(inviteCode, 'utf8').digest('hex');
}

export async function insertInvite(invite: InviteRecord): Promise<void> {
  await db().collection(INVITES).add({ data: invite });
}
