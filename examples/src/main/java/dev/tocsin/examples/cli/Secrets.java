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

    /** The largest password file read (a password is a few dozen bytes; /dev/zero is endless). */
    static final long MAX_SECRET_FILE_BYTES = 64 * 1024;
    /** The largest CA certificate file read (a bundle of a few hundred certificates). */
    static final long MAX_PEM_FILE_BYTES = 4L << 20;

    private Secrets() {
    }

    /**
     * Checks that at most one of two secret sources is given.
     *
     * @param cmd the command, for usage errors
     * @param envOption the option naming an environment variable
     * @param envVar its value, or null
     * @param fileOption the option naming a file
     * @param file its value, or null
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
     * @param cmd the command, for usage errors
     * @param userOption the option naming the user
     * @param user its value, or null
     * @param envOption the option naming the password's environment variable
     * @param envVar its value, or null
     * @param fileOption the option naming the password's file
     * @param file its value, or null
     * @throws CommandLine.ParameterException if not
     */
    static void checkUserAndPassword(CommandLine cmd, String userOption, String user, String envOption,
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
    }

    /**
     * Checks the credential options of one kind of target named by {@code prefix} ({@code --alertmanager},
     * {@code --metrics}): {@code PREFIX-user} with exactly one of {@code PREFIX-password-env|-file}, at most one of
     * {@code PREFIX-token-env|-file}, and not a user and a token together.
     *
     * @param cmd the command, for usage errors
     * @param prefix the options' common prefix
     * @param user the user, or null
     * @param passwordEnv the password's environment variable, or null
     * @param passwordFile the password's file, or null
     * @param tokenEnv the token's environment variable, or null
     * @param tokenFile the token's file, or null
     * @throws CommandLine.ParameterException if not
     */
    static void checkCredentials(CommandLine cmd, String prefix, String user, String passwordEnv, Path passwordFile,
                                 String tokenEnv, Path tokenFile) {
        checkUserAndPassword(cmd, prefix + "-user", user, prefix + "-password-env", passwordEnv,
                prefix + "-password-file", passwordFile);
        atMostOne(cmd, prefix + "-token-env", tokenEnv, prefix + "-token-file", tokenFile);
        if (user != null && (tokenEnv != null || tokenFile != null)) {
            throw new CommandLine.ParameterException(cmd,
                    "give either basic authentication (" + prefix + "-user) or a bearer token, not both");
        }
    }

    /**
     * Returns the secret held by environment variable {@code envVar} or by {@code file} (exactly one is non-null).
     *
     * @param cmd for usage errors
     * @param environment where variables are looked up
     * @param envOption the option naming the variable, for messages
     * @param envVar the variable's name, or null
     * @param fileOption the option naming the file, for messages
     * @param file the file, or null
     * @return the secret's characters, never empty (the caller clears them)
     * @throws CommandLine.ParameterException if the variable is unset or empty, or the file unreadable, empty or not
     *     UTF-8
     */
    static char[] read(CommandLine cmd, Map<String, String> environment, String envOption, String envVar,
                       String fileOption, Path file) {
        if (envVar != null) {
            if (!envVar.matches("[A-Za-z_][A-Za-z0-9_]{0,254}")) {
                // not a variable's name: perhaps the secret itself, given by mistake, so it is not echoed
                throw new CommandLine.ParameterException(cmd, envOption + ": expects the name of an environment"
                        + " variable (letters, digits and '_'), not the secret itself");
            }
            String value = environment.get(envVar);
            if (value == null) {
                throw new CommandLine.ParameterException(cmd, envOption + ": environment variable " + envVar
                        + " is not set");
            }
            if (value.isEmpty()) {
                throw new CommandLine.ParameterException(cmd, envOption + ": environment variable " + envVar
                        + " is empty");
            }
            return value.toCharArray();
        }
        byte[] raw;
        try {
            raw = dev.tocsin.core.internal.BoundedFiles.read(file, MAX_SECRET_FILE_BYTES);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cmd, fileOption + ": cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (raw == null) {
            throw new CommandLine.ParameterException(cmd, fileOption + ": " + file + " is larger than "
                    + MAX_SECRET_FILE_BYTES + " bytes (not a password file?)");
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
            if (out.length == 0) {
                throw new CommandLine.ParameterException(cmd, fileOption + ": " + file + " is empty");
            }
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
     * @param cmd the command, for usage errors
     * @param option the option naming the file, for messages
     * @param pem the file
     * @return a trust store with only those certificates
     * @throws CommandLine.ParameterException if the file cannot be read or holds no certificate
     */
    static KeyStore trustStore(CommandLine cmd, String option, Path pem) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            byte[] bytes = dev.tocsin.core.internal.BoundedFiles.read(in, MAX_PEM_FILE_BYTES);
            if (bytes == null) {
                throw new CommandLine.ParameterException(cmd, option + ": " + pem + " is larger than "
                        + MAX_PEM_FILE_BYTES + " bytes");
            }
            certs = CertificateFactory.getInstance("X.509").generateCertificates(
                    new java.io.ByteArrayInputStream(bytes));
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

    /**
     * Returns a TLS context that trusts exactly the certificates of {@code trust}.
     *
     * @param trust the trust store (from {@link #trustStore})
     * @return the context
     */
    static javax.net.ssl.SSLContext sslContext(KeyStore trust) {
        try {
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context from the trust store", e);
        }
    }
}
