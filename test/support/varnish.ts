import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';

/** The committed VCL (helm/cdn/bookmall.vcl): the test runs it as shipped, but for its backend. */
export const VCL_FILE = new URL('../../helm/cdn/bookmall.vcl', import.meta.url);

// Debian puts varnishd in /usr/sbin, which is not on every user's PATH.
const VARNISHD = existsSync('/usr/sbin/varnishd') ? '/usr/sbin/varnishd' : 'varnishd';
/** The longest a test's varnishd may live, in seconds, whatever happens to the test. */
const LIFETIME_SECONDS = 600;

export interface Varnish {
  /** `http://127.0.0.1:<port>`, Varnish's own address. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A varnishd of the test's own on loopback, running the committed VCL in front of the app on
 * `backendPort`: its own port, its own working directory (`-n`, removed on stop), no management
 * port, no jail, 32 MB of memory storage; `timeout` ends it after {@link LIFETIME_SECONDS} if the
 * test never stops it. `port` is where Varnish listens (default: a free one).
 */
export async function startVarnish(backendPort: number, port?: number): Promise<Varnish> {
  const listen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'bookmall-varnish-'));
  const vcl = readFileSync(VCL_FILE, 'utf8');
  const backend = /\.host = "[^"]*";\s*\.port = "[^"]*";/;
  if (!backend.test(vcl)) throw new Error(`${VCL_FILE.pathname}: no backend .host/.port to point`);
  writeFileSync(
    join(dir, 'test.vcl'),
    vcl.replace(backend, `.host = "127.0.0.1";\n  .port = "${backendPort}";`),
  );
  const args = [
    ...['--signal=TERM', '--kill-after=5', String(LIFETIME_SECONDS), VARNISHD, '-F'],
    ...['-n', join(dir, 'work'), '-a', `127.0.0.1:${listen}`, '-f', join(dir, 'test.vcl')],
    ...['-s', 'malloc,32m', '-T', 'none', '-j', 'none'],
  ];
  const child: ChildProcess = spawn('timeout', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${listen}`;
  // Up when it answers anything (it compiles the VCL first: a few seconds on a busy machine).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`varnishd exited (${child.exitCode}): ${stderr}`);
    }
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      return { url, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`varnishd did not answer on ${url}: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
