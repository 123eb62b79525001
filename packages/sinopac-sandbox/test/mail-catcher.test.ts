// The sandbox's mail catcher: real SMTP on loopback, and what it keeps.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from '../src';
import { silentLogger } from '../src/logger';

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher({ port: 0, logger: silentLogger, keep: 3 });
});
afterAll(() => catcher.close());

describe('the mail catcher', () => {
  it('accepts a message over SMTP, with or without a sign-in, and keeps its parts', async () => {
    const [host, port] = catcher.url.replace('smtp://', '').split(':');
    const signedIn = nodemailer.createTransport({ host, port: Number(port), secure: false, auth: { user: 'dev', pass: 'anything' } });
    await signedIn.sendMail({
      from: 'shop@shop.example',
      to: '買家 <buyer@example.tw>',
      subject: '測試信 test',
      text: '純文字內容',
      html: '<p>HTML 內容</p>',
      messageId: '<fixed-1@shop.example>',
    });
    signedIn.close();

    const mail = catcher.mails().at(-1)!;
    expect(mail).toMatchObject({ envelopeTo: ['buyer@example.tw'], subject: '測試信 test', messageId: '<fixed-1@shop.example>' });
    expect(mail.text.trim()).toBe('純文字內容');
    expect(mail.html).toContain('HTML 內容');
  });

  it('keeps only the newest messages it was told to', async () => {
    const transport = nodemailer.createTransport(catcher.url);
    for (let i = 0; i < 4; i++) await transport.sendMail({ from: 'shop@shop.example', to: 'a@example.tw', subject: `n${i}`, text: 'x' });
    transport.close();
    expect(catcher.mails().map((mail) => mail.subject)).toEqual(['n1', 'n2', 'n3']);
  });
});
