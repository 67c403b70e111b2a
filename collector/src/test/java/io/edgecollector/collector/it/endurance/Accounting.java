package io.edgecollector.collector.it.endurance;

import io.edgecollector.collector.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Traces every row and rejection in the database back to the message it came from, and checks
 * the publisher's account against it: each message the broker confirmed (PUBACK) is a row or a
 * rejection (a reading sent twice on purpose is one row), nothing is stored twice, and nothing
 * is stored that was not sent. A message whose PUBACK was lost with a broker restart may or may
 * not have arrived: it is counted apart ({@code storedUnconfirmed}).
 */
record Accounting(long published, long rows, long rejections, long storedUnconfirmed, long missing, long doubled,
                  long foreign, long sent, long confirmed) {

    /** The messages owed a row or a rejection: those confirmed, a repeat standing for the reading it repeats. */
    static BitSet owed(BitSet sent, BitSet acked) {
        BitSet owed = new BitSet();
        for (int n = acked.nextSetBit(0); n >= 0; n = acked.nextSetBit(n + 1)) {
            owed.set((int) Traffic.readingOf(n));
        }
        return owed;
    }

    static Accounting check(TestDatabase db, Traffic traffic, BitSet sent, BitSet acked) throws SQLException {
        BitSet owed = owed(sent, acked);
        BitSet mayArrive = new BitSet();
        for (int n = sent.nextSetBit(0); n >= 0; n = sent.nextSetBit(n + 1)) {
            mayArrive.set((int) Traffic.readingOf(n));
        }
        BitSet stored = new BitSet();
        long rows = 0;
        long rejections = 0;
        long doubled = 0;
        long foreign = 0;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.setFetchSize(10_000);
            try (ResultSet rs = s.executeQuery("SELECT sensor_id, (extract(epoch FROM ts) * 1000)::bigint FROM measurements")) {
                while (rs.next()) {
                    rows++;
                    long n = traffic.messageOfRow(rs.getString(1), rs.getLong(2));
                    if (n < 0 || !(owed.get((int) n) || mayArrive.get((int) n))) {
                        foreign++;
                    } else if (stored.get((int) n)) {
                        doubled++;
                    } else {
                        stored.set((int) n);
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT payload FROM rejected_messages")) {
                while (rs.next()) {
                    rejections++;
                    long n = Traffic.messageOfRejection(rs.getString(1));
                    if (n < 0 || !(owed.get((int) n) || mayArrive.get((int) n))) {
                        foreign++;
                    } else if (stored.get((int) n)) {
                        doubled++;
                    } else {
                        stored.set((int) n);
                    }
                }
            }
            c.commit();
        }
        BitSet missing = (BitSet) owed.clone();
        missing.andNot(stored);
        BitSet unconfirmed = (BitSet) stored.clone();
        unconfirmed.andNot(owed);
        return new Accounting(owed.cardinality(), rows, rejections, unconfirmed.cardinality(), missing.cardinality(),
                doubled, foreign, sent.cardinality(), acked.cardinality());
    }

    /** What is wrong, in words; empty when the account balances. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        if (missing > 0) {
            out.add(missing + " confirmed messages are neither a row nor a rejection");
        }
        if (doubled > 0) {
            out.add(doubled + " messages stored twice (a row key or a rejection)");
        }
        if (foreign > 0) {
            out.add(foreign + " rows or rejections trace back to no message sent");
        }
        if (rows + rejections != published + storedUnconfirmed) {
            out.add("rows + rejections (" + (rows + rejections) + ") != published (" + published
                    + ") + stored without PUBACK (" + storedUnconfirmed + ")");
        }
        return out;
    }

    String line() {
        return String.format("counts sent=%d confirmed=%d published=%d (confirmed, a repeat counted once) rows=%d"
                        + " rejections=%d stored_without_puback=%d missing=%d doubled=%d foreign=%d -> %s",
                sent, confirmed, published, rows, rejections, storedUnconfirmed, missing, doubled, foreign,
                problems().isEmpty() ? "rows + rejections = published" : "MISMATCH " + problems());
    }
}
