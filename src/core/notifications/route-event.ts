import type { NotificationRoute } from "../../generated/schemas.js";
import type { DomainEvent, DomainEventType } from "../events/domain-event.js";

/** What routes match on besides the event: the environment as envbot last recorded it. */
export interface RoutedEnvironment {
  owner?: string;
  template?: string;
  labels?: Record<string, string>;
}

/** `failed` in a route's events: every way a run can end without doing its work. */
const FAILED: readonly DomainEventType[] = ["plan-failed", "apply-failed", "run-interrupted"];

/**
 * The targets the repository's routes (.github/envbot.yml `notifications.routes`) send an event
 * to: every route that matches adds its targets, each named once, in the order first named.
 * A route matches when each of its filters holds (an unset filter holds for every event).
 */
export function targetsFor(event: DomainEvent, routes: readonly NotificationRoute[], environment: RoutedEnvironment): string[] {
  const targets = new Set<string>();
  for (const route of routes) {
    if (!routeMatches(route, event.type, environment)) continue;
    for (const target of route.to) targets.add(target);
  }
  return [...targets];
}

function routeMatches(route: NotificationRoute, type: DomainEventType, environment: RoutedEnvironment): boolean {
  if (route.events && !route.events.some((named) => named === type || (named === "failed" && FAILED.includes(type)))) return false;
  if (route.templates && (environment.template === undefined || !route.templates.includes(environment.template))) return false;
  if (route.owners && (environment.owner === undefined || !route.owners.some((owner) => sameOwner(owner, environment.owner!)))) return false;
  if (route.labels && !Object.entries(route.labels).every(([key, value]) => environment.labels?.[key] === value)) return false;
  return true;
}

/** GitHub logins and team slugs are case-insensitive. */
function sameOwner(a: string, b: string): boolean {
  return a.replace(/^@/, "").toLowerCase() === b.replace(/^@/, "").toLowerCase();
}
