import { statements } from '../kit';
import type { TicketPriority, TicketStatus } from '../contracts/engagement';
import { TICKET_PRIORITIES, TICKET_STATUSES } from './database';

const { select } = statements('sav');

interface Group {
  status: TicketStatus;
  priority: TicketPriority;
  assigned_to: number | null;
  count: number | string;
  resolved: number | string;
  resolution_seconds: number | string | null;
}

const zeroes = <K extends string>(keys: K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** Resolution time of the tickets resolved (or resolved then closed): resolved_at − created_at. */
class Resolution {
  private count = 0;
  private seconds = 0;
  add(group: Group) {
    this.count += Number(group.resolved);
    this.seconds += Number(group.resolution_seconds ?? 0);
  }
  json() {
    const average = this.count ? this.seconds / this.count : null;
    return { resolved_count: this.count, average_resolution_seconds: average === null ? null : Math.round(average), average_resolution_hours: average === null ? null : Math.round((average / 3600) * 100) / 100 };
  }
}

/**
 * Counts per status, priority and agent, and average resolution times, of every live ticket (or
 * one owner's): one grouped query folded here.
 */
export async function ticketStatistics(ownerId?: number) {
  const groups = await select<Group>(
    `SELECT status, priority, assigned_to, COUNT(*) AS count, COUNT(resolved_at) AS resolved,
            SUM(TIMESTAMPDIFF(SECOND, created_at, resolved_at)) AS resolution_seconds
     FROM support_tickets WHERE deleted_at IS NULL ${ownerId === undefined ? '' : 'AND user_id = ?'}
     GROUP BY status, priority, assigned_to`,
    ownerId === undefined ? [] : [ownerId],
  );
  const byStatus = zeroes(TICKET_STATUSES);
  const byPriority = zeroes(TICKET_PRIORITIES);
  const overall = new Resolution();
  const agents = new Map<number, { total: number; by_status: Record<TicketStatus, number>; resolution: Resolution }>();
  let unassigned = 0;
  for (const group of groups) {
    const count = Number(group.count);
    byStatus[group.status] += count;
    byPriority[group.priority] += count;
    overall.add(group);
    if (group.assigned_to === null) {
      unassigned += count;
      continue;
    }
    const agentId = Number(group.assigned_to);
    const agent = agents.get(agentId) ?? { total: 0, by_status: zeroes(TICKET_STATUSES), resolution: new Resolution() };
    agent.total += count;
    agent.by_status[group.status] += count;
    agent.resolution.add(group);
    agents.set(agentId, agent);
  }
  return {
    total: Object.values(byStatus).reduce((sum, count) => sum + count, 0),
    by_status: byStatus,
    by_priority: byPriority,
    by_agent: [...agents.entries()].sort(([a], [b]) => a - b).map(([agentId, agent]) => ({ assigned_to: agentId, total: agent.total, by_status: agent.by_status, ...agent.resolution.json() })),
    unassigned,
    ...overall.json(),
  };
}
