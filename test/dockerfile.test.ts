import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// No Docker engine here: static checks stand in for `docker build` (and
// test/production-image.test.ts runs the final stage's install and commands).
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const text = read('Dockerfile');
const stages = text
  .split(/^FROM /m)
  .slice(1)
  .map((stage) => `FROM ${stage}`);
const final = stages.at(-1) ?? '';
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  engines: { node: string };
};
const buildConfig = JSON.parse(read('tsconfig.build.json')) as {
  compilerOptions: { outDir: string; rootDir: string };
};

describe('Dockerfile', () => {
  it('builds in one stage (the Prisma client and tsc to dist/) and runs from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/^RUN npm run build$/m);
    expect(pkg.scripts.build).toMatch(/npm run --silent generate && tsc -p tsconfig.build.json/);
    expect(buildConfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  });

  it('runs on the Node LTS that .node-version pins, within package.json engines', () => {
    const pinned = read('.node-version').trim();
    expect(read('.nvmrc').trim()).toBe(pinned);
    const bases = [...text.matchAll(/^FROM node:(\d+)-/gm)].map((m) => m[1]);
    expect(bases).toEqual(stages.map(() => pinned));
    const floor = Number(/^>=(\d+)/.exec(pkg.engines.node)?.[1]);
    expect(Number(pinned)).toBeGreaterThanOrEqual(floor);
    // npm ci on an older Node stops with EBADENGINE rather than warning.
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m);
  });

  it('runs compiled JavaScript with production dependencies only, as a non-root user', () => {
    expect(final).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(final).toMatch(/^CMD \["node", "dist\/server.js"\]$/m);
    expect(final).not.toMatch(/tsx|src\//);
    for (const tool of ['tsx', 'typescript', 'prisma'])
      expect(pkg.dependencies).not.toHaveProperty(tool);
  });

  it('copies only paths that exist or that the build stage writes', () => {
    for (const [, from, path] of text.matchAll(/^COPY (--from=\w+ \/app\/)?(\S+)/gm)) {
      if (!path || path.startsWith('package')) continue;
      if (from && path === buildConfig.compilerOptions.outDir) continue;
      expect(existsSync(new URL(`../${path}`, import.meta.url)), path).toBe(true);
    }
    const ignored = read('.dockerignore');
    expect(ignored).toMatch(/^node_modules$/m);
    expect(ignored).toMatch(/^dist$/m);
  });
});
