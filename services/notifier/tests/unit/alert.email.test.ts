import { describe, expect, it } from 'vitest';
import { escapeHtml, productUrl, renderAlertEmail } from '../../src/alert.email';
import { alertOf } from '../support/events';

const STOREFRONT = 'https://shop.example.com';

describe('renderAlertEmail', () => {
  it('tells admins about low stock with name, sku, stock, threshold and a product link in both bodies', () => {
    const alert = alertOf({
      type: 'LowStock',
      name: 'Red T-shirt',
      sku: 'TSHIRT-RED-M',
      stock: 3,
      threshold: 5,
    });

    const email = renderAlertEmail(alert, STOREFRONT);

    expect(email.subject).toBe('Low stock: Red T-shirt (TSHIRT-RED-M) is down to 3');
    const link = `${STOREFRONT}/products/${alert.productId}`;
    for (const body of [email.text, email.html]) {
      expect(body).toContain('Red T-shirt');
      expect(body).toContain('TSHIRT-RED-M');
      expect(body).toContain('low-stock threshold of 5');
      expect(body).toContain(link);
      expect(body).toContain(alert.id);
    }
    expect(email.html).toContain(`<a href="${link}">`);
  });

  it('tells admins a product is out of stock', () => {
    const email = renderAlertEmail(alertOf({ type: 'OutOfStock', stock: 0, threshold: 4 }), STOREFRONT);

    expect(email.subject).toBe('Out of stock: Red T-shirt (TSHIRT-RED-M)');
    expect(email.text).toContain('is out of stock: 0 left (low-stock threshold 4)');
    expect(email.html).toContain('<h1 style="font-size: 20px;">Out of stock</h1>');
  });

  it('tells subscribers a product is back, without the internal threshold', () => {
    const alert = alertOf({ type: 'BackInStock', stock: 12, threshold: 5 });

    const email = renderAlertEmail(alert, `${STOREFRONT}/`);

    expect(email.subject).toBe('Back in stock: Red T-shirt');
    expect(email.text).toContain('back in stock, with 12 available');
    expect(email.text).toContain('SKU: TSHIRT-RED-M');
    expect(email.text).toContain(`${STOREFRONT}/products/${alert.productId}`);
    expect(email.text).not.toMatch(/threshold/i);
    expect(email.html).not.toMatch(/threshold/i);
    expect(email.html).toContain('one-time notice');
  });

  it('returns a subject, a text body and an HTML body for every alert type', () => {
    for (const type of ['LowStock', 'OutOfStock', 'BackInStock'] as const) {
      const email = renderAlertEmail(alertOf({ type }), STOREFRONT);
      expect(email.subject.length).toBeGreaterThan(0);
      expect(email.text).not.toContain('<');
      expect(email.html.startsWith('<!doctype html>')).toBe(true);
    }
  });

  it('escapes markup from the data in the HTML body', () => {
    const alert = alertOf({
      type: 'BackInStock',
      name: '<script>alert("x")</script> & <b>bold</b>',
      sku: `SKU'"<>`,
    });

    const { html, text } = renderAlertEmail(alert, STOREFRONT);

    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('SKU&#39;&quot;&lt;&gt;');
    // The text body is plain text: shown as written, never interpreted.
    expect(text).toContain('<script>alert("x")</script>');
  });

  it('escapes the storefront URL inside the link attribute', () => {
    const { html } = renderAlertEmail(alertOf(), 'https://shop.example.com/?a="b"&c=<d>');

    expect(html).toContain('href="https://shop.example.com/?a=&quot;b&quot;&amp;c=&lt;d&gt;/products/');
  });

  it('keeps the subject on one line whatever the product name holds', () => {
    const { subject } = renderAlertEmail(
      alertOf({ name: 'Line one\r\nBcc: victim@example.com' }),
      STOREFRONT,
    );

    expect(subject).toBe('Low stock: Line one Bcc: victim@example.com (TSHIRT-RED-M) is down to 3');
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});

describe('productUrl', () => {
  it('joins the storefront and the product path without doubling slashes', () => {
    expect(productUrl('https://shop.example.com//', 'abc')).toBe('https://shop.example.com/products/abc');
  });
});
