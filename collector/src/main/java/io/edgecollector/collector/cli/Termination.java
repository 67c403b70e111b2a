package io.edgecollector.collector.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the daemon to stop, so the command stops the pipeline itself and
 * returns exit code 0 instead of leaving the work to shutdown hooks. A start still waiting
 * for the broker gives up at once instead of keeping the process alive.
 */
final class Termination {
    private Termination() {
    }

    static void onSignal(Runnable stop) {
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
    }
}
