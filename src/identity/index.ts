// Entry of dist/identity.js: the `@azure/identity` sign-in methods, loaded at run time only when one is chosen.
export { createSignIn } from './credentials';
