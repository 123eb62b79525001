// The edition of the bank's specification the sandbox follows (docs/sinopac-protocol.md): said at
// start-up and in a header of every API answer, so a client's author knows what they test against.
export const SPECIFICATION = {
  title: '豐收款—線上收款 API 開發規格書',
  version: 'V1.15',
} as const;

/** Every answer of the Nonce and Order endpoints carries it, e.g. `X-Sandbox-Spec: V1.15`. */
export const SPECIFICATION_HEADER = 'X-Sandbox-Spec';
