package io.edgecollector.collector.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or SIGINT, so the command can stop the pipeline itself and return exit
 * code 0 instead of leaving the work to shutdown hooks.
 */
final class Termination {
    private final CountDownLatch signalled = new CountDownLatch(1);

    Termination() {
        Signal.handle(new Signal("TERM"), s -> signalled.countDown());
        Signal.handle(new Signal("INT"), s -> signalled.countDown());
    }

    void await() throws InterruptedException {
        signalled.await();
    }
}
