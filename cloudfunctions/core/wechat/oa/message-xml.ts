/**
 * The XML of Official Account pushes and passive replies (WeChat's 接收事件推送 and 被动回复 pages): a flat
 * `<xml>` of elements, strings in CDATA and numbers bare (`<CreateTime>1409735668</CreateTime>`).
 */
import { XMLParser } from 'fast-xml-parser';
import type { OaXmlFields } from '../../domain/oa-push.js';

/** Why a push body is not a message we read. */
export class OaXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OaXmlError';
  }
}

/** A push's top-level fields as text; nested elements (a reply's `Articles`) are left out. */
export type { OaXmlFields };

const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Entities off and values kept as text: an XXE or billion-laughs payload stays inert, and
// MsgId (a 64-bit number) or CreateTime never pass through a JavaScript number.
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
});

/**
 * Parses a push body into the text children of its `<xml>` root. A DOCTYPE or entity declaration
 * is refused outright: WeChat never sends one, so it can only be an attack.
 */
export function parseOaXml(text: string): OaXmlFields {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new OaXmlError('the body declares a DOCTYPE or entities');
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch {
    throw new OaXmlError('the body is not XML');
  }
  const root = (parsed as { xml?: unknown } | undefined)?.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new OaXmlError('the body has no <xml> root');
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

/**
 * `<xml>` in the given order, as WeChat writes it: numbers bare, strings as CDATA (a `]]>` inside
 * a value is split across two sections). Undefined fields are left out.
 */
export function buildOaXml(fields: Readonly<Record<string, string | number | undefined>>): string {
  const parts: string[] = ['<xml>'];
  for (const [name, value] of Object.entries(fields)) {
    if (!TAG_NAME.test(name))
      throw new Error(`buildOaXml: ${JSON.stringify(name)} is not an XML name`);
    if (value === undefined) continue;
    const body =
      typeof value === 'number'
        ? String(value)
        : `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
    parts.push(`<${name}>${body}</${name}>`);
  }
  parts.push('</xml>');
  return parts.join('');
}
