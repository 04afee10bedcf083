import { XMLParser } from 'fast-xml-parser';
import { PayProtocolError } from '../errors.js';

/** A flat v2 message; nested elements (gethbinfo's `hblist`) come back as objects and arrays. */
export type V2Xml = Record<string, unknown>;

const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `<xml><k><![CDATA[v]]></k>…</xml>` in the given key order. Every value is CDATA so `&` and `<`
 * need no escaping; a `]]>` inside a value is split across two sections. Empty values are left out,
 * as they are from the signature.
 */
export function buildXml(
  fields: Readonly<Record<string, string | number | undefined | null>>,
): string {
  const parts: string[] = ['<xml>'];
  for (const [key, value] of Object.entries(fields)) {
    if (!TAG_NAME.test(key)) throw new Error(`buildXml: ${JSON.stringify(key)} is not an XML name`);
    if (value === undefined || value === null || String(value) === '') continue;
    const text = String(value).replace(/]]>/g, ']]]]><![CDATA[>');
    parts.push(`<${key}><![CDATA[${text}]]></${key}>`);
  }
  parts.push('</xml>');
  return parts.join('');
}

// Entities off and tag values kept as text: an XXE/billion-laughs payload stays inert, and
// bill numbers or amounts are never turned into numbers (leading zeros, 64-bit ids).
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'hbinfo',
});

/**
 * Parses a v2 reply into the children of its `<xml>` root. A document with a DOCTYPE or entity
 * declaration is refused outright: WeChat Pay never sends one, so it can only be an attack or a
 * proxy's error page.
 */
export function parseXml(api: string, text: string): V2Xml {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new PayProtocolError(api, 'the reply declares a DOCTYPE or entities');
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (error) {
    throw new PayProtocolError(api, 'the reply is not XML', { cause: error });
  }
  const root = (parsed as { xml?: unknown } | undefined)?.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new PayProtocolError(api, 'the reply has no <xml> root');
  }
  return root as V2Xml;
}

/** A field of a parsed reply as a string, or undefined when absent or not text. */
export function textField(xml: V2Xml, name: string): string | undefined {
  const value = xml[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
