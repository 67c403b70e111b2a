package io.edgecollector.collector.lake;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.IOException;

/**
 * Reads back a daily raw line in the exact shape intake writes it when the message had a JSON
 * payload and no rejection ({@code {"received_at":"...","topic":"...","qos":N,["dup":true,]"payload":...}}),
 * building a JSON tree of the payload only: the envelope's fields are taken from their known
 * places ({@link RawLineCodec#envelope}) instead of being parsed into a tree of their own (that
 * tree was about a third of a compaction worker's decoding). Anything else about the line (an escape or non-ASCII text in the topic, other
 * fields, another order, a payload that is not one whole JSON value) returns null, and the
 * caller decodes the line with {@link RawLineCodec#decode}, so a line gives the same message
 * either way (LinePipelineTest compares both on every shape).
 */
final class DailyLineDecoder {
    private static final ObjectReader PAYLOAD = new ObjectMapper(PayloadDecoder.factory().build()).reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private DailyLineDecoder() {
    }

    /** The message of line[offset, offset + length), or null when the line is not in that exact shape. */
    static RawMessage decode(byte[] line, int offset, int length) {
        RawLineCodec.Envelope e = RawLineCodec.envelope(line, offset, length);
        if (e == null) {
            return null;
        }
        JsonNode payload;
        try {
            payload = PAYLOAD.readTree(line, e.payloadStart(), e.payloadEnd() - e.payloadStart());
        } catch (IOException | RuntimeException x) {
            return null; // the general decoder says what is wrong
        }
        if (payload == null || payload.isMissingNode() || payload.isNull()) {
            return null;
        }
        return new RawMessage(e.receivedAt(), e.topic(), e.qos(), e.dup(), payload, null);
    }
}
