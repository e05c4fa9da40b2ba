import { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';

/**
 * socket.io and @fastify/websocket both want the HTTP server's `upgrade` event, and each one
 * destroys upgrades it does not recognise. We own the event and hand each upgrade to exactly
 * one of them: `/socket.io/` to socket.io's engine, everything else to fastify's router.
 */
export interface UpgradeTargets {
  socketIo: EventEmitter & { close(cb?: () => void): void };
  fastify: EventEmitter;
}

export function routeUpgrades(server: HttpServer, socketIoPath: string): UpgradeTargets {
  const targets: UpgradeTargets = {
    socketIo: Object.assign(new EventEmitter(), {
      close(cb?: () => void) {
        cb?.();
      },
    }),
    fastify: new EventEmitter(),
  };
  server.on('upgrade', (req, socket, head) => {
    const target = (req.url ?? '').startsWith(`${socketIoPath}/`) ? targets.socketIo : targets.fastify;
    target.emit('upgrade', req, socket, head);
  });
  return targets;
}
