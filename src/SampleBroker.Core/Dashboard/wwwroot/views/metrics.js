// The alliance-wide numbers of GET /v1/admin/metrics as a row of tiles, read every 5 seconds.

import { ApiError, get } from '../api.js';
import { every, fill, h, percent } from '../dom.js';

const REFRESH_MS = 5000;

function tile(label, value, note) {
  return h('div', { class: 'tile', role: 'group', 'aria-label': label }, h('p', { class: 'tile-value' }, value), h('p', { class: 'tile-label' }, label), note && h('p', { class: 'tile-note' }, note));
}

/** Fills `slot` with the request counts (`kind` 'requests') or the answer figures ('biobanks'); returns a stop function. */
export function metricsTiles(slot, context, kind) {
  const poller = every(REFRESH_MS, async () => {
    try {
      const metrics = await get('/v1/admin/metrics');
      const r = metrics.requests ?? {};
      const tiles =
        kind === 'requests'
          ? [
              tile('Brokering', r.brokering ?? 0),
              tile('Completed', r.completed ?? 0),
              tile('Cancelled', r.cancelled ?? 0),
              tile('Failed', r.failed ?? 0, r.failed ? 'Restart them from their detail' : null),
              tile('Overdue', r.overdue ?? 0, r.overdue ? 'Should be none: see the README' : null),
            ]
          : [
              tile('Answer rate', metrics.answerRate === null || metrics.answerRate === undefined ? '—' : percent(metrics.answerRate, 1), 'answered of queried, all biobanks'),
              tile('Median answer time', metrics.p50AnswerSeconds === null || metrics.p50AnswerSeconds === undefined ? '—' : `${metrics.p50AnswerSeconds.toFixed(2)} s`, 'query sent to valid answer, last 1,000'),
              tile('Biobanks', (metrics.biobanks ?? []).length),
            ];
      fill(slot, h('div', { class: 'tiles' }, tiles));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // A broker without the metrics route: the tiles are left out, the rest of the view works.
        fill(slot);
        return;
      }

      context.fail(error);
    }
  });
  return () => poller.stop();
}
