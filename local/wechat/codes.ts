/**
 * The simulator's code space: how a code's global index becomes its raw code, its URL and its
 * matrix, and back, without storing a row per code (one application may hold 20,000,000).
 *
 * Every application owns a contiguous slice [offset, offset + count) of one global index space
 * [0, N), so codes are unique across applications by construction. Each printed form is an affine
 * bijection of the global index x modulo N (gcd(A, N) = 1), so reading a code back is a modular
 * inverse plus a lookup of the slice that holds x:
 *
 *   N       44^9 = 618,121,839,509,504: nine characters of QR's alphanumeric alphabet minus the
 *           space (a space would split the package line). WeChat's example `0436Z31$0` fits it.
 *   code    base44((A0·x + B0) mod N), 9 characters.
 *   url     `P.URL.CN/0` + base44((A1·x + B1) mod N) + base44((A2·x + B2) mod N), 28 characters
 *           like WeChat's `P.URL.CN/0V/IXO*FWWYLZLXUXGR`. The first half inverts to x; the second
 *           half is a check, so a URL with an altered tail is unknown rather than another code.
 *   matrix  19×19 dots: three finder squares (so a rendered code looks like one) and the rest drawn
 *           from a PRNG seeded by the code, so the same code always prints the same dots.
 *
 * Consecutive indexes move each map by a constant, so a package is produced with additions only;
 * every intermediate value stays below 2N < 2^53 and is exact in a double.
 */
import {
  CODE_URL_LENGTH,
  MATRIX_BITS,
  MATRIX_SIDE,
  RAW_CODE_LENGTH,
  formatPackageLine,
  type CodeRecord,
} from '../../cloudfunctions/core/wechat/marketcode/package';

/** QR alphanumeric mode without the space. */
export const CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:';
const BASE = CODE_ALPHABET.length;
export const CODE_SPACE = BASE ** RAW_CODE_LENGTH;
export const URL_PREFIX = 'P.URL.CN/0';

/** An affine bijection x → (a·x + b) mod N. */
interface AffineMap {
  a: bigint;
  b: bigint;
  inverseA: bigint;
}

const N = BigInt(CODE_SPACE);

function affine(a: bigint, b: bigint): AffineMap {
  return { a, b, inverseA: modularInverse(a, N) };
}

// Arbitrary constants coprime to N = 2^18 · 11^9 (odd, not multiples of 11), near N times
// irrational fractions so that neighbouring indexes give unrelated-looking codes.
const CODE_MAP = affine(382_020_305_974_641n, 137_438_953_447n);
const URL_HEAD_MAP = affine(466_606_371_636_187n, 290_111_222_333_441n);
const URL_TAIL_MAP = affine(352_230_728_899_551n, 51_234_567_890_123n);

function modularInverse(a: bigint, modulus: bigint): bigint {
  let [oldR, r] = [a % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) throw new Error(`${a} has no inverse modulo ${modulus}`);
  return ((oldS % modulus) + modulus) % modulus;
}

function apply(map: AffineMap, x: number): number {
  return Number((map.a * BigInt(x) + map.b) % N);
}

function invert(map: AffineMap, y: number): number {
  return Number((((((BigInt(y) - map.b) % N) + N) % N) * map.inverseA) % N);
}

/** All 44^3 three-character groups: a code is three table lookups, not nine divisions. */
const GROUP = BASE ** 3;
const GROUPS: string[] = Array.from(
  { length: GROUP },
  (_, value) =>
    CODE_ALPHABET[Math.floor(value / (BASE * BASE))]! +
    CODE_ALPHABET[Math.floor(value / BASE) % BASE]! +
    CODE_ALPHABET[value % BASE]!,
);

function encodeBase44(value: number): string {
  const high = Math.floor(value / (GROUP * GROUP));
  const middle = Math.floor(value / GROUP) % GROUP;
  return GROUPS[high]! + GROUPS[middle]! + GROUPS[value % GROUP]!;
}

const DIGIT_VALUES = new Map([...CODE_ALPHABET].map((char, value) => [char, value]));

function decodeBase44(text: string): number | undefined {
  if (text.length !== RAW_CODE_LENGTH) return undefined;
  let value = 0;
  for (const char of text) {
    const digit = DIGIT_VALUES.get(char);
    if (digit === undefined) return undefined;
    value = value * BASE + digit;
  }
  return value;
}

/** The global index a raw code stands for, or undefined when it is not a code of this space. */
export function globalIndexOfCode(code: string): number | undefined {
  const value = decodeBase44(code);
  return value === undefined ? undefined : invert(CODE_MAP, value);
}

/** The global index a 28-character URL stands for, or undefined when it is not one of ours. */
export function globalIndexOfUrl(url: string): number | undefined {
  if (url.length !== CODE_URL_LENGTH || !url.startsWith(URL_PREFIX)) return undefined;
  const head = decodeBase44(url.slice(URL_PREFIX.length, URL_PREFIX.length + RAW_CODE_LENGTH));
  if (head === undefined) return undefined;
  const x = invert(URL_HEAD_MAP, head);
  const tail = url.slice(URL_PREFIX.length + RAW_CODE_LENGTH);
  return tail === encodeBase44(apply(URL_TAIL_MAP, x)) ? x : undefined;
}

export function codeOf(globalIndex: number): string {
  return encodeBase44(apply(CODE_MAP, globalIndex));
}

/**
 * The rows of a package: one `CodeRecord` per code of `count` consecutive codes, the first being
 * global index `globalStart` with application index `indexStart`. Lazy, so a caller streams any size.
 */
export function* codeRecords(
  globalStart: number,
  indexStart: number,
  count: number,
): Generator<CodeRecord> {
  const step = [CODE_MAP, URL_HEAD_MAP, URL_TAIL_MAP].map((map) => Number(map.a % N));
  let [code, head, tail] = [CODE_MAP, URL_HEAD_MAP, URL_TAIL_MAP].map((map) =>
    apply(map, globalStart),
  ) as [number, number, number];
  for (let i = 0; i < count; i += 1) {
    const raw = encodeBase44(code);
    yield {
      matrix: matrixOf(code),
      code: raw,
      index: indexStart + i,
      url: URL_PREFIX + encodeBase44(head) + encodeBase44(tail),
    };
    code = wrap(code + step[0]!);
    head = wrap(head + step[1]!);
    tail = wrap(tail + step[2]!);
  }
}

function wrap(value: number): number {
  return value >= CODE_SPACE ? value - CODE_SPACE : value;
}

/** `formatPackageLine` for each row, grouped into chunks of text ending in a newline. */
export function* packageText(
  globalStart: number,
  indexStart: number,
  count: number,
  linesPerChunk = 4096,
): Generator<string> {
  let lines: string[] = [];
  for (const record of codeRecords(globalStart, indexStart, count)) {
    lines.push(formatPackageLine(record));
    if (lines.length === linesPerChunk) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

const FINDER = 7;
/** Per dot: the colour of a fixed finder-square dot (incl. its white separator), or -1 when free. */
const FIXED_DOTS = new Int8Array(MATRIX_BITS).fill(-1);
for (const [top, left] of [
  [0, 0],
  [0, MATRIX_SIDE - FINDER],
  [MATRIX_SIDE - FINDER, 0],
] as const) {
  for (let row = -1; row <= FINDER; row += 1) {
    for (let col = -1; col <= FINDER; col += 1) {
      const [r, c] = [top + row, left + col];
      if (r < 0 || c < 0 || r >= MATRIX_SIDE || c >= MATRIX_SIDE) continue;
      const inside = row >= 0 && col >= 0 && row < FINDER && col < FINDER;
      const ring = row === 0 || col === 0 || row === FINDER - 1 || col === FINDER - 1;
      const core = row >= 2 && col >= 2 && row <= 4 && col <= 4;
      FIXED_DOTS[r * MATRIX_SIDE + c] = inside && (ring || core) ? 1 : 0;
    }
  }
}

/**
 * The matrix as a template of literal runs (fixed dots) and free runs of at most RUN_BITS dots, so
 * a matrix is ~30 string concatenations of table entries instead of 361 per-dot writes: packages
 * of hundreds of thousands of codes are generated at several hundred thousand lines per second.
 */
const RUN_BITS = 11;
const MATRIX_TEMPLATE: (string | number)[] = [];
for (let i = 0; i < MATRIX_BITS;) {
  let j = i;
  if (FIXED_DOTS[i] === -1) {
    while (j < MATRIX_BITS && FIXED_DOTS[j] === -1 && j - i < RUN_BITS) j += 1;
    MATRIX_TEMPLATE.push(j - i);
  } else {
    while (j < MATRIX_BITS && FIXED_DOTS[j] !== -1) j += 1;
    MATRIX_TEMPLATE.push(Array.from(FIXED_DOTS.subarray(i, j)).join(''));
  }
  i = j;
}
/** BIT_STRINGS[k][v]: v as k characters of 0/1, least significant bit first. */
const BIT_STRINGS: string[][] = Array.from({ length: RUN_BITS + 1 }, (_, width) =>
  Array.from({ length: 2 ** width }, (_, value) =>
    Array.from({ length: width }, (_, bit) => (value >> bit) & 1).join(''),
  ),
);

/** 361 characters of 0/1 for a code value: deterministic, roughly half black outside the finders. */
export function matrixOf(codeValue: number): string {
  // xorshift32 seeded by a murmur-style mix of both halves of the value (it exceeds 32 bits).
  let state = mix32((codeValue % 0x1_0000_0000) ^ mix32(Math.floor(codeValue / 0x1_0000_0000)));
  if (state === 0) state = 0x9e3779b9;
  let matrix = '';
  for (const part of MATRIX_TEMPLATE) {
    if (typeof part === 'string') {
      matrix += part;
      continue;
    }
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    matrix += BIT_STRINGS[part]![state & ((1 << part) - 1)];
  }
  return matrix;
}

function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
