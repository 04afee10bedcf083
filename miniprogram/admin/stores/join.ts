import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { MemberRole, MemberView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';

export type JoinStatus = 'idle' | 'joining' | 'joined' | 'error';

/** Joining the console with an invite: one `acceptInvite`, whose answer decides the page. */
export class JoinStore {
  inviteCode = '';
  /** The role the link names, for display only (acceptInvite grants what the invite holds). */
  offeredRole: MemberRole | null = null;
  status: JoinStatus = 'idle';
  member: MemberView | null = null;
  error: EnvelopeError | null = null;

  constructor() {
    makeAutoObservable(this);
  }

  /** A join page opened with this invite: forget any earlier one. */
  open(inviteCode: string, offeredRole: MemberRole | null): void {
    this.inviteCode = inviteCode;
    this.offeredRole = offeredRole;
    this.status = 'idle';
    this.member = null;
    this.error = null;
  }

  async accept(): Promise<boolean> {
    const { inviteCode } = this;
    if (!inviteCode) return false;
    // A second tap would spend nothing (an invite is single use) but would show INVITE_USED.
    if (this.status === 'joining' || this.status === 'joined') return false;
    this.status = 'joining';
    this.error = null;
    const reply = await adminClient.acceptInvite({ inviteCode });
    return runInAction(() => {
      if (reply.ok) {
        this.member = reply.data.member;
        this.status = 'joined';
        return true;
      }
      this.error = reply.error;
      this.status = 'error';
      return false;
    });
  }
}

export const joinStore = new JoinStore();
