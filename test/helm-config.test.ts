import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rawValue } from '../src/config/variable.js';
import { loadConfig, VARIABLES } from '../src/config.js';

// The chart sets only what differs from the code's production defaults, so no default is stated
// twice: these checks hold the chart to the variables declared in src/config.
const chart = new URL('../helm/bookmall/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, chart), 'utf8');
const values = parse(read('values.yaml')) as { config: Record<string, string> };
const specs = new Map(Object.values(VARIABLES).map((spec) => [spec.name, spec]));

/** A `{{ .Values.a.b | quote }}` action filled from values.yaml, as helm would. */
const filled = (text: string) =>
  text.replace(/\{\{\s*\.Values\.([\w.]+)\s*\|\s*quote\s*\}\}/g, (_, path: string) =>
    JSON.stringify(
      String(path.split('.').reduce<unknown>((node, key) => (node as never)[key], values)),
    ),
  );

/** The ConfigMap's literal entries (the template's own) and the values' `config`. */
function chartEnvironment(): Record<string, string> {
  const literal = read('templates/configmap.yaml')
    .split('\n')
    .map((line) => /^ {2}([A-Z][A-Z0-9_]*): (.+)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => [match[1] ?? '', String(parse(filled(match[2] ?? '')))]);
  return { ...Object.fromEntries(literal), ...values.config };
}

const productionDefault = (name: string) =>
  specs.get(name) && rawValue(specs.get(name)!, { mode: 'production', env: {} });

describe('the chart configuration', () => {
  const environment = chartEnvironment();

  it('sets NODE_ENV=production and only variables the code declares', () => {
    expect(environment.NODE_ENV).toBe('production');
    expect(Object.keys(environment).filter((name) => !specs.has(name))).toEqual([]);
  });

  it('restates no default: every value differs from its production default', () => {
    const restated = Object.entries(environment).filter(
      ([name, value]) => name !== 'NODE_ENV' && value === productionDefault(name),
    );
    expect(restated).toEqual([]);
  });

  it('is a configuration the code accepts (with the Secret holding JWT_SECRET)', () => {
    const config = loadConfig({ ...environment, JWT_SECRET: 'k'.repeat(32) });
    expect(config).toMatchObject({ nodeEnv: 'production', workerId: 'auto' });
  });

  it('exposes the default PORT and waits out the default SHUTDOWN_GRACE_MS', () => {
    const deployment = read('templates/deployment.yaml');
    const port = /containerPort: (\d+)/.exec(deployment)?.[1];
    expect(port).toBe(productionDefault('PORT'));
    const grace = Number(/terminationGracePeriodSeconds: (\d+)/.exec(deployment)?.[1]) * 1000;
    const preStop = Number(/"sleep", "(\d+)"/.exec(deployment)?.[1]) * 1000;
    expect(grace).toBeGreaterThan(preStop + Number(productionDefault('SHUTDOWN_GRACE_MS')));
  });
});
