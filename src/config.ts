import { z } from 'zod';
import { EDGE_VARIABLES } from './config/edge-variables.js';
import { FINE_VARIABLES } from './config/fine-variables.js';
import { NOTICE_VARIABLES } from './config/notice-variables.js';
import { OBSERVABILITY_VARIABLES } from './config/observability-variables.js';
import { SERVER_VARIABLES } from './config/server-variables.js';
import { type Mode, rawValue, type Variable } from './config/variable.js';

/**
 * Every environment variable bookmall reads, parsed and validated in one place: nothing else
 * reads `process.env`. Each is declared once, with its description and default, in
 * src/config/*-variables.ts; `Config` is derived from them and the README's configuration table
 * is generated from them (`npm run docs:config`). Adding a variable is one entry there.
 */
export const VARIABLES = {
  ...SERVER_VARIABLES,
  ...OBSERVABILITY_VARIABLES,
  ...EDGE_VARIABLES,
  ...NOTICE_VARIABLES,
  ...FINE_VARIABLES,
} satisfies Record<string, Variable>;

type Variables = typeof VARIABLES;

/** The parsed configuration: one key per variable of {@link VARIABLES}. */
export type Config = { [K in keyof Variables]: z.output<Variables[K]['schema']> };

export { DEFAULT_PERSISTED_DOCUMENTS_PATH } from './config/edge-variables.js';
export {
  DEFAULT_METRICS_OPERATION_NAMES,
  LOG_LEVELS,
} from './config/observability-variables.js';
export {
  DEFAULT_RATE_LIMITS,
  RATE_LIMIT_NAMES,
  type RateLimit,
  type RateLimitName,
  type RateLimits,
} from './config/rate-limits.js';
export { DEVELOPMENT_JWT_SECRET } from './config/server-variables.js';

type Env = Record<string, string | undefined>;

const entries = Object.entries(VARIABLES) as [keyof Config, Variable][];
const schema = z.object(Object.fromEntries(entries.map(([, spec]) => [spec.name, spec.schema])));

/** `NAME message`, and the value it refused unless the message quotes it already. */
function describe(issue: z.core.$ZodIssue, raw: Record<string, string | undefined>): string {
  const name = String(issue.path[0]);
  const value = raw[name];
  const got = value === undefined || issue.message.includes('"') ? '' : `, got "${value}"`;
  return `${name} ${issue.message}${got}`;
}

/**
 * Reads the configuration from `env` (default `process.env`). Throws one error naming every
 * invalid variable, what it must be and what it got.
 */
export function loadConfig(env: Env = process.env): Config {
  const mode: Mode = SERVER_VARIABLES.nodeEnv.schema.parse(env.NODE_ENV);
  const raw = Object.fromEntries(
    entries.map(([, spec]) => [spec.name, rawValue(spec, { mode, env })]),
  );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describe(issue, raw));
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data as Record<string, unknown>;
  return Object.fromEntries(entries.map(([key, spec]) => [key, values[spec.name]])) as Config;
}
