// The queues each role works from, as `GET /staff/reports` filters them (status, due_before): the IOC sorts
// new reports, watches deadlines and approves results; an agency works what the IOC assigned to it.

const DAY_MS = 24 * 3600 * 1000;

export const QUEUES = {
  ioc: [
    { id: "received", key: "console.queue.received", params: () => ({ status: "received" }) },
    { id: "overdue", key: "console.queue.overdue", params: (now) => ({ due_before: new Date(now).toISOString() }) },
    { id: "due_soon", key: "console.queue.due_soon", params: (now) => ({ due_before: new Date(now + DAY_MS).toISOString() }) },
    { id: "result_submitted", key: "console.queue.result_submitted", params: () => ({ status: "result_submitted" }) },
    { id: "extension", key: "console.queue.extension", params: () => ({}), keep: (row) => row.extension_requested },
  ],
  agency: [
    { id: "assigned", key: "console.queue.assigned", params: () => ({ status: "assigned" }) },
    { id: "in_progress", key: "console.queue.in_progress", params: () => ({ status: "in_progress" }) },
    { id: "returned", key: "console.queue.returned", params: () => ({ status: "returned" }) },
  ],
};

/** The queues for a signed-in role (`/staff/me`'s `role`): the IOC's, or an agency's officers' and leads'. */
export function queuesFor(role) {
  return role === "ioc_operator" || role === "province_admin" ? QUEUES.ioc : QUEUES.agency;
}

/** Whole days since a report came in (the queue's age column). */
export function ageDays(receivedAt, now = Date.now()) {
  return Math.max(0, Math.floor((now - Date.parse(receivedAt)) / DAY_MS));
}
