// The emulator control client of the browser suites (shared with the in-host suites: test/support).
export { EmulatorControl, emulator } from '../../support/emulatorControl';
