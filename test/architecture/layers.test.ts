import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles, sqlOutsideStore, violations } from '../../scripts/layers.js';

describe('layering (scripts/layers.ts, run by npm run lint)', () => {
  it('holds for src/ as it is', () => {
    const files = sourceFiles(process.cwd());
    expect(violations(importsOf(files))).toEqual([]);
    expect(sqlOutsideStore(files)).toEqual([]);
  });

  it('names a file outside the store that runs SQL, and a known one that no longer does', () => {
    const found = sqlOutsideStore(
      [
        { path: 'src/support/trace.ts', text: "sqlite.prepare('SELECT 1')" },
        { path: 'src/store/trace.ts', text: "sqlite.prepare('SELECT 1')" },
        { path: 'src/config/listen.ts', text: 'PLAIN.exec(text)' },
      ],
      ['src/config/gone.ts'],
    );
    expect(found.map((v) => `${v.from}: ${v.message}`)).toEqual([
      'src/support/trace.ts: only src/store/ runs SQL: go through its port',
      'src/config/gone.ts: known exception no longer occurs: remove it',
    ]);
  });

  it('names an import that points up or sideways, and a known exception that no longer occurs', () => {
    const found = violations(
      [
        { from: 'src/store/event-writer.ts', to: 'src/delivery/engine/engine.ts' },
        { from: 'src/bus/event-bus.ts', to: 'src/sdk/publisher.ts' },
        { from: 'src/http/app.ts', to: 'src/bus/ports.ts' },
        { from: 'src/store/a.ts', to: 'src/store/b.ts' },
      ],
      { store: [], bus: ['catalogue'], http: ['bus'], delivery: [], sdk: [] },
      [{ from: 'src/x/gone.ts', to: 'src/y/gone.ts' }],
    );
    expect(found.map((v) => `${v.from} -> ${v.to}: ${v.message}`)).toEqual([
      'src/store/event-writer.ts -> src/delivery/engine/engine.ts: store may not import delivery',
      'src/bus/event-bus.ts -> src/sdk/publisher.ts: bus may not import sdk',
      'src/x/gone.ts -> src/y/gone.ts: known exception no longer occurs: remove it',
    ]);
  });

  it('reads every kind of relative import, type-only and re-exports included', () => {
    const imports = importsOf(sourceFiles(process.cwd()));
    expect(imports).toContainEqual({ from: 'src/sdk/publisher.ts', to: 'src/bus/ports.ts' });
    expect(imports).toContainEqual({ from: 'src/index.ts', to: 'src/catalogue/index.ts' });
  });
});
