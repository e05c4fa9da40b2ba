import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface LoopbackCert {
  certFile: string;
  keyFile: string;
}

/** Env var naming the test world's self-signed certificate for 127.0.0.1 (key file beside it). */
export const LOOPBACK_CERT_ENV = 'RC_TEST_LOOPBACK_CERT';

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with openssl in `dir`. Test
 * processes trust it through NODE_EXTRA_CA_CERTS, so the push stand-in can speak real TLS (the
 * web-push library only speaks https).
 */
export function makeLoopbackCert(dir: string): LoopbackCert {
  const certFile = join(dir, 'loopback-cert.pem');
  const keyFile = join(dir, 'loopback-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  return { certFile, keyFile };
}
