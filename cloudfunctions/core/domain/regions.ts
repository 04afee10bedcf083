/**
 * Places of China as the figures and the diversion watch name them: a province by its full GB/T 2260
 * name (`广东省`, `北京市`, `广西壮族自治区`), a city by its full name (`深圳市`). Pure rules, no I/O:
 * the IP database (scan/where.ts) and the city table (china-cities.ts) feed names in, these make
 * them one spelling, name the nearest city to a point, and decide whether a place lies in a
 * range's sales regions.
 */
import type { SalesRegion } from '../../../typings/admin.js';
import { CHINA_CITIES } from './china-cities.js';

export const PROVINCES = [
  '北京市',
  '天津市',
  '河北省',
  '山西省',
  '内蒙古自治区',
  '辽宁省',
  '吉林省',
  '黑龙江省',
  '上海市',
  '江苏省',
  '浙江省',
  '安徽省',
  '福建省',
  '江西省',
  '山东省',
  '河南省',
  '湖北省',
  '湖南省',
  '广东省',
  '广西壮族自治区',
  '海南省',
  '重庆市',
  '四川省',
  '贵州省',
  '云南省',
  '西藏自治区',
  '陕西省',
  '甘肃省',
  '青海省',
  '宁夏回族自治区',
  '新疆维吾尔自治区',
  '台湾省',
  '香港特别行政区',
  '澳门特别行政区',
] as const;

const SUFFIX = /(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$/;
const SHORT_NAMES = PROVINCES.map((name) => [name.replace(SUFFIX, ''), name] as const);

/** The full name of a province however it is written (`广西`, `北京`, `广东省`); undefined if none. */
export function canonicalProvince(name: string | undefined): string | undefined {
  const text = name?.trim();
  if (!text) return undefined;
  return SHORT_NAMES.find(([short]) => text.startsWith(short))?.[1];
}

/** A place a scan happened in; city absent when only the province is known. */
export interface Place {
  province: string;
  city?: string;
  /** How it was found: the consumer's granted location or the caller's IP. */
  source: 'location' | 'ip';
}

/** Municipalities and the special regions are their own city. */
function cityOf(province: string, city: string | undefined): string | undefined {
  if (/(北京|天津|上海|重庆|香港|澳门)/.test(province)) return province;
  const text = city?.trim();
  return text && text !== '0' && text !== '内网IP' ? text : undefined;
}

/** A place from the IP database's province and city strings; undefined outside China. */
export function placeFromIp(found: {
  country?: string;
  province?: string;
  city?: string;
}): Place | undefined {
  if (found.country && found.country !== '中国') return undefined;
  const province = canonicalProvince(found.province);
  if (!province) return undefined;
  const city = cityOf(province, found.city);
  return { province, ...(city ? { city } : {}), source: 'ip' };
}

const EARTH_KM = 6371;
const RAD = Math.PI / 180;

function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.sqrt(a));
}

/** Outside every outline (the coast simplified away, an island): the nearest centre this close. */
const MAX_CITY_DISTANCE_KM = 60;

interface CityShape {
  province: string;
  city: string;
  lat: number;
  lng: number;
  /** Rings of [longitude, latitude] in hundredths of a degree, with their bounding box. */
  rings: { points: Int32Array; minX: number; maxX: number; minY: number; maxY: number }[];
}

let shapes: CityShape[] | undefined;

/** Decoded once per instance, on the first lookup by location (a few milliseconds). */
function cityShapes(): CityShape[] {
  shapes ??= CHINA_CITIES.map(([province, city, lat, lng, outline]) => ({
    province,
    city,
    lat,
    lng,
    rings: outline.split(';').map((ring) => {
      const deltas = ring.split(',').map(Number);
      const points = new Int32Array(deltas.length);
      let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
      for (let i = 0; i < deltas.length; i += 2) {
        points[i] = (i > 0 ? points[i - 2] : 0) + deltas[i];
        points[i + 1] = (i > 0 ? points[i - 1] : 0) + deltas[i + 1];
        [minX, maxX] = [Math.min(minX, points[i]), Math.max(maxX, points[i])];
        [minY, maxY] = [Math.min(minY, points[i + 1]), Math.max(maxY, points[i + 1])];
      }
      return { points, minX, maxX, minY, maxY };
    }),
  }));
  return shapes;
}

/** Even–odd ray casting. */
function ringHolds(points: Int32Array, x: number, y: number): boolean {
  let inside = false;
  const n = points.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i, i += 1) {
    const [xi, yi, xj, yj] = [points[2 * i], points[2 * i + 1], points[2 * j], points[2 * j + 1]];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The city a point lies in (WGS-84 or GCJ-02 alike: their 0.5 km offset is below the outlines'
 * 3 km precision): the city whose outline holds it, else the nearest centre within 60 km.
 */
export function nearestCity(latitude: number, longitude: number): Place | undefined {
  const [x, y] = [longitude * 100, latitude * 100];
  const cities = cityShapes();
  const holding = cities.find((shape) =>
    shape.rings.some(
      (ring) =>
        x >= ring.minX &&
        x <= ring.maxX &&
        y >= ring.minY &&
        y <= ring.maxY &&
        ringHolds(ring.points, x, y),
    ),
  );
  if (holding) return { province: holding.province, city: holding.city, source: 'location' };
  let best: { shape: CityShape; km: number } | undefined;
  for (const shape of cities) {
    const km = distanceKm(latitude, longitude, shape.lat, shape.lng);
    if (!best || km < best.km) best = { shape, km };
  }
  if (!best || best.km > MAX_CITY_DISTANCE_KM) return undefined;
  return { province: best.shape.province, city: best.shape.city, source: 'location' };
}

/** The place name shown for a first scan: `广东省深圳市`, or the municipality alone. */
export function placeLabel(place: Place): string {
  return place.city && place.city !== place.province
    ? `${place.province}${place.city}`
    : place.province;
}

/** Regions as an operator typed them, spelt the way scans are: unknown provinces refused. */
export function normalizeRegions(
  regions: readonly SalesRegion[],
): { ok: true; regions: SalesRegion[] } | { ok: false; unknown: string } {
  const out: SalesRegion[] = [];
  for (const region of regions) {
    const province = canonicalProvince(region.province);
    if (!province) return { ok: false, unknown: region.province };
    const city = region.city?.trim();
    out.push({ province, ...(city && city !== province ? { city } : {}) });
  }
  return { ok: true, regions: out };
}

/**
 * Whether a scan's place lies outside every sales region of its range. No regions means the
 * range is not watched; a region naming a city matches that city only (by its name with or
 * without 市/地区/自治州), and a place whose city is unknown is inside a province's city region
 * (we cannot say it is outside).
 */
export function isOutsideRegions(
  place: Place,
  regions: readonly SalesRegion[] | undefined,
): boolean {
  if (!regions || regions.length === 0) return false;
  return !regions.some((region) => {
    if (region.province !== place.province) return false;
    if (!region.city || !place.city) return true;
    return shortCity(region.city) === shortCity(place.city);
  });
}

function shortCity(name: string): string {
  return name.replace(/(市|地区|盟|自治州|林区)$/, '');
}
