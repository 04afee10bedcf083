/**
 * Cold starts without compiling the same code again: every instance of every function loads the
 * same files (the function's bundle, wx-server-sdk and its ~400 modules), and a worker thread
 * shares nothing with the others, so each one resolved and compiled them all anew (about 0.2 s of
 * CPU; 50 instances started at once, 10 s). The first instance in a process to load a file hands
 * V8's code cache for it, and where each `require` led, back to the runtime; later instances start
 * from those (about 40 % less CPU per cold start).
 *
 * It changes how a module is compiled, never what runs: V8 checks a code cache against the source
 * it is given and ignores one that does not fit (an edited file is compiled afresh, and its new
 * cache replaces the old), and anything the hook does not handle (ES modules, a `#!` line) goes to
 * Node's own loader.
 *
 * The runtime keeps what it learned under node_modules/.cache (one file per Node version and
 * package-lock.json), so the next stack — the next test file, the next `npm start` — starts its
 * first instances warm too.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

/** What instances have learned so far: code caches by file, resolved files by (folder, request). */
export interface ModuleCache {
  code: Map<string, Uint8Array>;
  resolved: Map<string, string>;
}

export function emptyModuleCache(): ModuleCache {
  return { code: new Map(), resolved: new Map() };
}

/** Adds what an instance learned (true if anything); a newer code cache replaces the old one. */
export function mergeModuleCache(into: ModuleCache, learned: ModuleCache): boolean {
  for (const [file, data] of learned.code) into.code.set(file, data);
  for (const [key, file] of learned.resolved) into.resolved.set(key, file);
  return learned.code.size > 0 || learned.resolved.size > 0;
}

/**
 * The file the project's module cache lives in: node_modules/.cache/mashang, named by the Node
 * version and the lock file, so an upgrade or an install starts a new one. Undefined without a
 * node_modules folder.
 */
export function moduleCacheFile(projectRoot: string): string | undefined {
  let lock = '';
  try {
    lock = createHash('sha256')
      .update(readFileSync(path.join(projectRoot, 'package-lock.json')))
      .digest('hex')
      .slice(0, 12);
  } catch {
    // No lock file: the Node version alone names it.
  }
  const name = `instance-modules-${process.version}-${process.arch}-${lock}.bin`;
  return path.join(projectRoot, 'node_modules', '.cache', 'mashang', name);
}

/** Reads a saved cache; an empty one when there is none or it cannot be read. */
export function readModuleCache(file: string | undefined): ModuleCache {
  if (!file) return emptyModuleCache();
  try {
    const saved = v8.deserialize(readFileSync(file)) as ModuleCache;
    if (saved.code instanceof Map && saved.resolved instanceof Map) return saved;
  } catch {
    // None yet, or unreadable: start empty.
  }
  return emptyModuleCache();
}

/** Saves the cache whole, renamed into place, so processes saving side by side never mix. */
export function writeModuleCache(file: string | undefined, cache: ModuleCache): void {
  if (!file) return;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, v8.serialize(cache));
    renameSync(partial, file);
  } catch {
    // A read-only tree keeps the cache in memory only.
  }
}

/** Node's CommonJS loader internals the hook replaces (stable since Node 12; v8-compile-cache uses them). */
interface ModuleInternals {
  _resolveFilename(
    request: string,
    parent: NodeModule | undefined,
    isMain: boolean,
    options?: unknown,
  ): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeModule>;
  wrap(source: string): string;
  prototype: { _compile(this: NodeModule, content: string, filename: string): unknown };
}

/**
 * Installs the hooks in this (instance) thread, reading from `known`; `learned()` returns what
 * this thread found that `known` did not have, for the runtime to keep.
 */
export function installModuleCache(known: ModuleCache): { learned: () => ModuleCache } {
  const loader = Module as unknown as ModuleInternals;
  const scripts = new Map<string, vm.Script>();
  const resolved = new Map<string, string>();

  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function (request, parent, isMain, options) {
    if (options !== undefined || !parent?.filename || Module.isBuiltin(request))
      return resolveFilename.call(this, request, parent, isMain, options);
    const key = `${path.dirname(parent.filename)}\u0000${request}`;
    const file = known.resolved.get(key);
    if (file !== undefined) return file;
    const found = resolveFilename.call(this, request, parent, isMain, options);
    resolved.set(key, found);
    return found;
  };

  const compile = loader.prototype._compile;
  loader.prototype._compile = function (content, filename) {
    if (!filename.endsWith('.js') && !filename.endsWith('.cjs'))
      return compile.call(this, content, filename);
    const cachedData = known.code.get(filename);
    let script: vm.Script;
    try {
      script = new vm.Script(loader.wrap(content), {
        filename,
        cachedData: cachedData ? Buffer.from(cachedData) : undefined,
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch {
      // Not a CommonJS script this wrapper can hold: Node's loader decides what it is.
      return compile.call(this, content, filename);
    }
    if (!cachedData || script.cachedDataRejected) scripts.set(filename, script);
    const wrapper = script.runInThisContext({ displayErrors: true }) as (
      ...args: unknown[]
    ) => unknown;
    return wrapper.call(
      this.exports,
      this.exports,
      requireFor(this, loader),
      this,
      filename,
      path.dirname(filename),
    );
  };

  return {
    learned: () => ({
      code: new Map([...scripts].map(([file, script]) => [file, script.createCachedData()])),
      resolved,
    }),
  };
}

/** The `require` a module gets, as Node makes it (resolve, resolve.paths, main, cache). */
function requireFor(module: NodeModule, loader: ModuleInternals): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = loader._extensions;
  require.cache = loader._cache;
  return require;
}
