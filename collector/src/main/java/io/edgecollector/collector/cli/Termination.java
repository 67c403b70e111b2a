package io.edgecollector.collector.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or SIGINT, so the command can stop the pipeline itself and return exit
 * code 0 instead of leaving the work to shutdown hooks. The signal also runs onSignal at once,
 * so a start that is still waiting for the broker gives up instead of keeping the process alive.
 */
final class Termination {
    private final CountDownLatch signalled = new CountDownLatch(1);

    Termination(Runnable onSignal) {
        Signal.handle(new Signal("TERM"), s -> signal(onSignal));
        Signal.handle(new Signal("INT"), s -> signal(onSignal));
    }

    private void signal(Runnable onSignal) {
        signalled.countDown();
        onSignal.run();
    }

    void await() throws InterruptedException {
        signalled.await();
    }
}
