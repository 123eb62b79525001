// The daily settlement in the back office: the recent days, one day's lines and differences, "fetch
// again", and both as CSV for the accountant.
import { recordMerchantAction } from '../admin/trail';
import { Router } from 'express';
import { z } from 'zod';
import { fetchNotice, setNotice } from '../admin/notices';
import { saveSession } from '../web/session';
import { isBillDay } from '../settlement/bank-dates';
import { fetchDayAgain } from '../settlement/fetch-again';
import type { SettlementDependencies } from '../settlement/settlement-day';
import { dayCsv, daysCsv } from '../settlement/settlement-csv';
import { dayDetail, dayPage, recentDays } from '../settlement/settlement-report';
import { readInput } from './form-input';

const dayParams = z.object({ day: z.string().refine(isBillDay, 'must be a yyyyMMdd day') });
// Where the day page's two lists start: the previous page's last line position and difference id.
const dayPageQuery = z.object({ lines: z.coerce.number().int().min(0).optional(), differences: z.coerce.number().int().min(1).optional() });

export function adminSettlementRoutes(deps: SettlementDependencies): Router {
  const router = Router();

  router.get('/settlement', async (_req, res) => {
    res.render('admin/settlement.njk', { days: await recentDays(deps.db, deps.clock()) });
  });

  router.get('/settlement.csv', async (req, res) => {
    const days = await recentDays(deps.db, deps.clock());
    res.type('text/csv; charset=utf-8').attachment('settlement.csv').send(daysCsv(days, { t: res.locals.t, locale: req.locale }));
  });

  router.get('/settlement/:day.csv', async (req, res) => {
    const { day } = readInput(dayParams, req.params);
    const detail = await dayDetail(deps.db, day);
    res.type('text/csv; charset=utf-8').attachment(`settlement-${day}.csv`).send(dayCsv(detail, { t: res.locals.t, locale: req.locale }));
  });

  router.get('/settlement/:day', async (req, res) => {
    const { day } = readInput(dayParams, req.params);
    const after = readInput(dayPageQuery, req.query);
    const detail = await dayPage(deps.db, day, after);
    // Each list's links keep where the other list is.
    const at = (start: { lines?: number | undefined; differences?: number | undefined }) => {
      const query = new URLSearchParams();
      if (start.differences !== undefined) query.set('differences', String(start.differences));
      if (start.lines !== undefined) query.set('lines', String(start.lines));
      return `/admin/settlement/${day}${query.size > 0 ? `?${query}` : ''}`;
    };
    res.render('admin/settlement-day.njk', {
      detail,
      pages: {
        differences: {
          first: after.differences === undefined ? undefined : at({ lines: after.lines }),
          next: detail.nextDifferences === undefined ? undefined : at({ lines: after.lines, differences: detail.nextDifferences }),
        },
        lines: {
          first: after.lines === undefined ? undefined : at({ differences: after.differences }),
          next: detail.nextLines === undefined ? undefined : at({ differences: after.differences, lines: detail.nextLines }),
        },
      },
    });
  });

  router.post('/settlement/:day/fetch', async (req, res) => {
    const { day } = readInput(dayParams, req.params);
    const result = await fetchDayAgain({ ...deps, logger: req.log }, day);
    req.log.info({ day, result: result.kind }, 'settlement day fetched again');
    await recordMerchantAction(deps.db, { actor: res.locals.admin.username, action: 'settlement_fetch', subject: day, details: { result: result.kind }, ...(req.ip && { address: req.ip }) });
    setNotice(req.session, fetchNotice(result));
    await saveSession(req);
    res.redirect(303, `/admin/settlement/${day}`);
  });

  return router;
}
