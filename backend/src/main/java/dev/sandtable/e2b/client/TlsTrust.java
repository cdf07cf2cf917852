package dev.sandtable.e2b.client;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * HTTPS trust: the JDK's CAs plus the certificates of a PEM file (--ca-cert, SSL_CERT_FILE), and the user-facing
 * message for a certificate nobody trusts.
 */
public final class TlsTrust {
    private TlsTrust() {
    }

    /** An SSL context trusting the JDK's CAs and every certificate in {@code pem}; a bad file is INVALID_ARGUMENT. */
    public static SSLContext withExtraCa(Path pem) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "cannot read the CA certificate file " + pem + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, pem + " is not a PEM certificate file: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, pem + " holds no certificate");
        try {
            KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
            extra.load(null, null);
            int i = 0;
            for (Certificate c : certs) extra.setCertificateEntry("extra-" + i++, c);
            X509TrustManager mine = x509(extra), jdk = x509(null);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new Either(mine, jdk)}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new SandtableException(ErrorCode.INTERNAL, "cannot set up TLS trust with " + pem + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        for (TrustManager t : f.getTrustManagers()) if (t instanceof X509TrustManager x) return x;
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** True when {@code failure} (or a cause) is a TLS handshake that failed over the peer's certificate. */
    public static boolean isUntrusted(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof SSLHandshakeException || c instanceof CertificateException) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    /** The message for an untrusted (or mismatched) certificate of {@code url}. */
    public static SandtableException untrusted(URI url, Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String host = url.getHost() == null ? url.toString() : url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        return new SandtableException(ErrorCode.UNAVAILABLE, "the TLS certificate of " + host + " is not trusted ("
                + ConnectClient.describe(root) + "); if it is signed by your own CA, pass that CA with --ca-cert FILE "
                + "or SSL_CERT_FILE=FILE (a PEM file)", failure);
    }

    /** Trusts a chain either trust manager trusts: the extra CAs first, then the JDK's. */
    private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkClientTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
            all.addAll(List.of(second.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }
}
