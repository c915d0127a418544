import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No helm binary here: these static checks stand in for `helm lint` / `helm template`.
const chart = new URL('../helm/bookmall/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, chart), 'utf8');
const values = parse(read('values.yaml')) as Record<string, unknown>;
const templates = readdirSync(new URL('templates/', chart)).filter((f) => f.endsWith('.yaml'));

/** The template with its Go-template actions replaced by placeholders, so YAML can parse it. */
function flatten(template: string): string {
  return template
    .split('\n')
    .filter((line) => !/^\s*\{\{-?\s*(if|end|range|else)\b.*\}\}\s*$/.test(line))
    .map((line) =>
      line
        .replace(/:\s*\{\{-\s*(include|toYaml)[^}]*\}\}\s*$/, ': {}')
        .replace(/^(\s*)\{\{\s*\$name\s*\}\}:.*$/, '$1placeholder: x')
        .replace(/"?\{\{[^}]*\}\}"?/g, 'x'),
    )
    .join('\n');
}

function lookup(path: string[]): unknown {
  let node: unknown = values;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

describe('helm chart', () => {
  it('has a Chart.yaml with a name and versions', () => {
    expect(parse(read('Chart.yaml'))).toMatchObject({ apiVersion: 'v2', name: 'bookmall' });
  });

  it('values.yaml satisfies values.schema.json, and the schema refuses bad values', () => {
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(read('values.schema.json')));
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...values, replicaCount: 0 })).toBe(false);
    expect(validate({ ...values, config: { WORKERS: 2 } })).toBe(false);
    expect(validate({ ...values, unknownKey: true })).toBe(false);
  });

  it.each(templates)('%s references only values that exist', (file) => {
    const refs = [...read(`templates/${file}`).matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)].map(
      (m) => m[1]!,
    );
    const missing = refs.filter((ref) => lookup(ref.split('.')) === undefined);
    expect(missing).toEqual([]);
  });

  it.each(templates)('%s is YAML with a kind once its template actions are filled', (file) => {
    const document = parse(flatten(read(`templates/${file}`))) as {
      apiVersion?: string;
      kind?: string;
    };
    expect(document.apiVersion).toBeTruthy();
    expect(document.kind).toBeTruthy();
  });

  it('probes /healthz and /readyz and takes its worker ids from the database', () => {
    const deployment = read('templates/deployment.yaml');
    expect(deployment).toContain('path: /healthz');
    expect(deployment).toContain('path: /readyz');
    expect(read('templates/configmap.yaml')).toContain('WORKER_ID: auto');
    expect(read('templates/migrations-job.yaml')).toContain('pre-install,pre-upgrade');
  });

  it('scrapes the metrics port (METRICS_PORT), which the ingress does not reach', () => {
    expect(read('templates/configmap.yaml')).toContain(
      'METRICS_PORT: {{ .Values.metricsPort | quote }}',
    );
    const port = (file: string, name: string) =>
      read(`templates/${file}`).includes(`name: ${name}`);
    expect(port('deployment.yaml', 'metrics') && port('service.yaml', 'metrics')).toBe(true);
    const monitor = parse(flatten(read('templates/servicemonitor.yaml'))) as {
      spec: { endpoints: { port: string; path: string }[] };
    };
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: 'x' }]);
    expect(read('templates/ingress.yaml')).not.toContain('metrics');
  });

  it('scales on the http_requests_per_second pods metric (the metrics adapter derives it from http_requests_total)', () => {
    const hpa = parse(flatten(read('templates/hpa.yaml'))) as {
      spec: { metrics: { type: string; pods?: { metric: { name: string } } }[] };
    };
    const pods = hpa.spec.metrics.find((metric) => metric.type === 'Pods');
    expect(pods?.pods?.metric.name).toBe('http_requests_per_second');
  });
});
