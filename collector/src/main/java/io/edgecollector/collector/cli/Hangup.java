package io.edgecollector.collector.cli;

import io.edgecollector.collector.CollectorMain;
import io.edgecollector.collector.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP (systemctl reload): re-reads the configuration and hands it to the reload action. A
 * bad file changes nothing and is said in one line; the daemon goes on with what it had. A
 * process started with SIGHUP ignored (nohup) never sees it: said at start, once.
 */
final class Hangup {
    private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {
    }

    static void onSignal(Runnable reload) {
        SignalHandler before = Signal.handle(new Signal("HUP"), s -> {
            LOG.info("event=reload_requested signal=HUP");
            try {
                reload.run();
            } catch (ConfigException e) {
                LOG.error("event=reload_refused cause=\"{}\"; keeping the sensor registry and alert rules in use",
                        e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("event=reload_refused cause=\"{}\"; keeping the sensor registry and alert rules in use",
                        CollectorMain.oneLine(e));
            }
        });
        if (before == SignalHandler.SIG_IGN) {
            // the JVM keeps an ignored SIGHUP ignored: the handler above will never run
            LOG.warn("event=reload_unavailable cause=\"SIGHUP is ignored by this process (started under nohup?)\";"
                    + " a reload (systemctl reload, kill -HUP) does nothing: restart to apply a changed configuration,"
                    + " or start it through bin/edge-collector");
        }
    }
}
