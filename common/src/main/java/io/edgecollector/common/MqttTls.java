package io.edgecollector.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for MQTT connections from PEM files, as Mosquitto users have them: a CA certificate to
 * trust (none: the JVM's default trust store) and, optionally, a client certificate with its
 * PKCS#8 private key. Shared by the simulator and the collector, whose HTTP port also takes its
 * server certificate and key from PEM files here ({@link #serverContext}).
 */
public final class MqttTls {
    /** The PEM files; any may be null. */
    public record Files(Path caFile, Path clientCert, Path clientKey) {
        public static final Files NONE = new Files(null, null, null);
    }

    private static final char[] NO_PASSWORD = new char[0];

    private MqttTls() {
    }

    /** The socket factory for ssl:// URLs; throws with the file named when a file is unusable. */
    public static SSLSocketFactory socketFactory(Files files) throws IOException {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(files.caFile() == null ? null : trustStore(files.caFile()));
            KeyManagerFactory keys = null;
            if (files.clientCert() != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(keyStore(files.clientCert(), files.clientKey()), NO_PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    /**
     * A server's TLS context from a PEM certificate (chain) and its PKCS#8 PEM private key (the
     * collector's HTTP port); throws with the file named when a file is unusable.
     */
    public static SSLContext serverContext(Path certFile, Path keyFile) throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(certFile, keyFile), NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup failed for " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = emptyStore();
        int i = 0;
        for (Certificate c : certificates(caFile)) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        return store;
    }

    private static KeyStore keyStore(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        if (keyFile == null) {
            throw new IOException("client certificate " + certFile + " given without its private key");
        }
        Collection<? extends Certificate> chain = certificates(certFile);
        KeyStore store = emptyStore();
        store.setKeyEntry("client", privateKey(keyFile), NO_PASSWORD, chain.toArray(Certificate[]::new));
        return store;
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no PEM certificate");
            }
            return certs;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        String pem = java.nio.file.Files.readString(file, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(file + " is not a PKCS#8 PEM private key (convert it with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pk8.pem)");
        }
        String base64 = pem.replaceAll("(?s).*-----BEGIN PRIVATE KEY-----|-----END PRIVATE KEY-----.*", "")
                .replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": the private key is neither RSA, EC nor Ed25519");
    }
}
