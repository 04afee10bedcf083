/**
 * `wx` storage in the preview: the sync and async members over the browser's localStorage, kept
 * apart per openid, as each WeChat user's phone keeps its own (switching the user in the control
 * bar switches the storage).
 */
import type { Device } from './device';
import { asyncApi, wxError } from './wx-api';

/** The storage members of `wx`, for the user holding the phone at each call. */
export function createStorage(device: Device) {
  const storageKey = (key: string) => `mashang-preview:storage:${device.openid()}:${key}`;
  const storageKeys = () => {
    const prefix = storageKey('');
    return Object.keys(localStorage)
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
  };
  const getStorage = (key: string): unknown => {
    const raw = localStorage.getItem(storageKey(key));
    // WeChat answers '' for a key that was never set.
    return raw === null ? '' : (JSON.parse(raw) as { data: unknown }).data;
  };
  const setStorage = (key: string, data: unknown) =>
    localStorage.setItem(storageKey(key), JSON.stringify({ data }));

  return {
    setStorageSync: setStorage,
    getStorageSync: getStorage,
    removeStorageSync: (key: string) => localStorage.removeItem(storageKey(key)),
    clearStorageSync: () =>
      storageKeys().forEach((key) => localStorage.removeItem(storageKey(key))),
    getStorageInfoSync: () => ({ keys: storageKeys(), currentSize: 0, limitSize: 10240 }),
    setStorage: asyncApi('setStorage', (options) => {
      setStorage(String(options.key), options.data);
      return {};
    }),
    getStorage: asyncApi('getStorage', (options) => {
      const key = String(options.key);
      if (localStorage.getItem(storageKey(key)) === null)
        throw wxError('getStorage', 'data not found');
      return { data: getStorage(key) };
    }),
    removeStorage: asyncApi('removeStorage', (options) => {
      localStorage.removeItem(storageKey(String(options.key)));
      return {};
    }),
  };
}
