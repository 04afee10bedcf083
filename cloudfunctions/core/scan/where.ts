/**
 * Where a scan happened, worked out inside the function: nothing is sent to a third party.
 *
 *   1. the consumer's granted location → the nearest city centre (domain/regions.ts, a table of
 *      392 cities bundled as code);
 *   2. otherwise the caller's IP (`getWXContext().CLIENTIP`, or `CLIENTIPV6`) → ip2region's
 *      offline database, shipped inside its npm package (IPv4 8.7 MB, IPv6 2.6 MB), which the
 *      build copies beside the `scan` bundle (cloudfunctions/build.ts FUNCTION_ASSETS).
 *
 * The database is read once per instance, on the first lookup (about 10 ms), and searched in
 * memory (a binary search, microseconds). A private, loopback or foreign address has no place.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import IP2Region from 'ip2region';
import type { ScanLocation } from '../../../typings/scan.js';
import { nearestCity, placeFromIp, type Place } from '../domain/regions.js';

export const IP_DATABASE_FILES = { ipv4: 'ip2region.db', ipv6: 'ipv6wry.db' } as const;

/** Beside the bundle when deployed; the package's own copy when run from source (tests, tools). */
function databaseDir(): string | undefined {
  const candidates = [
    typeof __dirname === 'string' ? __dirname : undefined,
    path.join(process.cwd(), 'node_modules', 'ip2region', 'data'),
  ];
  return candidates.find(
    (dir): dir is string => dir !== undefined && existsSync(path.join(dir, IP_DATABASE_FILES.ipv4)),
  );
}

let searcher: IP2Region | null | undefined;

function ipSearcher(): IP2Region | null {
  if (searcher !== undefined) return searcher;
  const dir = databaseDir();
  if (!dir) {
    console.warn('[where] the IP database is missing: scans are placed by location only');
    searcher = null;
    return searcher;
  }
  const ipv6db = path.join(dir, IP_DATABASE_FILES.ipv6);
  searcher = new IP2Region({
    ipv4db: path.join(dir, IP_DATABASE_FILES.ipv4),
    ...(existsSync(ipv6db) ? { ipv6db } : { disableIpv6: true }),
  });
  return searcher;
}

/** The province and city of an IP address, or undefined (private, foreign, unknown). */
export function placeOfIp(ip: string | undefined): Place | undefined {
  if (!ip) return undefined;
  try {
    const found = ipSearcher()?.search(ip);
    return found ? placeFromIp(found) : undefined;
  } catch (error) {
    console.warn(`[where] IP lookup failed: ${String(error)}`);
    return undefined;
  }
}

/** Where a scan happened: the granted location first (precise), else the IP. */
export function placeOfScan(scan: {
  location?: ScanLocation;
  clientIp?: string;
}): Place | undefined {
  if (scan.location) {
    const near = nearestCity(scan.location.latitude, scan.location.longitude);
    if (near) return near;
  }
  return placeOfIp(scan.clientIp);
}
