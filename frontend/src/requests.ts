// The tracker's request sensors, read from Home Assistant's state and entity registry (no fetch of its own).

export const DOMAIN = "media_request_tracker";

export interface HassEntityState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
}

export interface HassLike {
  states: Record<string, HassEntityState>;
  entities?: Record<string, { platform?: string }>;
  language?: string;
  locale?: { language?: string };
  themes?: { darkMode?: boolean };
  callService(domain: string, service: string, data?: object, target?: object): Promise<unknown>;
  formatEntityState?(state: HassEntityState): string;
}

export interface TimelineEntry {
  stage: string;
  at: string;
  source: string;
  detail: string;
  inferred: boolean;
}

export interface MediaRequest {
  entityId: string;
  stage: string;
  title: string;
  year: number | null;
  mediaType: string;
  requestedBy: string | null;
  anime: boolean;
  poster: string | null;
  progress: number | null;
  downloadSpeed: number | null;
  eta: number | null;
  episodesTotal: number;
  episodes: Record<string, number>;
  stalled: boolean;
  stalledReason: string | null;
  timeline: TimelineEntry[];
  since: string;
  state: HassEntityState;
}

export type Filter = "active" | "all" | "stalled";

/** Stages a request leaves only when it is done, one way or another. */
const FINISHED = new Set(["available", "declined", "deleted"]);
/** Stages entered on an explicit failure, off the pipeline. */
export const PROBLEM_STAGES = new Set(["failed", "declined", "match_failed", "deleted"]);

const PIPELINE = ["requested", "approved", "searching", "grabbing", "downloading", "downloaded", "importing"];

/** The stages a request passes through, in order: anime requests have Shoko's matching step. */
export function pipeline(anime: boolean): string[] {
  return anime ? [...PIPELINE, "anime_matching", "available"] : [...PIPELINE, "available"];
}

/** Whether a state is one of the tracker's request sensors (rather than a summary sensor or another's). */
function isRequestState(state: HassEntityState): boolean {
  const attributes = state.attributes;
  return "timeline" in attributes && "media_type" in attributes && "requested_by" in attributes;
}

/** The entity ids of the tracker's request sensors: the registry's platform first, the attributes to be sure. */
export function requestEntityIds(hass: HassLike): string[] {
  const candidates = hass.entities
    ? Object.entries(hass.entities)
        .filter(([entityId, entry]) => entry.platform === DOMAIN && entityId.startsWith("sensor."))
        .map(([entityId]) => entityId)
    : Object.keys(hass.states).filter((entityId) => entityId.startsWith("sensor."));
  return candidates.filter((entityId) => hass.states[entityId] && isRequestState(hass.states[entityId]));
}

function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function asString(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function asTimeline(value: unknown): TimelineEntry[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is Record<string, unknown> => typeof entry === "object" && entry !== null)
    .map((entry) => ({
      stage: String(entry.stage ?? ""),
      at: String(entry.at ?? ""),
      source: String(entry.source ?? ""),
      detail: String(entry.detail ?? ""),
      inferred: entry.inferred === true,
    }));
}

export function toRequest(state: HassEntityState): MediaRequest {
  const a = state.attributes;
  const timeline = asTimeline(a.timeline);
  const episodes =
    typeof a.episodes === "object" && a.episodes !== null ? (a.episodes as Record<string, number>) : {};
  return {
    entityId: state.entity_id,
    stage: state.state,
    title: asString(a.title) ?? state.entity_id,
    year: asNumber(a.year),
    mediaType: asString(a.media_type) ?? "movie",
    requestedBy: asString(a.requested_by),
    anime: a.anime === true,
    poster: asString(a.poster),
    progress: asNumber(a.progress),
    downloadSpeed: asNumber(a.download_speed),
    eta: asNumber(a.eta),
    episodesTotal: asNumber(a.episodes_total) ?? 0,
    episodes,
    stalled: a.stalled === true,
    stalledReason: asString(a.stalled_reason),
    timeline,
    since: timeline[0]?.at ?? state.last_changed,
    state,
  };
}

/** The requests a card with `filter` shows, newest first, at most `limit`. */
export function selectRequests(hass: HassLike, filter: Filter, limit: number): MediaRequest[] {
  return requestEntityIds(hass)
    .map((entityId) => toRequest(hass.states[entityId]))
    .filter((request) => {
      if (filter === "stalled") return request.stalled;
      if (filter === "active") return !FINISHED.has(request.stage);
      return true;
    })
    .sort((a, b) => Date.parse(b.since) - Date.parse(a.since) || a.title.localeCompare(b.title))
    .slice(0, Math.max(1, limit));
}

/** Where a request is on its pipeline: the index of its stage, or of the last stage it reached before a problem. */
export function pipelinePosition(request: MediaRequest, stages: string[]): number {
  const index = stages.indexOf(request.stage);
  if (index >= 0) return index;
  for (let i = request.timeline.length - 1; i >= 0; i -= 1) {
    const reached = stages.indexOf(request.timeline[i].stage);
    if (reached >= 0) return reached;
  }
  return 0;
}
