import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRoute, observeHttpAnswer, registry } from './metrics.js';

export interface MetricsServerOptions {
  port: number;
  host: string;
  /** The scrape path (METRICS_ENDPOINT); every other path answers 404. */
  path: string;
  /** The text a scrape answers: this process's registry, or the pod's (src/cluster-metrics.ts). */
  collect: () => Promise<string>;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * METRICS_PORT: the scrape endpoint on a listener of its own, so that the port the ingress
 * reaches never serves it. Its answers count in `http_requests_total` like the main port's.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const started = performance.now();
    const path = new URL(request.url ?? '/', 'http://metrics').pathname;
    const answer = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type }).end(body);
      const route = httpRoute(path, options.path);
      observeHttpAnswer(
        request.method ?? 'GET',
        route,
        status,
        (performance.now() - started) / 1000,
      );
    };
    if (path !== options.path || !['GET', 'HEAD'].includes(request.method ?? '')) {
      answer(404, 'not found\n');
      return;
    }
    options.collect().then(
      (text) => answer(200, text, registry.contentType),
      // A scrape that cannot see the whole pod fails rather than report part of it.
      (error: unknown) => answer(503, `metrics unavailable: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
