/** Runnable examples of embedding Tocsin. */
package dev.tocsin.examples;
