// Resident memory of the shop process against the bare app's, each read from /proc.
import type { ChildServer } from './child-server';
import type { Figure } from './report';

export type MemorySample = ReturnType<ChildServer['memory']>;

const MB = 1024 * 1024;

export function memoryFigures(shop: { idle: MemorySample; loaded: MemorySample }, bare: { idle: MemorySample; loaded: MemorySample }): Figure[] {
  const figure = (measure: string, value: number, baseline: number): Figure => ({
    section: 'memory',
    measure,
    value: value / MB,
    unit: 'MB',
    baseline: { label: 'bare app', value: baseline / MB },
  });
  return [
    figure('shop RSS, idle after start', shop.idle.rss, bare.idle.rss),
    figure('shop RSS after the burst', shop.loaded.rss, bare.loaded.rss),
    figure('shop peak RSS', shop.loaded.peakRss, bare.loaded.peakRss),
  ];
}
