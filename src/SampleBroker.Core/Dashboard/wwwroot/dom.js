// Small DOM and formatting helpers shared by the views. Elements are built with text nodes only
// (never parsed as HTML), so nothing the API returns can become markup.

/** h('a', { href: '#/x', class: 'link' }, 'text', child): an element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }

    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }

  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }

    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of an element. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Sets an element's text only when it changed, so screen readers and selections are not disturbed. */
export function setText(element, text) {
  const value = text ?? '';
  if (element.textContent !== value) {
    element.textContent = value;
  }
}

/**
 * Runs `task` now and again `everyMs` after each run ends (never two at once), until stopped.
 * Paused while the tab is hidden; runs at once when it is shown again.
 */
export function every(everyMs, task) {
  let timer = 0;
  let stopped = false;
  let running = false;
  const run = async () => {
    if (stopped || running) {
      return;
    }

    clearTimeout(timer);
    running = true;
    try {
      await task();
    } finally {
      running = false;
      if (!stopped && !document.hidden) {
        timer = setTimeout(run, everyMs);
      }
    }
  };
  const onVisibility = () => {
    if (!document.hidden) {
      run();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  run();
  return {
    now: run,
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A <time> element showing a moment in the reader's time zone, with the exact UTC value as its datetime. */
export function when(iso, { short = false } = {}) {
  if (!iso) {
    return h('span', { class: 'muted' }, '—');
  }

  const at = new Date(iso);
  return h('time', { datetime: iso, title: iso }, short ? time.format(at) : dateTime.format(at));
}

/** "12 s ago", "3 min ago", for the last answer of a biobank. */
export function ago(iso, now = Date.now()) {
  if (!iso) {
    return 'never';
  }

  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }

  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min ago`;
  }

  if (seconds < 86400) {
    return `${Math.round(seconds / 3600)} h ago`;
  }

  return `${Math.round(seconds / 86400)} d ago`;
}

export function ms(value) {
  return value === null || value === undefined ? '—' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value} ms`;
}

export function percent(numerator, denominator) {
  return denominator ? `${Math.round((1000 * numerator) / denominator) / 10} %` : '—';
}

/** A status word as a badge: the word is always shown, the colour only adds to it. */
export function badge(text, kind = text) {
  return h('span', { class: `badge badge-${String(kind).toLowerCase()}` }, text);
}

/** The visible progress of a request: a native progress bar, labelled, and its numbers in words. */
export function progressOf(progress, label) {
  const answered = progress?.biobanksAnswered ?? 0;
  const contacted = progress?.biobanksContacted ?? 0;
  return h(
    'span',
    { class: 'progress' },
    h('progress', { max: Math.max(contacted, 1), value: contacted ? answered : 0, 'aria-label': label, dataset: { answered, contacted } }),
    h('span', { class: 'progress-text' }, `${answered} of ${contacted} answered`),
  );
}

/** Brings an existing progress bar up to date without replacing it. */
export function updateProgress(container, progress) {
  const bar = container.querySelector('progress');
  const answered = progress?.biobanksAnswered ?? 0;
  const contacted = progress?.biobanksContacted ?? 0;
  bar.max = Math.max(contacted, 1);
  bar.value = contacted ? answered : 0;
  bar.dataset.answered = answered;
  bar.dataset.contacted = contacted;
  setText(container.querySelector('.progress-text'), `${answered} of ${contacted} answered`);
}

/** Moves focus to a view's heading, so keyboard and screen-reader users land where the new view starts. */
export function focusHeading(root) {
  const heading = root.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  }
}
