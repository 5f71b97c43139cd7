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
 * Jetty connector added through its config replaces the plain one, so nothing listens in clear),
 * with the key store {@link ServedKeyStore} serves and renews.
 */
final class HttpsConnector {

    private HttpsConnector() {
    }

    static Connector create(Server server, HttpConfiguration javalinHttp, String host, int port, ServedKeyStore keys) {
        SslContextFactory.Server ssl = keys.sslContextFactory();
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
