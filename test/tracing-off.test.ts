import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { tracingOn, withSpan } from '../src/tracing.js';

afterEach(() => trace.disable());

describe('tracing that is off', () => {
  it('is seen as off until an SDK registers, and as off again once it is gone', () => {
    expect(tracingOn()).toBe(false);
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    expect(tracingOn()).toBe(true);
    trace.disable();
    expect(tracingOn()).toBe(false);
  });

  it('makes no span: withSpan hands out the invalid span and starts none', async () => {
    const names: string[] = [];
    const provider = new BasicTracerProvider({
      spanProcessors: [
        {
          onStart: (span) => void names.push(span.name),
          onEnd: () => undefined,
          forceFlush: async () => undefined,
          shutdown: async () => undefined,
        },
      ],
    });
    const off = await withSpan('off', {}, async (span) => span.spanContext().spanId);
    expect(off).toBe('0000000000000000');
    trace.setGlobalTracerProvider(provider);
    await withSpan('on', {}, async () => undefined);
    expect(names).toEqual(['on']);
  });
});
