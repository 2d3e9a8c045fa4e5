// SES v2 adapter: one SendEmail per recipient (no shared To line, so no recipient sees another's
// address), Simple content with a subject, a text body and an HTML body.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** SES message tags: the configuration set's CloudWatch destination counts by `alertType`. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The port the alert service sends through (SES in production, fakes in unit tests). */
export interface EmailSender {
  /** Resolves once SES accepted the email, with SES's message id; rejects if it did not. */
  send(email: OutgoingEmail): Promise<{ readonly messageId: string | null }>;
}

export interface SesClientConfig {
  readonly region: string;
  /** Locally: aws-ses-v2-local. */
  readonly endpoint?: string | undefined;
}

/**
 * Bounded so an unreachable or stuck SES costs seconds, not the whole invocation: 2 s to connect,
 * 5 s per request, 2 attempts (the SDK retries throttling and network errors with backoff; what
 * still fails is retried by SQS, for the recipients that did not get their email).
 */
export const createSesClient = (config: SesClientConfig): SESv2Client =>
  new SESv2Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 }),
  });

export interface SesSenderOptions {
  /** MAIL_FROM_ADDRESS: an address of the verified identity. */
  readonly from: string;
  /** The configuration set (TLS, suppression, event metrics); none locally. */
  readonly configurationSet?: string | undefined;
}

const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });

export const createSesEmailSender = (client: SESv2Client, options: SesSenderOptions): EmailSender => ({
  async send(email) {
    const output = await client.send(
      new SendEmailCommand({
        FromEmailAddress: options.from,
        Destination: { ToAddresses: [email.to] },
        Content: {
          Simple: {
            Subject: utf8(email.subject),
            Body: { Text: utf8(email.text), Html: utf8(email.html) },
          },
        },
        ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
        ...(email.tags
          ? { EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })) }
          : {}),
      }),
    );
    return { messageId: output.MessageId ?? null };
  },
});
