// Members write session descriptions and bios in Markdown; this turns them into HTML that is safe to put in a page
// as it is. markdown-it with `html: false` escapes every tag a member types (no raw HTML ever passes), its link check
// refuses javascript:, vbscript:, file: and data: URLs. On top: no images (a member's image would load from
// anywhere, a tracking pixel on every view), headings start at <h3> so a description or bio cannot take over the
// page's outline, and links are marked as user content (rel="nofollow ugc noopener noreferrer").
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });
md.disable(['image']);

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow ugc noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};

const shifted = (tag: string) => `h${Math.min(6, Number(tag.slice(1)) + 2)}`;
md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.tag = shifted(tokens[idx]!.tag);
  return self.renderToken(tokens, idx, options);
};
md.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
  tokens[idx]!.tag = shifted(tokens[idx]!.tag);
  return self.renderToken(tokens, idx, options);
};

/** A member's Markdown as safe HTML. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
