import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type {
  AuditEntryView,
  CreateInviteResult,
  MemberRole,
  MemberView,
} from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Audit entries asked for per page (the server allows up to 100). */
export const AUDIT_PAGE_SIZE = 20;

/**
 * What a write ended with, for the page to say (our words come from utils/errors.ts); `busy`: not
 * sent, another write was in flight.
 */
export type WriteOutcome = { ok: true } | { ok: false; error: EnvelopeError } | { ok: 'busy' };

/**
 * The 成员 page: members with their roles, the invite just created and the audit log (newest
 * first, paged). Every write reloads the members and the log's first page, so what the page shows
 * is what the server holds (including the entry the write itself appended).
 */
export class MembersStore {
  membersStatus: LoadStatus = 'idle';
  members: MemberView[] = [];
  membersError: EnvelopeError | null = null;

  auditStatus: LoadStatus = 'idle';
  auditEntries: AuditEntryView[] = [];
  auditError: EnvelopeError | null = null;
  auditHasMore = false;
  auditLoadingMore = false;

  invite: CreateInviteResult | null = null;
  /** A write (grant, revoke, invite) is in flight: its buttons wait. */
  busy = false;

  constructor() {
    makeAutoObservable(this);
  }

  /** Members and the log's first page, side by side. */
  async load(): Promise<void> {
    await Promise.all([this.loadMembers(), this.loadAudit()]);
  }

  async loadMembers(): Promise<void> {
    this.membersStatus = 'loading';
    this.membersError = null;
    const reply = await adminClient.listMembers();
    runInAction(() => {
      if (reply.ok) {
        this.members = reply.data.members;
        this.membersStatus = 'ready';
      } else {
        this.membersError = reply.error;
        this.membersStatus = 'error';
      }
    });
  }

  async loadAudit(): Promise<void> {
    this.auditStatus = 'loading';
    this.auditError = null;
    const reply = await adminClient.listAuditLog({ limit: AUDIT_PAGE_SIZE, offset: 0 });
    runInAction(() => {
      if (reply.ok) {
        this.auditEntries = reply.data.entries;
        this.auditHasMore = reply.data.entries.length === AUDIT_PAGE_SIZE;
        this.auditStatus = 'ready';
      } else {
        this.auditError = reply.error;
        this.auditStatus = 'error';
      }
    });
  }

  /** The next page of the log; a failure keeps what is shown and reports the error. */
  async loadMoreAudit(): Promise<WriteOutcome> {
    if (this.auditLoadingMore || !this.auditHasMore) return { ok: 'busy' };
    this.auditLoadingMore = true;
    const reply = await adminClient.listAuditLog({
      limit: AUDIT_PAGE_SIZE,
      offset: this.auditEntries.length,
    });
    return runInAction(() => {
      this.auditLoadingMore = false;
      if (!reply.ok) return { ok: false, error: reply.error };
      // Entries written since the first page shift the offsets: skip any already shown.
      const seen = new Set(this.auditEntries.map((entry) => entry.id));
      this.auditEntries = [
        ...this.auditEntries,
        ...reply.data.entries.filter((entry) => !seen.has(entry.id)),
      ];
      this.auditHasMore = reply.data.entries.length === AUDIT_PAGE_SIZE;
      return { ok: true };
    });
  }

  async changeRole(openid: string, role: MemberRole): Promise<WriteOutcome> {
    return this.write(() => adminClient.grantRole({ openid, role }));
  }

  async revoke(openid: string): Promise<WriteOutcome> {
    return this.write(() => adminClient.revokeRole({ openid }));
  }

  async createInvite(role: MemberRole): Promise<WriteOutcome> {
    if (this.busy) return { ok: 'busy' };
    this.busy = true;
    const reply = await adminClient.createInvite({ role });
    runInAction(() => {
      this.busy = false;
      if (reply.ok) this.invite = reply.data;
    });
    if (!reply.ok) return { ok: false, error: reply.error };
    void this.loadAudit();
    return { ok: true };
  }

  closeInvite(): void {
    this.invite = null;
  }

  private async write(
    send: () => Promise<{ ok: true } | { ok: false; error: EnvelopeError }>,
  ): Promise<WriteOutcome> {
    // A second tap while one write is in flight would only race it.
    if (this.busy) return { ok: 'busy' };
    this.busy = true;
    const reply = await send();
    runInAction(() => {
      this.busy = false;
    });
    if (!reply.ok) return { ok: false, error: reply.error };
    await this.load();
    return { ok: true };
  }
}

export const membersStore = new MembersStore();
