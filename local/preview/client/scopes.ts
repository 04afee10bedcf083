/**
 * Authorization scopes in the preview (wx.authorize's prompt): asked once per user, then
 * remembered, as WeChat does; a refused scope fails at once until the user allows it in
 * wx.openSetting. Also the one API that needs a scope: wx.saveImageToPhotosAlbum.
 */
import type { Device } from './device';
import { asyncApi, wxError } from './wx-api';

/** What WeChat's authorization prompt says for each scope the preview knows. */
const SCOPE_PROMPTS = {
  'scope.writePhotosAlbum': '保存图片或视频到你的相册',
} as const;

/** The Mini Program's name in WeChat's own prompts. */
const PREVIEW_APP_NAME = '码上';

/** The authorization members of `wx`, for the user holding the phone at each call. */
export function createScopes(device: Device) {
  const scopeKey = (scope: string) => `mashang-preview:auth:${device.openid()}:${scope}`;
  const scopeState = (scope: string): boolean | undefined => {
    const raw = localStorage.getItem(scopeKey(scope));
    return raw === null ? undefined : raw === 'true';
  };
  const setScope = (scope: string, granted: boolean) =>
    localStorage.setItem(scopeKey(scope), String(granted));
  const askScope = async (scope: keyof typeof SCOPE_PROMPTS): Promise<boolean> => {
    const known = scopeState(scope);
    if (known !== undefined) return known;
    const { confirm } = await device.showModal({
      title: `「${PREVIEW_APP_NAME}」申请`,
      content: SCOPE_PROMPTS[scope],
      showCancel: true,
      cancelText: '拒绝',
      confirmText: '允许',
    });
    setScope(scope, confirm);
    return confirm;
  };
  const authSetting = () =>
    Object.fromEntries(
      Object.keys(SCOPE_PROMPTS)
        .map((scope) => [scope, scopeState(scope)] as const)
        .filter((entry): entry is readonly [string, boolean] => entry[1] !== undefined),
    );

  return {
    // The album takes a local file only (a downloadFile temp path); the first save asks for
    // scope.writePhotosAlbum. The preview hands the picture to the browser as a download. The
    // wording of the fail texts for a network or unknown path is UNVERIFIED.
    saveImageToPhotosAlbum: asyncApi('saveImageToPhotosAlbum', async (options) => {
      const filePath = String(options.filePath ?? '');
      if (!device.hasTempFile(filePath)) {
        throw wxError(
          'saveImageToPhotosAlbum',
          /^https?:\/\/(?!tmp\/)/.test(filePath) ? 'invalid file path' : 'file not found',
        );
      }
      if (!(await askScope('scope.writePhotosAlbum')))
        throw wxError('saveImageToPhotosAlbum', 'auth deny');
      device.openTempFile(filePath);
      return {};
    }),
    authorize: asyncApi('authorize', async (options) => {
      const scope = String(options.scope ?? '');
      if (!(scope in SCOPE_PROMPTS)) throw wxError('authorize', 'invalid scope');
      if (!(await askScope(scope as keyof typeof SCOPE_PROMPTS)))
        throw wxError('authorize', 'auth deny');
      return {};
    }),
    getSetting: asyncApi('getSetting', () => ({ authSetting: authSetting() })),
    // WeChat's settings page lists the scopes the user was asked for; the preview asks again
    // about each one refused.
    openSetting: asyncApi('openSetting', async () => {
      for (const [scope, granted] of Object.entries(authSetting())) {
        if (granted) continue;
        const { confirm } = await device.showModal({
          title: '设置',
          content: `允许${SCOPE_PROMPTS[scope as keyof typeof SCOPE_PROMPTS]}？`,
          showCancel: true,
          cancelText: '不允许',
          confirmText: '允许',
        });
        setScope(scope, confirm);
      }
      return { authSetting: authSetting() };
    }),
  };
}
