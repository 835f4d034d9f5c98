// The SLA badge of a queue row: on track, due today, or overdue by N working days, from `due_at` and the
// clock, in Vietnam's calendar. Pure (no DOM, no fetch) so the queue, the case file and the map agree.
// Working days skip Saturday and Sunday only: public holidays are the API's (`overdue` is its verdict).

const VN_OFFSET_MS = 7 * 3600 * 1000; // Asia/Ho_Chi_Minh has no daylight saving

/** The calendar day (UTC midnight of it) of an instant, as Vietnam reads the wall clock. */
function vnDay(ms) {
  const d = new Date(ms + VN_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Working days (Mon–Fri) after `fromDay` up to and including `toDay` (both vnDay values). */
export function workingDaysBetween(fromDay, toDay) {
  let n = 0;
  for (let day = fromDay + 86400000; day <= toDay; day += 86400000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) n += 1;
  }
  return n;
}

/**
 * `{state, days}` for a row: state is "closed", "on_track", "due_today" or "overdue"; days counts the
 * working days past the due day (at least 1 once overdue, even on the due day itself after the hour).
 */
export function slaState(row, now = Date.now()) {
  if (!row.due_at) return { state: "closed", days: 0 };
  const due = Date.parse(row.due_at);
  const overdue = row.overdue ?? now > due;
  if (!overdue) {
    return { state: vnDay(now) === vnDay(due) ? "due_today" : "on_track", days: 0 };
  }
  return { state: "overdue", days: Math.max(1, workingDaysBetween(vnDay(due), vnDay(now))) };
}

/** The catalogue key and its variables for a badge (the page translates them). */
export function slaBadge(row, now = Date.now()) {
  const { state, days } = slaState(row, now);
  return { state, key: "console.sla." + state, vars: { days } };
}
