import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/db/migrate.js';
import { createEmptyDatabase, type TestDatabase } from './support/database.js';

// No Docker engine here: this lays out the Dockerfile's final stage in a scratch folder (its
// `npm ci`, its COPY lines, dist/ compiled as the build stage does) and runs the image's CMD
// and the migration Job's command in it, under a read-only root (a private mount namespace).

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const finalStage =
  read('Dockerfile')
    .split(/^FROM /m)
    .at(-1) ?? '';
const imageCmd = JSON.parse(/^CMD (\[.*\])$/m.exec(finalStage)?.[1] ?? '[]') as string[];
const imageEnv = Object.fromEntries(
  [...(/^ENV (.+)$/m.exec(finalStage)?.[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map((m) => [
    m[1],
    m[2],
  ]),
);
const jobCommand = JSON.parse(
  /command: (\[.*\])/.exec(read('helm/bookmall/templates/migrations-job.yaml'))?.[1] ?? '[]',
) as string[];

/** What production may not carry: build and development tools, and what only they pull in. */
const DEV_ONLY = ['prisma', 'typescript', 'tsx', 'esbuild', 'effect', 'react-dom', '@electric-sql'];
/** `du` of the production node_modules, in MB: 231 when measured, 496 before the cleanup. */
const PRODUCTION_BUDGET_MB = 300;

let app: string;
let installedMb: number;
let database: TestDatabase;

/** Runs `command` in `app` (as /mnt) with / read-only and /tmp an empty read-only or a writable tmpfs. */
function runReadOnly(command: string[], env: Record<string, string>, tmp: 'ro' | 'rw') {
  const script = [
    'set -e',
    // The scratch folder is under /tmp, which the tmpfs hides: it is seen as /mnt instead.
    'mount --bind "$APP" /mnt',
    'mount -o remount,bind,ro /mnt',
    `mount -t tmpfs -o ${tmp},size=8m bookmall-tmp /tmp`,
    'mount -o remount,bind,ro /',
    'cd /mnt',
    // The test proves nothing if it could write: refuse to run then.
    'if touch .probe 2>/dev/null; then echo "the root is writable" >&2; exit 97; fi',
    'exec "$@"',
  ].join('\n');
  const [program = 'node', ...args] = command;
  return spawn(
    'unshare',
    ['-m', 'sh', '-c', script, 'sh', program === 'node' ? process.execPath : program, ...args],
    {
      env: { PATH: process.env.PATH ?? '', ...env, APP: app },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function outputOf(child: ChildProcess) {
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { lines, exited };
}

beforeAll(async () => {
  app = mkdtempSync(path.join(tmpdir(), 'bookmall-image-'));
  // The final stage's COPY lines, from the build context or the build stage.
  const build = path.join(app, '.build');
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), [
    '-p',
    path.join(root, 'tsconfig.build.json'),
    '--outDir',
    path.join(build, 'dist'),
  ]);
  for (const [, from, args] of finalStage.matchAll(/^COPY (--from=build )?(.+)$/gm)) {
    const parts = (args ?? '').split(' ');
    const dest = path.join(app, parts.pop() ?? '.');
    for (const source of parts) {
      // From the build stage: dist/ is what it compiles; anything else is a copy of the sources.
      const inBuild = source.replace(/^\/app\//, '');
      const origin = path.join(from && inBuild.startsWith('dist') ? build : root, inBuild);
      const target =
        dest.endsWith('/') || parts.length > 1 ? path.join(dest, path.basename(source)) : dest;
      mkdirSync(path.dirname(target), { recursive: true });
      cpSync(origin, target, { recursive: true });
    }
  }
  rmSync(build, { recursive: true });
  // The final stage's `npm ci` (not its `npm cache clean`: that would empty this machine's cache).
  const install = /^RUN (npm ci [^&]+)/m.exec(finalStage)?.[1]?.trim().split(/\s+/) ?? [];
  expect(install).toContain('--omit=dev');
  execFileSync('npm', [...install.slice(1), '--prefer-offline'], { cwd: app, stdio: 'pipe' });
  installedMb = Math.round(
    Number(
      execFileSync('du', ['-sk', 'node_modules'], { cwd: app, encoding: 'utf8' }).split('\t')[0],
    ) / 1024,
  );
  process.stdout.write(`\nproduction node_modules (npm ci --omit=dev): ${installedMb} MB\n`);
  database = await createEmptyDatabase('image');
}, 240_000);

afterAll(async () => {
  await database?.drop();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('the production image, without Docker', () => {
  it('installs production dependencies only, well under the budget', () => {
    const installed = readdirSync(path.join(app, 'node_modules'));
    expect(DEV_ONLY.filter((name) => installed.includes(name))).toEqual([]);
    expect(installedMb).toBeLessThan(PRODUCTION_BUDGET_MB);
  });

  it("runs the migration Job's command under a read-only root with no /tmp", async () => {
    expect(jobCommand[0]).toBe('node');
    const run = outputOf(runReadOnly(jobCommand, { DATABASE_URL: database.url }, 'ro'));
    expect(await run.exited, run.lines.join('\n')).toBe(0);
    expect(run.lines.join('\n')).toMatch(/migrate: .* applied /);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM schema_migrations',
      );
      expect(Number(rows[0]?.n)).toBe(readdirSync(MIGRATIONS_DIR).length);
    } finally {
      await client.end();
    }
  }, 60_000);

  it("serves GraphQL with the image's CMD and ENV, read-only but for /tmp (as the Deployment)", async () => {
    expect(imageCmd).toEqual(['node', 'dist/server.js']);
    const child = runReadOnly(
      imageCmd,
      {
        ...imageEnv,
        DATABASE_URL: database.url,
        JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
        PORT: '0',
        HOST: '127.0.0.1',
        WORKERS: '1',
        LOG_LEVEL: 'info',
      },
      'rw',
    );
    const run = outputOf(child);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout?.on('data', () => {
          for (const line of run.lines) {
            const match = /"port":(\d+).*"msg":"listening"/.exec(line);
            if (match) resolve(Number(match[1]));
          }
        });
        void run.exited.then((code) =>
          reject(new Error(`exited ${code}: ${run.lines.join('\n')}`)),
        );
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ books(first: 1) { edges { node { title } } } }' }),
      });
      expect(await response.json()).toEqual({ data: { books: { edges: [] } } });
      child.kill('SIGTERM');
      expect(await run.exited, run.lines.join('\n')).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
