// The notifier's composition root. Built once per cold start and reused by warm invocations; each
// piece is created on first use.
import { createDb } from '@shop/db';
import { lazy } from '@shop/lambda-kit';
import { type AlertService, createAlertService } from './alert.service';
import { loadNotifierConfig } from './config';
import { createSesClient, createSesEmailSender } from './email.sender';

/** Read once per cold start, validated and frozen; a missing variable fails fast. */
export const notifierConfig = /* @__PURE__ */ lazy(() => loadNotifierConfig());

/** The service the handler uses by default; tests pass their own. */
export const alertService = /* @__PURE__ */ lazy((): AlertService => {
  const config = notifierConfig();
  return createAlertService({
    // Two connections: one holds the alert's lock, the other records deliveries.
    db: createDb(config.database, { max: 2 }),
    sender: createSesEmailSender(createSesClient({ region: config.region, endpoint: config.sesEndpoint }), {
      from: config.mailFrom,
      configurationSet: config.sesConfigurationSet,
    }),
    adminRecipients: config.adminRecipients,
    storefrontUrl: config.storefrontUrl,
  });
});
