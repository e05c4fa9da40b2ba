// The push sender's own thread: encryption, signing and HTTPS for pushes run here, so a big
// fan-out never holds up the main thread's requests. Messages: {id, target, payload, options}
// in, {id, outcome} out.
import { parentPort, workerData } from 'node:worker_threads';
import { createWebPushSender, type PushKeys } from './web-push-delivery.ts';

const sender = createWebPushSender((workerData as { keys: PushKeys }).keys);
type Request = {
  id: number;
  target: Parameters<typeof sender.send>[0];
  payload: Parameters<typeof sender.send>[1];
  options: Parameters<typeof sender.send>[2];
};
parentPort!.on('message', (m: Request) => {
  void sender
    .send(m.target, m.payload, m.options)
    .then((outcome) => parentPort!.postMessage({ id: m.id, outcome }));
});
