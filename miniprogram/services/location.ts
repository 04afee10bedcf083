import type { ScanLocation } from '../../typings/scan';

/** A scan must not wait on GPS: past this the scan goes out without a place. */
const LOCATION_TIMEOUT_MS = 1500;

/**
 * The phone's location for the scan record, only if the user granted it before. It never asks:
 * a permission prompt on a product check would be intrusive and slow the landing page down.
 */
export async function grantedLocation(): Promise<ScanLocation | undefined> {
  if (typeof wx.getSetting !== 'function' || typeof wx.getLocation !== 'function') return undefined;
  try {
    const { authSetting } = await wx.getSetting({});
    if (authSetting['scope.userLocation'] !== true) return undefined;
    const timeout = new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), LOCATION_TIMEOUT_MS),
    );
    const located = wx
      .getLocation({ type: 'gcj02' })
      .then(({ latitude, longitude }): ScanLocation => ({ latitude, longitude }));
    return await Promise.race([located, timeout]);
  } catch {
    // A location is a nice-to-have on the scan record; its absence never blocks verification.
    return undefined;
  }
}
