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
  /** Answers once the service is up; start waits for it. */
  healthPath: string;
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
];
