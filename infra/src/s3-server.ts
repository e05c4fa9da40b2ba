import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './processes.ts';

const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface S3Handle {
  endpoint: string;
  bucket: string;
  port: number;
  /** Client settings for this server (the shape of S3Storage's settings; s3rver takes any keys). */
  settings: {
    endpoint: string;
    bucket: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    publicUrl: undefined;
    forcePathStyle: boolean;
  };
  stop(): Promise<void>;
  /** Unreachable for `downMs` (nothing listens on the port), then back with the same objects. */
  pause(downMs: number): Promise<void>;
}

/** s3rver: a real S3 REST API (path-style, any credentials) on a free loopback port. */
export async function startS3(
  opts: { bucket?: string; port?: number; directory?: string } = {},
): Promise<S3Handle> {
  const bucket = opts.bucket ?? 'rosterchirp';
  const port = opts.port ?? (await freePort());
  const dir = opts.directory ?? (await mkdtemp(join(tmpdir(), 'rc-s3-')));
  const make = () =>
    new S3rver({
      port,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      // Browsers PUT to presigned URLs from the app's origin: the bucket must allow it (CORS).
      configureBuckets: [{ name: bucket, configs: [CORS] }],
      allowMismatchedSignatures: false,
    });
  let server = make();
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    port,
    settings: {
      endpoint,
      bucket,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      publicUrl: undefined,
      forcePathStyle: true,
    },
    async stop() {
      await server.close();
      if (!opts.directory) await rm(dir, { recursive: true, force: true });
    },
    async pause(downMs: number) {
      await server.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = make();
      await server.run();
    },
  };
}
