import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The chart's monitoring sources: the one copy the chart, a plain Prometheus and tests read. */
export const MONITORING_DIR = new URL('../../helm/bookmall/monitoring/', import.meta.url);
export const RULES_FILE = new URL('rules.yaml', MONITORING_DIR);

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
  datasource?: { type?: string; uid?: string };
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: Variable[] };
  panels: Panel[];
}

export const readRules = () =>
  (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;

export const readDashboard = () =>
  JSON.parse(readFileSync(new URL('dashboard.json', MONITORING_DIR), 'utf8')) as Dashboard;

/** prometheus-adapter's rules (monitoring/prometheus-adapter.yaml). */
export const readAdapterRules = () =>
  (
    parse(readFileSync(new URL('prometheus-adapter.yaml', MONITORING_DIR), 'utf8')) as {
      rules: { seriesQuery: string; metricsQuery: string; name: { as: string } }[];
    }
  ).rules;

/** Every panel, rows' nested panels included. */
export const allPanels = (dashboard: Dashboard): Panel[] =>
  dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);

/** The query of a variable, whichever of Grafana's two shapes it is stored in. */
export const variableQuery = (variable: Variable) =>
  typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');

/** Grafana's template variables replaced as Grafana would for one namespace and every pod. */
export function substitute(expr: string, namespace: string, rateInterval = '1m'): string {
  return expr
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$namespace', namespace)
    .replaceAll('$pod', '.*');
}

// A comparison with a number: `> 0.2`, `> (14.4 * 0.001)` (the rules file writes thresholds so).
const THRESHOLD = /\s*(?:[<>]=?|==|!=)\s*(?:\(\s*[0-9.]+(?:\s*[-+*/]\s*[0-9.]+)*\s*\)|[0-9.]+)/g;

/**
 * An alert's expression without its thresholds: the series it compares, which exist whenever
 * the metrics do (the alert itself fires only when they cross the line). Throws if a comparison
 * is left, so a threshold written another way cannot pass unnoticed.
 */
export function withoutThresholds(expr: string): string {
  const bare = expr.replace(THRESHOLD, '');
  const left = bare.replace(/\{[^}]*\}/g, '{}');
  if (/[<>]|==|!=/.test(left)) throw new Error(`a comparison is left in ${bare}`);
  return bare;
}
