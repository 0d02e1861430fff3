// Descriptions in Markdown: rendered, and nothing a member writes becomes markup of their own choosing.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/lib/markdown.ts';

describe('renderMarkdown', () => {
  it('renders emphasis, lists, code and links, marked as user content', () => {
    const html = renderMarkdown(
      '**Bring** a _starter_.\n\n- flour\n- water\n\n`salt` [recipe](https://example.com/rye)',
    );
    expect(html).toContain('<strong>Bring</strong>');
    expect(html).toContain('<em>starter</em>');
    expect(html).toContain('<li>flour</li>');
    expect(html).toContain('<code>salt</code>');
    expect(html).toContain(
      '<a href="https://example.com/rye" rel="nofollow ugc noopener noreferrer">recipe</a>',
    );
  });

  it('escapes raw HTML, refuses script URLs and drops images', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](data:text/html,hi) ![p](https://t.example/p.gif)',
    );
    expect(html).not.toMatch(/<script|<img|href="javascript:|href="data:/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;');
  });

  it('turns bare URLs into links and keeps headings below the page’s own', () => {
    expect(renderMarkdown('see https://example.com')).toContain('<a href="https://example.com" rel=');
    expect(renderMarkdown('# Plan\n## Steps')).toBe('<h3>Plan</h3>\n<h4>Steps</h4>\n');
  });
});
