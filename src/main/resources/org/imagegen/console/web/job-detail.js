// The jobs page's detail view of one job, opened by a row or linked as #job=<id>: its timeline of states, attempts,
// cost, thumbnails, sinks and manifest (GET /api/jobs/<id>), and the retry and cancel buttons its state allows
// (POST /api/jobs/<id>/retry|cancel: the HTTP API's rules; a refusal shows why). Refreshed with the list.
(function () {
  'use strict';
  var panel = document.getElementById('detail');
  var result = document.getElementById('action-result');
  var current = null;

  function el(id) { return document.getElementById(id); }

  function jobFromHash() {
    var match = /^#job=(.+)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function cost(c) {
    return c ? consoleApi.round(c.amount) + ' ' + (c.unit || '') + (c.source ? ' (' + c.source + ')' : '') : '';
  }

  function rows(tableId, items, cells) {
    var tbody = document.querySelector('#' + tableId + ' tbody');
    tbody.textContent = '';
    items.forEach(function (item) {
      var tr = document.createElement('tr');
      cells(item).forEach(function (text) { consoleApi.cell(tr, text); });
      tbody.appendChild(tr);
    });
  }

  function render(job) {
    panel.dataset.id = job.id;
    panel.dataset.state = job.state;
    el('detail-id').textContent = job.id;
    el('detail-state').textContent = job.state;
    el('detail-state').className = 'state state-' + job.state;
    el('detail-provider').textContent = job.provider + (job.providerGenerationId ? ' ' + job.providerGenerationId : '');
    el('detail-reason').textContent = job.reason || '';
    el('retry').hidden = !job.actions.retry;
    el('cancel').hidden = !job.actions.cancel;
    var timeline = el('detail-timeline');
    timeline.textContent = '';
    job.states.forEach(function (s) {
      var li = document.createElement('li');
      li.dataset.state = s.state;
      li.textContent = new Date(s.at).toLocaleString() + '  ' + s.state + (s.detail ? ' - ' + s.detail : '');
      timeline.appendChild(li);
    });
    rows('detail-attempts', job.attempts || [], function (a) {
      return [a.provider, a.model || '', a.outcome, a.reason || '', cost(a.cost)];
    });
    el('detail-cost').textContent = job.cost ? cost(job.cost) : 'none reported';
    var images = el('detail-images');
    images.textContent = '';
    for (var n = 1; n <= job.thumbnails; n++) { images.appendChild(consoleApi.thumbnail(job.id, n)); }
    if (job.thumbnails === 0) { images.textContent = 'none here'; }
    rows('detail-sinks', Object.keys(job.sinks || {}), function (name) {
      var s = job.sinks[name];
      return [name + (s.type ? ' (' + s.type + ')' : ''), s.state, s.attempts, s.lastError || s.location || ''];
    });
    el('detail-manifest').textContent = job.manifest ? JSON.stringify(job.manifest, null, 2) : 'not written yet';
  }

  function load() {
    var id = jobFromHash();
    if (id === null) {
      panel.hidden = true;
      current = null;
      return;
    }
    if (id !== current) { result.hidden = true; }
    current = id;
    consoleApi.call('/api/jobs/' + encodeURIComponent(id)).then(function (answer) {
      if (current !== id) { return; }
      if (!answer.ok) {
        panel.hidden = true;
        el('load-error').textContent = 'Cannot show job ' + id + ': ' + answer.data.error;
        el('load-error').hidden = false;
        return;
      }
      render(answer.data);
      panel.hidden = false;
    });
  }

  function act(action) {
    var id = current;
    consoleApi.call('/api/jobs/' + encodeURIComponent(id) + '/' + action, {method: 'POST'}).then(function (answer) {
      result.hidden = false;
      result.className = answer.ok ? 'done' : 'error';
      result.textContent = answer.ok
        ? (action === 'retry' ? 'Retry requested' : 'Cancelled') + ': now ' + answer.data.state
          + (answer.data.providerDelete ? ' (provider: ' + answer.data.providerDelete + ')' : '')
        : 'Refused: ' + answer.data.error;
      jobsList.refresh();
    });
  }

  el('retry').addEventListener('click', function () { act('retry'); });
  el('cancel').addEventListener('click', function () { act('cancel'); });
  el('detail-close').addEventListener('click', function (e) {
    e.preventDefault();
    history.replaceState(null, '', location.pathname + location.search);
    load();
  });
  window.addEventListener('hashchange', load);
  jobsList.onRefresh(load);
  load();
})();
