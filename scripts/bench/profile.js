// CPU profile summaries for `npm run bench -- --profile` (plain Node; used in the extension host and the bench).
'use strict';
const path = require('node:path');

/** Calls `each(callFrame, ms)` for every sample taken between two times on the profile's clock (monotonic µs). */
function eachSample(profile, fromUs, toUs, each) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t >= fromUs && t <= toUs) each(nodes.get(profile.samples[i]).callFrame, (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
}

/** Adds `ms` to `key` in `map`. */
const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);

/**
 * Self time by function (name file:line) of the samples in the stretch, most first; the first line is the time
 * sampled and how much of it was not idle.
 */
function selfTime(profile, fromUs, toUs, top = 15) {
  const byFn = new Map();
  let total = 0;
  eachSample(profile, fromUs, toUs, (f, ms) => {
    total += ms;
    add(byFn, `${f.functionName || '(anonymous)'} ${path.basename(f.url || '') || '(native)'}:${f.lineNumber + 1}`, ms);
  });
  const idle = byFn.get('(idle) (native):0') ?? 0;
  const sorted = [...byFn].filter(([k]) => k !== '(idle) (native):0').sort((a, b) => b[1] - a[1]);
  return [`${total.toFixed(1)} ms sampled, ${(total - idle).toFixed(1)} ms busy`, ...sorted.slice(0, top).map(([k, ms]) => `${ms.toFixed(2)} ms ${k}`)];
}

/** Self time by bundle file (dist/extension.js, the workbench's own code, (garbage collector), ...) in the stretch. */
function selfTimeByFile(profile, fromUs, toUs) {
  const byFile = new Map();
  eachSample(profile, fromUs, toUs, (f, ms) => add(byFile, f.url ? path.basename(f.url) : f.functionName || '(native)', ms));
  return [...byFile].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, ms]) => `${ms.toFixed(1)} ms ${k}`);
}

module.exports = { selfTime, selfTimeByFile };
