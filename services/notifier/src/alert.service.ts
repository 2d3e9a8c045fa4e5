// Sends the emails of one stock alert, at most once per alert and recipient (api.md, Emails):
// LowStock and OutOfStock go to every admin alert recipient; BackInStock goes to every customer
// with an open subscription to the product created at or before the alert, and fulfils it.
import type { Database } from '@shop/db';
import type { StockAlert } from '@shop/domain';
import type { Kysely } from 'kysely';
import { AUDIENCE, renderAlertEmail } from './alert.email';
import type { EmailSender } from './email.sender';
import {
  findDeliveredRecipients,
  findPendingSubscribers,
  recordDelivery,
  tryLockAlert,
} from './notification.repository';

export interface AlertServiceDependencies {
  /**
   * A pool of at least 2 connections: one holds the alert's lock in an open transaction while
   * the other reads and records deliveries, each committed as soon as it is written.
   */
  readonly db: Kysely<Database>;
  readonly sender: EmailSender;
  /** Without repeats (case-insensitive). */
  readonly adminRecipients: readonly string[];
  readonly storefrontUrl: string;
  /** How long the lock's transaction may sit idle before the server ends it; default 60 s. */
  readonly lockIdleTimeoutMs?: number;
}

export interface NotifyOptions {
  /**
   * Asked before each send: false once the invocation has too little time left to send one more
   * email and record it. The recipients not reached yet are left to the message's retry.
   */
  readonly hasTimeLeft?: () => boolean;
}

export interface NotifyResult {
  /** Recipients this call sent an email to. */
  readonly sent: number;
  /** Recipients that were still waiting for this alert's email when the call started. */
  readonly pending: number;
}

export interface AlertService {
  notify(alert: StockAlert, options?: NotifyOptions): Promise<NotifyResult>;
}

/** Another invocation is sending this alert's emails right now (a duplicate delivery). */
export class AlertBusyError extends Error {
  constructor(readonly alertId: string) {
    super(`Alert ${alertId} is being sent by another invocation; retry later`);
    this.name = 'AlertBusyError';
  }
}

/** Some recipients did not get their email; a retry sends to exactly those. */
export class AlertIncompleteError extends Error {
  constructor(
    readonly alertId: string,
    readonly counts: { readonly sent: number; readonly failed: number; readonly notAttempted: number },
    options?: { cause?: unknown },
  ) {
    super(
      `Alert ${alertId}: ${counts.sent} sent, ${counts.failed} failed, ${counts.notAttempted} not attempted`,
      options,
    );
    this.name = 'AlertIncompleteError';
  }
}

/** Consecutive SES failures after which the rest of the message is left to its retry (SES is down). */
export const MAX_CONSECUTIVE_SEND_FAILURES = 3;

interface Recipient {
  /** Where the email goes, as configured or subscribed. */
  readonly address: string;
  /** The delivery's key: the address lower-cased. */
  readonly key: string;
  readonly subscriptionIds: readonly string[];
}

export const createAlertService = (deps: AlertServiceDependencies): AlertService => {
  const lockIdleTimeoutMs = deps.lockIdleTimeoutMs ?? 60_000;

  // One round trip either way; deliveries already recorded are left out.
  const pendingRecipients = async (alert: StockAlert): Promise<Recipient[]> => {
    if (AUDIENCE[alert.type] === 'subscribers') return findPendingSubscribers(deps.db, alert);
    const admins = deps.adminRecipients.map((address) => ({
      address,
      key: address.toLowerCase(),
      subscriptionIds: [],
    }));
    const delivered = await findDeliveredRecipients(
      deps.db,
      alert.id,
      admins.map((admin) => admin.key),
    );
    return admins.filter((admin) => !delivered.has(admin.key));
  };

  // Round trips per alert: 2 to open the transaction and take the lock, 1 for the pending
  // recipients, then one SendEmail and one statement per recipient, and 1 to end the transaction.
  const notify = async (alert: StockAlert, options: NotifyOptions = {}): Promise<NotifyResult> =>
    // The lock makes a duplicate of this message, delivered to another invocation at the same
    // time, wait for its retry instead of reading the same "not delivered yet" and sending twice.
    deps.db.transaction().execute(async (trx) => {
      if (!(await tryLockAlert(trx, alert.id, lockIdleTimeoutMs))) throw new AlertBusyError(alert.id);

      const recipients = await pendingRecipients(alert);
      const email = renderAlertEmail(alert, deps.storefrontUrl);
      const errors: unknown[] = [];
      let sent = 0;
      let consecutiveFailures = 0;
      let attempted = 0;

      for (const recipient of recipients) {
        if (consecutiveFailures >= MAX_CONSECUTIVE_SEND_FAILURES) break;
        if (options.hasTimeLeft && !options.hasTimeLeft()) break;
        attempted += 1;

        let messageId: string | null;
        try {
          ({ messageId } = await deps.sender.send({
            to: recipient.address,
            ...email,
            tags: { alertType: alert.type },
          }));
        } catch (error) {
          errors.push(error);
          consecutiveFailures += 1;
          continue;
        }
        consecutiveFailures = 0;

        // The remaining at-most-once gap: SES accepted the email, and a crash (or a database
        // failure) before this row is written means the message's retry sends it again. It
        // cannot be closed from here: SES SendEmail takes no idempotency token, so nothing lets
        // a retry ask SES "did you already accept this one?". Writing a claim row before sending
        // would only trade the duplicate for a lost email (crash after the claim, before SES).
        // What is left is this single statement, milliseconds after SES answered. A failure to
        // record is not swallowed: it ends the message before more emails widen the gap.
        await recordDelivery(deps.db, {
          alertId: alert.id,
          recipient: recipient.key,
          providerMessageId: messageId,
          subscriptionIds: recipient.subscriptionIds,
        });
        sent += 1;
      }

      if (errors.length > 0 || attempted < recipients.length) {
        const cause = errors.length > 1 ? new AggregateError(errors, 'SES refused or failed') : errors[0];
        throw new AlertIncompleteError(
          alert.id,
          { sent, failed: errors.length, notAttempted: recipients.length - attempted },
          cause === undefined ? undefined : { cause },
        );
      }
      return { sent, pending: recipients.length };
    });

  return { notify };
};
