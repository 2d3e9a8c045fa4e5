// Integration tests run each service's code as that service's database user (migration
// 2026-11-27T0006_service_users), so a missing grant fails a test here instead of a deploy. The
// test server's admin signs in and the connection switches role at start-up (`-c role=...`);
// fixtures and resets keep using the admin connection.

/** `databaseUrl` acting as service user `user` (catalog, orders, auth_hooks, inventory, notifier). */
export const asServiceUser = (databaseUrl: string, user: string): string => {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c role=${user}`);
  return url.toString();
};
