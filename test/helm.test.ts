import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadChart } from './support/helm-template.js';

// No helm binary here: these static checks stand in for `helm lint` / `helm template`.
const chart = new URL('../helm/bookmall/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, chart), 'utf8');
const values = parse(read('values.yaml')) as Record<string, unknown>;
const templates = readdirSync(new URL('templates/', chart)).filter((f) => f.endsWith('.yaml'));

/** The template with its Go-template actions replaced by placeholders, so YAML can parse it. */
function flatten(template: string): string {
  return template
    .split('\n')
    .filter((line) => !/^\s*\{\{-?\s*(if|end|range|else|with)\b.*\}\}\s*$/.test(line))
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

  it('runs compiled JavaScript: the image CMD in the Deployment, dist/db/migrate.js in the Job', () => {
    const deployment = read('templates/deployment.yaml');
    expect(deployment).not.toMatch(/^\s*(command|args):/m);
    const job = read('templates/migrations-job.yaml');
    const command = JSON.parse(/command: (\[.*\])/.exec(job)?.[1] ?? '[]') as string[];
    expect(command).toEqual(['node', 'dist/db/migrate.js']);
    // dist/ mirrors src/ (tsconfig.build.json rootDir): the script the Job runs exists.
    const source = new URL(
      `../${command[1]?.replace(/^dist/, 'src').replace(/\.js$/, '.ts')}`,
      import.meta.url,
    );
    expect(readFileSync(source, 'utf8')).toMatch(/isMain\(import\.meta\.url\)/);
    // A read-only root and no /tmp volume: test/production-image.test.ts runs the Job so.
    expect(lookup(['securityContext', 'readOnlyRootFilesystem'])).toBe(true);
    expect(job).toContain('securityContext: {{- toYaml .Values.securityContext');
    expect(job).not.toMatch(/volumeMounts|mountPath/);
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

  describe('dashboards and alerts (monitoring/)', () => {
    const rendered = loadChart(chart);
    const monitoring = ['prometheusrule.yaml', 'grafana-dashboard.yaml', 'prometheus-adapter.yaml'];
    const on = {
      monitoring: {
        prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
        grafanaDashboard: { enabled: true, annotations: { grafana_folder: 'Shop' } },
        prometheusAdapter: { enabled: true, namespace: 'monitoring' },
      },
    };
    const render = (file: string) =>
      parse(rendered.render(file, on)) as {
        kind: string;
        metadata: { name: string; namespace?: string; labels: Record<string, string> };
        spec: unknown;
        data: Record<string, string>;
      };

    it.each(monitoring)('%s renders nothing by default', (file) => {
      expect(rendered.render(file).trim()).toBe('');
    });

    it('renders the PrometheusRule from monitoring/rules.yaml as it is, with the extra labels', () => {
      const rule = render('prometheusrule.yaml');
      expect(rule.kind).toBe('PrometheusRule');
      expect(rule.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'bookmall',
        release: 'kube-prometheus-stack',
      });
      expect(rule.spec).toEqual(parse(read('monitoring/rules.yaml')));
    });

    it('renders the dashboard ConfigMap with the Grafana sidecar label', () => {
      const map = render('grafana-dashboard.yaml');
      expect(map.kind).toBe('ConfigMap');
      expect(map.metadata.labels.grafana_dashboard).toBe('1');
      expect(JSON.parse(map.data['bookmall.json']!)).toEqual(
        JSON.parse(read('monitoring/dashboard.json')),
      );
    });

    it("renders prometheus-adapter's config in its namespace, naming the HPA's metric", () => {
      const map = render('prometheus-adapter.yaml');
      expect(map.metadata).toMatchObject({
        name: 'bookmall-prometheus-adapter',
        namespace: 'monitoring',
      });
      const config = parse(map.data['config.yaml']!) as {
        rules: { seriesQuery: string; name: { as: string } }[];
      };
      expect(config).toEqual(parse(read('monitoring/prometheus-adapter.yaml')));
      // The adapter serves the recording rule the HPA asks for by name.
      const hpa = parse(rendered.render('hpa.yaml')) as {
        spec: { metrics: { pods?: { metric: { name: string } } }[] };
      };
      const podsMetric = hpa.spec.metrics.find((m) => m.pods)?.pods?.metric.name;
      expect(config.rules.map((r) => r.name.as)).toEqual([podsMetric]);
      const recorded = (
        parse(read('monitoring/rules.yaml')) as {
          groups: { rules: { record?: string }[] }[];
        }
      ).groups.flatMap((g) => g.rules.map((r) => r.record));
      expect(recorded).toContain(config.rules[0]!.seriesQuery.split('{')[0]);
    });

    it('labels scraped series job="bookmall", the job the rules and the dashboard select', () => {
      const monitor = parse(
        rendered.render('servicemonitor.yaml', { serviceMonitor: { enabled: true } }),
      ) as {
        spec: { jobLabel: string };
      };
      const service = parse(rendered.render('service.yaml')) as {
        metadata: { labels: Record<string, string> };
      };
      expect(service.metadata.labels[monitor.spec.jobLabel]).toBe('bookmall');
    });
  });
});
