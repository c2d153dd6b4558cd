// The user settings.json of the run's workbench (its user data folder, $SC_E2E_RUN_DIR/udd): VS Code picks up a
// change to the file by itself, as when the user edits it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

function settingsFile(): string {
  const runDir = process.env.SC_E2E_RUN_DIR;
  assert.ok(runDir, 'SC_E2E_RUN_DIR is not set: run through scripts/host/runE2E.js');
  return path.join(runDir, 'udd', 'User', 'settings.json');
}

/** What the user settings file holds now. */
export function readUserSettings(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
}

/** Sets user settings (an undefined value removes the key). */
export function setUserSettings(values: Record<string, unknown>): void {
  const settings = readUserSettings();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete settings[key];
    else settings[key] = value;
  }
  fs.writeFileSync(settingsFile(), JSON.stringify(settings, null, 2));
}
