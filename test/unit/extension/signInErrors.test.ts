import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { describeFailure } from '../../../src/core/errorView';
import { adviceForSignInError, forbiddenAdvice, tenantOfToken, wrongTenantAdvice } from '../../../src/core/signInErrors';

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

const HOME = '11111111-2222-4333-8444-555555555555';
const RESOURCE = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const jwt = (claims: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

describe('guest accounts (B2B) and the wrong tenant', () => {
  it('AADSTS50020 / 90072 / 50034: not a guest of that tenant; says to get invited or set Tenant Id', () => {
    const messages = [
      "AADSTS50020: User account 'guest@fabrikam.com' from identity provider 'https://sts.windows.net/" + HOME + "/' does not exist in tenant 'Contoso' and cannot access the application.",
      "AADSTS90072: User account 'guest@fabrikam.com' from identity provider 'https://sts.windows.net/" + HOME + "/' does not exist in tenant 'Contoso'. The account needs to be added as an external user in the tenant first.",
      "AADSTS50034: The user account guest@fabrikam.com does not exist in the contoso.com directory.",
    ];
    for (const m of messages) {
      const advice = adviceForSignInError(new Error(m));
      assert.ok(advice, m);
      assert.match(advice.message, /not a member or guest of the tenant/);
      assert.match(advice.message, /invite you as a guest/);
      assert.match(advice.message, /Auth: Tenant Id/);
      assert.equal(advice.showSetupGuide, true);
    }
  });

  it('AADSTS700016 tells a guest to use the tenant where the app is registered', () => {
    const advice = adviceForSignInError(new Error("AADSTS700016: Application with identifier 'x' was not found in the directory 'Fabrikam'."));
    assert.match(advice?.message ?? '', /where you are a guest, set Tenant Id/);
  });

  it('a 403 mentions the guest case', () => {
    assert.match(forbiddenAdvice().message, /guest account.*Tenant Id/i);
  });

  it('reads tid from a token; opaque or odd tokens have none', () => {
    assert.equal(tenantOfToken(jwt({ tid: HOME })), HOME);
    assert.equal(tenantOfToken('opaque-token'), undefined);
    assert.equal(tenantOfToken(jwt({ tid: 42 })), undefined);
    assert.equal(tenantOfToken(jwt({ tid: 'not-a-guid' })), undefined);
    assert.equal(tenantOfToken('a.%%%.b'), undefined);
  });

  it('a token for the home tenant while another tenant is configured is refused with what to do', () => {
    const advice = wrongTenantAdvice(RESOURCE, jwt({ tid: HOME }), 'guest@fabrikam.com');
    assert.ok(advice);
    assert.match(advice.message, new RegExp(`token for tenant ${HOME}, not for the configured tenant ${RESOURCE}`));
    assert.match(advice.message, /guest@fabrikam\.com/);
    assert.match(advice.message, /nothing is sent/);
    assert.match(advice.message, /Auth: Tenant Id/);
  });

  it('no complaint when the tenants match (any case), or nothing can be compared', () => {
    assert.equal(wrongTenantAdvice(RESOURCE.toUpperCase(), jwt({ tid: RESOURCE }), 'a'), undefined);
    assert.equal(wrongTenantAdvice('organizations', jwt({ tid: HOME }), 'a'), undefined);
    assert.equal(wrongTenantAdvice('contoso.onmicrosoft.com', jwt({ tid: HOME }), 'a'), undefined);
    assert.equal(wrongTenantAdvice(RESOURCE, 'opaque-token', 'a'), undefined);
  });

  it('is translatable: with a bundle given to @vscode/l10n (as the extension does at activation) the advice is in that language, arguments filled in', () => {
    const template =
      'The sign-in of {0} returned a token for tenant {1}, not for the configured tenant {2} ' +
      '("Security Copilot › Auth: Tenant Id"), so nothing is sent with it. A guest account gets its home tenant\'s ' +
      'token when the sign-in does not ask for the other organization: check Tenant Id, then sign in again (sign ' +
      'out of the account in the Accounts menu first if the same token comes back).';
    const bundle = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../l10n/bundle.l10n.json'), 'utf8')) as Record<string, string>;
    assert.ok(bundle[template], 'the message is in the English bundle translators start from');
    l10n.config({ contents: { [template]: 'Die Anmeldung von {0} lieferte ein Token für den Mandanten {1} statt {2}.', 'Cancelled.': 'Abgebrochen.' } });
    try {
      assert.equal(wrongTenantAdvice(RESOURCE, jwt({ tid: HOME }), 'guest@fabrikam.com')?.message, `Die Anmeldung von guest@fabrikam.com lieferte ein Token für den Mandanten ${HOME} statt ${RESOURCE}.`);
      assert.equal(describeFailure(new Error('x'), () => true).message, 'Abgebrochen.');
    } finally {
      l10n.config({ contents: {} });
    }
    assert.equal(describeFailure(new Error('x'), () => true).message, 'Cancelled.');
  });
});
