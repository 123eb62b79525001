// The mail outbox's parts wired as main.ts wires them, over a test database, sending real SMTP over
// loopback to the sandbox's mail catcher.
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/db/prisma';
import { defaultCatalogs, mergeCatalogs } from '../../src/i18n/translate';
import { createLogger } from '../../src/logger';
import type { MailDeliveryDependencies } from '../../src/mail/deliver';
import { createSmtpSender, type MailSender } from '../../src/mail/sender';
import { createMailRenderer } from '../../src/mail/templates';
import { createOrderLinks } from '../../src/orders/order-link';
import { startMailCatcher, type MailCatcher, silentLogger } from 'sinopac-sandbox';

export const MAIL_FROM = '"豐收商店 Fengshou Shop" <no-reply@shop.example>';
export const LINK_SECRET = 'mail-harness-secret';

export const renderMail = createMailRenderer({
  viewsDir: fileURLToPath(new URL('../../views', import.meta.url)),
  catalog: mergeCatalogs(...defaultCatalogs),
});

// Senders keep pooled connections open; a catcher's close() waits for them (up to 30 s), so every
// sender made here is closed by closeSenders() before the catcher.
const openSenders = new Set<MailSender>();

export function smtpSender(url: string): MailSender {
  const sender = createSmtpSender(url);
  openSenders.add(sender);
  return sender;
}

export function closeSenders(): void {
  for (const sender of openSenders) sender.close();
  openSenders.clear();
}

export async function startCatcher(): Promise<MailCatcher> {
  return startMailCatcher({ port: 0, logger: silentLogger });
}

/** Deliveries to `catcher` (or through `sender`), at the time `clock` gives. */
export function deliveryDeps(
  db: Database,
  input: { catcher?: MailCatcher; sender?: MailSender; clock?: () => Date; publicBaseUrl?: string; linkSecret?: string },
): MailDeliveryDependencies {
  const clock = input.clock ?? (() => new Date());
  return {
    db,
    sender: input.sender ?? smtpSender(input.catcher!.url),
    render: renderMail,
    clock,
    logger: createLogger('silent'),
    from: MAIL_FROM,
    orderLinks: createOrderLinks(input.linkSecret ?? LINK_SECRET, clock),
    publicBaseUrl: input.publicBaseUrl ?? 'https://shop.example',
  };
}
