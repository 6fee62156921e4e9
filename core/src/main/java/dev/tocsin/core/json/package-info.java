/** Jackson support: {@link dev.tocsin.core.json.TocsinModule} serializes Tocsin's alerts, labels and runbooks. */
package dev.tocsin.core.json;
