import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export type TrustProxy = false | number | string[];
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY as one function for fastify (request.ip) and the realtime handshakes, so the
 * client address that rate limits, connection caps and the /metrics gate see is the same
 * everywhere: nobody's X-Forwarded-For by default, the nearest `n` hops, or the named proxies.
 */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

/** The client's address of a raw request (socket.io and WebSocket upgrades). */
export function clientAddress(request: IncomingMessage, trust: TrustFunction): string {
  return proxyAddr(request, trust);
}
