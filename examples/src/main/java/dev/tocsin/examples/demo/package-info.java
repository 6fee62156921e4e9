/**
 * The self-contained demo ({@link dev.tocsin.examples.demo.Demo}) and the helpers it and the tests share: a real
 * HAProxy on loopback ({@link dev.tocsin.examples.demo.LocalHaproxy}) and tiny backend servers
 * ({@link dev.tocsin.examples.demo.DemoHttpServer}).
 */
package dev.tocsin.examples.demo;
