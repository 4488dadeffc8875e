import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL store's migrations (npm run db:generate:pg), apart from SQLite's in drizzle/. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/pg/schema/index.ts',
  out: './drizzle-pg',
});
