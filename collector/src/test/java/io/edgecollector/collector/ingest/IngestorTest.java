package io.edgecollector.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.buffer.Pending;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.QualityRules;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rejection is stored once per message the broker holds: its redelivered copy must be marked,
 * whether the first copy's acknowledgement never went out or went out as the connection dropped.
 */
class IngestorTest {
    static final String TOPIC = "sensors/Sensor 1/temperature";
    static final byte[] BAD = "{not json".getBytes(StandardCharsets.UTF_8);

    final List<Pending> handedOver = new ArrayList<>();
    final RedeliveryDetector redeliveries = new RedeliveryDetector();
    final Ingestor ingestor = new Ingestor(new PayloadDecoder(262_144), new MessageProcessor(
            new ReadingMapper(TopicTemplate.of("sensors/{sensor_id}/{metric}"), "value"), Validators.create(),
            SensorRegistry.empty(), new QualityRules(List.of(-200.0), Duration.ofMinutes(5), Duration.ofHours(1))),
            handedOver::add, new Metrics() { }, Clock.systemUTC(), redeliveries);

    Pending handle(boolean ackGoesOut) throws InterruptedException {
        assertTrue(ingestor.handle(TOPIC, BAD, 1, () -> ackGoesOut));
        return handedOver.get(handedOver.size() - 1);
    }

    static boolean markedRedelivered(Pending p) {
        return new String(p.line().bytes(), StandardCharsets.UTF_8).contains("\"dup\":true");
    }

    @Test
    void aRejectionAcknowledgedAsTheConnectionDropped_isMarkedRedeliveredWhenItComesAgain() throws Exception {
        redeliveries.connected();
        Pending first = handle(true);
        assertTrue(first.ack().ack());
        redeliveries.connected();
        Pending again = handle(true);
        assertFalse(markedRedelivered(first));
        assertTrue(markedRedelivered(again), "the acknowledgement may have been lost with the connection");
        assertTrue(again.processed().dup(), "the loader skips a redelivered rejection already on record");
    }

    @Test
    void aRejectionWhoseAcknowledgementDidNotGoOut_isMarkedRedeliveredWhenItComesAgain() throws Exception {
        redeliveries.connected();
        Pending first = handle(false);
        assertFalse(first.ack().ack());
        redeliveries.connected();
        assertTrue(markedRedelivered(handle(true)));
    }

    @Test
    void theSameRejectionSentAgainBySensor_onTheSameConnection_isNotARedelivery() throws Exception {
        redeliveries.connected();
        handle(true).ack().ack();
        Pending again = handle(true);
        assertFalse(markedRedelivered(again));
        assertEquals(2, handedOver.size());
    }
}
