import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The signed-in caller, taken from the Cognito ID token claims that API Gateway verified. */
export interface Principal {
  readonly sub: string;
  readonly email: string | undefined;
  readonly groups: readonly string[];
}

/**
 * Reads `cognito:groups` in every shape it arrives in: a JSON array (serverless-offline), a
 * comma-separated string, or `"[admin customer]"` (API Gateway REST turns every claim into a string).
 * Anything else, or an empty value, means no groups.
 */
export const parseGroupsClaim = (raw: unknown): string[] => {
  if (Array.isArray(raw)) {
    return unique(raw.filter((group): group is string => typeof group === 'string').flatMap(splitGroups));
  }
  if (typeof raw !== 'string') {
    return [];
  }
  const text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    // A JSON-encoded array is also a bracketed list; only the quotes differ.
    return parseGroupsClaim(parseJsonArray(text) ?? splitGroups(text.slice(1, -1)));
  }
  return unique(splitGroups(text));
};

/** The caller of an API Gateway REST request, or `null` when no verified token came with it. */
export const principalFromEvent = (event: APIGatewayProxyEvent): Principal | null => {
  const claims: unknown = event.requestContext?.authorizer?.claims;
  if (typeof claims !== 'object' || claims === null) {
    return null;
  }
  const { sub, email } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.trim() === '') {
    return null;
  }
  return Object.freeze({
    sub,
    email: typeof email === 'string' && email !== '' ? email : undefined,
    groups: Object.freeze(parseGroupsClaim((claims as Record<string, unknown>)['cognito:groups'])),
  });
};

// Cognito group names cannot contain whitespace, so whitespace and commas both separate groups.
const splitGroups = (text: string): string[] => text.split(/[\s,]+/).filter((group) => group !== '');

const unique = (groups: string[]): string[] => [...new Set(groups)];

const parseJsonArray = (text: string): unknown[] | undefined => {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};
