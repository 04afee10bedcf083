/**
 * The demo product's pictures, drawn in code (no downloads, no fonts): a bottle of spring water,
 * the spring it comes from, and a pair of bottles. Shapes are signed distance functions sampled
 * 4× per pixel, which is all the anti-aliasing a flat illustration needs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';

type Rgb = readonly [number, number, number];
type Shade = (x: number, y: number) => Rgb;

/** Drawn at 600 px (the scenes' units), written at 480: a phone shows them about 375 px wide. */
const SIZE = 600;
const OUTPUT = 480;

export const DEMO_IMAGE_NAMES = ['bottle.png', 'spring.png', 'pair.png'] as const;

/**
 * One picture. Rendering takes about a second of CPU; the PNG depends on this file alone, so it is
 * kept under node_modules/.cache by a hash of this file and every later seed (each test stack,
 * each benchmark) reads it back. Async: rendering yields now and then, so a stack serving requests
 * stays live.
 */
export async function demoImage(name: (typeof DEMO_IMAGE_NAMES)[number]): Promise<Buffer> {
  const cached = cachedImagePath(name);
  if (cached) {
    try {
      return await readFile(cached);
    } catch {
      // Not rendered yet by this version of the file.
    }
  }
  const scenes = { 'bottle.png': bottleScene, 'spring.png': springScene, 'pair.png': pairScene };
  const png = await render(OUTPUT, OUTPUT, scenes[name]);
  if (cached) {
    try {
      await mkdir(path.dirname(cached), { recursive: true });
      // Renamed into place whole: test processes seeding side by side never read half a file.
      const partial = `${cached}.${process.pid}.${Date.now()}.partial`;
      await writeFile(partial, png);
      await rename(partial, cached);
    } catch {
      // A read-only tree renders every time.
    }
  }
  return png;
}

let sourceHash: string | null | undefined;

function cachedImagePath(name: string): string | undefined {
  if (sourceHash === undefined) {
    try {
      sourceHash = createHash('sha256').update(readFileSync(__filename)).digest('hex').slice(0, 16);
    } catch {
      sourceHash = null;
    }
  }
  if (!sourceHash) return undefined;
  const root = path.resolve(__dirname, '../..');
  return path.join(root, 'node_modules', '.cache', 'mashang', `demo-images-${sourceHash}`, name);
}

async function render(width: number, height: number, scene: Shade): Promise<Buffer> {
  const png = new PNG({ width, height });
  const offsets = [0.25, 0.75];
  const k = SIZE / width;
  const shade: Shade = (x, y) => scene(x * k, y * k);
  for (let y = 0; y < height; y += 1) {
    if (y % 40 === 0) await new Promise((resolve) => setImmediate(resolve));
    for (let x = 0; x < width; x += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const dy of offsets) {
        for (const dx of offsets) {
          const [sr, sg, sb] = shade(x + dx, y + dy);
          r += sr;
          g += sg;
          b += sb;
        }
      }
      const at = (y * width + x) * 4;
      png.data[at] = Math.round(r / 4);
      png.data[at + 1] = Math.round(g / 4);
      png.data[at + 2] = Math.round(b / 4);
      png.data[at + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

// ── shapes ──────────────────────────────────────────────────────────────────────────────────────

function roundedBox(
  x: number,
  y: number,
  cx: number,
  cy: number,
  hw: number,
  hh: number,
  r: number,
) {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function circle(x: number, y: number, cx: number, cy: number, r: number): number {
  return Math.hypot(x - cx, y - cy) - r;
}

/** Union with a rounded seam (the bottle's shoulders). */
function smoothUnion(a: number, b: number, k: number): number {
  const h = Math.min(1, Math.max(0, 0.5 + (0.5 * (b - a)) / k));
  return b * (1 - h) + a * h - k * h * (1 - h);
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const u = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

function hex(value: string): Rgb {
  const n = Number.parseInt(value.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// ── the bottle ──────────────────────────────────────────────────────────────────────────────────

interface BottleStyle {
  cx: number;
  /** Top of the cap. */
  top: number;
  scale: number;
  label: Rgb;
}

/** The bottle's colour at (x, y), or undefined outside it. */
function bottle(x: number, y: number, style: BottleStyle): Rgb | undefined {
  const s = style.scale;
  const u = (x - style.cx) / s;
  const v = (y - style.top) / s;
  const cap = roundedBox(u, v, 0, 24, 46, 24, 8);
  if (cap <= 0) {
    const ridge = Math.abs(u) < 40 && Math.floor(u / 8) % 2 === 0 ? 0.08 : 0;
    return mix(hex('#1d4e89'), hex('#2f6fb8'), 0.6 - ridge + v / 120);
  }
  const neck = roundedBox(u, v, 0, 90, 38, 44, 10);
  const body = roundedBox(u, v, 0, 300, 96, 180, 46);
  const shape = smoothUnion(neck, body, 46);
  if (shape > 0) return undefined;
  const waterLine = 150;
  const glass = v < waterLine ? hex('#e6f4fb') : hex('#bfe3f5');
  // The round body catches light on its left and darkens to the right.
  const shadeAcross = 0.12 * (u / 96);
  let colour = mix(glass, hex('#7fb8d8'), 0.25 + shadeAcross);
  if (v > 250 && v < 360) {
    colour = style.label;
    if (v > 262 && v < 268) colour = mix(style.label, hex('#ffffff'), 0.7);
    // Three white peaks on the label: the brand's mark.
    const peaks = [-40, 0, 40].some(
      (px, i) => v > 340 - (i === 1 ? 62 : 44) + Math.abs(u - px) * 1.2 && v < 340,
    );
    if (peaks) colour = hex('#f7fbfd');
    colour = mix(colour, hex('#0b2b3b'), 0.18 + shadeAcross);
  }
  if (u > -78 && u < -60 && v > 130 && v < 460) colour = mix(colour, hex('#ffffff'), 0.55);
  if (Math.abs(v - 200) < 2 || Math.abs(v - 420) < 2) colour = mix(colour, hex('#6aa5c6'), 0.5);
  return colour;
}

function floorShadow(x: number, y: number, cx: number, cy: number, w: number): number {
  const d = Math.hypot((x - cx) / w, (y - cy) / (w * 0.16));
  return d < 1 ? 0.25 * (1 - d) : 0;
}

function bottleScene(x: number, y: number): Rgb {
  const style: BottleStyle = { cx: 300, top: 40, scale: 1, label: hex('#1f8a70') };
  const drawn = bottle(x, y, style);
  if (drawn) return drawn;
  let background = mix(hex('#eaf6fb'), hex('#cde8f4'), y / SIZE);
  if (circle(x, y, 300, 300, 250) < 0) background = mix(background, hex('#ffffff'), 0.35);
  return mix(background, hex('#335566'), floorShadow(x, y, 300, 525, 130));
}

function pairScene(x: number, y: number): Rgb {
  const left = bottle(x, y, { cx: 205, top: 110, scale: 0.8, label: hex('#1f8a70') });
  if (left) return left;
  const right = bottle(x, y, { cx: 395, top: 110, scale: 0.8, label: hex('#2b6cb0') });
  if (right) return right;
  const background = mix(hex('#fff7ea'), hex('#fde6c4'), y / SIZE);
  const shadow = floorShadow(x, y, 205, 530, 95) + floorShadow(x, y, 395, 530, 95);
  return mix(background, hex('#6b4f2a'), shadow);
}

// ── the spring ──────────────────────────────────────────────────────────────────────────────────

function ridge(x: number, base: number, height: number, phase: number): number {
  return (
    base - height * (0.55 + 0.3 * Math.sin(x / 70 + phase) + 0.15 * Math.sin(x / 23 + phase * 2.3))
  );
}

function springScene(x: number, y: number): Rgb {
  const lake = 430;
  if (y > lake) {
    const depth = (y - lake) / (SIZE - lake);
    let water = mix(hex('#5fb7d4'), hex('#1f6f8b'), depth);
    if (Math.sin(y * 0.45 + Math.sin(x / 40) * 2) > 0.96) water = mix(water, hex('#e8f7fb'), 0.6);
    return water;
  }
  if (ridge(x, 430, 150, 3.1) < y) return mix(hex('#2f7d4f'), hex('#1e5a37'), (y - 330) / 100);
  if (ridge(x, 400, 220, 1.2) < y) return mix(hex('#6fa58a'), hex('#4e8a6c'), (y - 200) / 200);
  const peak = ridge(x, 360, 260, 0.2);
  if (peak < y)
    return y < peak + 18 ? hex('#f4f8fa') : mix(hex('#a9c7d8'), hex('#8db3c7'), y / 400);
  const sky = mix(hex('#bfe4f7'), hex('#f2fafd'), y / 360);
  const sun = circle(x, y, 460, 110, 42);
  if (sun < 0) return hex('#fff3c4');
  return sun < 40 ? mix(hex('#fff3c4'), sky, sun / 40) : sky;
}
