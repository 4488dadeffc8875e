import { describeScopedToken } from '../../support/admin-scope.js';
import { startTestGateway } from '../../support/gateway.js';

describeScopedToken('a token scoped to organization A', async (config) => {
  const gateway = await startTestGateway(config);
  return { url: gateway.url as string, stop: () => gateway.cleanup() };
});
