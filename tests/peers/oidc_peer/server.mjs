// A loopback OpenID Provider for idspine's msal tests: panva's oidc-provider mounted at /acme on a
// Koa app, served over TLS with a self-signed certificate. Run from the peer cache directory (so its
// node_modules resolve). Settings come from the environment:
//   OIDC_PORT, OIDC_CERT, OIDC_KEY, OIDC_CLIENT_ID and OIDC_SECRET (the confidential client), and
//   OIDC_PKJWT_JWKS: the public JWK Set of "idspine-pkjwt", made by the harness at test time.
// Clients: OIDC_CLIENT_ID (client credentials), "idspine-post" (client credentials with the same secret,
// registered for client_secret_post, an id that is not a GUID), "idspine-cli" (public, device code + refresh
// tokens), "idspine-native" (public, native: authorization code + PKCE on a loopback redirect
// http://localhost:<any port>, and device code — but its device code sign-ins are refused the way a
// Conditional Access policy blocking the device code flow refuses them in Entra: the token request answers
// invalid_grant with AADSTS53003, see refuseDeviceCode below), "idspine-pkjwt" (client credentials with
// private_key_jwt: a client assertion signed by the key whose public half is OIDC_PKJWT_JWKS). oidc-provider
// accepts a secret as HTTP Basic or in the form for either confidential client.
import fs from 'node:fs';
import https from 'node:https';
import Koa from 'koa';
import mount from 'koa-mount';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `https://localhost:${port}/acme`;
const resource = 'https://api.idspine.test';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'api:read',
    },
    {
      client_id: 'idspine-post',
      client_secret: process.env.OIDC_SECRET,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'api:read',
    },
    {
      client_id: 'idspine-pkjwt',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: JSON.parse(process.env.OIDC_PKJWT_JWKS),
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'api:read',
    },
    {
      client_id: 'idspine-cli',
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      redirect_uris: [],
      response_types: [],
    },
    {
      client_id: 'idspine-native',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      redirect_uris: ['http://localhost'],
      response_types: ['code'],
    },
  ],
  scopes: ['openid', 'offline_access', 'profile', 'api:read'],
  features: {
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api:read', accessTokenFormat: 'jwt' }),
    },
  },
  issueRefreshToken: async () => true,
});

// Entra answers a device code sign-in that a Conditional Access policy blocks with an error whose description
// starts with AADSTS53003 (BlockedByConditionalAccess, in Microsoft's "Microsoft Entra authentication and
// authorization error codes" reference). For idspine-native the token issued at the end of a device code
// sign-in is replaced by that refusal, so idspine's fallback to the browser can be tested for real.
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
provider.use(async (ctx, next) => {
  await next();
  const oidc = ctx.oidc;
  if (ctx.status === 200 && oidc && oidc.route === 'token' && oidc.client
      && oidc.client.clientId === 'idspine-native' && oidc.params && oidc.params.grant_type === DEVICE_GRANT) {
    ctx.status = 400;
    ctx.body = {
      error: 'invalid_grant',
      error_description: 'AADSTS53003: Access has been blocked by Conditional Access policies. '
        + 'The access policy does not allow token issuance.',
      error_codes: [53003],
    };
  }
});

const app = new Koa();
app.use(mount('/acme', provider));
const server = https.createServer(
  { key: fs.readFileSync(process.env.OIDC_KEY), cert: fs.readFileSync(process.env.OIDC_CERT) },
  app.callback(),
);
server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
