import type { FastifyPluginAsync } from 'fastify';

/**
 * `/manifest.webmanifest` follows the workspace's settings: the installed app carries the
 * organisation's name, colour and icon (uploaded in Settings), or RosterChirp's own.
 */
export const manifestRoutes: FastifyPluginAsync = async (app) => {
  app.get('/manifest.webmanifest', async (req, reply) => {
    const s = await app.services.workspace.view(req.tenant, 'public');
    const icons = s.iconUrl
      ? [{ src: s.iconUrl, sizes: 'any', type: 'image/png', purpose: 'any' }]
      : [
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ];
    return reply
      .type('application/manifest+json; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send({
        name: s.appName,
        short_name: s.appName.slice(0, 12),
        description: `${s.appName} — team messaging: channels, groups and direct messages`,
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f5f6fa',
        theme_color: s.colors?.primary ?? '#1f2a44',
        icons,
      });
  });
};
