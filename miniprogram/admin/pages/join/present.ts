import type { MemberRole, MemberView } from '../../../../typings/admin';
import type { EnvelopeError } from '../../../../typings/envelope';
import { describeMemberError } from '../../utils/errors';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLE_ORDER } from '../../utils/roles';
import type { JoinStatus } from '../../stores/join';

/** The role a link names (`role=` beside `invite=`): a label only, the invite decides the role. */
export function offeredRole(value: string | undefined): MemberRole | null {
  return ROLE_ORDER.find((role) => role === value) ?? null;
}

export interface JoinView {
  /** What the page says first. */
  headline: string;
  detail: string;
  /** The 加入 button. */
  canJoin: boolean;
  joining: boolean;
  /** Shows 进入运营后台 (joined, or already a member). */
  canEnter: boolean;
  error: string;
  errorCode: string;
}

export function joinView(input: {
  inviteCode: string;
  role: MemberRole | null;
  status: JoinStatus;
  member: MemberView | null;
  error: EnvelopeError | null;
}): JoinView {
  const offer = input.role
    ? `邀请你以「${ROLE_LABELS[input.role]}」身份加入运营后台`
    : '邀请你加入运营后台';
  const base: JoinView = {
    headline: offer,
    detail: input.role ? `${ROLE_LABELS[input.role]}：${ROLE_DESCRIPTIONS[input.role]}` : '',
    canJoin: false,
    joining: false,
    canEnter: false,
    error: '',
    errorCode: '',
  };
  if (!input.inviteCode) {
    return {
      ...base,
      error: describeMemberError({ code: 'INVITE_NOT_FOUND', message: '' }),
      errorCode: 'INVITE_NOT_FOUND',
    };
  }
  switch (input.status) {
    case 'joined': {
      const role = input.member?.role ?? input.role;
      return {
        ...base,
        headline: '已加入运营后台',
        detail: role ? `你的角色：${ROLE_LABELS[role]}` : '',
        canEnter: true,
      };
    }
    case 'error': {
      const error = input.error ?? { code: 'INTERNAL', message: '' };
      const already = error.code === 'ALREADY_MEMBER';
      // A refused invite stays refused; only a failure on the way (network, server) may be retried.
      const final = ['INVITE_NOT_FOUND', 'INVITE_EXPIRED', 'INVITE_USED'].includes(error.code);
      return {
        ...base,
        canJoin: !already && !final,
        canEnter: already,
        error: describeMemberError(error),
        errorCode: error.code,
      };
    }
    case 'joining':
      return { ...base, canJoin: true, joining: true };
    default:
      return { ...base, canJoin: true };
  }
}
