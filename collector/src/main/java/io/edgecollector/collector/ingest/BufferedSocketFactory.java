package io.edgecollector.collector.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets whose input is buffered. Paho reads every packet's header a byte at a time
 * straight from the socket and asks {@code available()} before each packet: four or five system
 * calls per message. Reading through a buffer takes a backlog in 64 KiB gulps instead; a bare
 * Paho client drains one about half as fast again with it (bench/drain.sh shows both).
 * Nothing else changes: timeouts and end of stream reach Paho as before.
 * The buffer is read by Paho's one receiver thread: unlike BufferedInputStream it takes no lock
 * per byte, and {@code available()} is answered from the buffer when it holds bytes (a system
 * call only when it is empty).
 */
public final class BufferedSocketFactory extends SocketFactory {
    static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public Socket createSocket() {
        return new BufferedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, localPort));
    }

    private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = new BufferedSocket();
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A socket that hands out one buffered input stream. */
    private static final class BufferedSocket extends Socket {
        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new Buffered(super.getInputStream(), BUFFER_BYTES);
            }
            return in;
        }
    }

    /** An unsynchronized buffered input stream, for the one thread that reads a connection. */
    static final class Buffered extends InputStream {
        private final InputStream in;
        private final byte[] buf;
        private int pos;
        private int count;

        Buffered(InputStream in, int size) {
            this.in = in;
            this.buf = new byte[size];
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            count = n;
            return true;
        }

        @Override
        public int read() throws IOException {
            if (pos >= count && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int buffered = count - pos;
            if (buffered <= 0) {
                if (len >= buf.length) {
                    return in.read(b, off, len); // a large read goes straight through
                }
                if (!fill()) {
                    return -1;
                }
                buffered = count - pos;
            }
            int n = Math.min(buffered, len);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            int buffered = count - pos;
            if (buffered > 0) {
                int k = (int) Math.min(buffered, n);
                pos += k;
                return k;
            }
            return in.skip(n);
        }

        @Override
        public int available() throws IOException {
            int buffered = count - pos;
            return buffered > 0 ? buffered : in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
