import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { countOnCollect } from '../src/metrics.js';

// The fast hits' counters are counted in memory and added to prom-client when it collects:
// whatever reads the counter (a scrape, get()) must see every increment, per label set.
describe('countOnCollect', () => {
  const counterIn = (registry: Registry, collect?: () => void) =>
    new Counter({
      name: 'answers_total',
      help: 'answers',
      labelNames: ['result'] as const,
      registers: [registry],
      ...(collect ? { collect } : {}),
    });
  const countOf = async (counter: Counter<'result'>, result: string) =>
    (await counter.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

  it('shows every increment to each reader, per label set, and none twice', async () => {
    const registry = new Registry();
    const counter = counterIn(registry);
    const hit = countOnCollect(counter, { result: 'hit' });
    const again = countOnCollect(counter, { result: 'hit' });
    const miss = countOnCollect(counter, { result: 'miss' });
    for (let i = 0; i < 5; i++) hit();
    again();
    miss();
    expect(await registry.metrics()).toContain('answers_total{result="hit"} 6');
    expect(await countOf(counter, 'hit')).toBe(6);
    expect(await countOf(counter, 'miss')).toBe(1);
    hit();
    counter.inc({ result: 'hit' });
    expect(await countOf(counter, 'hit')).toBe(8);
    expect(await registry.metrics()).toContain('answers_total{result="hit"} 8');
  });

  it("still runs the counter's own collect", async () => {
    const registry = new Registry();
    let collected = 0;
    const counter = counterIn(registry, () => {
      collected += 1;
    });
    countOnCollect(counter, { result: 'hit' })();
    expect(await countOf(counter, 'hit')).toBe(1);
    expect(collected).toBe(1);
  });
});
