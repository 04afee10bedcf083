/** Standalone config for the component project: `npx vitest run --config test/component/vitest.config.ts`. */
import { defineConfig } from 'vitest/config';
import project from './vitest.project';

export default defineConfig(project);
