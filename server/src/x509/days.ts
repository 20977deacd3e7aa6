// Day counts of validity, counted one way everywhere (the Problems panel, hovers, the chain panel, the CLI):
// whole days, a part of a day not counted. "29 days left" in one view beside "in 30 days" in another read
// as two different dates.
export const DAY_MS = 86_400_000;

/** Whole days from `now` until `until` (0 on its last day; negative once past). */
export const daysUntil = (until: Date, now: Date): number => Math.floor((until.getTime() - now.getTime()) / DAY_MS);

/** Whole days since `since` (0 on the day itself). */
export const daysSince = (since: Date, now: Date): number => Math.floor((now.getTime() - since.getTime()) / DAY_MS);
