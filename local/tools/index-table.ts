/**
 * Renders the collections and indexes of cloudfunctions/core/data/collections.ts as the Markdown
 * table docs/deploy.md carries (the list to create in the CloudBase console). A test keeps the two
 * equal; `npx tsx local/tools/index-table.ts` prints it after a change.
 */
import { COLLECTIONS } from '../../cloudfunctions/core/data/collections';

export function renderIndexTable(): string {
  const lines = [
    '| collection | what a document is | indexes (console: 数据库 → 索引管理) |',
    '|---|---|---|',
  ];
  for (const collection of COLLECTIONS) {
    const indexes = collection.indexes
      .map((index) => {
        const keys = Object.entries(index.keys)
          .map(([field, direction]) => `${field} ${direction === 1 ? '↑' : '↓'}`)
          .join(', ');
        return `\`${index.name}\`: ${keys}${index.unique ? ' (**unique**)' : ''}`;
      })
      .join('<br>');
    lines.push(`| \`${collection.name}\` | ${collection.describes} | ${indexes || '—'} |`);
  }
  return lines.join('\n');
}

if (require.main === module) console.log(renderIndexTable());
