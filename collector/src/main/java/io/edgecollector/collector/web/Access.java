package io.edgecollector.collector.web;

import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.ops.Exchange;
import io.edgecollector.collector.ops.StatusServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Optional access control of the HTTP side (http.user + http.password, and/or http.token):
 * basic auth, a bearer token, or the token once as /?token=... in a browser, which then keeps
 * it in an HttpOnly, SameSite=Strict cookie so the page's own /api/ calls carry it. Secrets are
 * compared in constant time and never echoed.
 */
public final class Access implements StatusServer.Guard {
    static final String COOKIE = "edge_collector_token";

    private final byte[] basic;
    private final byte[] token;

    private Access(String user, String password, String token) {
        this.basic = user.isEmpty() ? null : bytes("Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        this.token = token.isEmpty() ? null : bytes(token);
    }

    /** The filter the configuration asks for, or null when nothing is configured (open). */
    public static Access of(CollectorConfig config) {
        if (config.httpUser().isEmpty() && config.httpToken().isEmpty()) {
            return null;
        }
        return new Access(config.httpUser(), config.httpPassword().isEmpty() ? "" : config.httpPassword().value(),
                config.httpToken().isEmpty() ? "" : config.httpToken().value());
    }

    @Override
    public boolean admit(Exchange ex) {
        String authorization = ex.header("Authorization");
        if (basic != null && authorization != null && same(basic, authorization)) {
            return true;
        }
        if (token != null) {
            if (authorization != null && authorization.startsWith("Bearer ")
                    && same(token, authorization.substring("Bearer ".length()))) {
                return true;
            }
            String query = queryToken(ex.rawQuery());
            if (query != null && same(token, query)) {
                ex.addHeader("Set-Cookie", COOKIE + "=" + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(token) + "; Path=/; HttpOnly; SameSite=Strict");
                return true;
            }
            String cookie = cookieToken(ex.header("Cookie"));
            if (cookie != null && same(token, cookie)) {
                return true;
            }
        }
        refuse(ex);
        return false;
    }

    private void refuse(Exchange ex) {
        if (basic != null) {
            ex.setHeader("WWW-Authenticate", "Basic realm=\"edge-collector\", charset=\"UTF-8\"");
        }
        ex.send(401, "application/json", "{\"error\":\"authentication required\"}\n".getBytes(StandardCharsets.UTF_8));
    }

    private static String queryToken(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring("token=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String cookieToken(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String c = part.trim();
            if (c.startsWith(COOKIE + "=")) {
                try {
                    return new String(Base64.getUrlDecoder().decode(c.substring(COOKIE.length() + 1)), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException notBase64) {
                    return null;
                }
            }
        }
        return null;
    }

    private static boolean same(byte[] expected, String given) {
        return MessageDigest.isEqual(expected, bytes(given));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether an Authorization header carries the configured bearer token (constant time). */
    public static boolean bearer(byte[] expected, String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                && same(expected, authorization.substring("Bearer ".length()));
    }
}
