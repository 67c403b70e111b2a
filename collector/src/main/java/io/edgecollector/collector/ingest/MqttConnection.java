package io.edgecollector.collector.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One MQTT 5 connection of a subscriber that acknowledges when it chooses to: what the intake
 * needs of MQTT and nothing more (no publishing, no QoS 2, no will, no WebSocket).
 *
 * <p>Why not Paho here: Paho hands every message from its receiver thread to its callback thread
 * through a 10-deep wait/notify queue, and writes and flushes each acknowledgement on a third
 * thread. At 2,000 msg/s that was about half of the collector's CPU per message. Here one thread
 * reads the socket through a buffer ({@link SocketInput}) and delivers each message itself, and
 * the acknowledgements of a batch are queued by {@link #ack} and go out in one write ({@link #sendAcks}).
 *
 * <p>Keep-alive is driven from outside ({@link #keepAlive}, about once a second): a PINGREQ when
 * nothing was sent for the keep-alive interval, and the connection given up when nothing at all
 * came back within another interval.
 */
public final class MqttConnection implements AutoCloseable {
    /** What a connection tells its owner; called on its reader thread. */
    public interface Listener {
        /** A PUBLISH; a QoS 1 message stays unacknowledged until {@link #ack} and {@link #sendAcks}. */
        void message(String topic, byte[] payload, int qos, int packetId) throws InterruptedException;

        /** The connection ended other than by {@link #close}: why. Called once. */
        void lost(String cause);
    }

    /** How to connect. */
    public record Options(String url, String clientId, String username, byte[] password, int keepAliveSeconds,
                   long sessionExpirySeconds, int receiveMaximum, Duration connectTimeout, SSLSocketFactory tls) {
    }

    /** A refusal or failure to connect or subscribe, with the broker's reason when it gave one. */
    public static final class MqttRefused extends IOException {
        MqttRefused(String message) {
            super(message);
        }
    }

    static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int CONNECT = 0x10;
    private static final int CONNACK = 0x20;
    private static final int PUBLISH = 0x30;
    private static final int PUBACK = 0x40;
    private static final int SUBSCRIBE = 0x82;
    private static final int SUBACK = 0x90;
    private static final int UNSUBSCRIBE = 0xA2;
    private static final int UNSUBACK = 0xB0;
    private static final int PINGREQ = 0xC0;
    private static final int PINGRESP = 0xD0;
    private static final int DISCONNECT = 0xE0;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Listener listener;
    private final String name;
    /** Held while writing to the socket (never needed to close it). */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** PUBACKs queued by {@link #ack}, sent by {@link #sendAcks}; guarded by writeLock. */
    private byte[] acks = new byte[4 * 256];
    private int ackBytes;
    private volatile long lastSentNanos;
    private volatile long lastReceivedNanos;
    /** Whether the reader is handing a message over (and so reads nothing meanwhile). */
    private volatile boolean delivering;
    /** When the last PINGREQ went out, and whether nothing came back since; only {@link #keepAlive} uses them. */
    private long pingSentNanos;
    private boolean pingOutstanding;
    /** The client's keep-alive, or the broker's when its CONNACK set one; 0: none. */
    private volatile long keepAliveNanos;
    private int nextPacketId = 1;
    /** The one SUBSCRIBE or UNSUBSCRIBE waiting for its answer, and its packet id. */
    private volatile CompletableFuture<int[]> answer;
    private volatile int answerId;
    private volatile boolean closed;
    /** Whether the owner was told the connection ended, or closed it itself. */
    private final AtomicBoolean lostReported = new AtomicBoolean();
    private volatile Thread reader;
    private boolean sessionPresent;

    private MqttConnection(Socket socket, Listener listener, String name, int keepAliveSeconds) throws IOException {
        this.socket = socket;
        this.in = new SocketInput(socket.getInputStream(), READ_BUFFER_BYTES);
        this.out = socket.getOutputStream();
        this.listener = listener;
        this.name = name;
        this.keepAliveNanos = TimeUnit.SECONDS.toNanos(keepAliveSeconds);
        this.lastSentNanos = System.nanoTime();
        this.lastReceivedNanos = lastSentNanos;
    }

    /**
     * Connects, sends CONNECT and waits for the CONNACK. Nothing is read after that until
     * {@link #start}; from then on messages may arrive before any subscription is made (a
     * resumed session's backlog). Throws {@link MqttRefused} with the broker's reason when refused.
     */
    public static MqttConnection open(Options o, Listener listener, String threadName) throws IOException {
        URI uri = uri(o.url());
        boolean tls = uri.getScheme().equals("ssl");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 8883 : 1883;
        Socket plain = SocketFactory.getDefault().createSocket();
        // The time limit closes the socket rather than timing its calls: a connect or a read with a
        // timeout leaves a JDK socket non-blocking for good, and every later read then costs a
        // failed read, a poll and a read instead of one blocking read.
        AtomicBoolean settled = new AtomicBoolean();
        CompletableFuture.delayedExecutor(o.connectTimeout().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (settled.compareAndSet(false, true)) {
                closeQuietly(plain);
            }
        });
        Socket socket = plain;
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(uri.getHost(), port));
            if (tls) {
                SSLSocket s = (SSLSocket) o.tls().createSocket(plain, uri.getHost(), port, true);
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the broker's certificate must name the host
                s.setSSLParameters(p);
                s.startHandshake();
                socket = s;
            }
            MqttConnection c = new MqttConnection(socket, listener, threadName, o.keepAliveSeconds());
            int serverKeepAlive = c.handshake(o);
            if (serverKeepAlive >= 0) {
                c.keepAliveNanos = TimeUnit.SECONDS.toNanos(serverKeepAlive);
            }
            if (!settled.compareAndSet(false, true)) {
                throw new SocketException("closed");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            boolean timedOut = !settled.compareAndSet(false, true);
            closeQuietly(socket);
            closeQuietly(plain);
            if (timedOut) {
                throw new MqttRefused("no answer from " + uri.getHost() + ":" + port + " within "
                        + o.connectTimeout().toSeconds() + " s (connecting" + (tls ? ", TLS handshake" : "") + " or CONNACK)");
            }
            throw e;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    static URI uri(String url) throws MqttRefused {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme()))) {
                throw new MqttRefused("broker URL '" + url + "' must look like tcp://host:port or ssl://host:port");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new MqttRefused("broker URL '" + url + "' is not a URL: " + e.getReason());
        }
    }

    /** Sends CONNECT, reads CONNACK; the broker's Server Keep Alive, or -1 when it sent none. */
    private int handshake(Options o) throws IOException {
        MqttCodec.Packet p = new MqttCodec.Packet();
        p.string("MQTT").u8(5);
        int flags = 0; // clean start off: the session (and what it holds for us) resumes
        if (!o.username().isEmpty()) {
            flags |= 0x80;
        }
        if (o.password().length > 0) {
            flags |= 0x40;
        }
        p.u8(flags).u16(o.keepAliveSeconds());
        MqttCodec.Packet props = new MqttCodec.Packet();
        props.u8(0x11).u32(o.sessionExpirySeconds()); // Session Expiry Interval
        props.u8(0x21).u16(o.receiveMaximum()); // Receive Maximum
        p.properties(props).string(o.clientId());
        if (!o.username().isEmpty()) {
            p.string(o.username());
        }
        if (o.password().length > 0) {
            p.u16(o.password().length).bytes(o.password());
        }
        send(CONNECT, p);

        int header = readHeader();
        if (header < 0) {
            throw new MqttRefused("the broker closed the connection before answering CONNECT");
        }
        if ((header & 0xF0) != CONNACK) {
            throw new MqttRefused("the broker answered CONNECT with packet type " + (header >>> 4) + ", not CONNACK");
        }
        byte[] body = readBody(readVarInt());
        try {
            return connack(new MqttCodec.Reader(body));
        } catch (IllegalStateException e) {
            throw new MqttRefused(e.getMessage());
        }
    }

    private int connack(MqttCodec.Reader r) throws MqttRefused {
        sessionPresent = (r.u8() & 1) == 1;
        int reason = r.u8();
        MqttCodec.Properties answer = r.remaining() > 0 ? r.properties() : new MqttCodec.Properties();
        if (reason != 0) { // (an MQTT 3.1.1 broker answers 1: unacceptable protocol version)
            throw new MqttRefused("refused by the broker: " + ReasonCodes.describe(reason) + answer.why());
        }
        return answer.serverKeepAlive;
    }

    /** Whether the broker resumed a session it kept for this client id (its CONNACK said so). */
    public boolean sessionPresent() {
        return sessionPresent;
    }

    /** Starts the reader thread (named as given to {@link #open}), which delivers each message to the listener. */
    public void start() {
        reader = new Thread(this::readLoop, name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Subscribes at QoS 1 and waits for the answer; the filters the broker refused, each with why,
     * and those it granted at QoS 0 only (their messages cannot wait for the fsync to be acknowledged).
     */
    public List<String> subscribe(List<String> filters, Duration timeout) throws IOException, InterruptedException {
        MqttCodec.Packet p = new MqttCodec.Packet();
        int id = packetId();
        p.u16(id).u8(0); // no properties
        for (String f : filters) {
            // QoS 1; retained messages only when the subscription is new (retain handling 1), not
            // again with every reconnect of the persistent session
            p.string(f).u8(0x11);
        }
        int[] codes = await(SUBSCRIBE, id, p, timeout, "SUBACK");
        return refusals(filters, codes, true);
    }

    /** Unsubscribes and waits for the answer; the filters the broker refused, each with why. */
    List<String> unsubscribe(List<String> filters, Duration timeout) throws IOException, InterruptedException {
        MqttCodec.Packet p = new MqttCodec.Packet();
        int id = packetId();
        p.u16(id).u8(0);
        for (String f : filters) {
            p.string(f);
        }
        int[] codes = await(UNSUBSCRIBE, id, p, timeout, "UNSUBACK");
        return refusals(filters, codes, false);
    }

    /** The filters a SUBACK or UNSUBACK refused (codes from 0x80), and those a SUBACK granted at QoS 0 only. */
    static List<String> refusals(List<String> filters, int[] codes, boolean suback) {
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            int code = i < codes.length ? codes[i] : 0x80;
            if (code >= 0x80) {
                refused.add(filters.get(i) + " (" + ReasonCodes.describe(code) + ")");
            } else if (code == 0 && suback) {
                refused.add(filters.get(i) + " (granted QoS 0 only: not acknowledged after the fsync, a crash may lose its messages)");
            }
        }
        return refused;
    }

    private synchronized int packetId() {
        int id = nextPacketId;
        nextPacketId = id == 0xFFFF ? 1 : id + 1;
        return id;
    }

    private synchronized int[] await(int type, int id, MqttCodec.Packet p, Duration timeout, String what)
            throws IOException, InterruptedException {
        CompletableFuture<int[]> f = new CompletableFuture<>();
        answerId = id;
        answer = f;
        try {
            send(type, p);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) { // in slices: the connection is kept alive meanwhile, and a closed one ends the wait
                try {
                    return f.get(Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(0, deadline - System.nanoTime())),
                            TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (!keepAlive()) {
                        throw new MqttRefused("no " + what + ": the connection closed");
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        throw new MqttRefused("no " + what + " within " + timeout.toSeconds() + " s");
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new MqttRefused("no " + what + ": " + e.getCause().getMessage());
        } finally {
            answer = null;
        }
    }

    /**
     * Queues the PUBACK of a QoS 1 message; it goes out with {@link #sendAcks}. Whether it was
     * queued (false once the connection is closed: the broker will send the message again).
     */
    public boolean ack(int packetId) {
        writeLock.lock();
        try {
            if (closed) {
                return false;
            }
            if (ackBytes + 4 > acks.length) {
                acks = java.util.Arrays.copyOf(acks, acks.length * 2);
            }
            acks[ackBytes] = (byte) PUBACK;
            acks[ackBytes + 1] = 2;
            acks[ackBytes + 2] = (byte) (packetId >>> 8);
            acks[ackBytes + 3] = (byte) packetId;
            ackBytes += 4;
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends the queued PUBACKs in one write. A failed write closes the connection (the reader then reports it lost). */
    public void sendAcks() {
        writeLock.lock();
        try {
            if (ackBytes == 0 || closed) {
                return;
            }
            out.write(acks, 0, ackBytes);
            lastSentNanos = System.nanoTime();
        } catch (IOException e) {
            closeSocket();
        } finally {
            ackBytes = 0;
            if (acks.length > 64 * 1024) {
                acks = new byte[4 * 256];
            }
            writeLock.unlock();
        }
    }

    /**
     * Keeps the connection alive, called about once a second: a PINGREQ when nothing was sent
     * for the keep-alive interval (less a second); the connection closed (and reported lost)
     * when nothing came back for one and a half intervals after one. Returns whether it is still open.
     */
    public boolean keepAlive() {
        if (closed) {
            return false;
        }
        long keepAlive = keepAliveNanos;
        if (keepAlive == 0) {
            return true;
        }
        long now = System.nanoTime();
        if (pingOutstanding) {
            if (lastReceivedNanos - pingSentNanos >= 0) {
                pingOutstanding = false; // something came back after it
            } else if (!delivering && now - pingSentNanos > keepAlive + keepAlive / 2) {
                // (a reader held up handing a message over, by a full disk say, reads nothing: not the broker's silence)
                lostOnce("no answer from the broker for " + TimeUnit.NANOSECONDS.toSeconds(now - pingSentNanos)
                        + " s after a keep-alive ping");
                closeSocket();
                return false;
            }
        }
        if (now - lastSentNanos >= keepAlive - TimeUnit.SECONDS.toNanos(1)) {
            // also while a ping is unanswered because the reader is held up: the broker must hear
            // from the client within 1.5 intervals or it drops the connection
            if (!pingOutstanding) {
                pingSentNanos = now;
                pingOutstanding = true;
            }
            try {
                sendIfFree(PINGREQ); // (a write under way is heard from the client too, once it goes through)
            } catch (IOException e) {
                closeSocket();
                return false;
            }
        }
        return true;
    }

    public boolean isOpen() {
        return !closed && reader != null && reader.isAlive();
    }

    /** Sends what acknowledgements are queued and a DISCONNECT (the session stays on the broker), then closes. */
    public void disconnect() {
        lostReported.set(true); // the broker closes its side on DISCONNECT: the reader's end of stream is no loss
        sendAcks();
        try {
            send(DISCONNECT, null);
        } catch (IOException e) {
            // closing anyway
        }
        close();
    }

    /** Closes the socket and waits briefly for the reader thread; safe twice. Nothing is reported lost. */
    @Override
    public void close() {
        lostReported.set(true);
        closeSocket();
        Thread r = reader;
        if (r != null && r != Thread.currentThread()) {
            r.interrupt(); // a reader waiting to hand a message over stops waiting (the message stays unacknowledged)
            try {
                r.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Without the write lock: closing the socket is what ends a write blocked on a dead link. */
    private void closeSocket() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private void lostOnce(String cause) {
        if (lostReported.compareAndSet(false, true)) {
            listener.lost(cause);
        }
    }

    private void readLoop() {
        String cause;
        try {
            while (true) {
                int header = readHeader();
                if (header < 0) {
                    cause = "the broker closed the connection";
                    break;
                }
                lastReceivedNanos = System.nanoTime();
                int length = readVarInt();
                int type = header & 0xF0;
                if (type == PUBLISH) {
                    publish(header, length);
                } else if (type == PINGRESP) {
                    skip(length);
                } else if (type == SUBACK || type == UNSUBACK) {
                    answered(readBody(length));
                } else if (type == DISCONNECT) {
                    MqttCodec.Reader r = new MqttCodec.Reader(readBody(length));
                    int reason = r.remaining() > 0 ? r.u8() : 0;
                    String why = r.remaining() > 0 ? r.properties().why() : "";
                    cause = "the broker disconnected: " + ReasonCodes.describe(reason) + why;
                    break;
                } else {
                    cause = "protocol error: unexpected packet type " + (header >>> 4) + " from the broker";
                    break;
                }
            }
        } catch (InterruptedException e) {
            cause = "stopped while handing a message over";
        } catch (EOFException e) {
            cause = "the broker closed the connection";
        } catch (IOException e) {
            cause = e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (RuntimeException e) {
            cause = e.toString();
        }
        closeSocket(); // first: a SUBSCRIBE sent from now on fails at once
        CompletableFuture<int[]> waiting = answer;
        if (waiting != null) {
            waiting.completeExceptionally(new IOException(cause));
        }
        lostOnce(cause);
    }

    private void publish(int header, int length) throws IOException, InterruptedException {
        int qos = (header >>> 1) & 3;
        if (qos == 3) {
            throw new IOException("protocol error: a PUBLISH with QoS 3");
        }
        if (qos == 2) {
            throw new IOException("protocol error: a QoS 2 PUBLISH on a QoS 1 subscription");
        }
        int topicLength = readU16();
        byte[] topic = readBody(topicLength);
        int used = 2 + topicLength;
        int packetId = 0;
        if (qos > 0) {
            packetId = readU16();
            used += 2;
        }
        int propLength = readVarInt();
        skip(propLength);
        used += varIntSize(propLength) + propLength;
        if (used > length || topicLength == 0) {
            throw new IOException(topicLength == 0 ? "protocol error: a PUBLISH without a topic (topic aliases were not offered)"
                    : "malformed PUBLISH: its header is longer than the packet");
        }
        byte[] payload = readBody(length - used);
        delivering = true;
        try {
            listener.message(new String(topic, StandardCharsets.UTF_8), payload, qos, packetId);
        } finally {
            delivering = false;
            lastReceivedNanos = System.nanoTime(); // progress: a long hand-over is not a silent broker
        }
    }

    private void answered(byte[] body) {
        MqttCodec.Reader r = new MqttCodec.Reader(body);
        int id = r.u16();
        CompletableFuture<int[]> waiting = answer;
        if (waiting == null || id != answerId) {
            return; // an answer nobody waits for any more (timed out)
        }
        if (r.remaining() > 0) {
            r.properties();
        }
        int[] codes = new int[r.remaining()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = r.u8();
        }
        waiting.complete(codes);
    }

    private void send(int type, MqttCodec.Packet body) throws IOException {
        byte[] packet = packet(type, body);
        writeLock.lock();
        try {
            write(packet);
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends unless another write is under way (it may be stuck on a dead link); whether it was sent. */
    private boolean sendIfFree(int type) throws IOException {
        if (!writeLock.tryLock()) {
            return false;
        }
        try {
            write(packet(type, null));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    private void write(byte[] packet) throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
        out.write(packet);
        lastSentNanos = System.nanoTime();
    }

    private static byte[] packet(int type, MqttCodec.Packet body) {
        int length = body == null ? 0 : body.size();
        byte[] packet = new byte[1 + varIntSize(length) + length];
        packet[0] = (byte) type;
        int at = 1;
        int v = length;
        do {
            int b = v & 0x7F;
            v >>>= 7;
            packet[at++] = (byte) (v > 0 ? b | 0x80 : b);
        } while (v > 0);
        if (body != null) {
            body.copyTo(packet, at);
        }
        return packet;
    }

    private static int varIntSize(int v) {
        return v < 128 ? 1 : v < 16_384 ? 2 : v < 2_097_152 ? 3 : 4;
    }

    private int readHeader() throws IOException {
        return in.read();
    }

    /** A variable byte integer (MQTT's lengths), which senders write in its shortest form. */
    private int readVarInt() throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            v |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("malformed packet: a length longer than four bytes");
    }

    private int readU16() throws IOException {
        int hi = in.read();
        int lo = in.read();
        if ((hi | lo) < 0) {
            throw new EOFException();
        }
        return (hi << 8) | lo;
    }

    private byte[] readBody(int length) throws IOException {
        byte[] b = new byte[length];
        int at = 0;
        while (at < length) {
            int n = in.read(b, at, length - at);
            if (n < 0) {
                throw new EOFException();
            }
            at += n;
        }
        return b;
    }

    private void skip(int length) throws IOException {
        int left = length;
        while (left > 0) {
            if (in.read() < 0) {
                throw new EOFException();
            }
            left--;
        }
    }
}
