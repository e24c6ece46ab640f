// The Media Request Tracker card: the tracker's requests, live, with their pipeline, download, timeline and actions.
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from "lit";

import "./editor";
import { formatDuration, formatMoment, formatSpeed } from "./format";
import {
  DOMAIN,
  PROBLEM_STAGES,
  pipeline,
  pipelinePosition,
  requestEntityIds,
  selectRequests,
  type Filter,
  type HassEntityState,
  type HassLike,
  type MediaRequest,
} from "./requests";
import { cardStyles } from "./styles";
import { translator, type Translate, type TranslationKey } from "./translations";

export const CARD_TYPE = "media-request-tracker-card";
const FILTERS: Filter[] = ["active", "all", "stalled"];
const FIRST_RENDER_MARK = `${CARD_TYPE}:first-render`;

export interface CardConfig {
  type: string;
  title?: string;
  filter?: Filter;
  max_items?: number;
  show_posters?: boolean;
}

interface Action {
  service: string;
  label: TranslationKey;
  danger?: boolean;
  shown(request: MediaRequest): boolean;
}

// The integration's actions, each offered where it can do something.
const ACTIONS: Action[] = [
  { service: "approve", label: "action.approve", shown: (r) => r.stage === "requested" },
  { service: "decline", label: "action.decline", danger: true, shown: (r) => r.stage === "requested" },
  {
    service: "search_again",
    label: "action.search_again",
    shown: (r) => r.stalled || ["approved", "searching", "grabbing", "downloading", "failed"].includes(r.stage),
  },
  { service: "refresh", label: "action.refresh", shown: () => true },
  {
    service: "mark_available",
    label: "action.mark_available",
    shown: (r) => !["available", "declined", "deleted"].includes(r.stage),
  },
  { service: "remove", label: "action.remove", danger: true, shown: () => true },
];

const DOWNLOADING = new Set(["grabbing", "downloading"]);

export class MediaRequestTrackerCard extends LitElement {
  static override styles = cardStyles;
  static override properties = {
    _config: { state: true },
    _requests: { state: true },
    _filter: { state: true },
    _open: { state: true },
    _busy: { state: true },
    _outcome: { state: true },
    _confirmRemove: { state: true },
  };

  private _hass?: HassLike;
  private _config: CardConfig = { type: `custom:${CARD_TYPE}` };
  private _requests: MediaRequest[] = [];
  private _states: HassEntityState[] = [];
  private _trackerPresent = false;
  private _filter: Filter = "active";
  private _open: string | null = null;
  private _busy: string | null = null;
  private _outcome: { entityId: string; text: string; error: boolean } | null = null;
  private _confirmRemove: string | null = null;
  private _rendered = false;
  private _brokenPosters = new Set<string>();

  static getConfigElement(): HTMLElement {
    return document.createElement(`${CARD_TYPE}-editor`);
  }

  static getStubConfig(): Partial<CardConfig> {
    return { filter: "active", max_items: 10, show_posters: true };
  }

  setConfig(config: CardConfig): void {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    if (config.filter !== undefined && !FILTERS.includes(config.filter)) {
      throw new Error(`filter must be one of ${FILTERS.join(", ")}`);
    }
    if (config.max_items !== undefined && !(Number.isInteger(config.max_items) && config.max_items > 0)) {
      throw new Error("max_items must be a positive whole number");
    }
    this._config = config;
    this._filter = config.filter ?? "active";
    this._select();
  }

  /** Home Assistant sets this on every state change anywhere; the card redraws only when a request changed. */
  set hass(hass: HassLike) {
    const previous = this._hass;
    this._hass = hass;
    const ids = requestEntityIds(hass);
    const states = ids.map((entityId) => hass.states[entityId]);
    const changed =
      !previous ||
      previous.language !== hass.language ||
      previous.themes?.darkMode !== hass.themes?.darkMode ||
      states.length !== this._states.length ||
      states.some((state, i) => state !== this._states[i]);
    if (!changed) return;
    this._states = states;
    this._trackerPresent = Object.values(hass.entities ?? {}).some((entry) => entry.platform === DOMAIN);
    this._select();
  }

  get hass(): HassLike | undefined {
    return this._hass;
  }

  getCardSize(): number {
    return 1 + Math.min(this._requests.length, this._config.max_items ?? 10) * 2;
  }

  private _select(): void {
    if (!this._hass) return;
    this._requests = selectRequests(this._hass, this._filter, this._config.max_items ?? 10);
  }

  private get _t(): Translate {
    return translator(this._hass?.locale?.language ?? this._hass?.language);
  }

  private get _locale(): string {
    return this._hass?.locale?.language ?? this._hass?.language ?? "en";
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (!this._rendered && this._hass) {
      this._rendered = true;
      // For measuring the time to the first render from the page's start (performance.getEntriesByName).
      performance.mark(FIRST_RENDER_MARK, { detail: { requests: this._requests.length } });
    }
  }

  protected override render(): TemplateResult {
    const t = this._t;
    return html`
      <ha-card .header=${this._config.title ?? t("card.name")}>
        <div class="filters" role="group">
          ${FILTERS.map(
            (filter) => html`<button
              aria-pressed=${filter === this._filter ? "true" : "false"}
              data-filter=${filter}
              @click=${() => this._setFilter(filter)}
            >
              ${t(`filter.${filter}`)}
            </button>`,
          )}
        </div>
        ${this._requests.length === 0
          ? html`<div class="empty">${this._trackerPresent || !this._hass ? t("card.empty") : t("card.no_tracker")}</div>`
          : html`<ul>
              ${this._requests.map((request) => this._renderRequest(request))}
            </ul>`}
      </ha-card>
    `;
  }

  private _setFilter(filter: Filter): void {
    this._filter = filter;
    this._select();
  }

  private _renderRequest(request: MediaRequest): TemplateResult {
    const t = this._t;
    const open = this._open === request.entityId;
    return html`<li data-entity-id=${request.entityId}>
      <div
        class="request"
        role="button"
        tabindex="0"
        aria-expanded=${open ? "true" : "false"}
        @click=${() => this._toggle(request.entityId)}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            this._toggle(request.entityId);
          }
        }}
      >
        ${this._config.show_posters === false ? nothing : this._renderPoster(request)}
        <div class="body">
          <div class="headline">
            <span class="title">${request.title}</span>
            ${request.year ? html`<span class="year">${request.year}</span>` : nothing}
            <span class="stage ${this._stageClass(request)}">${this._stageName(request)}</span>
          </div>
          ${request.requestedBy ? html`<div class="by">${t("request.by", { name: request.requestedBy })}</div>` : nothing}
          ${this._renderPipeline(request)} ${this._renderDownload(request)} ${this._renderEpisodes(request)}
          ${request.stalled && request.stalledReason
            ? html`<div class="stalled-reason" role="alert">${t("request.stalled")}: ${request.stalledReason}</div>`
            : nothing}
        </div>
      </div>
      ${open ? this._renderDetails(request) : nothing}
    </li>`;
  }

  private _renderPoster(request: MediaRequest): TemplateResult {
    const icon = request.mediaType === "tv" ? "mdi:television-classic" : "mdi:movie-open";
    const poster = request.poster;
    if (!poster || this._brokenPosters.has(poster)) {
      return html`<div class="poster"><ha-icon .icon=${icon}></ha-icon></div>`;
    }
    return html`<img
      class="poster"
      src=${poster}
      alt=""
      loading="lazy"
      referrerpolicy="no-referrer"
      @error=${() => {
        // Unreachable image host (offline, blocked): the media type's icon instead of an empty frame.
        this._brokenPosters.add(poster);
        this.requestUpdate();
      }}
    />`;
  }

  private _stageName(request: MediaRequest): string {
    const key = `stage.${request.stage}` as TranslationKey;
    return this._t(key) !== key ? this._t(key) : request.stage;
  }

  private _stageClass(request: MediaRequest): string {
    if (PROBLEM_STAGES.has(request.stage)) return "problem";
    if (request.stalled) return "stalled";
    return request.stage === "available" ? "available" : "";
  }

  private _renderPipeline(request: MediaRequest): TemplateResult {
    const stages = pipeline(request.anime);
    const position = pipelinePosition(request, stages);
    const problem = PROBLEM_STAGES.has(request.stage);
    const parts: TemplateResult[] = [];
    stages.forEach((stage, index) => {
      if (index > 0) parts.push(html`<span class="link ${index <= position ? "done" : ""}"></span>`);
      const classes = [
        "step",
        index < position ? "done" : "",
        index === position ? "current" : "",
        index === position && problem ? "problem" : "",
        index === position && request.stalled ? "stalled" : "",
        index === position && index === stages.length - 1 ? "last" : "",
      ].join(" ");
      parts.push(html`<span class=${classes} data-stage=${stage} title=${this._t(`stage.${stage}` as TranslationKey)}></span>`);
    });
    return html`<div class="pipeline" aria-label=${this._stageName(request)}>${parts}</div>`;
  }

  private _renderDownload(request: MediaRequest): TemplateResult | typeof nothing {
    if (!DOWNLOADING.has(request.stage) || request.progress === null) return nothing;
    const t = this._t;
    const progress = Math.min(100, Math.max(0, request.progress));
    return html`<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${progress}>
        <div class="fill" style="width: ${progress}%"></div>
      </div>
      <div class="download meta">
        <span class="percent">${progress.toLocaleString(this._locale, { maximumFractionDigits: 1 })} %</span>
        ${request.downloadSpeed ? html`<span class="speed">${formatSpeed(request.downloadSpeed, this._locale)}</span>` : nothing}
        ${request.eta !== null ? html`<span class="eta">${t("request.eta", { time: formatDuration(request.eta) })}</span>` : nothing}
      </div>`;
  }

  private _renderEpisodes(request: MediaRequest): TemplateResult | typeof nothing {
    if (request.mediaType !== "tv" || request.episodesTotal === 0) return nothing;
    const done = request.episodes.available ?? 0;
    const others = Object.entries(request.episodes)
      .filter(([stage]) => stage !== "available")
      .map(([stage, count]) => `${count} ${this._t(`stage.${stage}` as TranslationKey).toLowerCase()}`);
    return html`<div class="episodes meta">
      ${this._t("request.episodes", { done, total: request.episodesTotal })}${others.length ? ` · ${others.join(" · ")}` : ""}
    </div>`;
  }

  private _renderDetails(request: MediaRequest): TemplateResult {
    const t = this._t;
    const outcome = this._outcome?.entityId === request.entityId ? this._outcome : null;
    return html`<div class="details">
      <h3>${t("request.timeline")}</h3>
      ${request.timeline.length === 0
        ? html`<div class="meta">${t("request.no_timeline")}</div>`
        : html`<ol class="timeline">
            ${[...request.timeline].reverse().map(
              (entry) => html`<li class=${entry.inferred ? "inferred" : ""} data-stage=${entry.stage}>
                <span class="when">${formatMoment(entry.at, this._locale)}</span>
                <strong>${this._t(`stage.${entry.stage}` as TranslationKey)}</strong>
                ${entry.inferred ? html`<span class="tag">${t("request.inferred")}</span>` : nothing}
                ${entry.source ? html`<span class="meta"> · ${entry.source}</span>` : nothing}
                ${entry.detail ? html`<span class="detail">${entry.detail}</span>` : nothing}
              </li>`,
            )}
          </ol>`}
      <div class="actions">
        ${ACTIONS.filter((action) => action.shown(request)).map(
          (action) => html`<button
            class=${action.danger ? "danger" : ""}
            data-action=${action.service}
            ?disabled=${this._busy !== null}
            @click=${(event: Event) => {
              event.stopPropagation();
              this._act(request, action);
            }}
          >
            ${action.service === "remove" && this._confirmRemove === request.entityId
              ? t("action.confirm_remove")
              : t(action.label)}
          </button>`,
        )}
      </div>
      ${outcome ? html`<div class="outcome ${outcome.error ? "error" : ""}">${outcome.text}</div>` : nothing}
    </div>`;
  }

  private _toggle(entityId: string): void {
    this._open = this._open === entityId ? null : entityId;
    this._confirmRemove = null;
  }

  private async _act(request: MediaRequest, action: Action): Promise<void> {
    if (!this._hass) return;
    // Removing stops tracking for good: it takes a second click.
    if (action.service === "remove" && this._confirmRemove !== request.entityId) {
      this._confirmRemove = request.entityId;
      return;
    }
    this._confirmRemove = null;
    this._busy = action.service;
    try {
      await this._hass.callService(DOMAIN, action.service, {}, { entity_id: request.entityId });
      this._outcome = { entityId: request.entityId, text: this._t("action.done"), error: false };
    } catch (err) {
      const message = (err as { message?: string })?.message ?? String(err);
      this._outcome = { entityId: request.entityId, text: this._t("action.failed", { message }), error: true };
    } finally {
      this._busy = null;
    }
  }
}

if (!customElements.get(CARD_TYPE)) customElements.define(CARD_TYPE, MediaRequestTrackerCard);

// The card picker lists what is in window.customCards.
const registry = window as unknown as { customCards?: object[] };
registry.customCards = registry.customCards ?? [];
if (!registry.customCards.some((card) => (card as { type?: string }).type === CARD_TYPE)) {
  const t = translator(navigator.language);
  registry.customCards.push({
    type: CARD_TYPE,
    name: t("card.name"),
    description: t("card.description"),
    preview: true,
    documentationURL: "https://github.com/media-request-tracker/media-request-tracker#the-card",
  });
}
