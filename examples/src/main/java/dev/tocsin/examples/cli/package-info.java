/**
 * The {@code tocsin} command line: {@code tocsin watch} runs the HAProxy preset rules continuously and prints every
 * alert transition; {@code tocsin check} checks an HAProxy once with the Nagios plugin exit codes. See
 * {@code docs/cli.md}.
 */
package dev.tocsin.examples.cli;
