import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel';
import type { Redis } from 'ioredis';
import { redisCircuitState, redisCircuitTransitions } from './metrics.js';

/**
 * A circuit breaker around every command of one ioredis connection (cockatiel's breaker; ioredis
 * has hundreds of commands, so it wraps the one method they all go through, `sendCommand`).
 *
 * A stalled Redis (SIGSTOP, a full network buffer) keeps its socket open and answers nothing:
 * each command waits for REDIS_COMMAND_TIMEOUT_MS, and a request with several commands in series
 * waits several times over. After `failures` commands in a row fail that way, the circuit opens:
 * for `cooldownMs` every command is refused at once, without reaching Redis, and each feature
 * goes on without it as it does when Redis is down. Then one command is let through as a probe
 * (the circuit is half-open; the others are still refused at once): if it succeeds the circuit
 * closes, else it opens for another cool-down.
 *
 * Error replies (Redis answered: `ReplyError`) are not failures. Commands of a pipeline or MULTI
 * (which ioredis sends one by one with a stream) are refused together while the circuit is not
 * closed and are not counted, so a transaction is never cut in half. Before the connection is
 * ready (the handshake) commands pass untouched.
 */

export interface RedisBreakerOptions {
  /** Consecutive failed commands that open the circuit. Default `3`. */
  failures?: number;
  /** How long the circuit stays open before a probe, in ms. Default `5000`. */
  cooldownMs?: number;
}

/** The message of a command refused by the open circuit. */
export const CIRCUIT_OPEN_MESSAGE = 'Redis circuit open: command not sent';

const STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/** What the breaker of a connection reports: its state, for readiness and tests. */
export interface RedisBreaker {
  readonly state: 'closed' | 'open' | 'half_open';
}

/** Puts a breaker in front of `redis`'s commands; returns a view of its state. */
export function guardRedis(redis: Redis, options: RedisBreakerOptions = {}): RedisBreaker {
  const policy = circuitBreaker(
    handleWhen((error: unknown) => !(error instanceof Error && error.name === 'ReplyError')),
    {
      halfOpenAfter: options.cooldownMs ?? 5000,
      breaker: new ConsecutiveBreaker(options.failures ?? 3),
    },
  );
  redisCircuitState.set(CircuitState.Closed);
  policy.onStateChange((state) => {
    redisCircuitState.set(state === CircuitState.Isolated ? CircuitState.Open : state);
    redisCircuitTransitions.inc({ to: STATE_NAMES[state] });
  });
  const send = redis.sendCommand.bind(redis);
  const refuse = (command: Parameters<Redis['sendCommand']>[0]) => {
    command.reject(new Error(CIRCUIT_OPEN_MESSAGE));
    return command.promise;
  };
  redis.sendCommand = (command, stream) => {
    if (redis.status !== 'ready') return send(command, stream);
    const state = policy.state;
    if (stream) return state === CircuitState.Closed ? send(command, stream) : refuse(command);
    // Half-open: a probe is in flight; the others do not queue behind it.
    if (state === CircuitState.HalfOpen) return refuse(command);
    // Sent synchronously inside `execute` (closed, or the probe of an expired cool-down).
    policy
      .execute(() => {
        send(command);
        return command.promise;
      })
      .catch((error: unknown) => {
        // Refused by the circuit: the command was never sent. Any other failure already
        // reached its caller through `command.promise`.
        if (isBrokenCircuitError(error)) refuse(command);
      });
    return command.promise;
  };
  return {
    get state() {
      return STATE_NAMES[policy.state] as RedisBreaker['state'];
    },
  };
}
