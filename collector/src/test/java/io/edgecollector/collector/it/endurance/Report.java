package io.edgecollector.collector.it.endurance;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The end of an endurance run in words: drift and slopes after the warm-up, faults, counts. */
final class Report {
    private Report() {
    }

    static void print(Endurance.Outcome o, Duration warmUp, PrintStream out) {
        List<Sample> after = settled(o.samples(), warmUp);
        out.printf("%nsamples after the first %d s: %d (every %d s)%n", warmUp.toSeconds(), after.size(),
                Endurance.SAMPLE_EVERY.toSeconds());
        quantity(out, "rss MB", after, s -> s.rssKb() / 1024.0);
        quantity(out, "fds", after, s -> s.fds());
        quantity(out, "threads", after, s -> s.threads());
        quantity(out, "backlog", after.stream().filter(s -> s.backlog() >= 0).toList(), s -> s.backlog());
        // a kill -9 starts a new process: memory is compared within each process's life
        Map<Long, List<Sample>> byProcess = after.stream().collect(Collectors.groupingBy(Sample::pid));
        byProcess.values().stream().sorted(Comparator.comparingLong(l -> l.get(0).second())).forEach(l ->
                out.printf("process pid=%d t=%d..%ds samples=%d rss %.1f -> %.1f MB (%+.1f MB/hour) fds %d -> %d threads %d -> %d%n",
                        l.get(0).pid(), l.get(0).second(), l.get(l.size() - 1).second(), l.size(),
                        l.get(0).rssKb() / 1024.0, l.get(l.size() - 1).rssKb() / 1024.0,
                        Sample.slopePerHour(l, s -> s.rssKb() / 1024.0), l.get(0).fds(), l.get(l.size() - 1).fds(),
                        l.get(0).threads(), l.get(l.size() - 1).threads()));
        o.faults().forEach(out::println);
        out.println(o.counts().line());
    }

    /** Whole samples taken after the warm-up. */
    static List<Sample> settled(List<Sample> samples, Duration warmUp) {
        return samples.stream().filter(s -> s.second() >= warmUp.toSeconds() && s.complete()).toList();
    }

    private static void quantity(PrintStream out, String name, List<Sample> s, ToDoubleFunction<Sample> v) {
        if (s.isEmpty()) {
            out.printf("%-8s no samples%n", name);
            return;
        }
        out.printf("%-8s first %.1f last %.1f min %.1f max %.1f slope %+.2f per hour%n", name,
                v.applyAsDouble(s.get(0)), v.applyAsDouble(s.get(s.size() - 1)),
                s.stream().mapToDouble(v).min().orElse(0), s.stream().mapToDouble(v).max().orElse(0),
                Sample.slopePerHour(s, v));
    }
}
