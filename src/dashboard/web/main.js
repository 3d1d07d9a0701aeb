import { replace, h } from './lib/dom.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as vertex from './pages/vertex.js';
import * as topics from './pages/topics.js';
import * as topic from './pages/topic.js';
import * as messages from './pages/messages.js';
import * as groups from './pages/groups.js';
import * as group from './pages/group.js';

// Hash routes: #/jobs, #/jobs/ID, #/jobs/ID/vertices/VID, #/topics, #/topics/NAME,
// #/topics/NAME/partitions/P, #/groups, #/groups/ID.
const ROUTES = [
  [/^\/jobs\/?$/, jobs, 'jobs'],
  [/^\/jobs\/([^/]+)\/vertices\/([^/]+)$/, vertex, 'jobs'],
  [/^\/jobs\/([^/]+)$/, job, 'jobs'],
  [/^\/topics\/?$/, topics, 'topics'],
  [/^\/topics\/([^/]+)\/partitions\/(\d+)$/, messages, 'topics'],
  [/^\/topics\/([^/]+)$/, topic, 'topics'],
  [/^\/groups\/?$/, groups, 'groups'],
  [/^\/groups\/([^/]+)$/, group, 'groups'],
];
const REFRESH_MS = 2000;

const view = document.getElementById('view');
const status = document.getElementById('status');
let current;

/** Runs a page: `page.render(el, params)` builds it, `page.refresh(state)` updates it every REFRESH_MS. */
function route() {
  current?.stop();
  const path = (location.hash.replace(/^#/, '').split('?')[0]) || '/jobs';
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const found = ROUTES.map(([re, page, section]) => [re.exec(path), page, section]).find(([m]) => m);
  for (const a of document.querySelectorAll('header nav a')) a.classList.toggle('active', a.dataset.section === found?.[2]);
  if (!found) {
    replace(view, h('div', { className: 'empty card' }, `No page at ${path}`));
    return;
  }
  const [m, page] = found;
  const params = m.slice(1).map(decodeURIComponent);
  const controller = new AbortController();
  let timer;
  const state = page.render(view, params, query);
  const tick = async () => {
    try {
      await page.refresh(state, controller.signal);
      status.textContent = '';
      document.body.dataset.loaded = 'true';
    } catch (err) {
      if (controller.signal.aborted) return;
      status.textContent = err.message;
      page.fail?.(state, err);
    }
    if (!controller.signal.aborted) timer = setTimeout(tick, REFRESH_MS);
  };
  current = {
    stop() {
      controller.abort();
      clearTimeout(timer);
      page.destroy?.(state);
    },
  };
  document.body.dataset.loaded = 'false';
  tick();
}

addEventListener('hashchange', route);
route();
