import type { SandboxShop } from './options';

/**
 * The shop the sandbox serves when no SinoPac credentials are configured, so `npm start` works with
 * nothing set up. Its keys are public and only ever valid against this sandbox.
 */
export const DEMO_SHOP = {
  shopNo: 'NA0001_001',
  hashKeys: {
    A1: '3F5A9C2E7B104D68',
    A2: 'C1D8E6047A93B25F',
    B1: '8B2E4F6A1C3D5E70',
    B2: '0A7C9E1B3D5F2468',
  },
  showKeys: true,
} as const satisfies SandboxShop;
