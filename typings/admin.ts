/**
 * Contract of the `admin` cloud function (operators and marketers only). Each action's request
 * (`event` minus `action`) and the `data` of its success envelope.
 *
 * Type-only: shared by miniprogram/ (via `import type`) and cloudfunctions/.
 */

/** `admin` / `me`: who is calling, as the server sees it (identity from `cloud.getWXContext()`). */
export interface AdminMe {
  /** Mini Program openid of the caller. The UI masks it; logs must not print it in full. */
  openid: string;
  appid: string;
  /** Whether the caller may use the operator pages (role record or `ADMIN_OPENIDS` bootstrap). */
  isAdmin: boolean;
  /** ISO 8601 timestamps: dates cross `callFunction` as JSON. */
  firstSeenAt: string;
  lastSeenAt: string;
  /** How many times this openid has called `me`, this call included. */
  visits: number;
}

export interface AdminActions {
  me: { request: Record<string, never>; response: AdminMe };
}

export type AdminAction = keyof AdminActions;
