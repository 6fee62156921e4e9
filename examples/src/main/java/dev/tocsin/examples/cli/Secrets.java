package dev.tocsin.examples.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Reads the secrets and certificates the options point at: from an environment variable or a file (never from an
 * argument, which other users can see), with messages that name the option and never the secret.
 */
final class Secrets {

    private Secrets() {
    }

    /**
     * Checks that at most one of two secret sources is given.
     *
     * @throws CommandLine.ParameterException if both are
     */
    static void atMostOne(CommandLine cmd, String envOption, String envVar, String fileOption, Path file) {
        if (envVar != null && file != null) {
            throw new CommandLine.ParameterException(cmd, "give either " + envOption + " or " + fileOption
                    + ", not both");
        }
    }

    /**
     * Checks the options of a basic-authentication credential: a user needs exactly one password source, and a
     * password source needs a user.
     *
     * @return whether a user (and so a password) is given
     * @throws CommandLine.ParameterException if not
     */
    static boolean checkUserAndPassword(CommandLine cmd, String userOption, String user, String envOption,
                                        String envVar, String fileOption, Path file) {
        atMostOne(cmd, envOption, envVar, fileOption, file);
        boolean password = envVar != null || file != null;
        if (user == null && password) {
            throw new CommandLine.ParameterException(cmd, envOption + " and " + fileOption + " need " + userOption);
        }
        if (user != null && !password) {
            throw new CommandLine.ParameterException(cmd, userOption + " needs " + envOption + " VAR or "
                    + fileOption + " FILE");
        }
        return user != null;
    }

    /**
     * Returns the secret held by environment variable {@code envVar} or by {@code file} (exactly one is non-null).
     *
     * @param cmd for usage errors
     * @param envOption the option naming the variable, for messages
     * @param fileOption the option naming the file, for messages
     * @return the secret's characters (the caller clears them)
     * @throws CommandLine.ParameterException if the variable is unset, or the file unreadable or not UTF-8
     */
    static char[] read(CommandLine cmd, Map<String, String> environment, String envOption, String envVar,
                       String fileOption, Path file) {
        if (envVar != null) {
            String value = environment.get(envVar);
            if (value == null) {
                throw new CommandLine.ParameterException(cmd, envOption + ": environment variable " + envVar
                        + " is not set");
            }
            return value.toCharArray();
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cmd, fileOption + ": cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            int len = raw.length;
            if (len > 0 && raw[len - 1] == '\n') {
                len--;
                if (len > 0 && raw[len - 1] == '\r') {
                    len--;
                }
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, 0, len));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return out;
        } catch (CharacterCodingException e) {
            throw new CommandLine.ParameterException(cmd, fileOption + ": " + file + " is not UTF-8");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * Returns a trust store holding the certificates of a PEM file (one or more {@code BEGIN CERTIFICATE} blocks).
     *
     * @throws CommandLine.ParameterException if the file cannot be read or holds no certificate
     */
    static KeyStore trustStore(CommandLine cmd, String option, Path pem) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cmd, option + ": cannot read " + pem + " ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new CommandLine.ParameterException(cmd, option + ": " + pem + " is not a PEM certificate file ("
                    + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw new CommandLine.ParameterException(cmd, option + ": " + pem + " holds no certificate");
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an in-memory trust store", e);
        }
    }
}
