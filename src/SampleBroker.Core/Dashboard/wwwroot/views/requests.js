// Every organisation's requests, newest first, with live progress: the list is read again every
// 1.5 seconds (the contract asks for at least every 2), rows are updated in place so focus and
// reading position stay put.

import { get, query } from '../api.js';
import { badge, every, fill, h, progressOf, updateProgress, when } from '../dom.js';
import { metricsTiles } from './metrics.js';

const REFRESH_MS = 1500;
const PAGE = 20;
const STATUSES = ['Brokering', 'Completed', 'Cancelled', 'Failed'];

// Filters survive a visit to a request's detail and back.
const filters = { status: '', organisationId: '', overdue: false };

export function mount(root, context) {
  let shownCount = PAGE;
  let continuationToken = null;
  const rows = new Map();

  const status = h(
    'select',
    { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s, selected: filters.status === s }, s)),
  );
  const organisation = h('input', {
    id: 'filter-organisation',
    name: 'organisationId',
    type: 'text',
    value: filters.organisationId,
    placeholder: 'e.g. acme-dx',
    pattern: '[a-z0-9][a-z0-9\\-]{1,62}',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const overdue = h('input', { id: 'filter-overdue', name: 'overdue', type: 'checkbox', checked: filters.overdue });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter requests' },
    h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), status),
    h('div', { class: 'field' }, h('label', { for: 'filter-organisation' }, 'Organisation'), organisation),
    h('div', { class: 'field field-check' }, overdue, h('label', { for: 'filter-overdue' }, 'Only overdue (brokering 60 s past the deadline)')),
    h('button', { type: 'submit', class: 'button-quiet' }, 'Apply'),
  );

  const body = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No request matches these filters.');
  const more = h('button', { type: 'button', class: 'button-quiet', hidden: true }, 'Show more');
  const table = h(
    'table',
    { class: 'data', id: 'requests-table' },
    h('caption', {}, 'Requests, newest first. Progress updates live.'),
    h(
      'thead',
      {},
      h('tr', {}, ['Request', 'Organisation', 'Status', 'Progress', 'Created', 'Deadline'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    body,
  );
  const tiles = h('div', { class: 'tiles-slot' });

  fill(
    root,
    h('h1', {}, 'Requests'),
    tiles,
    form,
    h('div', { class: 'table-wrap' }, table),
    empty,
    more,
  );

  const apply = () => {
    filters.status = status.value;
    filters.organisationId = organisation.value.trim();
    filters.overdue = overdue.checked;
    shownCount = PAGE;
    for (const row of rows.values()) {
      row.remove();
    }

    rows.clear();
    poller.now();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!organisation.checkValidity()) {
      context.fail(new Error('The organisation id has lower-case letters, digits and dashes, for example acme-dx.'));
      organisation.focus();
      return;
    }

    apply();
  });
  status.addEventListener('change', apply);
  overdue.addEventListener('change', apply);

  more.addEventListener('click', async () => {
    if (!continuationToken) {
      return;
    }

    try {
      const page = await get(`/v1/admin/sample-requests${query({ ...current(), top: PAGE, continuationToken })}`);
      shownCount += page.items.length;
      continuationToken = page.continuationToken;
      render(page.items, true);
      more.hidden = !continuationToken;
    } catch (error) {
      context.fail(error);
    }
  });

  const current = () => ({ status: filters.status, organisationId: filters.organisationId, overdue: filters.overdue ? 'true' : '' });

  function row(item) {
    const existing = rows.get(item.requestId);
    if (existing) {
      const cells = existing.cells;
      fill(cells[2], badge(item.status));
      updateProgress(cells[3].firstChild, item.progress);
      existing.dataset.status = item.status;
      return existing;
    }

    const label = item.reference ? `${item.reference}` : item.requestId.slice(0, 12) + '…';
    const created = h(
      'tr',
      { dataset: { requestId: item.requestId, status: item.status } },
      h('th', { scope: 'row' }, h('a', { href: `#/requests/${item.requestId}`, 'aria-label': `Request ${item.reference ?? item.requestId}` }, label), h('span', { class: 'id' }, item.requestId)),
      h('td', {}, item.organisationId),
      h('td', {}, badge(item.status)),
      h('td', {}, progressOf(item.progress, `Biobanks answered for ${item.reference ?? item.requestId}`)),
      h('td', {}, when(item.createdAt)),
      h('td', {}, when(item.deadline)),
    );
    rows.set(item.requestId, created);
    return created;
  }

  function render(items, appending) {
    if (!appending) {
      const keep = new Set(items.map((i) => i.requestId));
      for (const [id, element] of rows) {
        if (!keep.has(id)) {
          element.remove();
          rows.delete(id);
        }
      }
    }

    let position = appending ? body.children.length : 0;
    for (const item of items) {
      const element = row(item);
      // Move a row only when it is out of place: moving the row that holds the focus would lose it.
      if (body.children[position] !== element) {
        body.insertBefore(element, body.children[position] ?? null);
      }

      position++;
    }

    empty.hidden = rows.size > 0;
    table.hidden = rows.size === 0;
  }

  const poller = every(REFRESH_MS, async () => {
    try {
      const page = await get(`/v1/admin/sample-requests${query({ ...current(), top: Math.min(100, Math.max(PAGE, shownCount)) })}`);
      context.ok();
      continuationToken = page.continuationToken;
      render(page.items, false);
      more.hidden = !continuationToken;
    } catch (error) {
      context.fail(error);
    }
  });
  const stopTiles = metricsTiles(tiles, context, 'requests');

  return () => {
    poller.stop();
    stopTiles();
  };
}
