/**
 * The console's one script, served from /console/assets/console.js (the policy allows no inline
 * script). Pages work without it; it adds local times, validation as you type, live tail and job
 * progress. It reads the CSRF token from the page's meta tag; the admin token never reaches it.
 */
export const SCRIPT = `
(() => {
  'use strict';
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  // Times: the viewer's time zone, UTC kept on hover.
  const localTimes = (root) => {
    for (const t of root.querySelectorAll('time[datetime]')) {
      const d = new Date(t.getAttribute('datetime'));
      if (Number.isNaN(d.getTime())) continue;
      t.title = d.toISOString().replace('T', ' ').replace(/\\.\\d+Z$/, ' UTC');
      t.textContent = d.toLocaleString();
    }
  };
  localTimes(document);
  // Forms with a tz field send the browser's offset, so the server reads datetime-local values as local time.
  for (const tz of document.querySelectorAll('input[name="tz"]')) tz.value = String(new Date().getTimezoneOffset());
  // Default times relative to now, in the viewer's zone (datetime-local has no zone of its own).
  for (const input of document.querySelectorAll('input[data-ago-minutes]')) {
    if (input.value !== '') continue;
    const d = new Date(Date.now() - Number(input.dataset.agoMinutes) * 60000);
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    input.value = d.toISOString().slice(0, 16);
  }

  // Validation as you type: POSTs the form to its data-check URL, shows the problems it answers.
  for (const form of document.querySelectorAll('form[data-check]')) {
    const out = document.getElementById(form.dataset.checkOutput);
    let timer = 0;
    const check = async () => {
      const body = new URLSearchParams(new FormData(form));
      const res = await fetch(form.dataset.check, { method: 'POST', body, headers: { 'x-csrf-token': csrf() } });
      if (!res.ok) return;
      const answer = await res.json();
      out.textContent = '';
      out.className = answer.Problems.length === 0 ? 'notice' : 'field-error';
      if (answer.Problems.length === 0) out.textContent = 'Valid.';
      for (const p of answer.Problems) {
        const li = document.createElement('li');
        li.textContent = p.Path + ': ' + p.Message;
        out.append(li);
      }
    };
    form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 250); });
  }

  // Live tail: each server-sent event is one delivery row, newest on top.
  for (const table of document.querySelectorAll('table[data-tail]')) {
    const body = table.querySelector('tbody');
    const status = document.getElementById(table.dataset.tailStatus);
    const source = new EventSource(table.dataset.tail);
    source.addEventListener('open', () => { if (status) status.textContent = 'Live: connected.'; });
    source.addEventListener('error', () => { if (status) status.textContent = 'Live: reconnecting...'; });
    source.addEventListener('delivery', (e) => {
      const d = JSON.parse(e.data);
      const tr = document.createElement('tr');
      tr.dataset.event = d.EventId;
      for (const key of ['At', 'DeliveryId', 'EventType', 'State', 'Attempts']) {
        const td = document.createElement('td');
        if (key === 'At') { const t = document.createElement('time'); t.setAttribute('datetime', d.At); t.textContent = d.At; td.append(t); }
        else if (key === 'State') { td.textContent = d.State; td.className = 'state-' + d.State; }
        else td.textContent = String(d[key] ?? '');
        tr.append(td);
      }
      localTimes(tr);
      body.prepend(tr);
      while (body.rows.length > 200) body.deleteRow(body.rows.length - 1);
    });
  }

  // Job progress: polls the job's JSON until it is done.
  for (const bar of document.querySelectorAll('progress[data-job]')) {
    const label = document.getElementById(bar.dataset.jobLabel);
    const poll = async () => {
      const res = await fetch(bar.dataset.job, { headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const job = await res.json();
      bar.max = Math.max(job.Total, 1);
      bar.value = job.Done;
      if (label) label.textContent = job.State + ': ' + job.Done + ' of ' + job.Total;
      if (job.State === 'running' || job.State === 'queued') setTimeout(poll, 500);
    };
    poll();
  }
})();
`;
