/**
 * The broker's Lua scripts, one file each in ./scripts/ (named `name-numberOfKeys.lua`, each opening
 * with its Input/Output header, as BullMQ keeps its commands), loaded one way: read once per
 * process, `--- @include name` lines replaced by ./scripts/includes/name.lua, and registered on a
 * connection as commands sent by SHA (ioredis' defineCommand: EVALSHA, and the text again only
 * when the server answers NOSCRIPT — after a restart, say).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const DIR = new URL('./scripts/', import.meta.url);

/** The scripts by the name the code calls them (file name: the name in kebab case, then its key count). */
const NAMES = [
  ...['put', 'read', 'room', 'ack', 'forward', 'requeue', 'touch', 'purgeSentinels'],
  ...['claim', 'giveBack', 'takeStream', 'renewStream', 'releaseStream'],
  ...['acquirePermit', 'releasePermit', 'renewPermits', 'countPermits', 'resizePermits'],
] as const;
export type ScriptName = (typeof NAMES)[number];

/** A script as a command of one connection: its keys, then its arguments. */
export type Script = (...keysThenArgs: Array<string | number>) => Promise<unknown>;

interface Source {
  lua: string;
  numberOfKeys: number;
}

let sources: Map<ScriptName, Source> | undefined;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The text of a script with its includes in place. */
function withIncludes(lua: string): string {
  return lua.replace(/^--- @include (\w+)$/gm, (_, name: string) =>
    readFileSync(new URL(`includes/${name}.lua`, DIR), 'utf8'),
  );
}

/** Every script's text and key count, read on first use. */
export function scriptSources(): Map<ScriptName, Source> {
  if (sources !== undefined) return sources;
  const files = readdirSync(DIR).filter((f) => f.endsWith('.lua'));
  sources = new Map(
    NAMES.map((name) => {
      const file = files.find((f) => new RegExp(`^${kebab(name)}-\\d+\\.lua$`).test(f));
      if (file === undefined) throw new Error(`the broker script ${kebab(name)}-N.lua is missing from ${DIR.pathname}`);
      const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)![1]);
      return [name, { lua: withIncludes(readFileSync(new URL(file, DIR), 'utf8')), numberOfKeys }];
    }),
  );
  return sources;
}

const registered = new WeakMap<Redis, Record<ScriptName, Script>>();

/** The scripts as commands of `redis` (registered once per connection). */
export function scriptsOf(redis: Redis): Record<ScriptName, Script> {
  let scripts = registered.get(redis);
  if (scripts !== undefined) return scripts;
  scripts = {} as Record<ScriptName, Script>;
  for (const [name, { lua, numberOfKeys }] of scriptSources()) {
    const command = `pipelineTui_${name}`;
    redis.defineCommand(command, { lua, numberOfKeys });
    scripts[name] = ((redis as unknown as Record<string, Script>)[command] as Script).bind(redis);
  }
  registered.set(redis, scripts);
  return scripts;
}

/**
 * The caller's side of once.lua: a client id, unique to this connection's user (never reused, so
 * a new client can never be mistaken for an old one's resend), and its calls numbered from 1.
 */
export class OnceTag {
  readonly client = randomUUID();
  private seq = 0;

  /** The client id and the next call number, as the scripts take them. */
  next(): [string, number] {
    return [this.client, ++this.seq];
  }
}

/** A count a once-script returned; `unknown` for '?' (a resent call whose result was not kept). */
export function onceCount(reply: unknown, unknown: number): number {
  return reply === '?' ? unknown : Number(reply);
}
