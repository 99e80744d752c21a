// One request as staff see it: its facts and progress, every contacted biobank's outcome, the
// timeline grouped by biobank, and the actions its status allows (terminate while brokering,
// restart when failed, purge once finished), each behind a confirmation.

import { ApiError, del, get, post } from '../api.js';
import { confirmAction } from '../dialog.js';
import { badge, every, fill, h, ms, progressOf, setText, updateProgress, when } from '../dom.js';

const REFRESH_MS = 1500;

/** The timeline's event names in words for a person. */
const EVENTS = {
  submitted: 'submitted',
  querySent: 'query sent',
  attemptFailed: 'attempt failed',
  answerReceived: 'answer received',
  signatureRejected: 'signature rejected',
  lateAnswer: 'late answer',
  duplicateAnswer: 'duplicate answer',
  timedOut: 'timed out',
  circuitOpen: 'circuit open',
  cancelled: 'cancelled',
  terminated: 'terminated',
  restarted: 'restarted',
  repaired: 'repaired',
  completed: 'completed',
  failed: 'failed',
  callbackDelivered: 'callback delivered',
  callbackFailed: 'callback failed',
};
const TROUBLE = new Set(['attemptFailed', 'signatureRejected', 'lateAnswer', 'duplicateAnswer', 'timedOut', 'circuitOpen', 'failed', 'callbackFailed', 'terminated']);

export function mount(root, context, target) {
  const id = target.id;
  const path = `/v1/admin/sample-requests/${encodeURIComponent(id)}`;
  const title = h('h1', {}, 'Request');
  const facts = h('dl', { class: 'facts' });
  const progress = progressOf(null, 'Biobanks answered');
  const actions = h('div', { class: 'actions', role: 'group', 'aria-label': 'Actions on this request' });
  const biobanks = h('div', { class: 'table-wrap' });
  const timeline = h('div', { class: 'timeline', id: 'timeline' });
  const outcome = h('div', { class: 'outcome' });
  let lastStatus = null;
  let lastTimelineSize = -1;

  fill(
    root,
    h('p', { class: 'back' }, h('a', { href: '#/requests' }, '← All requests')),
    title,
    h('div', { class: 'request-head' }, facts, h('div', { class: 'request-progress' }, progress, actions)),
    outcome,
    h('section', { 'aria-labelledby': 'biobanks-heading' }, h('h2', { id: 'biobanks-heading' }, 'Biobanks contacted'), biobanks),
    h(
      'section',
      { 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, 'Timeline'),
      h('p', { class: 'hint' }, 'What happened, oldest first, for the request and for each biobank. Times after the first are counted from submission.'),
      timeline,
    ),
  );

  async function act(kind) {
    const texts = {
      terminate: {
        title: 'Terminate this request?',
        message: 'Brokering stops now and the request becomes Cancelled. Answers received so far are kept; biobanks that have not answered are marked Cancelled. This cannot be undone.',
        confirmLabel: 'Terminate',
        done: 'Request terminated.',
      },
      restart: {
        title: 'Restart this failed request?',
        message: 'It brokers again with a new deadline, asking only the biobanks without a valid answer.',
        confirmLabel: 'Restart',
        done: 'Request restarted.',
      },
      purge: {
        title: 'Purge this request?',
        message: 'Its orchestration history and its stored result are deleted for good. The audit log keeps the fact that you purged it.',
        confirmLabel: 'Purge',
        done: 'Request purged.',
      },
    }[kind];
    if (!(await confirmAction(texts))) {
      return;
    }

    try {
      if (kind === 'purge') {
        await del(path);
        context.say(texts.done);
        context.go('#/requests');
        return;
      }

      await post(`${path}/${kind}`);
      context.say(texts.done);
      poller.now();
    } catch (error) {
      context.fail(error);
    }
  }

  function renderActions(status) {
    const buttons = [];
    if (status === 'Brokering') {
      buttons.push(h('button', { type: 'button', class: 'button-danger', onclick: () => act('terminate') }, 'Terminate'));
    }

    if (status === 'Failed') {
      buttons.push(h('button', { type: 'button', class: 'button-primary', onclick: () => act('restart') }, 'Restart'));
    }

    if (status !== 'Brokering') {
      buttons.push(h('button', { type: 'button', class: 'button-danger-quiet', onclick: () => act('purge') }, 'Purge'));
    }

    fill(actions, buttons);
  }

  function renderFacts(request) {
    setText(title, `Request ${request.reference ?? request.requestId.slice(0, 12)}`);
    document.title = `${title.textContent} · SampleBroker`;
    const orchestration = request.orchestration;
    fill(
      facts,
      [
        ['Status', badge(request.status)],
        ['Request id', h('code', {}, request.requestId)],
        ['Organisation', request.organisationId],
        ['Reference', request.reference ?? '—'],
        ['Quantity', String(request.quantity)],
        ['Created', when(request.createdAt)],
        ['Deadline', when(request.deadline)],
        ['Finished', when(request.completedAt)],
        ['Orchestration', orchestration ? `${orchestration.runtimeStatus} (${orchestration.instanceId})` : 'purged'],
      ].map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    );
  }

  function renderOutcome(request) {
    if (request.status === 'Brokering') {
      fill(outcome);
      return;
    }

    const summary = request.summary ?? {};
    const allocation = (request.allocation ?? []).map((a) => `${a.quantity} from ${a.biobankId}`).join(', ');
    fill(
      outcome,
      h(
        'p',
        { class: summary.canFulfil ? 'outcome-good' : 'outcome-short' },
        `${summary.totalAvailable ?? 0} of ${summary.requestedQuantity ?? request.quantity} samples available from ${summary.biobanksWithSamples ?? 0} biobank(s)`,
        summary.canFulfil ? ': the request can be fulfilled.' : ': not enough to fulfil it.',
        allocation ? ` Allocation: ${allocation}.` : '',
      ),
    );
  }

  function renderBiobanks(request) {
    const rows = (request.biobanks ?? []).map((b) =>
      h(
        'tr',
        { dataset: { biobankId: b.biobankId, outcome: b.outcome } },
        h('th', { scope: 'row' }, b.name ?? b.biobankId, h('span', { class: 'id' }, b.biobankId)),
        h('td', {}, badge(b.outcome)),
        h('td', { class: 'number' }, b.availableSamples ?? '—'),
        h('td', { class: 'number' }, b.pricePerSampleEur === null || b.pricePerSampleEur === undefined ? '—' : `€${b.pricePerSampleEur}`),
        h('td', { class: 'number' }, b.leadTimeDays === null || b.leadTimeDays === undefined ? '—' : `${b.leadTimeDays} d`),
        h('td', { class: 'number' }, ms(b.latencyMs)),
        h('td', {}, b.error ?? ''),
      ),
    );
    fill(
      biobanks,
      rows.length
        ? h(
            'table',
            { class: 'data' },
            h('caption', {}, 'Each biobank the request was sent to, by id'),
            h('thead', {}, h('tr', {}, ['Biobank', 'Outcome', 'Available', 'Price', 'Lead time', 'Latency', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, rows),
          )
        : h('p', { class: 'empty' }, 'No biobank was contacted: none takes this sample type.'),
    );
  }

  function renderTimeline(request) {
    const entries = request.timeline ?? [];
    if (entries.length === lastTimelineSize) {
      return;
    }

    lastTimelineSize = entries.length;
    const start = entries.length ? new Date(entries[0].at).getTime() : 0;
    const lanes = new Map([[null, []]]);
    for (const b of request.biobanks ?? []) {
      lanes.set(b.biobankId, []);
    }

    for (const entry of entries) {
      const lane = entry.biobankId ?? null;
      if (!lanes.has(lane)) {
        lanes.set(lane, []);
      }

      lanes.get(lane).push(entry);
    }

    const sections = [...lanes].map(([biobankId, events]) => {
      const headingId = `lane-${biobankId ?? 'request'}`;
      return h(
        'section',
        { class: 'lane', 'aria-labelledby': headingId, dataset: { lane: biobankId ?? 'request' } },
        h('h3', { id: headingId }, biobankId ?? 'The request'),
        events.length
          ? h(
              'ol',
              { class: 'events' },
              events.map((e) =>
                h(
                  'li',
                  { class: TROUBLE.has(e.event) ? 'event event-trouble' : 'event', dataset: { event: e.event } },
                  h('span', { class: 'event-time' }, h('time', { datetime: e.at, title: e.at }, `+${((new Date(e.at).getTime() - start) / 1000).toFixed(2)} s`)),
                  h('span', { class: 'event-name' }, EVENTS[e.event] ?? e.event),
                  e.detail ? h('span', { class: 'event-detail' }, e.detail) : null,
                ),
              ),
            )
          : h('p', { class: 'empty' }, 'Nothing yet.'),
      );
    });
    fill(timeline, sections);
  }

  const poller = every(REFRESH_MS, async () => {
    try {
      const request = await get(path);
      context.ok();
      renderFacts(request);
      updateProgress(progress, request.progress);
      if (request.status !== lastStatus) {
        lastStatus = request.status;
        renderActions(request.status);
        root.dataset.status = request.status;
      }

      renderOutcome(request);
      renderBiobanks(request);
      renderTimeline(request);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        poller.stop();
        fill(root, h('h1', {}, 'No such request'), h('p', {}, 'There is no request with this id: it may have been purged.'), h('p', {}, h('a', { href: '#/requests' }, '← All requests')));
        return;
      }

      context.fail(error);
    }
  });

  return () => poller.stop();
}
