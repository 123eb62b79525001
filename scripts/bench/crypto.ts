// The message crypto of one OrderCreate exchange, as SinopacClient does it, against the bare
// primitives it is built on (AES-256-CBC and SHA-256) over the same number of bytes.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { decryptMessage, encryptMessage, hashId, ivFromNonce, sign } from '../../src/sinopac/crypto';
import type { Figure } from './report';
import { sized } from './sizes';

// What startPaymentAttempt sends for a two-line card order (see src/payments/start-attempt.ts).
const ORDER_CREATE = {
  ShopNo: DEMO_SHOP.shopNo,
  OrderNo: 'FS20261126A1B2C3D4',
  Amount: 128_000,
  CurrencyID: 'TWD',
  PrdtName: '阿里山高山烏龍茶 x1、鳳梨酥禮盒 x2 (FS20261126QWERTY23)',
  ReturnURL: 'https://shop.example.tw/payments/sinopac/return',
  BackendURL: 'https://shop.example.tw/payments/sinopac/notify',
  PayType: 'C',
  CardParam: { AutoBilling: 'Y', ExpMinutes: 10 },
};
const NONCE = 'NjM4NjQ4MjEzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MA';
const ROUNDS = 3;
const ROUND_MS = sized(500, 100);

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Runs `operation` for about `durationMs` of CPU time and returns how many it did per CPU second. */
function rate(operation: () => void, durationMs: number): number {
  let done = 0;
  const started = cpuMs();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 100; i++) operation();
    done += 100;
    elapsed = cpuMs() - started;
  }
  return (done * 1000) / elapsed;
}

export function measureCrypto(): Figure[] {
  const id = hashId(DEMO_SHOP.hashKeys);
  const messageExchange = () => {
    const signature = sign(ORDER_CREATE, NONCE, id);
    const sealed = encryptMessage(JSON.stringify(ORDER_CREATE), id, ivFromNonce(NONCE));
    const opened = JSON.parse(decryptMessage(sealed, id, ivFromNonce(NONCE))) as Record<string, unknown>;
    if (sign(opened, NONCE, id) !== signature) throw new Error('the bench message failed to verify');
  };

  const bytes = Buffer.from(JSON.stringify(ORDER_CREATE), 'utf8');
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const primitives = () => {
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const sealed = Buffer.concat([cipher.update(bytes), cipher.final()]);
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    Buffer.concat([decipher.update(sealed), decipher.final()]);
    createHash('sha256').update(bytes).digest();
    createHash('sha256').update(bytes).digest();
  };

  // CPU time rather than wall time, and interleaved rounds, so other processes on the machine
  // change the figures as little as possible.
  rate(messageExchange, 200);
  rate(primitives, 200);
  let shop = 0;
  let raw = 0;
  for (let round = 0; round < ROUNDS; round++) {
    shop += rate(messageExchange, ROUND_MS) / ROUNDS;
    raw += rate(primitives, ROUND_MS) / ROUNDS;
  }
  return [{
    section: 'crypto',
    measure: `OrderCreate (${bytes.length} B) sign+encrypt+decrypt+verify`,
    value: shop,
    unit: 'ops/CPU s',
    baseline: { label: 'AES-256-CBC enc+dec, 2×SHA-256', value: raw },
    target: { maxRatio: 1.5, text: '≤ 1.50×' },
  }];
}
