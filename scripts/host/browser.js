// Launches Debian's chromium through playwright-core (headless, no GPU, no network side traffic).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { paths, CHROMIUM_ARGS, HarnessError } = require('./lib');

async function launchChromium() {
  if (!fs.existsSync(paths.chromium)) {
    throw new HarnessError(`no browser at ${paths.chromium}. Install it with \`node scripts/host/provision.js\` ` +
      '(installs Debian\'s chromium; needs root and apt) or point SC_CHROMIUM at a Chromium binary.');
  }
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    throw new HarnessError('playwright-core is not installed: run `npm ci`');
  }
  return chromium.launch({ executablePath: paths.chromium, headless: true, args: [...CHROMIUM_ARGS], env: browserEnv() });
}

/** Chromium keeps its crash database under $XDG_CONFIG_HOME/chromium whatever the profile: keep it in the cache. */
function browserEnv() {
  const env = { ...process.env };
  for (const [k, d] of [['XDG_CONFIG_HOME', 'config'], ['XDG_CACHE_HOME', 'cache']]) {
    env[k] = path.join(paths.xdg, d);
    fs.mkdirSync(env[k], { recursive: true });
  }
  return env;
}

module.exports = { launchChromium, browserEnv };
