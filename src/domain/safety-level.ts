import { z } from 'zod';

/** What a run is checked against; `off` is the earlier server's name for no checks. */
export const SAFETY_LEVELS = ['kids', 'youth', 'adult', 'research', 'off'] as const;
export const SafetyLevelSchema = z.enum(SAFETY_LEVELS);
export type SafetyLevel = z.infer<typeof SafetyLevelSchema>;

/** Safety levels that have their own term lists (`research` and `off` check nothing). */
export const CHECKED_SAFETY_LEVELS = ['kids', 'youth', 'adult'] as const;

/** True when stage 3 runs at this level (`off` and `research` skip it). */
export function isCheckedSafetyLevel(level: string): boolean {
  return (CHECKED_SAFETY_LEVELS as readonly string[]).includes(level);
}
