package io.edgecollector.common;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of long work (compaction, replay, a flood of messages) on stderr. On a terminal one
 * line redrawn in place four times a second (bar, percent, rate, time left); otherwise, for
 * logs and cron mail, a plain line every {@value #PLAIN_EVERY_SECONDS} seconds. Either way a
 * final line with the total and the rate. Shared by the simulator and the collector's commands.
 */
public final class Progress implements AutoCloseable {
    static final int PLAIN_EVERY_SECONDS = 10;
    private static final long TERMINAL_EVERY_MS = 250;
    private static final int BAR_WIDTH = 24;

    /** How the amount is shown. */
    public enum Unit {
        MESSAGES("msg"), LINES("lines"), BYTES("MB");

        private final String label;

        Unit(String label) {
            this.label = label;
        }
    }

    /** Tracks nothing and prints nothing; shared, so it keeps no count either. */
    public static final Progress NONE = silent(System.err);

    private final String task;
    private final Unit unit;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final ScheduledExecutorService timer;
    private final AtomicLong done = new AtomicLong();
    private final long started = System.nanoTime();
    private final boolean silent;
    private int lastWidth;
    private boolean finished;

    Progress(String task, Unit unit, long total, PrintStream out, boolean terminal, ScheduledExecutorService timer) {
        this(task, unit, total, out, terminal, timer, false);
    }

    private Progress(String task, Unit unit, long total, PrintStream out, boolean terminal, ScheduledExecutorService timer,
                     boolean silent) {
        this.task = task;
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.timer = timer;
        this.silent = silent;
    }

    /** A progress that ignores every call: it never writes to out. */
    static Progress silent(PrintStream out) {
        return new Progress("", Unit.MESSAGES, 0, out, false, null, true);
    }

    /**
     * Starts showing progress on stderr.
     * @param total the amount when done, or 0 when not known beforehand
     */
    public static Progress start(String task, Unit unit, long total) {
        return start(task, unit, total, System.err, System.console() != null);
    }

    static Progress start(String task, Unit unit, long total, PrintStream out, boolean terminal) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        Progress p = new Progress(task, unit, total, out, terminal, timer);
        long every = terminal ? TERMINAL_EVERY_MS : TimeUnit.SECONDS.toMillis(PLAIN_EVERY_SECONDS);
        timer.scheduleAtFixedRate(p::show, every, every, TimeUnit.MILLISECONDS);
        return p;
    }

    public void add(long amount) {
        if (!silent) {
            done.addAndGet(amount);
        }
    }

    public void set(long amount) {
        if (!silent) {
            done.set(amount);
        }
    }

    public long done() {
        return done.get();
    }

    /** The status as shown now, without the terminal's redrawing. */
    synchronized String line() {
        long d = done.get();
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        double rate = d / seconds;
        StringBuilder s = new StringBuilder(task).append(": ");
        if (total > 0) {
            double fraction = Math.min(1.0, (double) d / total);
            if (terminal) {
                int filled = (int) Math.round(fraction * BAR_WIDTH);
                s.append('[').append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append("] ");
            }
            s.append(amount(d)).append('/').append(amount(total)).append(' ').append(unit.label)
                    .append(String.format(Locale.ROOT, " (%.0f%%)", fraction * 100));
        } else {
            s.append(amount(d)).append(' ').append(unit.label);
        }
        s.append(", ").append(amount(rate)).append(' ').append(unit.label).append("/s");
        if (total > 0 && rate > 0 && d < total) {
            s.append(", ").append(duration((total - d) / rate)).append(" left");
        }
        return s.toString();
    }

    /** Draws the current status (the timer calls this). */
    synchronized void show() {
        if (finished || silent) {
            return;
        }
        String line = line();
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Stops the display and prints the final line: the total, the time it took and the rate. */
    public synchronized void finish() {
        if (finished || silent) {
            return;
        }
        finished = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        long d = done.get();
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        String line = String.format(Locale.ROOT, "%s: %s %s in %s (%s %s/s)", task, amount(d), unit.label,
                duration(seconds), amount(d / seconds), unit.label);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())) + "\n");
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void close() {
        finish();
    }

    private String amount(double v) {
        if (unit == Unit.BYTES) {
            return String.format(Locale.ROOT, "%.1f", v / 1e6);
        }
        return String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    private static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
