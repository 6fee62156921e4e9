/**
 * Notifiers that deliver alerts: {@link dev.tocsin.core.notify.AlertmanagerNotifier} (Alertmanager API v2, with
 * Prometheus's sending semantics), {@link dev.tocsin.core.notify.WebhookNotifier} (Alertmanager webhook format) and
 * {@link dev.tocsin.core.notify.LoggingNotifier} (SLF4J). See {@code docs/notifications.md} for payloads and
 * delivery guarantees.
 */
package dev.tocsin.core.notify;
