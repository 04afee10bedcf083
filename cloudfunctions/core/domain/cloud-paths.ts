/**
 * Cloud storage file IDs (`cloud://<env>.<bucket>/<path>`) a client may name: only a file strictly
 * inside one folder the console uploads to, so a request can never point the server at another
 * file of the bucket (an export, a code package). Pure.
 */

/** Whether `fileId`'s path lies inside `folder` (ending in `/`), with no empty, dot or escaped segment. */
export function isCloudFileInside(fileId: string, folder: string): boolean {
  const cloudPath = /^cloud:\/\/[^/]+\/(.*)$/.exec(fileId)?.[1] ?? '';
  return (
    cloudPath.startsWith(folder) &&
    cloudPath
      .split('/')
      .every(
        (segment) =>
          segment !== '' &&
          segment !== '.' &&
          segment !== '..' &&
          !segment.includes('\\') &&
          !segment.includes('%'),
      )
  );
}
