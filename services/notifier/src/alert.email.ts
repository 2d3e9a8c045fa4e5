// The emails a stock alert sends, as pure functions of the alert: no I/O, no configuration beyond
// the storefront's URL. Everything that comes from data (name, sku, ids) is escaped in the HTML
// body and flattened to one line in the subject.
import type { StockAlert, StockAlertType } from '@shop/domain';

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Who reads an alert type's email: the shop's admins, or the customers who subscribed. */
export const AUDIENCE: Readonly<Record<StockAlertType, 'admins' | 'subscribers'>> = Object.freeze({
  LowStock: 'admins',
  OutOfStock: 'admins',
  BackInStock: 'subscribers',
});

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an HTML element or a quoted attribute value. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

// Control characters (a newline in a product name) never reach a Subject header.
const oneLine = (value: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

/** `<storefront>/products/<id>`; the id is a UUID, encoded anyway. */
export const productUrl = (storefrontUrl: string, productId: string): string =>
  `${storefrontUrl.replace(/\/+$/, '')}/products/${encodeURIComponent(productId)}`;

interface Content {
  readonly subject: string;
  readonly heading: string;
  /** Sentences of plain text; each becomes a paragraph. */
  readonly paragraphs: readonly string[];
  readonly linkLabel: string;
  /** Label/value rows shown under the paragraphs. */
  readonly facts: ReadonlyArray<readonly [string, string]>;
  readonly footer: string;
}

const adminFacts = (alert: StockAlert): ReadonlyArray<readonly [string, string]> => [
  ['Product', alert.name],
  ['SKU', alert.sku],
  ['Stock', String(alert.stock)],
  ['Low-stock threshold', String(alert.threshold)],
  ['Alert', `${alert.id} at ${alert.occurredAt}`],
  ['Correlation id', alert.correlationId],
];

const ADMIN_FOOTER = 'You receive stock alerts as an administrator of the shop.';

const contentFor = (alert: StockAlert): Content => {
  const name = oneLine(alert.name);
  const sku = oneLine(alert.sku);
  switch (alert.type) {
    case 'LowStock':
      return {
        subject: `Low stock: ${name} (${sku}) is down to ${alert.stock}`,
        heading: 'Low stock',
        paragraphs: [
          `Stock of ${name} (SKU ${sku}) is down to ${alert.stock}, at or below its low-stock threshold of ${alert.threshold}.`,
        ],
        linkLabel: 'Open the product',
        facts: adminFacts(alert),
        footer: ADMIN_FOOTER,
      };
    case 'OutOfStock':
      return {
        subject: `Out of stock: ${name} (${sku})`,
        heading: 'Out of stock',
        paragraphs: [
          `${name} (SKU ${sku}) is out of stock: ${alert.stock} left (low-stock threshold ${alert.threshold}). Customers cannot order it until it is restocked.`,
        ],
        linkLabel: 'Open the product',
        facts: adminFacts(alert),
        footer: ADMIN_FOOTER,
      };
    case 'BackInStock':
      // Customers see the product and what is available, not the shop's internal threshold.
      return {
        subject: `Back in stock: ${name}`,
        heading: 'Back in stock',
        paragraphs: [
          `Good news: ${name} is back in stock, with ${alert.stock} available.`,
          'Stock can run out again quickly.',
        ],
        linkLabel: 'See the product',
        facts: [
          ['Product', alert.name],
          ['SKU', alert.sku],
          ['Available', String(alert.stock)],
        ],
        footer:
          'You asked to be told when this product was back in stock. This was a one-time notice: ask again on the product page to hear about the next restock.',
      };
  }
};

/** Subject, plain-text body and HTML body of the email an alert sends. */
export const renderAlertEmail = (alert: StockAlert, storefrontUrl: string): RenderedEmail => {
  const content = contentFor(alert);
  const link = productUrl(storefrontUrl, alert.productId);

  const text = [
    ...content.paragraphs,
    '',
    ...content.facts.map(([label, value]) => `${label}: ${oneLine(value)}`),
    '',
    `${content.linkLabel}: ${link}`,
    '',
    '--',
    content.footer,
    '',
  ].join('\n');

  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1a1a1a;">
<h1 style="font-size: 20px;">${escapeHtml(content.heading)}</h1>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<table role="presentation" style="border-collapse: collapse;">
${content.facts
  .map(
    ([label, value]) =>
      `<tr><th scope="row" style="text-align: left; padding: 2px 12px 2px 0;">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
  )
  .join('\n')}
</table>
<p><a href="${escapeHtml(link)}">${escapeHtml(content.linkLabel)}</a></p>
<p style="font-size: 12px; color: #666666;">${escapeHtml(content.footer)}</p>
</body>
</html>
`;

  return Object.freeze({ subject: content.subject, text, html });
};
