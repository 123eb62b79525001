// A card attempt's redirect to the bank's card page, sent as soon as OrderCreate gives the page:
// headers without a body, which a browser follows at once, while the response ends once the bank's
// answer is stored. The request is in flight until then, so a shutdown waits for it and a client
// that reads to the end finds the answer stored. The attempt's row, OrderNo and all, is committed
// before the bank is asked: an answer never stored leaves it creating, and the bank's notification
// or the bank check settles it from what the bank holds.
import type { Request, Response } from 'express';

export interface CardPageRedirect {
  /** The attempt's toCardPage (payments/start-attempt.ts). */
  send: (cardPayUrl: string) => void;
  /**
   * The attempt's result, or undefined once its redirect has gone: the response is then ended here,
   * and a failure to store the bank's answer logged.
   */
  settle<T>(attempt: Promise<T>): Promise<T | undefined>;
}

export function cardPageRedirect(req: Request, res: Response): CardPageRedirect {
  return {
    send(cardPayUrl) {
      res.status(303).location(cardPayUrl);
      res.flushHeaders();
    },
    async settle(attempt) {
      try {
        const result = await attempt;
        if (!res.headersSent) return result;
      } catch (error) {
        if (!res.headersSent) throw error;
        req.log.error({ err: error }, 'the bank answer of an attempt sent to its card page could not be stored');
      }
      res.end();
      return undefined;
    },
  };
}
