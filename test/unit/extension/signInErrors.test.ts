import * as assert from 'node:assert/strict';
import { adviceForSignInError } from '../../../src/core/signInErrors';

describe('sign-in failure advice', () => {
  it('explains each known AADSTS failure and points at the setup guide', () => {
    const cases: [string, RegExp][] = [
      ['AADSTS65002: Consent between first party application and first party resource must be configured via preauthorization', /own app/],
      ['AADSTS50011: The redirect URI specified in the request does not match', /redirect URI/],
      ['AADSTS7000218: The request body must contain the following parameter: client_assertion or client_secret', /public client flows/],
      ['invalid_client: AADSTS7000215: Invalid client secret provided.', /secret's Value/],
      ['AADSTS700016: Application with identifier was not found in the directory', /no app with this client id/],
      ['AADSTS700027: Client assertion contains an invalid signature.', /certificate does not match/],
      ["AADSTS90002: Tenant 'organizations' not found.", /tenant not found/],
    ];
    for (const [message, expected] of cases) {
      const advice = adviceForSignInError(new Error(message));
      assert.ok(advice, message);
      assert.match(advice.message, expected);
      assert.equal(advice.showSetupGuide, true);
    }
  });

  it('returns nothing for errors it does not know', () => {
    assert.equal(adviceForSignInError(new Error('User did not consent to login.')), undefined);
    assert.equal(adviceForSignInError('network down'), undefined);
  });
});
