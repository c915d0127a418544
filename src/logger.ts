import pino from 'pino';

/** Creates the process logger: JSON lines on stdout. */
export function createLogger(level: string) {
  return pino({ level, base: { service: 'bookmall', pid: process.pid } });
}

export type Logger = ReturnType<typeof createLogger>;
