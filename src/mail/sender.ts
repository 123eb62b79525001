// Sending one message over SMTP with nodemailer, to SMTP_URL (a real server) or to the sandbox's
// mail catcher. The timeouts bound one exchange well inside an outbox lease (deliver.ts), so a
// live sender never outlasts its claim on a row. Connections are pooled: setting up a connection
// (and its TLS) costs more CPU than the mail sent over it.
import nodemailer from 'nodemailer';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Fixed per outbox row, so a resend is recognisably the same message. */
  messageId: string;
}

export interface MailSender {
  /** Resolves once the server accepted the message; rejects otherwise (see isPermanentRefusal). */
  send(message: MailMessage): Promise<void>;
  /** Closes the idle pooled connections at once and the busy ones after their message. */
  close(): void;
}

const SMTP_TIMEOUT_MS = 30_000;
/** An idle shop holds no SMTP connection for longer than this. */
const SMTP_IDLE_MS = 10_000;

export function createSmtpSender(smtpUrl: string): MailSender {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 2,
    idleTimeout: SMTP_IDLE_MS,
    // A connection that breaks mid-send gets one fresh one; past that the send fails and the outbox
    // retries the row later, so one send() stays well inside the lease.
    maxRequeues: 1,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  return {
    async send(message) {
      await transport.sendMail(message);
    },
    close: () => transport.close(),
  };
}

/** The server said no for good (a 5xx reply, e.g. no such mailbox): another try would be refused too. */
export function isPermanentRefusal(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * What is kept of a failure in the outbox row and the log: the error's code and the server's reply.
 * Never the transport's settings, which hold SMTP_URL's password.
 */
export function describeSendFailure(error: unknown): string {
  const { code, responseCode, response, message } = (error ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const parts = [typeof code === 'string' ? code : undefined, typeof responseCode === 'number' ? String(responseCode) : undefined];
  const reply = typeof response === 'string' ? response : typeof message === 'string' ? message : 'unknown error';
  return [...parts.filter(Boolean), reply.replace(/\s+/g, ' ').slice(0, 300)].join(' ');
}
