package com.lockupguard.web;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The https connector Javalin serves on when TLS is configured (Javalin 7 has no SSL plugin: a
 * Jetty connector added through its config replaces the plain one, so nothing listens in clear).
 */
final class HttpsConnector {

    private HttpsConnector() {
    }

    static Connector create(Server server, HttpConfiguration javalinHttp, String host, int port, HttpsSettings tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keyStore().toString());
        ssl.setKeyStorePassword(tls.keyStorePassword());
        ssl.setKeyManagerPassword(tls.keyPassword() == null ? tls.keyStorePassword() : tls.keyPassword());
        ssl.setKeyStoreType(tls.keyStoreType());
        ssl.setIncludeProtocols(tls.protocols().toArray(new String[0]));
        // TLS 1.2 with authenticated encryption only (GCM, ChaCha20-Poly1305): Jetty's defaults leave in the CBC
        // suites with SHA-256 and SHA-384, which current guidance (Mozilla's "intermediate") drops
        ssl.addExcludeCipherSuites("^.*_CBC_.*$");

        HttpConfiguration https = new HttpConfiguration(javalinHttp); // Javalin's settings, plus:
        https.setSecureScheme("https");
        https.setSecurePort(port);
        // the request knows it came over TLS; a client's SNI host must be one the certificate names
        https.addCustomizer(new SecureRequestCustomizer());

        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
