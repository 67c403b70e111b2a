package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * POSTs each event as JSON to alerts.webhook_url, with {@code Authorization: Bearer <token>}
 * when alerts.webhook_token is set. Any answer but 2xx is a failure (retried by the follower);
 * the receiver may see an event twice and deduplicates by event_id.
 */
final class WebhookAlertSink implements AlertSink {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final Secret token;
    private final FileCheckpoint checkpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    WebhookAlertSink(URI url, Secret token, Path checkpointFile) throws IOException {
        this.url = url;
        this.token = token;
        this.checkpoint = new FileCheckpoint(checkpointFile);
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public long checkpoint(String alertFile) {
        return checkpoint.get(alertFile);
    }

    @Override
    public void deliver(String alertFile, List<AlertEvent> events, long endOffset) throws IOException, InterruptedException {
        for (AlertEvent e : events) {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(e.toJson().toString()));
            if (!token.isEmpty()) {
                request.header("Authorization", "Bearer " + token.value());
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("webhook " + Secret.maskUrl(url.toString()) + " answered HTTP " + response.statusCode());
            }
        }
        checkpoint.put(alertFile, endOffset);
    }
}
