// What the user reads about a Conditional Access claims challenge (src/core/claims.ts, no vscode).
import * as assert from 'node:assert/strict';
import { describeClaimsChallenge, describeUnsatisfiedClaims, requestedContexts, sameClaims } from '../../../src/core/claims';

const C1 = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

describe('Conditional Access claims (core)', () => {
  it('names the authentication contexts asked for (value or values), and stays generic for other claims', () => {
    assert.deepEqual(requestedContexts(C1), ['c1']);
    assert.deepEqual(requestedContexts('{"access_token":{"acrs":{"essential":true,"values":["c2","c3"]}}}'), ['c2', 'c3']);
    assert.deepEqual(requestedContexts('{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'), []);
    assert.deepEqual(requestedContexts('not json'), []);
    assert.match(describeClaimsChallenge(C1), /additional sign-in step \(authentication context c1\), such as multi-factor authentication/);
    assert.match(describeClaimsChallenge('{}'), /^Your organization's Conditional Access policy asks for an additional sign-in step, such as/);
  });

  it('compares claims as JSON values: key order and spacing do not matter', () => {
    assert.ok(sameClaims(C1, '{ "access_token": { "acrs": { "value": "c1", "essential": true } } }'));
    assert.ok(!sameClaims(C1, C1.replace('c1', 'c2')));
    assert.ok(!sameClaims(C1, undefined));
    assert.ok(sameClaims(undefined, undefined));
  });

  it('a sign-in that did not satisfy the claims says why, and what to do instead of signing in the same way again', () => {
    const policy = describeUnsatisfiedClaims({ claims: C1 });
    assert.match(policy, /You signed in again, but Microsoft Graph still asks for an additional sign-in step \(authentication context c1\)/);
    assert.match(policy, /Ask your administrator/);
    const provider = describeUnsatisfiedClaims({ claims: C1, notPassed: { providerId: 'some-provider' } });
    assert.match(provider, /sign-in provider "some-provider" does not accept Conditional Access claims/);
    assert.match(provider, /securityCopilot\.auth\.providerId "microsoft"/);
  });
});
