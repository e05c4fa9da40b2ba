/** What fan-out needs of a plain WebSocket connection (`/api/stream`). */
export interface StreamConnection {
  send(frame: string): void;
  close(code: number, reason: string): void;
}
