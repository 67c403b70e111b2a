package io.edgecollector.collector.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Decodes an MQTT payload as strict JSON: UTF-8 text (JSON's encoding; Jackson would also guess
 * UTF-16 or UTF-32 from the bytes, which the UTF-8 raw log could not embed), one value, no
 * trailing data, no duplicate keys, nesting at most {@value #MAX_DEPTH} levels, at most
 * max_payload_bytes. Anything else gets a reason and stays undecoded (the raw log keeps its bytes).
 */
public final class PayloadDecoder {
    public static final int MAX_DEPTH = 64;

    /**
     * The JSON factory every reading's payload is read with. Numbers with a fraction or an
     * exponent are read by Jackson's fast double parser (FastDoubleParser, correctly rounded:
     * the same double as {@link Double#parseDouble}, which was about 7% of a compaction
     * worker's time); every path that reads a payload uses it, so they agree to the bit.
     */
    public static JsonFactoryBuilder factory() {
        return (JsonFactoryBuilder) JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER);
    }

    /** The decoded JSON, or null with the reason it could not be decoded and its kind. */
    public record Decoded(JsonNode json, String error, RejectReason reason) {
        static Decoded ok(JsonNode json) {
            return new Decoded(json, null, null);
        }

        static Decoded failed(RejectReason reason, String error) {
            return new Decoded(null, error, reason);
        }
    }

    private final ObjectMapper mapper;
    /** The same parsing without Jackson's duplicate detection: {@link PlainObject} finds duplicates itself. */
    private final JsonFactory plainFactory;
    private final int maxBytes;

    public PayloadDecoder(int maxBytes) {
        this.maxBytes = maxBytes;
        StreamReadConstraints constraints = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();
        JsonFactory factory = factory()
                .streamReadConstraints(constraints)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.plainFactory = factory().streamReadConstraints(constraints).build();
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.mapper.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /**
     * The payload as a plain object, read without building its tree, when it is one and
     * {@link #decode} would accept it; null otherwise (then decode it).
     */
    public PlainObject plain(byte[] payload) {
        if (payload.length > maxBytes || payload.length == 0) {
            return null;
        }
        try {
            if (Utf8.isPlainAscii(payload)) {
                try (JsonParser parser = plainFactory.createParser(payload)) {
                    return PlainObject.read(parser);
                }
            }
            String text = Utf8.decodeOrNull(payload);
            if (text == null) {
                return null;
            }
            try (JsonParser parser = plainFactory.createParser(text)) {
                return PlainObject.read(parser);
            }
        } catch (IOException e) {
            return null;
        }
    }

    public Decoded decode(byte[] payload) {
        if (payload.length > maxBytes) {
            return Decoded.failed(RejectReason.TOO_LARGE, "payload too large: " + payload.length + " bytes (max_payload_bytes "
                    + maxBytes + ")");
        }
        if (payload.length == 0) {
            return Decoded.failed(RejectReason.EMPTY, "payload is empty");
        }
        try {
            JsonNode node;
            if (Utf8.isPlainAscii(payload)) {
                // printable ASCII (and tab, CR, LF) is UTF-8 that Jackson cannot take for UTF-16 or
                // UTF-32 (no zero bytes): it parses the bytes, with no String built first
                node = mapper.readTree(payload);
            } else {
                String text = Utf8.decodeOrNull(payload);
                if (text == null) {
                    return Decoded.failed(RejectReason.NOT_UTF8, "not JSON: payload is not UTF-8 text");
                }
                node = mapper.readTree(text);
            }
            if (node == null || node.isMissingNode()) {
                return Decoded.failed(RejectReason.EMPTY, "payload is blank");
            }
            return Decoded.ok(node);
        } catch (IOException e) {
            return Decoded.failed(RejectReason.NOT_JSON, "not JSON: " + Json.abbreviate(firstLine(e.getMessage())));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
