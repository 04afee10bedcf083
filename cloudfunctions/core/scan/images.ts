import { temporaryUrls } from '../data/storage.js';
import { isCloudFileId } from '../domain/trace.js';

/** Temporary URLs are asked for this long (CloudBase allows up to a day)… */
const URL_MAX_AGE_S = 2 * 60 * 60;
/** …and handed to pages only while at least this much of it is left (a page may stay open). */
const URL_MIN_LEFT_MS = 60 * 60 * 1000;
/** Bounds the instance's memory; a product has a handful of images, a brand a few hundred. */
const CACHE_LIMIT = 2_000;

const cache = new Map<string, { url: string; expiresAt: number }>();

/**
 * URLs the phone can show for stored images: https URLs as they are, cloud file IDs through
 * temporary URLs. All file IDs the instance has no fresh URL for go in ONE getTempFileURL call,
 * and the URLs are kept for an hour, so a warm instance usually makes none. A file that no longer
 * exists is left out rather than failing the scan.
 */
export async function imageUrls(images: readonly string[]): Promise<Map<string, string>> {
  const now = Date.now();
  const urls = new Map<string, string>();
  const missing: string[] = [];
  for (const image of new Set(images)) {
    if (!isCloudFileId(image)) {
      urls.set(image, image);
      continue;
    }
    const cached = cache.get(image);
    if (cached && cached.expiresAt - now > URL_MIN_LEFT_MS) urls.set(image, cached.url);
    else missing.push(image);
  }
  if (missing.length === 0) return urls;
  const fresh = await temporaryUrls(missing, URL_MAX_AGE_S);
  if (cache.size + missing.length > CACHE_LIMIT) cache.clear();
  for (const [fileID, url] of fresh) {
    urls.set(fileID, url);
    cache.set(fileID, { url, expiresAt: now + URL_MAX_AGE_S * 1000 });
  }
  return urls;
}

/** Maps stored image references to URLs, dropping those without one. */
export function showable(images: readonly string[] | undefined, urls: Map<string, string>) {
  return (images ?? []).flatMap((image) => {
    const url = urls.get(image);
    return url ? [url] : [];
  });
}
