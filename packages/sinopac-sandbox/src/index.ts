// The sandbox's public surface, for embedding it (the shop's zero-configuration start, tests); `npx sinopac-sandbox` is cli.ts.
export { createSandbox, type Sandbox, type SandboxState } from './app';
export { startSandbox, API_BASE_PATH, type RunningSandbox, type StartSandboxOptions } from './server';
export { DEMO_SHOP } from './demo-shop';
export { DEFAULTS, type SandboxOptions, type SandboxShop } from './options';
export { TEST_CARDS, type TestCard } from './test-cards';
export type { Faults } from './faults';
export { silentLogger, type SandboxLogger } from './logger';
export type { Delivery, Notification } from './notifier';
export type { OrderView, CardOutcome } from './control';
export { startMailCatcher, type CaughtMail, type Mailbox, type MailCatcher, type MailCatcherOptions } from './mail-catcher';
export { SPECIFICATION, SPECIFICATION_HEADER } from './specification';
