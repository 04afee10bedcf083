import type { MemberErrorCode } from '../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../typings/envelope';
import type { ClientErrorCode } from '../../services/cloud';

/** Every code a member or invite call can meet: the contract's, the common ones, the cloud call's. */
export type MemberPageErrorCode =
  MemberErrorCode | CommonErrorCode | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * Our words for each of them; the type makes a code added to the contract without words a
 * compile error. Written for the person tapping, saying what to do next.
 */
export const MEMBER_ERROR_COPY: Readonly<Record<MemberPageErrorCode, string>> = {
  INVITE_NOT_FOUND: '邀请链接无效，请让管理员重新生成邀请',
  INVITE_EXPIRED: '邀请已过期（有效期 7 天），请让管理员重新邀请',
  INVITE_USED: '这个邀请已被使用，每个邀请只能加入一人，请让管理员重新邀请',
  ALREADY_MEMBER: '你已经是成员了，可以直接进入运营后台',
  MEMBER_NOT_FOUND: '该成员已不在成员列表中，请刷新后再试',
  LAST_ADMIN: '至少要保留一位管理员：不能移除或降级最后一位管理员',
  BOOTSTRAP_ADMIN: '该管理员由部署设置（ADMIN_OPENIDS）指定，只能在部署设置中修改',
  INVALID_ARGUMENT: '提交的信息有误，请检查后重试',
  UNKNOWN_ACTION: '服务版本过旧，请稍后再试或联系技术支持',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色没有这项权限，请联系管理员',
  NOT_FOUND: '没有找到相关记录，请刷新后再试',
  CONFLICT: '数据刚被他人修改，请刷新后再试',
  UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  INTERNAL: '服务暂时不可用，请稍后重试',
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

/** Our words for an error; a code we do not know keeps the server's own Chinese message. */
export function describeMemberError(error: EnvelopeError): string {
  const copy: Readonly<Record<string, string>> = MEMBER_ERROR_COPY;
  return copy[error.code] ?? (error.message || '操作失败，请稍后重试');
}
