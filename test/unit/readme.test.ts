import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderIndexTable } from '../../local/tools/index-table';

describe('README', () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

  it('lists exactly the collections and indexes the emulator enforces', () => {
    const section = /<!-- indexes:start[^>]*-->\n([\s\S]*?)\n<!-- indexes:end -->/.exec(readme);
    expect(section, 'README lost its indexes section').not.toBeNull();
    expect(section![1]).toBe(renderIndexTable());
  });

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });
});
