import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT, type S3Handle } from '@rosterchirp/infra';
import { TEST_JWT_SECRET } from './harness.ts';

const run = promisify(execFile);

/** The environment a command-line tool of the server needs to reach a test deployment. */
export function cliEnv(
  db: { url: string; directUrl: string },
  s3: S3Handle,
  dataDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    DATABASE_URL: db.url,
    DATABASE_DIRECT_URL: db.directUrl,
    S3_ENDPOINT: s3.settings.endpoint!,
    S3_BUCKET: s3.settings.bucket,
    S3_REGION: s3.settings.region,
    S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: dataDir,
    ...extra,
  };
}

/** Runs `apps/server/src/<script>` as the operator would; its exit code and output, never a throw. */
export async function runCli(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', `apps/server/src/${script}`, ...args],
      {
        cwd: REPO_ROOT,
        env,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
