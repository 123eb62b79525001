// A stand-in for a mail server on loopback, for the shop's zero-configuration start and its tests:
// it speaks real SMTP (smtp-server), accepts every message, and keeps the newest ones in memory for
// the sandbox console's "Mail" page (console-mail.ts). Nothing it catches leaves the machine.
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { consoleLogger, type SandboxLogger } from './logger';

export interface CaughtMail {
  /** Order of arrival, from 1. */
  id: number;
  receivedAt: Date;
  /** The SMTP envelope's recipients: where the message was actually delivered. */
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  messageId: string | undefined;
  text: string;
  html: string | undefined;
  /** The message exactly as it arrived. */
  raw: string;
}

/** What the console reads. */
export interface Mailbox {
  mails(): readonly CaughtMail[];
}

export interface MailCatcher extends Mailbox {
  /** smtp://127.0.0.1:<port>, for SMTP_URL or nodemailer. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface MailCatcherOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Older messages are forgotten past this many (default 500). */
  keep?: number;
  logger?: SandboxLogger;
}

const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((address) => address.text).join(', ');
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const logger = options.logger ?? consoleLogger;
  const keep = options.keep ?? 500;
  const caught: CaughtMail[] = [];
  let nextId = 1;

  const server = new SMTPServer({
    // Loopback only and never relayed: no TLS, and any sign-in (or none) is accepted.
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'sandbox' }),
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const mail: CaughtMail = {
              id: nextId++,
              receivedAt: new Date(),
              envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              from: addresses(parsed.from),
              to: addresses(parsed.to),
              subject: parsed.subject ?? '',
              messageId: parsed.messageId,
              text: parsed.text ?? '',
              html: parsed.html === false ? undefined : parsed.html,
              raw,
            };
            caught.push(mail);
            if (caught.length > keep) caught.splice(0, caught.length - keep);
            logger.info(`mail caught: #${mail.id} to ${mail.envelopeTo.join(', ')}: ${mail.subject}`);
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error(`mail catcher: ${error.message}`));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://${host}:${port}`,
    port,
    mails: () => caught,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
