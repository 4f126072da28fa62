// What the jobs page's scripts share: calls to the console's /api/jobs (back to the login form when the session has
// ended; the actions carry the header the server asks of every POST against cross-site requests) and formatting.
var consoleApi = (function () {
  'use strict';
  function call(url, options) {
    options = options || {};
    var headers = {'Accept': 'application/json'};
    if (options.method === 'POST') { headers['X-Imagegen-Console'] = 'jobs-page'; }
    return fetch(url, {method: options.method || 'GET', credentials: 'same-origin', headers: headers})
      .then(function (response) {
        if (response.redirected || response.status === 401) {
          location.href = '/login.html'; // the login session ended
          throw new Error('not logged in');
        }
        return response.json().then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
      });
  }
  return {
    call: call,
    duration: function (ms) {
      if (ms === null || ms === undefined) { return ''; }
      if (ms < 1000) { return ms + ' ms'; }
      if (ms < 120000) { return (ms / 1000).toFixed(1) + ' s'; }
      return Math.round(ms / 60000) + ' min';
    },
    round: function (amount) { return Math.round(amount * 1000) / 1000; },
    cell: function (row, text, className) {
      var td = document.createElement('td');
      td.textContent = text === null || text === undefined ? '' : String(text);
      if (className) { td.className = className; }
      row.appendChild(td);
      return td;
    },
    thumbnail: function (id, n) {
      var img = document.createElement('img');
      img.className = 'thumbnail';
      img.alt = id + ' image ' + n;
      img.src = '/api/jobs/' + encodeURIComponent(id) + '/thumbnails/' + n;
      return img;
    }
  };
})();
