import { levels } from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS, loadConfig } from '../src/config.js';

const secret = 'x'.repeat(32);

describe('loadConfig', () => {
  it('refuses an unknown LOG_LEVEL, naming the levels it takes', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, got "verbose"',
    );
    expect(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
  });

  it("takes exactly pino's levels and silent", () => {
    expect([...LOG_LEVELS].sort()).toEqual([...Object.keys(levels.values), 'silent'].sort());
  });

  it('keeps fine amounts as exact decimal strings and refuses floats, negatives and unknown zones', () => {
    expect(loadConfig({})).toMatchObject({
      finePerDay: '0.25',
      fineCap: '10.00',
      fineBlockThreshold: '5.00',
      libraryTimeZone: 'UTC',
    });
    expect(loadConfig({ FINE_PER_DAY: '0.1', LIBRARY_TIME_ZONE: 'Europe/Paris' })).toMatchObject({
      finePerDay: '0.1',
      libraryTimeZone: 'Europe/Paris',
    });
    const message = (() => {
      try {
        loadConfig({ FINE_PER_DAY: '1e-1', FINE_CAP: '-5', LIBRARY_TIME_ZONE: 'Mars/Olympus' });
      } catch (caught) {
        return (caught as Error).message;
      }
    })();
    expect(message).toContain('FINE_PER_DAY must be an amount >= 0 with at most 2 decimal places');
    expect(message).toContain('FINE_CAP must be an amount >= 0');
    expect(message).toContain('LIBRARY_TIME_ZONE must be an IANA time zone');
  });

  it('names every invalid variable in one error, with what it must be and what it got', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'eighty', TRUST_PROXY: 'maybe', WORKER_ID: '2000', WORKERS: '0' });
      } catch (caught) {
        return (caught as Error).message;
      }
    })();
    expect(error).toContain('PORT must be an integer >= 0, got "eighty"');
    expect(error).toContain('TRUST_PROXY must be true or false, got "maybe"');
    expect(error).toContain('WORKER_ID must be auto or an integer 0..1023, got "2000"');
    expect(error).toContain('WORKERS must be auto or an integer >= 1, got "0"');
  });

  it('applies the defaults of NODE_ENV=production, and needs JWT_SECRET there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
    const production = loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret });
    expect(production).toMatchObject({
      graphiql: false,
      maskErrors: true,
      introspection: false,
      jwtSecret: secret,
    });
    expect(production.workers).toBeGreaterThanOrEqual(1);
    expect(loadConfig({})).toMatchObject({ graphiql: true, maskErrors: false, workers: 1 });
    expect(loadConfig({ NODE_ENV: 'staging' }).nodeEnv).toBe('development');
  });

  it('treats an empty value as unset, except where empty means something', () => {
    expect(loadConfig({ PORT: '', JWT_SECRET: '' })).toMatchObject({ port: 4000 });
    expect(
      loadConfig({ METRICS_ENDPOINT: '', REDIS_KEY_PREFIX: '', METRICS_OPERATION_NAMES: '' }),
    ).toMatchObject({ metricsEndpoint: '', redisKeyPrefix: '', metricsOperationNames: [] });
    expect(() => loadConfig({ METRICS_ENDPOINT: 'metrics' })).toThrow(/starting with "\/"/);
  });

  it('reads the lists: replicas, Sentinels, cache TTLs', () => {
    const config = loadConfig({
      DATABASE_READ_REPLICA_URLS: 'postgres://a/db, postgres://b/db,',
      REDIS_SENTINELS: 's1:26380,s2',
      RESPONSE_CACHE_TTLS: 'Book=60, Author = 30',
    });
    expect(config.databaseReplicaUrls).toEqual(['postgres://a/db', 'postgres://b/db']);
    expect(config.redisSentinels).toEqual([
      { host: 's1', port: 26380 },
      { host: 's2', port: 26379 },
    ]);
    expect(config.responseCacheTtls).toEqual({ Book: 60, Author: 30 });
    expect(loadConfig({}).responseCacheTtls).toEqual({ Book: 300, Author: 300, Category: 300 });
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:x' })).toThrow(/host:port, got "s1:x"/);
    expect(() => loadConfig({ RESPONSE_CACHE_TTLS: 'Book=-1' })).toThrow(/Type=seconds/);
  });

  it('picks the traces exporter from the endpoint unless told', () => {
    expect(loadConfig({}).otelTracesExporter).toBe('none');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).otelTracesExporter).toBe(
      'otlp',
    );
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'Console' }).otelTracesExporter).toBe('console');
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      /otlp, console or none, got "jaeger"/,
    );
  });
});
