import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allPanels, readDashboard, variableQuery } from '../support/monitoring.js';

const dashboard = readDashboard();
const panels = allPanels(dashboard);
const graphs = panels.filter((panel) => panel.type !== 'row');
const targets = graphs.flatMap((panel) => (panel.targets ?? []).map((t) => ({ panel, ...t })));
const variable = (name: string) => dashboard.templating.list.find((v) => v.name === name);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JavaScript's
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

describe('the Grafana dashboard (helm/bookmall/monitoring/dashboard.json)', () => {
  it('has what Grafana needs to import it: a schema version, a uid, a title, unique panel ids', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36); // datasources as { type, uid }
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    const ids = panels.map((panel) => panel.id);
    expect(ids.every(Number.isInteger)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes its data source, namespace and pods from template variables', () => {
    expect(variable('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const namespace = variable('namespace')!;
    expect(namespace).toMatchObject({ type: 'query', datasource: DATASOURCE });
    expect(variableQuery(namespace)).toBe(
      'label_values(http_requests_total{job="bookmall"}, namespace)',
    );
    const pod = variable('pod')!;
    expect(pod).toMatchObject({
      type: 'query',
      datasource: DATASOURCE,
      multi: true,
      includeAll: true,
    });
    expect(variableQuery(pod)).toContain('namespace="$namespace"');
  });

  it('queries every panel through the data-source variable', () => {
    expect(graphs.length).toBeGreaterThan(20);
    for (const panel of graphs) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(target.datasource, panel.title).toEqual(DATASOURCE);
    }
  });

  it('hard-codes no namespace: every query selects job="bookmall" in $namespace', () => {
    for (const { panel, expr } of targets) {
      const selectors = [...expr.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
      expect(selectors.length, panel.title).toBeGreaterThan(0);
      for (const selector of selectors) {
        expect(selector, panel.title).toContain('job="bookmall"');
        expect(selector, panel.title).toContain('namespace="$namespace"');
        expect(selector.match(/namespace\s*[=!]~?/g), panel.title).toHaveLength(1);
        if (selector.includes('pod')) expect(selector, panel.title).toContain('pod=~"$pod"');
      }
    }
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), panel.title).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  it('is described row by row in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## Dashboards and alerts\n')[1]?.split('\n## ')[0] ?? '';
    for (const row of panels.filter((panel) => panel.type === 'row')) {
      expect(section, row.title).toContain(`**${row.title}**`);
    }
  });
});
