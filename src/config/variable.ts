import type { z } from 'zod';

/** The value of NODE_ENV that the other defaults may depend on. */
export type Mode = 'development' | 'production' | 'test';

/** What a default is computed from: the mode and the raw environment. */
export interface DefaultContext {
  mode: Mode;
  env: Record<string, string | undefined>;
}

/** A default that depends on something else, with the sentence that documents it. */
export interface ComputedDefault {
  doc: string;
  resolve(context: DefaultContext): string | undefined;
}

/**
 * One environment variable: its name, what it does, how its raw string is parsed and what it is
 * when unset. The README's configuration table is generated from these (`npm run docs:config`).
 */
export interface Variable<S extends z.ZodType = z.ZodType> {
  /** The environment variable's name. */
  name: string;
  /** What it does; the README's table shows it as is. */
  description: string;
  /** Parses the raw string (the default when unset); its issue messages follow the name. */
  schema: S;
  /** The raw string used when the variable is unset: parsed like a set one. Default: none. */
  default?: string | ComputedDefault;
  /** An empty string is a value of its own (an empty list, no prefix) instead of "unset". Default `false`. */
  keepEmpty?: boolean;
  /** A set value extends the default (entries after the default's) instead of replacing it. Default `false`. */
  extendsDefault?: boolean;
}

/** Declares one variable (keeps the schema's type for `Config`). */
export const variable = <S extends z.ZodType>(spec: Variable<S>): Variable<S> => spec;

/** A default per NODE_ENV: `otherwise` unless the mode has its own (`undefined`: none). */
export function byMode(values: Partial<Record<Mode, string | undefined>> & { otherwise: string }) {
  const special = (Object.keys(values) as (Mode | 'otherwise')[]).filter((k) => k !== 'otherwise');
  const doc = [
    `\`${values.otherwise}\``,
    ...special.map((mode) => {
      const value = values[mode as Mode];
      return value === undefined
        ? `must be set when NODE_ENV=${mode}`
        : `\`${value}\` when NODE_ENV=${mode}`;
    }),
  ].join('; ');
  return {
    doc,
    resolve: ({ mode }: DefaultContext) => (mode in values ? values[mode] : values.otherwise),
  } satisfies ComputedDefault;
}

/** The raw string a variable is parsed from: the environment's, or the default. */
export function rawValue(spec: Variable, context: DefaultContext): string | undefined {
  const set = context.env[spec.name];
  const fallback = typeof spec.default === 'object' ? spec.default.resolve(context) : spec.default;
  if (set === undefined || (set === '' && !spec.keepEmpty)) return fallback;
  return spec.extendsDefault && fallback ? `${fallback},${set}` : set;
}

/** The README's text for a variable's default. */
export function defaultDoc(spec: Variable): string {
  if (typeof spec.default === 'object') return spec.default.doc;
  if (spec.default === undefined) return 'unset';
  return spec.default === '' ? 'empty' : `\`${spec.default}\``;
}
