// CPU profile summaries for `npm run bench -- --profile` (plain Node; used in the extension host and the bench).
'use strict';
const path = require('node:path');

/**
 * Self time by function (name file:line) of the samples taken between two times on the profile's clock
 * (monotonic microseconds), most first; the first line is the total sampled and the share spent in GC.
 */
function selfTime(profile, fromUs, toUs, top = 15) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFn = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const f = nodes.get(profile.samples[i]).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url || '') || '(native)'}:${f.lineNumber + 1}`;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    total += ms;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  const idle = byFn.get('(idle) (native):0') ?? 0;
  const sorted = [...byFn].filter(([k]) => k !== '(idle) (native):0').sort((a, b) => b[1] - a[1]);
  return [`${total.toFixed(1)} ms sampled, ${(total - idle).toFixed(1)} ms busy`, ...sorted.slice(0, top).map(([k, ms]) => `${ms.toFixed(2)} ms ${k}`)];
}

/** Self time by bundle file (dist/extension.js, the workbench's own code, (garbage collector), ...) in the stretch. */
function selfTimeByFile(profile, fromUs, toUs) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFile = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const f = nodes.get(profile.samples[i]).callFrame;
    const key = f.url ? path.basename(f.url) : f.functionName || '(native)';
    byFile.set(key, (byFile.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...byFile].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, ms]) => `${ms.toFixed(1)} ms ${k}`);
}

module.exports = { selfTime, selfTimeByFile };
