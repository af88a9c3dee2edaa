import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ITEMS, DEFAULTS, resolveConfig } from '../../src/pipeline/config.js';

describe('resolveConfig', () => {
  it('fills defaults and gives the built-in workload an end', () => {
    const c = resolveConfig();
    expect(c.producers).toBe(DEFAULTS.producers);
    expect(c.items).toBe(DEFAULT_ITEMS);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('leaves a user producer unbounded unless asked', () => {
    expect(resolveConfig({ producer: './p.mjs' }).items).toBeUndefined();
    expect(resolveConfig({ durationMs: 1000 }).items).toBeUndefined();
  });

  it.each([
    [{ producers: 0 }, 'producers', '--producers must be an integer from 1 to 64, got 0'],
    [{ consumers: 65 }, 'consumers', '--consumers must be an integer from 1 to 64, got 65'],
    [{ capacity: Number.NaN }, 'capacity', '--capacity must be an integer from 1 to 1000000, got NaN'],
    [{ jitter: -0.1 }, 'jitter', '--jitter must be a number from 0 to 1, got -0.1'],
    [{ work: 'nap' as never }, 'work', '--work must be one of sleep, spin, got "nap"'],
    [{ shutdown: 'now' as never }, 'shutdown', '--shutdown must be one of sentinel, close, got "now"'],
    [{ items: 5, durationMs: 5 }, 'durationMs', '--items and --duration cannot be used together: give one'],
  ])('refuses %j naming the option', (input, option, message) => {
    let error: unknown;
    try {
      resolveConfig(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe(option);
    expect((error as ConfigError).message).toBe(message);
  });

  it('refuses unknown options', () => {
    expect(() => resolveConfig({ producerz: 1 } as never)).toThrow(/unknown option "producerz"/);
  });
});
