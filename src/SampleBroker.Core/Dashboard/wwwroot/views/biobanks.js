// Per-biobank health: circuit state, answer rate, latency percentiles and last answer, from the
// registry's health data, read every 5 seconds. An open circuit or a low answer rate stands out in
// words as well as in colour.

import { get } from '../api.js';
import { ago, badge, every, fill, h, ms, percent } from '../dom.js';
import { metricsTiles } from './metrics.js';

const REFRESH_MS = 5000;

export function mount(root, context) {
  const tiles = h('div', { class: 'tiles-slot' });
  const body = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No biobank is registered.');
  const table = h(
    'table',
    { class: 'data', id: 'biobanks-table' },
    h('caption', {}, 'Biobank health since registration. Answer rate: answered of queried.'),
    h(
      'thead',
      {},
      h('tr', {}, ['Biobank', 'Circuit', 'Queries', 'Answer rate', 'Timed out', 'Failed', 'p50', 'p95', 'Last answer'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    body,
  );
  fill(
    root,
    h('h1', {}, 'Biobanks'),
    tiles,
    h('div', { class: 'table-wrap' }, table),
    empty,
    h(
      'details',
      { class: 'help' },
      h('summary', {}, 'What to do when a circuit is open'),
      h(
        'p',
        {},
        'An open circuit means the broker stopped calling this biobank for a short while after repeated failures; its queries fail at once with "circuit open". ',
        'Half-open: the next query is a probe. Check the biobank’s adapter and endpoint (its detail in the registry), contact its operators, ',
        'and disable it (PUT with enabled false) if it stays down, so that new requests do not wait for it.',
      ),
    ),
  );

  const poller = every(REFRESH_MS, async () => {
    try {
      const list = await get('/v1/admin/biobanks');
      context.ok();
      const now = Date.now();
      fill(
        body,
        (list.items ?? []).map((b) => {
          const health = b.health ?? {};
          return h(
            'tr',
            { dataset: { biobankId: b.biobankId, circuit: health.circuit ?? 'Closed' } },
            h('th', { scope: 'row' }, b.name, h('span', { class: 'id' }, b.biobankId), b.enabled === false ? h('span', { class: 'muted' }, ' (disabled)') : null),
            h('td', {}, badge(health.circuit ?? 'Closed', `circuit-${(health.circuit ?? 'Closed').toLowerCase()}`)),
            h('td', { class: 'number' }, health.queries ?? 0),
            h('td', { class: 'number' }, percent(health.answered ?? 0, health.queries ?? 0)),
            h('td', { class: 'number' }, health.timedOut ?? 0),
            h('td', { class: 'number' }, health.failed ?? 0),
            h('td', { class: 'number' }, ms(health.p50LatencyMs)),
            h('td', { class: 'number' }, ms(health.p95LatencyMs)),
            h('td', {}, health.lastAnsweredAt ? h('time', { datetime: health.lastAnsweredAt, title: health.lastAnsweredAt }, ago(health.lastAnsweredAt, now)) : 'never'),
          );
        }),
      );
      empty.hidden = body.children.length > 0;
      table.hidden = body.children.length === 0;
    } catch (error) {
      context.fail(error);
    }
  });
  const stopTiles = metricsTiles(tiles, context, 'biobanks');
  return () => {
    poller.stop();
    stopTiles();
  };
}
