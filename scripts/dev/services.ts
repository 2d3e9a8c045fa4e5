// The services the local front routes to, each run by its own `serverless offline`. A new service
// plugs into `npm start` by adding one entry here.

export interface LocalService {
  /** Shown as the log prefix and in .dev/endpoints.json. */
  name: string;
  /** Folder of its serverless.yml, relative to the repo root. */
  folder: string;
  /** Preferred ports; another free port is used when one is taken. */
  httpPort: number;
  lambdaPort: number;
  /** Path prefixes the front sends to this service (`/products` also matches `/products/...`). */
  routes: string[];
  /** Answers once the service is up; start waits for it. Any status below 500 counts. */
  healthPath: string;
  /**
   * Cognito triggers this service provides, as Lambda function names: serverless-offline names
   * functions `<service>-<stage>-<function>` (stage `local`) and serves them on its Lambda port,
   * where cognito-local invokes them.
   */
  cognitoTriggers?: {
    PreSignUp: string;
    PostConfirmation: string;
    PreTokenGeneration: string;
  };
}

export const LOCAL_SERVICES: readonly LocalService[] = [
  {
    name: 'catalog',
    folder: 'services/catalog',
    httpPort: 3101,
    lambdaPort: 3201,
    routes: ['/products', '/health'],
    healthPath: '/health',
  },
  {
    name: 'auth-hooks',
    folder: 'services/auth-hooks',
    httpPort: 3102,
    lambdaPort: 3202,
    routes: ['/me'],
    // No token: the function itself answers 401, which proves it is built and routed.
    healthPath: '/me',
    cognitoTriggers: {
      PreSignUp: 'shop-auth-hooks-local-preSignUp',
      PostConfirmation: 'shop-auth-hooks-local-postConfirmation',
      PreTokenGeneration: 'shop-auth-hooks-local-preTokenGeneration',
    },
  },
  {
    name: 'orders',
    folder: 'services/orders',
    httpPort: 3103,
    lambdaPort: 3203,
    routes: ['/orders'],
    // No token: the function itself answers 401, which proves it is built and routed.
    healthPath: '/orders',
  },
];
