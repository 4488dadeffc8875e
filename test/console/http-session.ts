import { expect } from 'vitest';
import { ADMIN, EDITOR } from '../support/admin.js';
import { ORG, organization, startTestGateway, type TestGateway } from '../support/gateway.js';
import { csrfOf, sessionCookie } from './stand-in-api.js';

/** The console's sign-in form posted with this token over HTTP, as a browser would: the answer as it came. */
export async function postSignIn(url: string, token: string): Promise<Response> {
  const page = await fetch(`${url}/console/sign-in`);
  return fetch(`${url}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      cookie: sessionCookie(page),
      origin: url,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: csrfOf(await page.text()), token }).toString(),
  });
}

/** A signed-in session's cookie. */
export async function signIn(url: string, token: string): Promise<string> {
  const answer = await postSignIn(url, token);
  expect(answer.status).toBe(303);
  return sessionCookie(answer);
}

/** A console form posted from this origin with the session's cookie. */
export function postForm(url: string, path: string, cookie: string, form: Record<string, string>) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, origin: url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

/** The real gateway for the console's HTTP tests: ADMIN and EDITOR tokens, one organization of one webhook. */
export const CONSOLE_ENDPOINT = 'http://127.0.0.1:9/hook';
export const consoleGateway = (): Promise<TestGateway> =>
  startTestGateway({
    adminTokens: [ADMIN, EDITOR],
    organizations: [organization(ORG, [{ endpoint: CONSOLE_ENDPOINT }])],
  });
