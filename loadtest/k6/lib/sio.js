// socket.io over a plain WebSocket, by hand (engine.io v4 + socket.io v5 packets), for k6.
// Only standard JavaScript: k6 runs it as is, node's test runner checks it (loadtest/test).
//
// engine.io packet types: 0 open, 1 close, 2 ping, 3 pong, 4 message.
// socket.io packet types (inside an engine.io message): 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR.

/** ws(s) URL of the socket.io endpoint for an http(s) base URL. */
export function socketIoUrl(baseUrl) {
  return `${baseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/socket.io/?EIO=4&transport=websocket`;
}

/** The CONNECT packet for the main namespace, with the handshake auth (the session token). */
export function connectFrame(token) {
  return `40${JSON.stringify({ token })}`;
}

/** An EVENT packet; with ackId the server answers with an ACK of the same id. */
export function eventFrame(event, data, ackId) {
  return `42${ackId === undefined ? '' : ackId}${JSON.stringify([event, data])}`;
}

/**
 * Decodes one frame from the server:
 *   {kind: 'open', sid, pingInterval} | {kind: 'ping'} | {kind: 'connected', sid}
 *   | {kind: 'connect_error', message} | {kind: 'event', event, data}
 *   | {kind: 'ack', id, data} | {kind: 'close'} | {kind: 'other', raw}
 */
export function decodeFrame(raw) {
  if (raw === '2') return { kind: 'ping' };
  if (raw === '1') return { kind: 'close' };
  if (raw[0] === '0') {
    const open = JSON.parse(raw.slice(1));
    return { kind: 'open', sid: open.sid, pingInterval: open.pingInterval };
  }
  if (raw[0] !== '4') return { kind: 'other', raw };
  const type = raw[1];
  let rest = raw.slice(2);
  if (rest.startsWith('/')) rest = rest.slice(rest.indexOf(',') + 1); // a namespace other than "/"
  if (type === '0') return { kind: 'connected', sid: JSON.parse(rest || '{}').sid };
  if (type === '4') return { kind: 'connect_error', message: JSON.parse(rest || '{}').message };
  const digits = /^\d*/.exec(rest)[0];
  const payload = JSON.parse(rest.slice(digits.length) || '[]');
  if (type === '2') return { kind: 'event', event: payload[0], data: payload[1] };
  if (type === '3') return { kind: 'ack', id: Number(digits), data: payload[0] };
  return { kind: 'other', raw };
}

/** The answer the client owes to a frame (pong for ping), or null. */
export function replyTo(frame) {
  return frame.kind === 'ping' ? '3' : null;
}

/** Send→deliver latency in ms of a message:new event, from the message's createdAt. */
export function deliveryLatencyMs(message, nowMs) {
  return nowMs - Date.parse(message.createdAt);
}
