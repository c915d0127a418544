import type { TestApp } from './app.js';

export interface SendInit {
  token?: string;
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
}

/** One request over Yoga's fetch: status, headers, the raw body and the SQL statements it cost. */
export async function send(
  t: TestApp,
  query: string,
  variables: Record<string, unknown> = {},
  init: SendInit = {},
) {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let url = 'http://yoga/graphql';
  let body: string | undefined;
  const method = init.method ?? 'POST';
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ query, variables });
  } else {
    url += `?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`;
  }
  const { result: response, statements } = await t.countStatements(async () =>
    t.app.fetch(url, { method, headers, body }),
  );
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes
    json: json as any,
    statements,
  };
}
