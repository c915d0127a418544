import { z } from 'zod';
import { EDGE_VARIABLES } from './config/edge-variables.js';
import { OBSERVABILITY_VARIABLES } from './config/observability-variables.js';
import { SERVER_VARIABLES } from './config/server-variables.js';
import { rawValue } from './config/variable.js';
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
};
export { DEFAULT_PERSISTED_DOCUMENTS_PATH } from './config/edge-variables.js';
export { DEFAULT_METRICS_OPERATION_NAMES, LOG_LEVELS, } from './config/observability-variables.js';
export { DEFAULT_RATE_LIMITS, RATE_LIMIT_NAMES, } from './config/rate-limits.js';
export { DEVELOPMENT_JWT_SECRET } from './config/server-variables.js';
const entries = Object.entries(VARIABLES);
const schema = z.object(Object.fromEntries(entries.map(([, spec]) => [spec.name, spec.schema])));
/** `NAME message`, and the value it refused unless the message quotes it already. */
function describe(issue, raw) {
    const name = String(issue.path[0]);
    const value = raw[name];
    const got = value === undefined || issue.message.includes('"') ? '' : `, got "${value}"`;
    return `${name} ${issue.message}${got}`;
}
/**
 * Reads the configuration from `env` (default `process.env`). Throws one error naming every
 * invalid variable, what it must be and what it got.
 */
export function loadConfig(env = process.env) {
    const mode = SERVER_VARIABLES.nodeEnv.schema.parse(env.NODE_ENV);
    const raw = Object.fromEntries(entries.map(([, spec]) => [spec.name, rawValue(spec, { mode, env })]));
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => describe(issue, raw));
        throw new Error(`Invalid configuration: ${problems.join('; ')}`);
    }
    const values = parsed.data;
    return Object.fromEntries(entries.map(([key, spec]) => [key, values[spec.name]]));
}
