// The browser end-to-end harness: import everything from here in test/e2e/**/*.e2e.ts.
export * from './browser';
export * from './ui';
export * from './emulator';
export * from './settings';
