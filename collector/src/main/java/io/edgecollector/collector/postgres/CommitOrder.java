package io.edgecollector.collector.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;

/**
 * Lets several connections load consecutive parts of one raw file at once while their
 * transactions still commit in file order, so the checkpoint only ever moves forward over
 * lines whose rows are committed: a crash leaves no gap and no double.
 *
 * <p>A transaction writes its readings straight away, in parallel with the one before it, and
 * then waits ({@link #awaitTurn}) until everything before its first line is committed before it
 * writes anything else (1-minute rows, rejections, the checkpoint) and commits. Waiting while
 * holding row locks could close a cycle PostgreSQL cannot see: the transaction before it might
 * wait for a row this one inserted (the same reading in both parts of the file). So while it
 * waits it asks PostgreSQL whether an earlier transaction is blocked by it, and if so it gives
 * way: rolls back, waits for its turn holding nothing, and does its part again
 * ({@link LoadTransaction#load}). A deadlock PostgreSQL itself detects ends the same way.
 */
public final class CommitOrder {
    /** The loader of a single connection: its transactions are in order by themselves. */
    static final CommitOrder ALONE = new CommitOrder(-1);

    /** Thrown inside a transaction that holds a lock an earlier one waits for. */
    static final class GiveWay extends SQLException {
        GiveWay(int blocked) {
            super("an earlier part's transaction (backend " + blocked + ") waits for a row this one holds", DEADLOCK);
        }
    }

    private static final String DEADLOCK = "40P01";
    private static final String BLOCKS = "SELECT p FROM unnest(?::int[]) p WHERE ? = ANY(pg_blocking_pids(p)) LIMIT 1";
    private static final long POLL_MILLIS = 10;

    /** The open transactions of the loading threads: backend pid and the offset their part starts at. */
    private record Open(int pid, long from) {
    }

    private final Map<Thread, Open> open = new ConcurrentHashMap<>();
    private long committed;
    private String failed;

    /** Transactions in order from this offset of the file (its checkpoint) on. */
    public CommitOrder(long committedUpTo) {
        this.committed = committedUpTo;
    }

    boolean ordered() {
        return this != ALONE;
    }

    /** A transaction of the current thread on c, loading from this offset, begins. */
    void begin(Connection c, long from) throws SQLException {
        if (ordered()) {
            open.put(Thread.currentThread(), new Open(c.unwrap(PGConnection.class).getBackendPID(), from));
        }
    }

    /** The current thread's transaction ended (committed or rolled back). */
    void end() {
        if (ordered()) {
            open.remove(Thread.currentThread());
        }
    }

    /**
     * Inside the transaction on c: returns once everything before from is committed. Throws
     * {@link GiveWay} if meanwhile an earlier part's transaction waits for a lock this one holds.
     */
    void awaitTurn(Connection c, long from) throws SQLException {
        if (!ordered() || turnCame(from, 0)) {
            return;
        }
        int self = c.unwrap(PGConnection.class).getBackendPID();
        while (!turnCame(from, POLL_MILLIS)) {
            Integer[] earlier = open.values().stream().filter(o -> o.from() < from).map(Open::pid).toArray(Integer[]::new);
            if (earlier.length == 0) {
                continue;
            }
            try (PreparedStatement p = c.prepareStatement(BLOCKS)) {
                p.setArray(1, c.createArrayOf("int4", earlier));
                p.setInt(2, self);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        throw new GiveWay(rs.getInt(1));
                    }
                }
            }
        }
    }

    /** Holding no transaction: waits until everything before from is committed. */
    void awaitCommitted(long from) throws SQLException {
        if (ordered()) {
            while (!turnCame(from, POLL_MILLIS)) {
                // waiting for the part before
            }
        }
    }

    /** true once everything before from is committed; waits up to millis for it (0: not at all). */
    private synchronized boolean turnCame(long from, long millis) throws SQLException {
        if (committed < from && failed == null && millis > 0) {
            try {
                wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("loading interrupted", "57014", e);
            }
        }
        if (failed != null) {
            throw new SQLException("an earlier part of the file was not loaded: " + failed, "57014");
        }
        if (committed > from) {
            throw new IllegalStateException("part from " + from + " loaded out of order: committed up to " + committed);
        }
        return committed == from;
    }

    /** The part [from, to) is committed (or, holding no lines to load, passed over). */
    synchronized void committed(long from, long to) {
        if (ordered() && committed == from) {
            committed = to;
            notifyAll();
        }
    }

    /** Everything up to to is committed or has nothing to load: waits for the part before, then moves on. */
    public void passOver(long from, long to) throws SQLException {
        if (from < to) {
            awaitCommitted(from);
            committed(from, to);
        }
    }

    /** A part failed: nothing after it can commit; every waiting transaction ends with this cause. */
    public synchronized void fail(String cause) {
        if (failed == null) {
            failed = cause;
        }
        notifyAll();
    }

    /** Whether a failed transaction should be done again once its turn came (it gave way, or a deadlock). */
    boolean redoAfterTurn(SQLException e) {
        return ordered() && DEADLOCK.equals(e.getSQLState()); // GiveWay says it too
    }
}
