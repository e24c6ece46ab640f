import { css } from "lit";

// Colours come from Home Assistant's theme variables, so light, dark and custom themes apply by themselves.
export const cardStyles = css`
  :host {
    display: block;
  }
  .filters {
    display: flex;
    gap: 8px;
    padding: 0 16px 8px;
    flex-wrap: wrap;
  }
  .filters button {
    font: inherit;
    font-size: 0.85em;
    border: 1px solid var(--divider-color, #e0e0e0);
    border-radius: 16px;
    padding: 4px 12px;
    background: none;
    color: var(--primary-text-color);
    cursor: pointer;
  }
  .filters button[aria-pressed="true"] {
    background: var(--primary-color, #03a9f4);
    border-color: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0 0 8px;
  }
  li + li {
    border-top: 1px solid var(--divider-color, #e0e0e0);
  }
  .request {
    display: flex;
    gap: 12px;
    padding: 12px 16px;
    cursor: pointer;
    outline: none;
  }
  .request:focus-visible {
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .poster {
    flex: 0 0 auto;
    width: 56px;
    height: 84px;
    border-radius: 6px;
    object-fit: cover;
    background: var(--secondary-background-color, #eee);
    display: flex;
    align-items: center;
    justify-content: center;
    color: var(--secondary-text-color);
    overflow: hidden;
    --mdc-icon-size: 28px;
  }
  .body {
    flex: 1 1 auto;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .headline {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 4px 8px;
  }
  .title {
    flex: 0 1 auto;
    min-width: 6em;
    font-weight: 500;
    color: var(--primary-text-color);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .year,
  .by,
  .meta {
    color: var(--secondary-text-color);
    font-size: 0.875em;
  }
  .stage {
    margin-left: auto;
    flex: 0 0 auto;
    font-size: 0.8em;
    font-weight: 500;
    padding: 2px 8px;
    border-radius: 10px;
    background: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  .stage.available {
    background: var(--success-color, #43a047);
  }
  .stage.problem {
    background: var(--error-color, #db4437);
  }
  .stage.stalled {
    background: var(--warning-color, #ffa600);
  }
  .pipeline {
    display: flex;
    align-items: center;
    margin: 4px 0;
  }
  .step {
    flex: 0 0 auto;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    border: 2px solid var(--divider-color, #bdbdbd);
    box-sizing: border-box;
    background: var(--card-background-color, #fff);
  }
  .link {
    flex: 1 1 auto;
    height: 2px;
    background: var(--divider-color, #bdbdbd);
  }
  .step.done,
  .link.done {
    background: var(--primary-color, #03a9f4);
    border-color: var(--primary-color, #03a9f4);
  }
  .step.current {
    width: 16px;
    height: 16px;
    border: 3px solid var(--primary-color, #03a9f4);
    box-shadow: 0 0 0 3px rgba(var(--rgb-primary-color, 3, 169, 244), 0.25);
  }
  .step.current.stalled {
    border-color: var(--warning-color, #ffa600);
  }
  .step.current.problem {
    border-color: var(--error-color, #db4437);
    background: var(--error-color, #db4437);
  }
  .step.current.last {
    background: var(--success-color, #43a047);
    border-color: var(--success-color, #43a047);
  }
  .bar {
    height: 6px;
    border-radius: 3px;
    background: var(--secondary-background-color, #e0e0e0);
    overflow: hidden;
  }
  .bar > div {
    height: 100%;
    background: var(--primary-color, #03a9f4);
    transition: width 0.6s ease;
  }
  .download {
    display: flex;
    justify-content: space-between;
    gap: 8px;
    flex-wrap: wrap;
  }
  .stalled-reason {
    font-size: 0.875em;
    padding: 6px 8px;
    border-radius: 6px;
    border-left: 4px solid var(--warning-color, #ffa600);
    background: rgba(var(--rgb-warning-color, 255, 166, 0), 0.15);
    color: var(--primary-text-color);
  }
  .details {
    padding: 0 16px 12px;
  }
  .details h3 {
    font-size: 0.9em;
    font-weight: 500;
    margin: 4px 0 8px;
    color: var(--secondary-text-color);
  }
  .timeline {
    list-style: none;
    margin: 0 0 12px;
    padding: 0 0 0 12px;
    border-left: 2px solid var(--divider-color, #e0e0e0);
  }
  .timeline li {
    border: none;
    padding: 2px 0 6px;
    font-size: 0.875em;
    color: var(--primary-text-color);
  }
  .timeline li.inferred {
    color: var(--secondary-text-color);
    font-style: italic;
  }
  .timeline .when {
    color: var(--secondary-text-color);
    margin-right: 6px;
  }
  .timeline .tag {
    font-size: 0.8em;
    border: 1px dashed var(--secondary-text-color);
    border-radius: 8px;
    padding: 0 6px;
    margin-left: 6px;
  }
  .timeline .detail {
    display: block;
    color: var(--secondary-text-color);
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .actions button {
    font: inherit;
    font-size: 0.875em;
    font-weight: 500;
    border: 1px solid var(--primary-color, #03a9f4);
    border-radius: 4px;
    padding: 6px 12px;
    background: none;
    color: var(--primary-color, #03a9f4);
    cursor: pointer;
  }
  .actions button.danger {
    border-color: var(--error-color, #db4437);
    color: var(--error-color, #db4437);
  }
  .actions button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .outcome {
    margin-top: 8px;
    font-size: 0.875em;
    color: var(--secondary-text-color);
  }
  .outcome.error {
    color: var(--error-color, #db4437);
  }
  .empty {
    padding: 8px 16px 16px;
    color: var(--secondary-text-color);
  }
`;
