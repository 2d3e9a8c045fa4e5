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
  /**
   * Path prefixes the front sends to this service (`/products` also matches `/products/...`).
   * None for a service without HTTP events (serverless-offline then starts only its Lambda port).
   */
  routes?: string[];
  /**
   * Answers once the service is up; start waits for it. Any status below 500 counts. Without it,
   * start waits for the Lambda port instead (it answers once the functions are built).
   */
  healthPath?: string;
  /**
   * Functions fed by an event source mapping that serverless-offline 14 cannot emulate; start runs
   * the mapping in-process and invokes them on the Lambda port (names `<service>-local-<function>`):
   * `stockEvents` consumes the Kinesis stream (stream-consumer.ts), `stockAlerts` the queue
   * subscribed to the SNS topic (local-queue.ts).
   */
  eventSources?: {
    stockEvents?: string;
    stockAlerts?: string;
  };
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
  {
    name: 'inventory-stream',
    folder: 'services/inventory-stream',
    httpPort: 3104,
    lambdaPort: 3204,
    eventSources: { stockEvents: 'shop-inventory-stream-local-processStockEvents' },
  },
  {
    name: 'notifier',
    folder: 'services/notifier',
    httpPort: 3105,
    lambdaPort: 3205,
    eventSources: { stockAlerts: 'shop-notifier-local-sendStockAlerts' },
  },
];
