// The package's public surface (the contract in the shop's notes/einvoice-contract.md).
export { startEinvoiceSandbox, type RunningEinvoiceSandbox } from './server';
export { createEinvoiceSandbox, type EinvoiceSandbox } from './app';
export { STAGE_MERCHANT, DEFAULT_INVOICE_TRACK, type StartEinvoiceSandboxOptions, type EinvoiceSandboxLogger } from './options';
export type { EinvoiceMerchant } from './crypto';
export type { InvoiceTrack } from './invoices';
export { EinvoiceSandboxControl, type InvoiceView, type AllowanceView } from './control';
export type { Faults } from './faults';
export { RTN } from './codes';
export { ENVELOPE_REFUSED } from './envelope';
export { KNOWN_LOVE_CODES, UNREGISTERED_BARCODES } from './services';
