import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// No Docker engine here: static checks stand in for `docker build`.
const text = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const stages = text
  .split(/^FROM /m)
  .slice(1)
  .map((stage) => `FROM ${stage}`);
const final = stages.at(-1) ?? '';
const production = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  dependencies: Record<string, string>;
};

describe('Dockerfile', () => {
  it('builds in one stage and runs from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/npm run generate/);
  });

  it('installs no dev dependencies in the final stage and runs as a non-root user', () => {
    expect(final).toMatch(/npm ci --omit=dev/);
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(final).toMatch(/^CMD \["node", "--import", "tsx", "src\/server.ts"\]$/m);
  });

  it('copies only paths that exist, and runs with what production dependencies provide', () => {
    for (const [, path] of text.matchAll(/^COPY (?:--from=\w+ \/app\/)?(\S+)/gm)) {
      if (path && !path.startsWith('package'))
        expect(existsSync(new URL(`../${path}`, import.meta.url)), path).toBe(true);
    }
    // The runtime starts the server through tsx and migrates with dbmate's binary package.
    expect(production.dependencies.tsx).toBeDefined();
    expect(readFileSync(new URL('../.dockerignore', import.meta.url), 'utf8')).toMatch(
      /node_modules/,
    );
  });
});
