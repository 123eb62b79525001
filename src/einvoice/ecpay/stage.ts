// ECPay's public stage environment (ECPay's developer pages publish them): its merchant, key and
// IV are published for everyone to test with and its host issues no real invoice, so a production
// shop refuses them (src/config.ts).
const STAGE_VALUES = new Set(['2000132', 'ejCk326UnaZWKisg', 'q9jcZX8Ib9LM8wYk']);
const STAGE_HOST = 'einvoice-stage.ecpay.com.tw';

export function isEcpayStageValue(value: string): boolean {
  return STAGE_VALUES.has(value);
}

export function isEcpayStageHost(apiUrl: string): boolean {
  return new URL(apiUrl).hostname === STAGE_HOST;
}
