package io.edgecollector.collector.ops;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request to a {@link StatusServer.Route} and its answer: what the dashboard, /alerts and
 * the status paths need of HTTP, over Jetty's request and response. Exactly one {@link #send}.
 */
public final class Exchange {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private boolean sent;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    public String method() {
        return request.getMethod();
    }

    /** The request's path, decoded (e.g. /api/series). */
    public String path() {
        return request.getHttpURI().getDecodedPath();
    }

    /** The query string as sent (still %-encoded), or null. */
    public String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    /** The first value of a request header, or null. */
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /** Sets a response header (replacing one of the same name). */
    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Adds a response header (Set-Cookie, say). */
    public void addHeader(String name, String value) {
        response.getHeaders().add(name, value);
    }

    /** Answers with a body (none for HEAD). */
    public void send(int code, String contentType, byte[] body) {
        if (sent) {
            throw new IllegalStateException("answered twice");
        }
        sent = true;
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        boolean head = "HEAD".equals(request.getMethod());
        if (!head) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        }
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    }

    boolean sent() {
        return sent;
    }
}
