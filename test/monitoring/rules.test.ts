import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES_FILE, readRules, withoutThresholds } from '../support/monitoring.js';

const run = promisify(execFile);
const UNIT_TESTS = new URL('rules.promtool.yaml', import.meta.url);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const rules = readRules().flatMap((group) => group.rules);
const alerts = rules.filter((rule) => rule.alert);

/** promtool's output, or its failure with what it printed. */
async function promtool(...args: string[]) {
  try {
    const { stdout, stderr } = await run('promtool', args);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  }
}

type UnitTests = {
  tests: {
    input_series: { series: string }[];
    alert_rule_test?: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
  }[];
};

describe('alert and recording rules (helm/bookmall/monitoring/rules.yaml)', () => {
  it('pass promtool check rules', async () => {
    const result = await promtool('check', 'rules', fileURLToPath(RULES_FILE));
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.ok, result.output).toBe(true);
  });

  it('pass their promtool unit tests', async () => {
    const result = await promtool('test', 'rules', fileURLToPath(UNIT_TESTS));
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('SUCCESS');
  });

  it.each(alerts.map((a) => a.alert!))(
    '%s is unit tested: it fires for some series, not for others',
    (name) => {
      const { tests } = parse(readFileSync(UNIT_TESTS, 'utf8')) as UnitTests;
      // The namespace (and pod) of each expected alert, against those of the input series.
      const covers = (alert: Record<string, string>, series: Record<string, string>) =>
        alert.namespace === series.namespace && (!alert.pod || alert.pod === series.pod);
      const checked = tests.flatMap((test) => {
        const cases = (test.alert_rule_test ?? []).filter((c) => c.alertname === name);
        const fired = cases.flatMap((c) => c.exp_alerts.map((a) => a.exp_labels));
        const inputs = test.input_series.map(({ series }) =>
          Object.fromEntries([...series.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])),
        );
        const quiet = inputs.filter((series) => !fired.some((alert) => covers(alert, series)));
        return cases.length > 0 ? [{ fired, quiet }] : [];
      });
      expect(checked.some((c) => c.fired.length > 0)).toBe(true);
      expect(checked.some((c) => c.quiet.length > 0)).toBe(true);
    },
  );

  it.each(alerts.map((a) => [a.alert!, a] as const))(
    '%s has a summary, a description and a runbook in the README',
    (name, alert) => {
      expect(Object.keys(alert.annotations ?? {}).sort()).toEqual([
        'description',
        'runbook',
        'summary',
      ]);
      expect(alert.annotations?.runbook).toBe(`README.md#${name.toLowerCase()}`);
      const section = README.split(`\n#### ${name}\n`)[1]?.split('\n#')[0];
      expect(section, `README has no "#### ${name}" section`).toBeTruthy();
      expect(section).toMatch(/\*\*Means\*\*/);
      expect(section).toMatch(/\*\*Check\*\*/);
      expect(section).toMatch(/\*\*Act\*\*/);
      expect(alert.labels?.severity).toMatch(/^(critical|warning)$/);
    },
  );

  it('select job="bookmall" everywhere, and write each threshold as a plain number', () => {
    const recorded = new Set(rules.map((rule) => rule.record).filter(Boolean));
    for (const rule of rules) {
      const usesRecorded = [...recorded].some((name) => rule.expr.includes(`${name}`));
      const selectors = [...rule.expr.matchAll(/([a-z_:]+)\{([^}]*)\}/g)];
      expect(selectors.length > 0 || usesRecorded, rule.expr).toBe(true);
      for (const [, metric, matchers] of selectors) {
        if (!recorded.has(metric!)) expect(matchers, rule.expr).toContain('job="bookmall"');
      }
      if (rule.alert) expect(() => withoutThresholds(rule.expr)).not.toThrow();
    }
  });
});
