import type { WhatsappSend } from '@rosterchirp/domain';
import type { FastifyBaseLogger } from 'fastify';
import type { RosterSocketServer } from './socket-server.ts';

const EVENT = 'whatsapp:send';

/** socket.io's server-side events between instances (through the Redis adapter), untyped. */
interface ServerSideEvents {
  on(event: string, listener: (send: WhatsappSend, answer: (sent: boolean) => void) => void): unknown;
  serverSideEmit(
    event: string,
    send: WhatsappSend,
    ack: (err: Error | null, answers: unknown[] | undefined) => void,
  ): unknown;
}

/**
 * A tenant's WhatsApp socket lives on the instance that linked it, and the relay job that sends
 * a reply runs on any instance. When the socket is not on the job's instance, the job asks every
 * other instance with socket.io's server-side emit (acknowledged; the adapter gives up on
 * instances that have not answered after 5 s) and the one holding the socket sends it.
 */
export function relayWhatsappBetweenInstances(
  io: RosterSocketServer,
  whatsapp: {
    sendHere(send: WhatsappSend): Promise<boolean>;
    forwardVia(ask: (send: WhatsappSend) => Promise<boolean>): void;
  },
  log: FastifyBaseLogger,
): void {
  const instances = io as unknown as ServerSideEvents;
  instances.on(EVENT, (send, answer) => {
    whatsapp.sendHere(send).then(answer, (err: unknown) => {
      log.warn({ err, schema: send.schema }, 'WhatsApp send asked by another instance failed');
      answer(false);
    });
  });
  whatsapp.forwardVia(
    (send) =>
      new Promise((resolve) => {
        instances.serverSideEmit(EVENT, send, (_err, answers) => resolve((answers ?? []).includes(true)));
      }),
  );
}
