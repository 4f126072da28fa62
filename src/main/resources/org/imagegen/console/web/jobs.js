// The jobs page's list: reads /api/jobs with the filters every few seconds and renders the budgets, the spend and the
// table. The filters are kept in the address (?state=FAILED&provider=fal&from=2026-11-01) so a view can be bookmarked;
// a row opens the job's detail (job-detail.js, #job=<id>). No framework, no CDN.
var jobsList = (function () {
  'use strict';
  var REFRESH_MS = 3000;
  var STATES = ['ACCEPTED', 'HELD_BUDGET', 'SUBMITTING', 'SUBMITTED', 'RUNNING', 'SUCCEEDED', 'DELIVERED', 'FAILED',
    'CENSORED', 'TIMED_OUT', 'DELIVERY_FAILED', 'NEEDS_ATTENTION', 'CANCELLED'];
  var FIELDS = ['state', 'provider', 'route', 'from', 'to', 'id'];
  var form = document.getElementById('filters');
  var body = document.querySelector('#jobs tbody');
  var timer = null;
  var listeners = [];

  function field(name) { return form.elements[name]; }

  function addOptions(select, values) {
    var known = Array.prototype.map.call(select.options, function (o) { return o.value; });
    values.forEach(function (value) {
      if (known.indexOf(value) < 0) {
        var option = document.createElement('option');
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      }
    });
  }

  addOptions(field('state'), STATES);
  var params = new URLSearchParams(location.search);
  FIELDS.forEach(function (name) {
    var value = params.get(name) || '';
    if (field(name).tagName === 'SELECT') { addOptions(field(name), value ? [value] : []); }
    field(name).value = value;
  });

  function filtersChanged() {
    var url = new URL(location.href);
    FIELDS.forEach(function (name) {
      if (field(name).value) { url.searchParams.set(name, field(name).value); } else { url.searchParams.delete(name); }
    });
    history.replaceState(null, '', url);
    refresh();
  }
  form.addEventListener('change', filtersChanged);
  form.addEventListener('input', filtersChanged); // typing in the id search, picking a date
  form.addEventListener('submit', function (e) { e.preventDefault(); filtersChanged(); });
  document.getElementById('clear-filters').addEventListener('click', function () {
    FIELDS.forEach(function (name) { field(name).value = ''; });
    filtersChanged();
  });

  // the date fields are local days: from the start of "from" to the end of "to", sent as instants
  function query() {
    var q = new URLSearchParams({limit: '100'});
    ['state', 'provider', 'route', 'id'].forEach(function (name) {
      if (field(name).value) { q.set(name, field(name).value.trim()); }
    });
    if (field('from').value) { q.set('from', new Date(field('from').value + 'T00:00').toISOString()); }
    if (field('to').value) {
      var end = new Date(field('to').value + 'T00:00');
      end.setDate(end.getDate() + 1);
      q.set('to', end.toISOString());
    }
    return q.toString();
  }

  function renderMoney(data) {
    // each budget's use this period: "fal per day: 7 of 10 USD (3 left)", a bar filled as far as it is used
    var budgets = data.budgets || [];
    var strip = document.getElementById('budgets');
    strip.textContent = '';
    budgets.forEach(function (b) {
      var item = document.createElement('span');
      item.className = 'budget' + (b.remaining <= 0 ? ' budget-spent' : '');
      // a budget names its provider; one without (an overall one) is named by its setting
      item.textContent = (b.provider || b.setting) + ' per ' + b.period + ': ' + consoleApi.round(b.used) + ' of '
        + consoleApi.round(b.limit) + ' ' + b.unit + ' (' + consoleApi.round(b.remaining) + ' left)';
      var bar = document.createElement('meter');
      bar.min = 0;
      bar.max = b.limit;
      bar.value = Math.min(b.used, b.limit);
      item.appendChild(bar);
      strip.appendChild(item);
    });
    var spend = data.spend || [];
    document.getElementById('spend').textContent = spend.length === 0 ? '' : 'Spent so far: ' + spend.map(function (s) {
      return s.provider + ' ' + consoleApi.round(s.amount) + (s.unit ? ' ' + s.unit : '');
    }).join(' | ');
    document.getElementById('money').hidden = budgets.length === 0 && spend.length === 0;
  }

  function render(data) {
    var counts = data.counts || {};
    Array.prototype.forEach.call(field('state').options, function (option) {
      if (option.value) { option.textContent = option.value + ' (' + (counts[option.value] || 0) + ')'; }
    });
    addOptions(field('provider'), data.providers || []);
    addOptions(field('route'), data.routes || []);
    renderMoney(data);
    body.textContent = '';
    data.jobs.forEach(function (job) {
      var tr = document.createElement('tr');
      tr.className = 'job';
      tr.dataset.id = job.id;
      tr.dataset.state = job.state;
      tr.addEventListener('click', function () { location.hash = 'job=' + encodeURIComponent(job.id); });
      var id = consoleApi.cell(tr, job.id, 'id');
      if (job.prompt) { id.title = job.prompt; }
      // where a waiting job stands, when its provider says: "#3 in queue", "40%"
      var waiting = job.state === 'SUBMITTED' || job.state === 'RUNNING';
      var where = !waiting ? '' : job.position !== null && job.position !== undefined ? ' #' + job.position + ' in queue'
        : job.progress !== null && job.progress !== undefined ? ' ' + job.progress + '%' : '';
      consoleApi.cell(tr, job.state + where, 'state state-' + job.state);
      consoleApi.cell(tr, job.provider);
      consoleApi.cell(tr, new Date(job.acceptedAt).toLocaleString());
      consoleApi.cell(tr, consoleApi.duration(job.queuedMs));
      consoleApi.cell(tr, consoleApi.duration(job.generationMs));
      consoleApi.cell(tr, consoleApi.duration(job.totalMs));
      consoleApi.cell(tr, job.checks);
      var last = consoleApi.cell(tr, '', 'images');
      for (var n = 1; n <= job.images; n++) { last.appendChild(consoleApi.thumbnail(job.id, n)); }
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
    var error = document.getElementById('load-error');
    consoleApi.call('/api/jobs?' + query())
      .then(function (answer) {
        if (!answer.ok) { throw new Error(answer.data.error || ('HTTP ' + answer.status)); }
        error.hidden = true;
        render(answer.data);
        listeners.forEach(function (listener) { listener(); });
      })
      .catch(function (e) { error.textContent = 'Cannot load jobs: ' + e.message; error.hidden = false; })
      .finally(function () { timer = setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
  return {
    refresh: refresh,
    // called after each refresh of the list (the detail view refreshes with it)
    onRefresh: function (listener) { listeners.push(listener); }
  };
})();
