// Staff keys, one per person: issue one (shown once, here only), see who has one and when it was
// last used, revoke one behind a confirmation. The bootstrap key comes from configuration and is
// removed there, not here.

import { del, get, post } from '../api.js';
import { confirmAction } from '../dialog.js';
import { fill, h, when } from '../dom.js';

export function mount(root, context) {
  const name = h('input', { id: 'staff-key-name', type: 'text', required: true, maxlength: 200, autocomplete: 'off' });
  const issued = h('div', { class: 'issued', id: 'issued-key', role: 'region', 'aria-label': 'New staff key', hidden: true });
  const form = h(
    'form',
    { class: 'filters' },
    h('div', { class: 'field' }, h('label', { for: 'staff-key-name' }, 'Person’s name'), name),
    h('button', { type: 'submit', class: 'button-primary' }, 'Issue key'),
  );
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'data', id: 'staff-keys-table' },
    h('caption', {}, 'Staff keys. The keys themselves are never shown again after they are issued.'),
    h('thead', {}, h('tr', {}, ['Name', 'Key id', 'Created', 'Last used', h('span', { class: 'visually-hidden' }, 'Actions')].map((c) => h('th', { scope: 'col' }, c)))),
    body,
  );
  fill(
    root,
    h('h1', {}, 'Staff keys'),
    h('section', { 'aria-labelledby': 'issue-heading' }, h('h2', { id: 'issue-heading' }, 'Issue a key for a person'), form, issued),
    h('section', { 'aria-labelledby': 'keys-heading' }, h('h2', { id: 'keys-heading' }, 'Keys in use'), h('div', { class: 'table-wrap' }, table)),
  );

  async function load() {
    try {
      const list = await get('/v1/admin/staff-keys');
      context.ok();
      fill(
        body,
        (list.items ?? []).map((k) =>
          h(
            'tr',
            { dataset: { keyId: k.keyId } },
            h('th', { scope: 'row' }, k.name ?? ''),
            h('td', {}, h('code', {}, k.keyId)),
            h('td', {}, when(k.createdAt)),
            h('td', {}, when(k.lastUsedAt)),
            h(
              'td',
              {},
              k.keyId === 'bootstrap'
                ? h('span', { class: 'muted' }, 'from configuration')
                : h('button', { type: 'button', class: 'button-danger-quiet', 'aria-label': `Revoke the key of ${k.name}`, onclick: () => revoke(k) }, 'Revoke'),
            ),
          ),
        ),
      );
    } catch (error) {
      context.fail(error);
    }
  }

  async function revoke(key) {
    const confirmed = await confirmAction({
      title: `Revoke the key of ${key.name}?`,
      message: `Key ${key.keyId} stops working at once, on every instance. ${key.name} needs a new key to use the console again.`,
      confirmLabel: 'Revoke',
    });
    if (!confirmed) {
      return;
    }

    try {
      await del(`/v1/admin/staff-keys/${encodeURIComponent(key.keyId)}`);
      context.say(`The key of ${key.name} is revoked.`);
      await load();
    } catch (error) {
      context.fail(error);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const person = name.value.trim();
    if (!person) {
      context.fail(new Error('Enter the name of the person the key is for.'));
      name.focus();
      return;
    }

    try {
      const key = await post('/v1/admin/staff-keys', { name: person });
      context.ok();
      const value = h('code', { class: 'secret', id: 'issued-key-value' }, key.apiKey);
      const copy = h('button', { type: 'button', class: 'button-quiet' }, 'Copy');
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(key.apiKey);
          context.say('Key copied.');
        } catch {
          context.say('Copying is not allowed here: select the key and copy it by hand.');
        }
      });
      fill(
        issued,
        h('p', {}, `Key for ${key.name} (key id `, h('code', {}, key.keyId), '). Hand it over now: it is not shown again.'),
        h('p', { class: 'secret-line' }, value, copy),
        h('button', { type: 'button', class: 'button-quiet', onclick: () => { fill(issued); issued.hidden = true; } }, 'Done, hide it'),
      );
      issued.hidden = false;
      name.value = '';
      copy.focus();
      await load();
    } catch (error) {
      context.fail(error);
    }
  });

  load();
  return () => {};
}
