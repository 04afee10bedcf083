/**
 * The web preview on the local stack (`/preview/`): the Mini Program's real pages in a browser
 * phone frame, their `wx.cloud.callFunction` answered by this stack's functions as the chosen user.
 *
 *   GET /preview/              the shell: phone frame and control bar (client/shell.ts)
 *   GET /preview/page.html     one page of the page stack (client/page.ts), in an iframe
 *   GET /preview/assets/<name> built assets (build.ts), revalidated by ETag
 *   GET /preview/api/demo      users to pick and the demo code range to scan (PreviewDemoInfo)
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { EmulatedDatabase } from '../cloudbase/database';
import { DEMO } from '../seed/demo';
import { previewBuild } from './build';
import type { PreviewDemoInfo } from './protocol';

export { PREVIEW_PREFIX } from './protocol';
export { previewBuild } from './build';

/** Openids the control bar offers before any typed in: the demo seed's consumers, then the admin. */
const DEMO_USERS: string[] = Object.values(DEMO.users);
/** Role names as the user list shows them (short: they sit beside an openid). */
const ROLE_LABELS = {
  admin: '管理员',
  operator: '运营',
  marketer: '营销',
  viewer: '只读',
} as const;
const DEFAULT_OA_NAME = '码上演示品牌';

export interface PreviewOptions {
  database: EmulatedDatabase;
  /** The functions' settings (ADMIN_OPENIDS names the administrator to offer). */
  settings: () => Readonly<Record<string, string>>;
}

const SHELL_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="icon" href="data:," />
<title>码上 · 小程序预览</title>
<link rel="stylesheet" href="assets/shell.css" />
</head>
<body>
<script src="assets/app.js"></script>
<script src="assets/shell.js"></script>
</body>
</html>
`;

// Order matters: the runtime defines Component/App/wx before the bundle's factories can run, and
// the templates and file list before the runtime boots (on DOMContentLoaded).
const PAGE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=375, initial-scale=1" />
<link rel="icon" href="data:," />
<link rel="stylesheet" href="assets/page.css" />
</head>
<body>
<div id="page"></div>
<script src="assets/runtime.js"></script>
<script src="assets/templates.js"></script>
<script src="assets/app.js"></script>
<script src="assets/miniprogram.js"></script>
</body>
</html>
`;

/** The latest activated range: the demo seed's, or whatever an operator activated last. */
async function demoInfo(options: PreviewOptions): Promise<PreviewDemoInfo> {
  const settings = options.settings();
  const adminOpenid = (settings.ADMIN_OPENIDS ?? '').split(',')[0]?.trim() || 'o-local-admin';
  const ranges = await options.database.findDocuments('codeRanges', {});
  const latest = ranges
    .map((range) => range as Record<string, unknown>)
    .sort((a, b) => Number(b.activatedAt ?? 0) - Number(a.activatedAt ?? 0))[0];
  // The stand-in <official-account> names the account the product's follow card names (its brand
  // unless set), as the real one shows the account bound to the scanned code.
  const product = latest?.productId
    ? ((await options.database.findDocuments('products', { _id: latest.productId }))[0] as
        { brand?: string; follow?: { officialAccountName?: string } } | undefined)
    : undefined;
  return {
    users: [...DEMO_USERS, adminOpenid, ...Object.values(DEMO.members)],
    adminOpenid,
    roles: [
      { openid: adminOpenid, roleName: ROLE_LABELS.admin },
      ...Object.entries(DEMO.members).map(([role, openid]) => ({
        openid,
        roleName: ROLE_LABELS[role as keyof typeof DEMO.members],
      })),
    ],
    application: latest
      ? {
          applicationId: String(latest.applicationId),
          codeStart: Number(latest.codeStart),
          codeEnd: Number(latest.codeEnd),
          productTitle: typeof latest.productTitle === 'string' ? latest.productTitle : undefined,
        }
      : null,
    officialAccountName: product?.follow?.officialAccountName || product?.brand || DEFAULT_OA_NAME,
  };
}

export function previewRoutes(options: PreviewOptions): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/', async (request, reply) => {
      // Relative asset URLs need the trailing slash.
      if (!request.url.split('?')[0].endsWith('/')) return reply.redirect(`${request.url}/`);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(SHELL_HTML);
    });

    app.get('/page.html', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(PAGE_HTML),
    );

    app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
      let build;
      try {
        build = await previewBuild();
      } catch (error) {
        return reply
          .code(500)
          .type('text/plain; charset=utf-8')
          .send(`预览构建失败：${error instanceof Error ? error.message : String(error)}`);
      }
      const asset = build.assets.get(request.params.name);
      if (!asset) return reply.code(404).send({ error: `no preview asset ${request.params.name}` });
      reply.header('etag', asset.etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });

    app.get('/api/demo', async () => demoInfo(options));
  };
}
