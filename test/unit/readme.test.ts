import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import { renderIndexTable } from '../../local/tools/index-table';

const root = path.join(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const docPages = readdirSync(path.join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);

/** Markdown without fenced blocks and code spans, where a `](…)` is only text. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The targets of the inline links of a Markdown file. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

/** The anchors GitHub gives a Markdown file's headings. */
function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = prose(markdown).match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((line) => slugger.slug(line.replace(/^#+ /, ''))));
}

describe('README', () => {
  const readme = read('README.md');

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });

  it('links every page of docs/', () => {
    const linked = new Set(linkTargets(readme).map((target) => target.split('#')[0]));
    expect(docPages.length).toBeGreaterThan(0);
    expect(docPages.filter((page) => !linked.has(page))).toEqual([]);
  });

  it('stays a front door', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(160);
  });
});

describe('docs', () => {
  it('lists exactly the collections and indexes the emulator enforces (docs/deploy.md)', () => {
    const section = /<!-- indexes:start[^>]*-->\n([\s\S]*?)\n<!-- indexes:end -->/.exec(
      read('docs/deploy.md'),
    );
    expect(section, 'docs/deploy.md lost its indexes section').not.toBeNull();
    expect(section![1]).toBe(renderIndexTable());
  });

  it.each(['README.md', ...docPages, 'local/wechat/README.md', 'test/component/README.md'])(
    '%s links only to files and headings that exist',
    (file) => {
      const broken: string[] = [];
      for (const target of linkTargets(read(file))) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [filePart, anchor] = target.split('#') as [string, string | undefined];
        const resolved = filePart === '' ? file : path.join(path.dirname(file), filePart);
        if (!existsSync(path.join(root, resolved))) {
          broken.push(target);
        } else if (anchor !== undefined) {
          const isFile = statSync(path.join(root, resolved)).isFile();
          if (!isFile || !anchors(read(resolved)).has(anchor)) broken.push(target);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});
