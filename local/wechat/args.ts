/**
 * Reading WeChat request bodies: JSON objects whose fields are checked the way the APIs document
 * them. A bad field is WeChat's generic 40097 "invalid args" with the field named in errmsg.
 */
import { Errcode, WechatApiError, invalidArgs } from './errors';

export type Body = Record<string, unknown>;

/** Parses a request body as a JSON object; WeChat answers 47001 to anything else. */
export function parseBody(raw: unknown): Body {
  let value: unknown = raw;
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    const text = raw.toString();
    if (text.trim() === '') return {};
    try {
      value = JSON.parse(text);
    } catch {
      throw new WechatApiError(Errcode.DataFormatError, 'data format error');
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new WechatApiError(Errcode.DataFormatError, 'data format error');
  return value as Body;
}

/**
 * A uint64 field. WeChat's own examples send application_id as a string, so decimal strings are
 * accepted too; values must be exact in JavaScript (below 2^53).
 */
export function optionalUint(body: Body, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(number) || number < 0)
    throw invalidArgs(`${name} must be an unsigned integer`);
  return number;
}

export function requireUint(body: Body, name: string): number {
  const value = optionalUint(body, name);
  if (value === undefined) throw invalidArgs(`${name} is required`);
  return value;
}

export function optionalText(body: Body, name: string, maxLength: number): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgs(`${name} must be a string`);
  if (value.length > maxLength) throw invalidArgs(`${name} is longer than ${maxLength}`);
  return value === '' ? undefined : value;
}

export function requireText(body: Body, name: string, maxLength: number): string {
  const value = optionalText(body, name, maxLength);
  if (value === undefined) throw invalidArgs(`${name} is required`);
  return value;
}
