/** The console's one stylesheet, served from /console/assets/console.css. */
export const STYLE = `
:root { --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0b5cad;
  --bad: #b3261e; --warn: #8a5a00; --good: #1a7f37; font-family: system-ui, sans-serif; color: var(--fg); }
body { margin: 0; background: #fff; }
header.top { display: flex; gap: 1.25rem; align-items: center; padding: .6rem 1.25rem; background: var(--bg);
  border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header.top .brand { font-weight: 600; }
header.top nav { display: flex; gap: 1rem; flex-wrap: wrap; }
header.top .who { margin-left: auto; color: var(--muted); display: flex; gap: .75rem; align-items: center; }
main { padding: 1rem 1.25rem 3rem; max-width: 78rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible {
  outline: 3px solid #ffb000; outline-offset: 1px; }
h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
form.stack { display: grid; gap: .6rem; max-width: 40rem; }
form.inline { display: inline-flex; gap: .4rem; align-items: end; flex-wrap: wrap; margin: 0; }
label { display: grid; gap: .2rem; font-weight: 500; }
label.check { display: flex; gap: .4rem; align-items: center; }
input, select, textarea, button { font: inherit; padding: .3rem .45rem; }
textarea { font-family: ui-monospace, monospace; min-height: 12rem; }
button { cursor: pointer; border: 1px solid var(--line); background: var(--bg); border-radius: 4px; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button.danger { color: var(--bad); }
.field-error, .error { color: var(--bad); }
.warning { color: var(--warn); background: #fff8e1; border: 1px solid #f0d080; padding: .4rem .6rem; }
.notice { color: var(--good); }
.muted { color: var(--muted); }
.state-delivered { color: var(--good); }
.state-discarded, .state-expired, .state-cancelled, .state-failed { color: var(--bad); }
.state-paused, .state-retrying, .state-pending { color: var(--warn); }
pre { background: var(--bg); padding: .5rem; overflow-x: auto; font-size: .85rem; }
ol.timeline { list-style: none; padding-left: 0; border-left: 3px solid var(--line); }
ol.timeline li { padding: .2rem .6rem; }
progress { width: 24rem; height: 1.2rem; }
.filters { display: flex; gap: .6rem; flex-wrap: wrap; align-items: end; margin: .5rem 0; }
`;
