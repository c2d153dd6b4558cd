// The `scale` stage of `npm run bench` (called by scripts/bench.js): what a large account costs.
//   memory.panels20.mb            extension host heap (after GC) before vs after opening and closing 20 panels
//   memory.sessions10k.mb         extension host heap growth for a tree of 10,000 sessions
//   list.10k.loadMore.ratio       Refresh + Load more ×99 through the tree vs plain fetch of the same 100 pages
//   list.10k.longestTask.ms       the longest extension-host task while the tree paged through 10,000 sessions
//   render.1000.ms, .domNodes     a 1,000-prompt session in the real panel: last Graph response to the panel's
//                                 last DOM change; elements in the panel document
// The host figures come from scripts/bench/scaleProbe.js inside the real extension host; the render figures from
// the real workbench in headless Chromium (test/bench/ui.ts). Nothing is asserted: a missed target is a MISS.
'use strict';
const path = require('node:path');

/**
 * @param {object} b what bench.js lends the stage: host (startHost's), runs, figure(), missing(), hostProbe(),
 *   log, timed, onCleanup, OUT (compiled tests), ROOT, median(), profile (--profile)
 */
/** perf_hooks' GC kinds (NODE_PERFORMANCE_GC_*). */
function gcKind(kind) {
  const names = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental marking', 8: 'weak callbacks' };
  return names[kind] ? `, ${names[kind]}` : '';
}

async function stageScale(b) {
  const { host, figure, missing, log, timed, median } = b;

  // ---- extension host: panels, 10,000 sessions
  let probe;
  try {
    await host.control.reset();
    // --profile: a CPU profile of the paging (the profiler's own cost makes that run's figures a little worse).
    const profileFile = path.join(b.ROOT, 'bench', 'sessions10k.cpuprofile');
    const env = b.profile ? { SC_BENCH_PROFILE: profileFile } : {};
    probe = await timed(log, 'scale probe in the extension host (10,000 sessions, 20 panels)', () => b.hostProbe(host, ['sessions10k', 'panels'], 600_000, env, 'scaleProbe.js'));
    if (b.profile) log(`CPU profile of the extension host while paging 10,000 sessions: ${path.relative(b.ROOT, profileFile)}`);
    for (const task of probe.sessions10k?.busyStretches ?? []) log(`busy stretch at ${Math.round(task.atMs)} ms of the profile: ${task.ms.toFixed(1)} ms with no idle; most self time: ${task.self.join('; ')}`);
  } catch (e) {
    probe = { error: e.message };
  }
  const why = probe.error ? probe.error.split('\n')[0] : 'no probe result';
  if (probe.panels) {
    const p = probe.panels;
    figure('memory.panels20.mb', Math.abs(p.medianMb), 'MB', ['<=', 5], undefined,
      `heap after 20 panels opened+closed vs before (after GC); rounds ${p.deltasMb.map((d) => d.toFixed(1)).join(', ')}${p.unloaded ? `; ${p.unloaded} panel(s) never loaded their answers` : ''}`);
  } else missing('memory.panels20.mb', 'MB', '≤ 5', why);
  if (probe.sessions10k) {
    const s = probe.sessions10k;
    const note = `${s.sessions} sessions in ${s.pages} pages`;
    figure('memory.sessions10k.mb', s.heapDeltaMb, 'MB', ['<', 20], undefined, `extension host heap growth (after GC) for ${note} in the tree (target ours: 2 KB a session)`);
    figure('list.10k.loadMore.ratio', s.treeMs / s.rawMs, '×', ['<', 1.15], undefined, `tree Refresh + Load more ×${s.pages - 1} (${Math.round(s.treeMs)} ms) vs plain fetch (${Math.round(s.rawMs)} ms), loopback, n=1`);
    figure('list.10k.longestTask.ms', s.longestTaskMs, 'ms', ['<=', 50], undefined, `longest extension-host event-loop stall while paging (1 ms timer; p99 delay ${s.loopDelayP99Ms.toFixed(1)} ms; ${s.gcCount ?? 0} GCs, ${Math.round(s.gcTotalMs ?? 0)} ms in all, longest ${Math.round(s.gcLongestMs ?? 0)} ms${gcKind(s.gcLongestKind)})`);
  } else {
    for (const [name, unit, target] of [['memory.sessions10k.mb', 'MB', '< 20'], ['list.10k.loadMore.ratio', '×', '< 1.15'], ['list.10k.longestTask.ms', 'ms', '≤ 50']]) missing(name, unit, target, why);
  }

  // ---- the real panel: a 1,000-prompt session
  const ui = require(path.join(b.OUT, 'test', 'bench', 'ui'));
  const name = 'Bench render 1000';
  let bench;
  try {
    await host.control.reset();
    await host.control.configure({ latencyMs: 0, pageSize: 100, evaluation: { createdMs: 0, runningMs: 0 } });
    await host.control.seed({ sessions: 1, promptsPerSession: 1000, displayName: name });
    bench = await timed(log, 'opening the workbench (scale)', () => ui.openBench(host.url([])));
    await ui.signIn(bench);
    const renders = [];
    for (let i = 0; i < Math.min(b.runs, 2); i++) {
      renders.push(await timed(log, `open 1000-prompt session ${i + 1}`, () => ui.openSession(bench, name, 1000, 180_000)));
    }
    // The panel may have nothing left to change after the last response (answers of prompts off screen): 0.
    figure('render.1000.ms', median(renders.map((r) => Math.max(0, r.settledAfterDataMs))), 'ms', ['<=', 1000], undefined,
      `last Graph response to the panel's last DOM change (target ours); pick to first screen ${Math.round(median(renders.map((r) => r.firstScreenMs)))} ms, newest in view: ${renders.every((r) => r.newestOnFirstScreen) ? 'yes' : 'NO'}`);
    figure('render.1000.domNodes', median(renders.map((r) => r.nodes)), 'elements', ['<=', 5000], undefined,
      `elements in the panel document, ${median(renders.map((r) => r.articles))} of 1000 prompts rendered (target ours: a few screens)`);
  } catch (e) {
    log(`render.1000: FAILED: ${e.message}`);
    missing('render.1000.ms', 'ms', '≤ 1000', e.message.split('\n')[0]);
    missing('render.1000.domNodes', 'elements', '≤ 5000', e.message.split('\n')[0]);
  } finally {
    await bench?.close().catch(() => undefined);
  }
}

module.exports = { stageScale };
