package io.edgecollector.collector.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.ops.Exchange;
import io.edgecollector.collector.ops.StatusServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The small HTTP chores of the dashboard's handlers. */
final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** The query string's parameters, decoded (the last of a repeated name wins). */
    static Map<String, String> query(Exchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.rawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** GET and HEAD pass; anything else is answered 405 here. */
    static boolean get(Exchange ex) throws IOException {
        String method = ex.method();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        ex.setHeader("Allow", "GET, HEAD");
        send(ex, 405, "application/json", body(JSON.createObjectNode().put("error", method + " is not allowed; use GET")));
        return false;
    }

    static byte[] body(Object json) throws IOException {
        return (JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static void send(Exchange ex, int code, String contentType, byte[] body) {
        StatusServer.send(ex, code, contentType, body);
    }
}
