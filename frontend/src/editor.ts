// The card's visual editor: Home Assistant's own form element, so it looks and behaves like the built-in editors.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import type { CardConfig } from "./media-request-tracker-card";
import type { HassLike } from "./requests";
import { translator, type Translate, type TranslationKey } from "./translations";

/** The form's fields; the filter's options are named in the viewer's language. */
function schema(t: Translate): object[] {
  return [
    { name: "title", selector: { text: {} } },
    {
      name: "filter",
      selector: {
        select: {
          mode: "dropdown",
          options: (["active", "all", "stalled"] as const).map((value) => ({ value, label: t(`filter.${value}`) })),
        },
      },
    },
    { name: "max_items", selector: { number: { min: 1, max: 50, mode: "box" } } },
    { name: "show_posters", selector: { boolean: {} } },
  ];
}

const LABELS: Record<string, TranslationKey> = {
  title: "editor.title",
  filter: "editor.filter",
  max_items: "editor.max_items",
  show_posters: "editor.show_posters",
};

export class MediaRequestTrackerCardEditor extends LitElement {
  static override properties = { hass: { attribute: false }, _config: { state: true } };

  hass?: HassLike;
  private _config?: CardConfig;

  setConfig(config: CardConfig): void {
    this._config = config;
  }

  protected override render(): TemplateResult | typeof nothing {
    if (!this._config) return nothing;
    const t = translator(this.hass?.locale?.language ?? this.hass?.language);
    const data = { filter: "active", max_items: 10, show_posters: true, ...this._config };
    return html`<ha-form
      .hass=${this.hass}
      .data=${data}
      .schema=${schema(t)}
      .computeLabel=${(field: { name: string }) => t(LABELS[field.name])}
      @value-changed=${this._changed}
    ></ha-form>`;
  }

  private _changed(event: CustomEvent<{ value: CardConfig }>): void {
    event.stopPropagation();
    const config = { ...event.detail.value };
    if (!config.title) delete config.title;
    this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
  }
}

if (!customElements.get("media-request-tracker-card-editor")) {
  customElements.define("media-request-tracker-card-editor", MediaRequestTrackerCardEditor);
}
