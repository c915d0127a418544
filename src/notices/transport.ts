import type { NoticeKind } from '../domain/notices.js';
import type { Logger } from '../logger.js';

/**
 * What a receiver gets for a notice: the body of the webhook, the fields of the log line. Ids
 * are the GraphQL global ids (`Notice.id`, `Member.id`, ...), so a receiver can look them up.
 */
export interface NoticePayload {
  /** `notice.hold_ready`, `notice.due_soon` or `notice.overdue`. */
  type: `notice.${Lowercase<NoticeKind>}`;
  /** When the notice was written (ISO 8601). */
  timestamp: string;
  data: {
    /** The notice's id: the same on every attempt, the key a receiver dedupes on. */
    id: string;
    kind: NoticeKind;
    /** The due date or pickup deadline the notice is about (ISO 8601). */
    deadline: string;
    member: { id: string; name: string; email: string };
    loan: { id: string };
    book: { id: string; title: string; isbn: string };
  };
}

/** One attempt at delivering a notice. */
export interface NoticeDelivery {
  /** The delivery id: the notice's id, the same on every attempt. */
  id: string;
  /** 1 on the first attempt. */
  attempt: number;
  payload: NoticePayload;
}

/**
 * Where notices go. `send` resolves once the receiver has taken the notice and rejects when it
 * has not (the worker then retries with backoff); it may be called again for a notice it
 * already delivered (a lost answer, a worker that died), always with the same delivery id.
 */
export interface NoticeTransport {
  /** A short fixed name: `log`, `webhook` (a metric label). */
  readonly name: string;
  send(delivery: NoticeDelivery): Promise<void>;
}

/** Writes each notice as a log line at `info`: the transport when no webhook is configured. */
export function createLogTransport(logger: Logger | false): NoticeTransport {
  return {
    name: 'log',
    async send({ id, attempt, payload }) {
      if (logger === false) return;
      logger.info(
        {
          notice: id,
          attempt,
          kind: payload.data.kind,
          member: payload.data.member.id,
          loan: payload.data.loan.id,
          deadline: payload.data.deadline,
        },
        'notice',
      );
    },
  };
}
