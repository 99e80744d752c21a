// The staff console's shell: sign-in, navigation between views (#/requests, #/requests/{id}, #/biobanks,
// #/audit, #/staff-keys), one place for errors and notices. Each view is its own module with
// mount(root, context) returning a function that stops its timers.

import { ApiError, explain, get, session } from './api.js';
import { fill, focusHeading, h } from './dom.js';

const views = {
  requests: () => import('./views/requests.js'),
  request: () => import('./views/request.js'),
  biobanks: () => import('./views/biobanks.js'),
  audit: () => import('./views/audit.js'),
  'staff-keys': () => import('./views/staff-keys.js'),
};

const main = document.getElementById('main');
const nav = document.getElementById('views');
const signOutButton = document.getElementById('sign-out');
const alertBox = document.getElementById('alert');
const notice = document.getElementById('notice');

let unmount = () => {};
let shown = 0;

/** Shows a problem that stays until it is solved (cleared by the next successful call of the same view). */
function showAlert(text) {
  alertBox.textContent = text;
  alertBox.hidden = false;
}

function clearAlert() {
  alertBox.hidden = true;
  alertBox.textContent = '';
}

let noticeTimer = 0;

/** A short confirmation of what just happened, read out politely, gone after a few seconds. */
function say(text) {
  notice.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.textContent = '';
  }, 8000);
}

/** What every view gets: error handling that signs out on a refused key, and navigation. */
const context = {
  fail(error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut(explain(error));
      return;
    }

    showAlert(explain(error));
  },
  ok: clearAlert,
  say,
  go(hash) {
    if (location.hash === hash) {
      route();
    } else {
      location.hash = hash;
    }
  },
};

function parse(hash) {
  const path = hash.replace(/^#\/?/, '').split('?')[0];
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'requests' && parts[1]) {
    return { name: 'request', id: decodeURIComponent(parts[1]), nav: 'requests' };
  }

  const name = views[parts[0]] ? parts[0] : 'requests';
  return { name, nav: name };
}

async function route() {
  if (!session.key) {
    showSignIn();
    return;
  }

  const target = parse(location.hash);
  const ticket = ++shown;
  unmount();
  unmount = () => {};
  clearAlert();
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.view === target.nav) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }

  const module = await views[target.name]();
  if (ticket !== shown) {
    return;
  }

  const root = h('div', { class: 'view', dataset: { view: target.name } });
  fill(main, root);
  unmount = module.mount(root, context, target) ?? (() => {});
  document.title = `${root.querySelector('h1')?.textContent ?? 'Staff console'} · SampleBroker`;
  focusHeading(root);
}

function showSignIn(message) {
  unmount();
  unmount = () => {};
  nav.hidden = true;
  signOutButton.hidden = true;
  clearAlert();
  document.title = 'Sign in · SampleBroker staff console';
  const input = h('input', {
    id: 'staff-key',
    name: 'staff-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'staff-key-help',
  });
  const error = h('p', { class: 'form-error', id: 'sign-in-error', role: 'alert' }, message ?? '');
  error.hidden = !message;
  const button = h('button', { type: 'submit', class: 'button-primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', novalidate: true },
    h('label', { for: 'staff-key' }, 'Staff key'),
    input,
    h('p', { class: 'hint', id: 'staff-key-help' }, 'Your personal staff key. It is kept in this tab only and forgotten when you close it.'),
    error,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = 'Enter your staff key.';
      error.hidden = false;
      input.focus();
      return;
    }

    button.disabled = true;
    try {
      // Any staff route proves the key; the smallest list is the cheapest.
      await get('/v1/admin/sample-requests?top=1', { key });
      session.signIn(key);
      nav.hidden = false;
      signOutButton.hidden = false;
      say('Signed in.');
      if (!location.hash || location.hash === '#main') {
        location.hash = '#/requests';
      }

      await route();
    } catch (failure) {
      error.textContent = explain(failure);
      error.hidden = false;
      input.select();
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, h('section', { class: 'view sign-in-view', dataset: { view: 'sign-in' } }, h('h1', {}, 'Sign in to the staff console'), form));
  input.focus();
}

function signOut(message) {
  session.signOut();
  say(message ? '' : 'Signed out.');
  showSignIn(message);
}

signOutButton.addEventListener('click', () => signOut());
window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/')) {
    route();
  }
});
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

if (session.key) {
  nav.hidden = false;
  signOutButton.hidden = false;
  route();
} else {
  showSignIn();
}
