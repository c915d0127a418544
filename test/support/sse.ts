import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import type { ExecutionResult } from 'graphql';
import type { App } from '../../src/app.js';

/** An app served over real HTTP on a free port of 127.0.0.1. */
export async function serve(app: App): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A subscription read by a W3C EventSource client, as a browser would. */
export interface SseSubscription<T> {
  /** Every `next` payload received so far. */
  results: ExecutionResult<T>[];
  /** True once the server sent `complete` (the client then closes, never reconnects). */
  readonly completed: boolean;
  /** Resolves with the first result (from `from` on) that `matches`; rejects after `timeoutMs`. */
  next(
    matches?: (result: ExecutionResult<T>) => boolean,
    from?: number,
  ): Promise<ExecutionResult<T>>;
  /** Resolves once the stream is open (the server answered with its event stream). */
  opened: Promise<void>;
  close(): void;
}

/**
 * Subscribes with `eventsource` (GET `?query=...&variables=...`, the bearer token through its
 * fetch option: EventSource itself sends no headers). Yoga answers `event: next` per result
 * and `event: complete` at the end.
 */
export function subscribe<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  timeoutMs = 15_000,
): SseSubscription<T> {
  const address = new URL(url);
  address.searchParams.set('query', query);
  address.searchParams.set('variables', JSON.stringify(variables));
  const source = new EventSource(address, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...init.headers, ...(token && { authorization: `Bearer ${token}` }) },
      }),
  });
  const results: ExecutionResult<T>[] = [];
  const waiters = new Set<() => void>();
  let completed = false;
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  source.addEventListener('next', (event) => {
    results.push(JSON.parse(event.data) as ExecutionResult<T>);
    wake();
  });
  source.addEventListener('complete', () => {
    completed = true;
    source.close();
    wake();
  });
  const opened = new Promise<void>((resolve, reject) => {
    source.addEventListener('open', () => resolve());
    source.addEventListener('error', (error) => reject(new Error(`SSE: ${error.message}`)));
  });
  opened.catch(() => undefined);
  return {
    results,
    get completed() {
      return completed;
    },
    opened,
    next(matches = () => true, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = results.slice(from).find(matches);
          if (found) {
            done();
            resolve(found);
          } else if (completed) {
            done();
            reject(new Error(`stream completed without a match: ${JSON.stringify(results)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching event in ${timeoutMs} ms: ${JSON.stringify(results)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => source.close(),
  };
}

/** Reads a whole (short) SSE answer with fetch: for refusals, which EventSource cannot read. */
export async function sseAnswer(
  url: string,
  query: string,
  token?: string,
): Promise<{ status: number; results: ExecutionResult[] }> {
  const address = new URL(url);
  address.searchParams.set('query', query);
  const response = await fetch(address, {
    headers: { accept: 'text/event-stream', ...(token && { authorization: `Bearer ${token}` }) },
  });
  const text = await response.text();
  const results = [...text.matchAll(/^event: next\ndata: (.+)$/gm)].map(
    (match) => JSON.parse(match[1] ?? '{}') as ExecutionResult,
  );
  return { status: response.status, results };
}

/** Polls `condition` until true (a busy machine may be slow), failing after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
