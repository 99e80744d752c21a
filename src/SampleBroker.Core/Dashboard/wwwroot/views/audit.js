// The audit log, newest first: who did what to which target. Filters by time, action and actor;
// more pages on demand.

import { get, query } from '../api.js';
import { fill, h, when } from '../dom.js';

const PAGE = 50;
const ACTIONS = [
  'organisation.saved', 'apiKey.issued', 'apiKey.revoked', 'staffKey.issued', 'staffKey.revoked',
  'biobank.saved', 'biobank.deleted', 'biobank.secretRotated', 'biobank.unreadable', 'request.cancelled', 'request.terminated',
  'request.restarted', 'request.purged', 'request.repaired', 'history.purged', 'answer.signatureRejected', 'answer.late',
];

/** A datetime-local value (the reader's local time) as an ISO 8601 UTC time. */
function toIso(local) {
  return local ? new Date(local).toISOString() : '';
}

export function mount(root, context) {
  let continuationToken = null;
  const action = h('select', { id: 'audit-action' }, h('option', { value: '' }, 'Any action'), ACTIONS.map((a) => h('option', { value: a }, a)));
  const actor = h('input', { id: 'audit-actor', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'bootstrap, a key id, system' });
  const from = h('input', { id: 'audit-from', type: 'datetime-local', step: 1 });
  const to = h('input', { id: 'audit-to', type: 'datetime-local', step: 1 });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log' },
    h('div', { class: 'field' }, h('label', { for: 'audit-action' }, 'Action'), action),
    h('div', { class: 'field' }, h('label', { for: 'audit-actor' }, 'Actor'), actor),
    h('div', { class: 'field' }, h('label', { for: 'audit-from' }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: 'audit-to' }, 'To'), to),
    h('button', { type: 'submit', class: 'button-quiet' }, 'Apply'),
  );
  const body = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'Nothing recorded for these filters.');
  const more = h('button', { type: 'button', class: 'button-quiet', hidden: true }, 'Show more');
  const table = h(
    'table',
    { class: 'data', id: 'audit-table' },
    h('caption', {}, 'Audit log, newest first. Actors are key ids, never keys.'),
    h('thead', {}, h('tr', {}, ['When', 'Actor', 'Action', 'Target', 'Detail'].map((c) => h('th', { scope: 'col' }, c)))),
    body,
  );
  fill(root, h('h1', {}, 'Audit log'), form, h('div', { class: 'table-wrap' }, table), empty, more);

  const filters = () => ({ action: action.value, actor: actor.value.trim(), from: toIso(from.value), to: toIso(to.value) });

  async function load(appending) {
    try {
      const page = await get(`/v1/admin/audit${query({ ...filters(), top: PAGE, continuationToken: appending ? continuationToken : '' })}`);
      context.ok();
      const rows = (page.items ?? []).map((e) =>
        h(
          'tr',
          { dataset: { action: e.action } },
          h('td', {}, when(e.at)),
          h('td', {}, h('code', {}, e.actor)),
          h('td', {}, e.action),
          h('td', {}, e.target ?? ''),
          h('td', {}, e.detail ?? ''),
        ),
      );
      if (appending) {
        body.append(...rows);
      } else {
        fill(body, rows);
      }

      continuationToken = page.continuationToken ?? null;
      more.hidden = !continuationToken;
      empty.hidden = body.children.length > 0;
      table.hidden = body.children.length === 0;
    } catch (error) {
      context.fail(error);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load(false);
  });
  more.addEventListener('click', () => load(true));
  load(false);
  return () => {};
}
