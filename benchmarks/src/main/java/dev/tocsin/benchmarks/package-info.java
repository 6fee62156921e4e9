/** JMH benchmarks. */
package dev.tocsin.benchmarks;
