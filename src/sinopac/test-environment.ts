// What marks a shop as talking to a bank that is not the real one: the bank's public test hosts
// (docs/sinopac-protocol.md §1), where its published test card pays any order, and the embedded sandbox's demo
// shop, whose number and keys are in this repository for anyone to read. The production start-up
// check (config.ts) refuses both unless a staging shop says it is one.
//
// Should a real shop still meet the test card (a test host under a name not listed here), the
// bank-answers check refuses payments made with it unless the shop runs in test mode.
//
// The demo values are kept as SHA-256 digests: the start-up check must not import the sandbox, and
// the repository then carries those keys in one place only (the sinopac-sandbox package's DEMO_SHOP).
import { createHash } from 'node:crypto';

/** The bank's sandboxes, old and current; production is api.sinopac.com (and the older funbiz.sinopac.com). */
const TEST_HOSTS = new Set(['apisbx.sinopac.com', 'sandbox.sinopac.com']);

const DEMO_VALUE_DIGESTS = new Set([
  'ba3dd1e1af5fba022c4d9299c2d6338f80ba058487939d804f8d80cd81dad49e', // ShopNo
  '087780e73f6bb183cb0bfa17b40e2f168256b096d6f0bb11f825ed9a7ed7b661', // A1
  'be5949dad2490c7ee376447b9feb1085670e76dcffbec0870a66fd37edd8a319', // A2
  '1b6a64c678a2c89176b1628ab0d42e63698da395bfab19df181bc264e5acd0a9', // B1
  'b293577e59b54ddc70835470e80169564ddb841f2371d97d0e0565ce03d80b8b', // B2
]);

// The test card the bank publishes for its sandbox, 4999-3700-0002-3145, as its answers show a card:
// the first six digits and the last four.
const PUBLISHED_TEST_CARD = { left: '499937', right: '3145' };

/** True when the bank reports the card used as its published test card. */
export function isPublishedTestCard(leftCCNo: string | undefined, rightCCNo: string | undefined): boolean {
  return leftCCNo === PUBLISHED_TEST_CARD.left && rightCCNo === PUBLISHED_TEST_CARD.right;
}

/** True for a URL on one of the bank's public test hosts. */
export function isBankTestHost(url: string): boolean {
  try {
    return TEST_HOSTS.has(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** True for the embedded sandbox's public demo ShopNo or one of its hash keys (case as the bank's hex is read: either). */
export function isPublicDemoValue(value: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest('hex');
  return DEMO_VALUE_DIGESTS.has(digest(value)) || DEMO_VALUE_DIGESTS.has(digest(value.toUpperCase()));
}
