// The jobs page: reads /api/jobs every few seconds and renders the table; the state filter is kept in the URL
// (?state=FAILED) so a filtered view can be bookmarked. No framework, no CDN.
(function () {
  'use strict';
  var REFRESH_MS = 3000;
  var STATES = ['ACCEPTED', 'HELD_BUDGET', 'SUBMITTING', 'SUBMITTED', 'RUNNING', 'SUCCEEDED', 'DELIVERED', 'FAILED', 'CENSORED',
    'TIMED_OUT', 'DELIVERY_FAILED', 'NEEDS_ATTENTION'];
  var filter = document.getElementById('state-filter');
  var body = document.querySelector('#jobs tbody');
  var timer = null;

  STATES.forEach(function (state) {
    var option = document.createElement('option');
    option.value = state;
    option.textContent = state;
    filter.appendChild(option);
  });
  filter.value = new URLSearchParams(location.search).get('state') || '';
  filter.addEventListener('change', function () {
    var url = new URL(location.href);
    if (filter.value) { url.searchParams.set('state', filter.value); } else { url.searchParams.delete('state'); }
    history.replaceState(null, '', url);
    refresh();
  });

  function duration(ms) {
    if (ms === null || ms === undefined) { return ''; }
    if (ms < 1000) { return ms + ' ms'; }
    if (ms < 120000) { return (ms / 1000).toFixed(1) + ' s'; }
    return Math.round(ms / 60000) + ' min';
  }

  function round(amount) {
    return Math.round(amount * 1000) / 1000;
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function render(data) {
    var counts = data.counts || {};
    Array.prototype.forEach.call(filter.options, function (option) {
      if (option.value) { option.textContent = option.value + ' (' + (counts[option.value] || 0) + ')'; }
    });
    // each budget's use this period: "fal per day: 7 of 10 USD (3 left)"
    var budgets = data.budgets || [];
    var line = document.getElementById('budgets');
    line.textContent = budgets.map(function (b) {
      return b.provider + ' per ' + b.period + ': ' + round(b.used) + ' of ' + round(b.limit) + ' ' + b.unit + ' ('
        + round(b.remaining) + ' left)';
    }).join(' | ');
    line.hidden = budgets.length === 0;
    body.textContent = '';
    data.jobs.forEach(function (job) {
      var tr = document.createElement('tr');
      tr.className = 'job';
      tr.dataset.id = job.id;
      tr.dataset.state = job.state;
      var id = cell(tr, job.id, 'id');
      if (job.prompt) { id.title = job.prompt; }
      // where a waiting job stands, when its provider says: "#3 in queue", "40%"
      var waiting = job.state === 'SUBMITTED' || job.state === 'RUNNING';
      var where = !waiting ? '' : job.position !== null && job.position !== undefined ? ' #' + job.position + ' in queue'
        : job.progress !== null && job.progress !== undefined ? ' ' + job.progress + '%' : '';
      cell(tr, job.state + where, 'state state-' + job.state);
      cell(tr, job.provider);
      cell(tr, new Date(job.acceptedAt).toLocaleString());
      cell(tr, duration(job.queuedMs));
      cell(tr, duration(job.generationMs));
      cell(tr, duration(job.totalMs));
      cell(tr, job.checks);
      var last = cell(tr, '', 'images');
      for (var n = 1; n <= job.images; n++) {
        var img = document.createElement('img');
        img.className = 'thumbnail';
        img.alt = job.id + ' image ' + n;
        img.src = '/api/jobs/' + encodeURIComponent(job.id) + '/thumbnails/' + n;
        last.appendChild(img);
      }
      if (job.reason) {
        var reason = document.createElement('div');
        reason.className = 'reason';
        reason.textContent = job.reason;
        last.appendChild(reason);
      }
      body.appendChild(tr);
    });
    document.getElementById('empty').hidden = data.jobs.length > 0;
    document.getElementById('updated').textContent = 'updated ' + new Date(data.at).toLocaleTimeString();
  }

  function refresh() {
    clearTimeout(timer);
    var url = '/api/jobs?limit=100' + (filter.value ? '&state=' + encodeURIComponent(filter.value) : '');
    var error = document.getElementById('load-error');
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          location.href = '/login.html'; // the login session ended
          throw new Error('not logged in');
        }
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || ('HTTP ' + response.status)); }
          return data;
        });
      })
      .then(function (data) { error.hidden = true; render(data); })
      .catch(function (e) { error.textContent = 'Cannot load jobs: ' + e.message; error.hidden = false; })
      .finally(function () { timer = setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
})();
